// The load's progress on stderr:
//
//   load 12s  statements 48213  4102/s  errors 713 (syntax 2)  reconnects 1
//
// On a terminal, one line redrawn in place ('\r') once per second. In a log
// (CI, a pipe), a line per second would be noise but silence would hide a
// stalled load: a line every 10 s, with the rate over those 10 s.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace randsync::load {

struct ProgressSample {
  double elapsed_s = 0;
  uint64_t statements = 0;
  uint64_t errors = 0;    // statements that did not end ok
  uint64_t syntax = 0;    // of which syntax errors
  uint64_t unknown = 0;   // of which not in the error table
  uint64_t reconnects = 0;
  bool paused = false;
};

// The line for `now`, with the rate over the interval since `before`.
std::string FormatProgress(const ProgressSample& now, const ProgressSample& before);

class ProgressLine {
 public:
  using Sampler = std::function<ProgressSample()>;

  enum class Style {
    kAuto,      // kTerminal when `out` is a terminal, else kLog
    kTerminal,  // redrawn in place every second
    kLog,       // "randsync: load ..." lines every `log_interval`
  };

  explicit ProgressLine(Sampler sampler, std::FILE* out = stderr, Style style = Style::kAuto,
                        std::chrono::milliseconds log_interval = std::chrono::seconds(10));
  ~ProgressLine();  // Stop()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void Start();
  // Stops redrawing and clears the line, so that what the caller prints next
  // starts at column 0.
  void Stop();
  bool terminal() const { return terminal_; }

 private:
  void Loop();
  void Draw(const std::string& line);

  Sampler sampler_;
  std::FILE* out_;
  bool terminal_;
  std::chrono::milliseconds log_interval_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  size_t last_len_ = 0;
};

}  // namespace randsync::load
