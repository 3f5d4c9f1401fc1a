#include "runners/cli/check_progress.h"

#include <fmt/core.h>

#include <utility>

namespace randsync::cli {

CheckProgressPrinter::CheckProgressPrinter(bool quiet, bool tty, std::FILE* out,
                                           std::function<Clock::time_point()> now)
    : quiet_(quiet), tty_(tty), out_(out), now_(std::move(now)) {}

CheckProgressPrinter::~CheckProgressPrinter() {
  if (tty_ && live_) std::fputs("\n", out_);
}

void CheckProgressPrinter::operator()(const checker::CheckProgress& p) {
  if (quiet_) return;
  const Clock::time_point now = now_();
  if (p.phase != phase_) {
    if (tty_ && live_) std::fputs("\n", out_);
    live_ = false;
    phase_ = p.phase;
    last_line_ = now;
    if (!tty_) std::fprintf(out_, "check: %s ...\n", p.phase.c_str());
  }
  if (p.total == 0) return;
  const std::string counts =
      fmt::format("{} {}/{}{}", p.phase, p.done, p.total, p.rows ? fmt::format(", {} rows", p.rows) : "");
  if (tty_) {
    std::fprintf(out_, "\rcheck: %s", counts.c_str());
    live_ = true;
  } else if (now - last_line_ >= kInterval) {
    std::fprintf(out_, "check: %s\n", counts.c_str());
    last_line_ = now;
  }
}

}  // namespace randsync::cli
