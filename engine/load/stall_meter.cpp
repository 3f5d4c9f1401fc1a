#include "engine/load/stall_meter.h"

#include <map>
#include <optional>
#include <utility>

namespace randsync::load {
namespace {
using Clock = RunControl::Clock;
constexpr auto kPeriod = std::chrono::milliseconds(1);
}  // namespace

StallMeter::StallMeter(const LoadEngine& engine, std::chrono::milliseconds tail) : engine_(engine), tail_(tail) {}

StallMeter::~StallMeter() {
  if (sampler_.joinable()) Stop();
}

void StallMeter::Start() {
  result_ = {};
  stopping_ = false;
  sampler_ = std::thread([this] { Sample(); });
}

Stall StallMeter::Stop() {
  stopping_ = true;
  if (sampler_.joinable()) sampler_.join();
  return result_;
}

// Each statement seen running is followed until it is seen no more: its
// stall is the time from its start to the last sample that saw it. After
// the window only the statements running at its end are followed.
void StallMeter::Sample() {
  using Key = std::pair<uint32_t, uint64_t>;  // thread, statement number
  std::map<Key, Clock::time_point> followed;  // statement -> its start
  std::optional<Clock::time_point> window_end;
  Key longest{};
  for (;;) {
    const auto now = Clock::now();
    std::map<Key, Clock::time_point> running;
    for (const LoadEngine::InFlight& s : engine_.InFlightStatements()) {
      const Key key{s.thread, s.seq};
      if (window_end && !followed.contains(key)) continue;  // began after the window
      running.emplace(key, s.since);
      const auto stall = std::chrono::duration_cast<std::chrono::microseconds>(now - s.since);
      if (stall > result_.longest) {
        if (key != longest) {
          result_.statement = engine_.RunningStatement(s.thread, s.seq);
          longest = key;
        }
        result_.longest = stall;
        result_.thread = s.thread;
      }
    }
    followed = std::move(running);
    if (!window_end && stopping_) window_end = now;
    if (window_end && (followed.empty() || now - *window_end >= tail_)) {
      result_.still_running = followed.contains(longest);
      return;
    }
    std::this_thread::sleep_for(kPeriod);
  }
}

}  // namespace randsync::load
