#include "runners/scenario/crash_steps.h"

#include <csignal>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "runners/server/throwaway_server.h"

namespace randsync::scenario {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int SignalNumber(CrashSignal s) {
  switch (s) {
    case CrashSignal::kTerm: return SIGTERM;
    case CrashSignal::kAbrt: return SIGABRT;
    case CrashSignal::kKill: break;
  }
  return SIGKILL;
}

// "--sync-binlog=0" and "--sync_binlog=0" name one variable.
std::string VariableOf(const std::string& option) {
  std::string name = option.substr(0, option.find('='));
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

}  // namespace

const char* ToString(CrashRole role) { return role == CrashRole::kMaster ? "master" : "slave"; }

const char* ToString(CrashSignal signal) {
  switch (signal) {
    case CrashSignal::kTerm: return "TERM";
    case CrashSignal::kAbrt: return "ABRT";
    case CrashSignal::kKill: break;
  }
  return "KILL";
}

std::string CrashStep::Describe() const { return fmt::format("{}@{:g}:{}", ToString(role), at_s, ToString(signal)); }

CrashStep ParseCrashStep(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return std::invalid_argument(fmt::format("--crash {}: {} (ROLE@SECONDS[:SIGNAL], ROLE master or slave, "
                                             "SIGNAL KILL, TERM or ABRT)",
                                             text, why));
  };
  const size_t at = text.find('@');
  if (at == std::string_view::npos) throw fail("no '@'");
  CrashStep step;
  const std::string_view role = text.substr(0, at);
  if (role == "master") {
    step.role = CrashRole::kMaster;
  } else if (role == "slave") {
    step.role = CrashRole::kSlave;
  } else {
    throw fail(fmt::format("unknown role '{}'", role));
  }
  std::string_view rest = text.substr(at + 1);
  const size_t colon = rest.find(':');
  const std::string_view seconds = rest.substr(0, colon);
  const auto [end, err] = std::from_chars(seconds.data(), seconds.data() + seconds.size(), step.at_s);
  if (err != std::errc() || end != seconds.data() + seconds.size() || seconds.empty() || step.at_s < 0) {
    throw fail(fmt::format("'{}' is not a number of seconds", seconds));
  }
  if (colon != std::string_view::npos) {
    const std::string_view signal = rest.substr(colon + 1);
    if (signal == "KILL") {
      step.signal = CrashSignal::kKill;
    } else if (signal == "TERM") {
      step.signal = CrashSignal::kTerm;
    } else if (signal == "ABRT") {
      step.signal = CrashSignal::kAbrt;
    } else {
      throw fail(fmt::format("unknown signal '{}'", signal));
    }
  }
  return step;
}

nlohmann::json CrashStepsJson(const std::vector<CrashStep>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const CrashStep& s : steps) out.push_back(s.Describe());
  return out;
}

std::vector<std::string> DurableOptions(const std::vector<std::string>& options) {
  std::vector<std::string> out;
  for (const char* durable : {"--sync-binlog=1", "--innodb-flush-log-at-trx-commit=1"}) {
    const std::string name = VariableOf(durable);
    if (std::none_of(options.begin(), options.end(), [&](const std::string& o) { return VariableOf(o) == name; })) {
      out.emplace_back(durable);
    }
  }
  return out;
}

std::string CrashOutcome::Line() const {
  return fmt::format("{} in {:.2f} s, back in {:.2f} s", exit, stop_s, restart_s);
}

CrashOutcome CrashAndRestart(server::ThrowawayServer& server, CrashSignal signal) {
  CrashOutcome out;
  auto t0 = Clock::now();
  out.exit = server.Signal(SignalNumber(signal)).Describe();
  out.stop_s = SecondsSince(t0);
  t0 = Clock::now();
  server.Start();
  out.restart_s = SecondsSince(t0);
  return out;
}

}  // namespace randsync::scenario
