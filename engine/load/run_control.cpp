#include "engine/load/run_control.h"

#include <utility>

namespace randsync::load {

RunControl::RunControl(const LoadOptions& options, uint32_t workers)
    : options_(options), workers_(workers), running_(workers) {}

void RunControl::RequestStop(StopReason reason) {
  {
    std::lock_guard lock(mu_);
    if (reason_ == StopReason::kNone) reason_ = reason;
    stopping_.store(true, std::memory_order_relaxed);
  }
  resume_cv_.notify_all();
  idle_cv_.notify_all();
}

StopReason RunControl::reason() const {
  std::lock_guard lock(mu_);
  return reason_;
}

void RunControl::ReportFatal(FatalEvent event) {
  {
    std::lock_guard lock(mu_);
    if (!fatal_) fatal_ = std::move(event);
  }
  RequestStop(StopReason::kFatal);
}

std::optional<FatalEvent> RunControl::fatal() const {
  std::lock_guard lock(mu_);
  return fatal_;
}

bool RunControl::Pause(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  paused_ = true;
  pause_flag_.store(true, std::memory_order_release);
  return idle_cv_.wait_for(lock, timeout, [this] { return idle_ + finished_ >= workers_; });
}

void RunControl::Resume() {
  {
    std::lock_guard lock(mu_);
    paused_ = false;
    pause_flag_.store(false, std::memory_order_release);
  }
  resume_cv_.notify_all();
}

void RunControl::WorkerFinished() {
  {
    std::lock_guard lock(mu_);
    ++finished_;
    running_.fetch_sub(1);
  }
  idle_cv_.notify_all();
}

void RunControl::WakeAll() {
  { std::lock_guard lock(mu_); }  // orders the flag store before the wake-up
  resume_cv_.notify_all();
  idle_cv_.notify_all();
}

}  // namespace randsync::load
