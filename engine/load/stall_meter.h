// The longest statement stall the load saw during a window (a sync point
// and its check): how long the slowest statement that was running at some
// moment of the window took, as the load's own clock sees it.
//
// Threading: Start() spawns a sampler thread that reads the workers'
// in-flight statements (LoadEngine::InFlightStatements) every millisecond;
// Stop() ends the window, follows the statements still running then until
// they finish (at most `tail`), joins the sampler and returns the figure.
// One window at a time; Start/Stop from one thread. The engine must outlive
// the meter's windows.
//
// Sampling: a statement's stall is known to within a sampling period (1 ms
// plus scheduling), which is well below the 50 ms a sync point may cost.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "engine/load/load_engine.h"

namespace randsync::load {

struct Stall {
  std::chrono::microseconds longest{0};
  uint32_t thread = 0;        // the worker whose statement it was; 0: none ran
  bool still_running = false;  // it had not ended `tail` after the window
  std::string statement;       // its text (as sent), when read while it ran
};

class StallMeter {
 public:
  explicit StallMeter(const LoadEngine& engine,
                      std::chrono::milliseconds tail = std::chrono::seconds(2));
  ~StallMeter();
  StallMeter(const StallMeter&) = delete;
  StallMeter& operator=(const StallMeter&) = delete;

  void Start();
  Stall Stop();

 private:
  void Sample();

  const LoadEngine& engine_;
  const std::chrono::milliseconds tail_;
  std::thread sampler_;
  std::atomic<bool> stopping_{false};
  Stall result_;
};

}  // namespace randsync::load
