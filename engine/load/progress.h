// The live one-line progress display on stderr:
//
//   load 12s  statements 48213  4102/s  errors 713 (syntax 2)  reconnects 1
//
// redrawn in place ('\r') once per second, and only when stderr is a
// terminal: in CI logs and pipes a line per second is noise, and the caller
// prints the final summary anyway.
#pragma once

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

  // Draws on `out` when `out` is a terminal, or always when `force` is set
  // (tests); otherwise Start() does nothing.
  explicit ProgressLine(Sampler sampler, std::FILE* out = stderr, bool force = false);
  ~ProgressLine();  // Stop()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void Start();
  // Stops redrawing and clears the line, so that what the caller prints next
  // starts at column 0.
  void Stop();
  bool enabled() const { return enabled_; }

 private:
  void Loop();
  void Draw(const std::string& line);

  Sampler sampler_;
  std::FILE* out_;
  bool enabled_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  size_t last_len_ = 0;
};

}  // namespace randsync::load
