#include "engine/load/progress.h"

#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

namespace randsync::load {

std::string FormatProgress(const ProgressSample& now, const ProgressSample& before) {
  const double dt = now.elapsed_s - before.elapsed_s;
  const double rate =
      dt > 0 ? static_cast<double>(now.statements - before.statements) / dt : 0.0;
  std::string line = fmt::format("load {:.0f}s  statements {}  {:.0f}/s  errors {}", now.elapsed_s,
                                 now.statements, rate, now.errors);
  if (now.syntax || now.unknown) {
    line += fmt::format(" (syntax {}, unknown {})", now.syntax, now.unknown);
  }
  if (now.reconnects) line += fmt::format("  reconnects {}", now.reconnects);
  if (now.paused) line += "  [paused]";
  return line;
}

ProgressLine::ProgressLine(Sampler sampler, std::FILE* out, Style style, std::chrono::milliseconds log_interval)
    : sampler_(std::move(sampler)),
      out_(out),
      terminal_(style == Style::kTerminal || (style == Style::kAuto && ::isatty(::fileno(out)) == 1)),
      log_interval_(log_interval) {}

ProgressLine::~ProgressLine() { Stop(); }

void ProgressLine::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ProgressLine::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (last_len_ > 0) {
    std::fprintf(out_, "\r%*s\r", static_cast<int>(last_len_), "");
    std::fflush(out_);
    last_len_ = 0;
  }
}

void ProgressLine::Loop() {
  ProgressSample before = sampler_();
  std::unique_lock lock(mu_);
  const std::chrono::milliseconds interval = terminal_ ? std::chrono::seconds(1) : log_interval_;
  while (!cv_.wait_for(lock, interval, [this] { return stop_; })) {
    ProgressSample now = sampler_();
    if (terminal_) {
      Draw(FormatProgress(now, before));
    } else {
      std::fprintf(out_, "randsync: %s\n", FormatProgress(now, before).c_str());
      std::fflush(out_);
    }
    before = now;
  }
}

void ProgressLine::Draw(const std::string& line) {
  // Pad over the rest of a longer previous line instead of relying on
  // terminal escape sequences.
  const size_t pad = last_len_ > line.size() ? last_len_ - line.size() : 0;
  std::fprintf(out_, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
  std::fflush(out_);
  last_len_ = line.size();
}

}  // namespace randsync::load
