// What `randsync check` prints while it works (stderr).
//
// On a terminal: one live line, rewritten as chunks are hashed. Otherwise (a
// buildbot log): a line per phase change and, in a long phase, one every
// 10 s, so the log shows where a check spent its time and that it is moving,
// without a line per chunk.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "checker/check_run.h"

namespace randsync::cli {

class CheckProgressPrinter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kInterval{10};

  // `out` is stderr in randsync; `tty` whether it is a terminal. `now` is
  // for tests.
  CheckProgressPrinter(bool quiet, bool tty, std::FILE* out,
                       std::function<Clock::time_point()> now = &Clock::now);
  ~CheckProgressPrinter();  // ends the live line
  CheckProgressPrinter(const CheckProgressPrinter&) = delete;
  CheckProgressPrinter& operator=(const CheckProgressPrinter&) = delete;

  void operator()(const checker::CheckProgress& p);

 private:
  bool quiet_;
  bool tty_;
  std::FILE* out_;
  std::function<Clock::time_point()> now_;
  bool live_ = false;
  std::string phase_;
  Clock::time_point last_line_;
};

}  // namespace randsync::cli
