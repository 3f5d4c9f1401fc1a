// RunControl: what the engine and its workers share while a run is going —
// the stop flags, the pause gate, the first fatal event. Everything a worker
// touches on its statement path is a relaxed atomic read; the mutex is taken
// only to pause, finish or report a fatal event.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "engine/load/load_options.h"
#include "engine/load/run_status.h"

namespace randsync::load {

class RunControl {
 public:
  using Clock = std::chrono::steady_clock;

  RunControl(const LoadOptions& options, uint32_t workers);

  const LoadOptions& options() const { return options_; }
  Clock::time_point start() const { return start_; }
  void set_start(Clock::time_point t) { start_ = t; }
  double Elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  // --- Stopping
  bool ShouldStop() const {
    return stopping_.load(std::memory_order_relaxed) ||
           stop_requested_.load(std::memory_order_relaxed);
  }
  // Async-signal-safe (a lock-free atomic store): the supervisor turns it
  // into a RequestStop(kStopped) within one tick.
  void RequestStopAsync() { stop_requested_.store(true, std::memory_order_relaxed); }
  bool stop_requested_async() const { return stop_requested_.load(std::memory_order_relaxed); }
  // The first reason wins. Wakes paused workers.
  void RequestStop(StopReason reason);
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  StopReason reason() const;

  // Records `event` if it is the run's first, and stops the run.
  void ReportFatal(FatalEvent event);
  std::optional<FatalEvent> fatal() const;

  void ExpectServerShutdown() { shutdown_expected_.store(true); }
  bool shutdown_expected() const { return shutdown_expected_.load(); }

  // Total query limit: false once `queries_total` queries have started.
  bool TakeQuery() {
    const uint64_t limit = options_.queries_total;
    return limit == 0 || queries_started_.fetch_add(1, std::memory_order_relaxed) < limit;
  }

  // --- Pausing
  // Workers call Gate() before each statement: it returns at once unless a
  // pause is on, and then blocks until Resume() or a stop. `on_idle` runs
  // once the worker is counted idle (flush the query log there).
  template <typename OnIdle>
  void Gate(OnIdle&& on_idle) {
    if (!pause_flag_.load(std::memory_order_acquire)) return;
    std::unique_lock lock(mu_);
    if (!paused_ || ShouldStop()) return;
    ++idle_;
    idle_cv_.notify_all();
    on_idle();
    resume_cv_.wait(lock, [this] { return !paused_ || ShouldStop(); });
    --idle_;
  }
  // Blocks until every worker is idle at its gate or finished; false on
  // timeout (the pause stays on: call Resume()).
  bool Pause(std::chrono::milliseconds timeout);
  void Resume();
  bool paused() const { return pause_flag_.load(std::memory_order_relaxed); }

  // --- Workers ending
  void WorkerFinished();
  uint32_t running() const { return running_.load(); }
  // Wakes waiters (paused workers, Pause()) after ShouldStop() became true
  // through RequestStopAsync().
  void WakeAll();

 private:
  const LoadOptions& options_;
  const uint32_t workers_;
  Clock::time_point start_ = Clock::now();

  std::atomic<bool> stopping_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> shutdown_expected_{false};
  std::atomic<uint64_t> queries_started_{0};
  std::atomic<uint32_t> running_;
  std::atomic<bool> pause_flag_{false};

  mutable std::mutex mu_;
  std::condition_variable resume_cv_;  // paused workers wait here
  std::condition_variable idle_cv_;    // Pause() waits here
  bool paused_ = false;
  uint32_t idle_ = 0;
  uint32_t finished_ = 0;
  StopReason reason_ = StopReason::kNone;
  std::optional<FatalEvent> fatal_;
};

}  // namespace randsync::load
