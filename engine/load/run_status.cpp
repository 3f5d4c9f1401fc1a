#include "engine/load/run_status.h"

#include <fmt/format.h>

namespace randsync::load {

const char* ToString(StopReason reason) {
  switch (reason) {
    case StopReason::kNone: return "running";
    case StopReason::kDeadline: return "deadline";
    case StopReason::kQueryLimit: return "query limit";
    case StopReason::kFatal: return "fatal error";
    case StopReason::kStopped: return "stopped";
    case StopReason::kServerShutdown: return "server shut down";
  }
  return "?";
}

std::string FatalEvent::Describe() const {
  std::string out = fmt::format("thread {} at {:.1f} s: {}: ", thread, at_s, ToString(outcome));
  if (error_number != 0) {
    out += fmt::format("ERROR {} ({}): ", error_number, sqlstate.empty() ? "HY000" : sqlstate);
  }
  out += message;
  if (!sql.empty()) {
    constexpr size_t kMaxSql = 500;
    out += "; statement: ";
    out += sql.size() > kMaxSql ? sql.substr(0, kMaxSql) + " ..." : sql;
  }
  return out;
}

}  // namespace randsync::load
