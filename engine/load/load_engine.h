// LoadEngine: the multithreaded random load. N workers (one OS thread, one
// Generator and one Connection each; see worker.h) send their grammar's
// statements to one server until a deadline, a query limit, a fatal outcome
// or Stop(); a supervisor thread enforces the deadline and the statement
// watchdog and makes every stop end within about stop_grace.
//
//   LoadOptions o;
//   o.threads = 4; o.duration = 30s; o.program = program; o.dsn = dsn;
//   LoadEngine engine(o);
//   engine.Start();
//   ...                      // engine.Pause() / Resume() around sync points
//   LoadResult r = engine.Wait();
//   std::fputs(r.summary.ToText().c_str(), stderr);
//   return ExitCode(r.status);
//
// SIGINT: call Stop() from the handler (it only stores an atomic flag), or
// from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "engine/load/big_stack_thread.h"
#include "engine/load/load_options.h"
#include "engine/load/progress.h"
#include "engine/load/run_control.h"
#include "engine/load/run_status.h"
#include "engine/load/stats.h"

namespace randsync::load {

class Worker;

struct LoadResult {
  Status status = Status::kOk;  // that of the first fatal event, else kOk
  StopReason reason = StopReason::kNone;
  std::optional<FatalEvent> fatal;
  RunSummary summary;

  nlohmann::json ToJson() const;
};

// The live counters, summed over the workers (for progress, timelines).
struct LiveCounters {
  double elapsed_s = 0;
  uint64_t statements = 0;
  uint64_t queries = 0;
  uint64_t reconnects = 0;
  std::array<uint64_t, kOutcomeCount> outcomes{};
  uint64_t outcome(Outcome o) const { return outcomes[static_cast<size_t>(o)]; }
};

class LoadEngine {
 public:
  // Throws std::invalid_argument for unusable options (no program, zero
  // threads).
  explicit LoadEngine(LoadOptions options);
  // Stops and joins a run still going.
  ~LoadEngine();
  LoadEngine(const LoadEngine&) = delete;
  LoadEngine& operator=(const LoadEngine&) = delete;

  // Creates the query log directory and starts the workers and the
  // supervisor; returns at once. Once per engine.
  void Start();
  // Blocks until the run has ended and every thread is joined.
  LoadResult Wait();
  LoadResult Run() {
    Start();
    return Wait();
  }

  // Asks every worker to stop; returns at once. Async-signal-safe.
  void Stop() { control_.RequestStopAsync(); }
  // Blocks new statements and returns once every worker is idle between
  // two statements (or finished); false if some statement still ran after
  // `timeout` (the pause stays on until Resume()).
  bool Pause(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  void Resume();
  // The server is about to go away on purpose (a scenario restarts it): a
  // lost server then ends the run with kServerShutdown and status ok.
  void ExpectServerShutdown() { control_.ExpectServerShutdown(); }

  // Both from any thread once Start() has returned.
  LiveCounters Live() const;
  // CONNECTION_ID() of each worker's session (0 while not connected, and
  // after the run), in thread order: for KILLs in tests and for matching
  // the server's logs.
  std::vector<uint64_t> ConnectionIds() const;
  // The statement each worker is running now, if any (for StallMeter).
  struct InFlight {
    uint32_t thread = 0;
    uint64_t seq = 0;  // the worker's statement number
    RunControl::Clock::time_point since;
  };
  std::vector<InFlight> InFlightStatements() const;
  // The text of worker `thread`'s statement `seq` while it runs, else "".
  std::string RunningStatement(uint32_t thread, uint64_t seq) const;
  const LoadOptions& options() const { return options_; }

 private:
  void Supervise();
  void Watchdog(std::vector<uint64_t>& killed_seq);

  LoadOptions options_;
  RunControl control_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<BigStackThread> threads_;
  std::thread supervisor_;
  std::unique_ptr<ProgressLine> progress_;
  bool started_ = false;
  bool waited_ = false;
  RunControl::Clock::time_point end_{};
  std::atomic<uint64_t> watchdog_kills_{0};
  // The watchdog's KILL QUERY connection; supervisor thread only.
  std::optional<db::Connection> admin_;
  RunControl::Clock::time_point admin_retry_{};
};

}  // namespace randsync::load
