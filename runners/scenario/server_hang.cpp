#include "runners/scenario/server_hang.h"

#include <fstream>

#include <fmt/format.h>

#include "db/connection.h"

namespace randsync::scenario {
namespace {

constexpr auto kProbeEvery = std::chrono::seconds(2);
constexpr unsigned kProbeTimeoutS = 2;

}  // namespace

std::string ProbeServer(const db::Dsn& dsn, std::chrono::seconds timeout) {
  try {
    db::Connection c(dsn, db::ConnectOptions::Bounded(static_cast<unsigned>(timeout.count())));
    c.QueryValue("SELECT 1");
    return "";
  } catch (const db::DbError& e) {
    // A refusal (too many connections, access denied) is an answer too;
    // only the client's own errors (2000-2999: lost, timed out) are not.
    const bool answered = e.error_number() < 2000 || e.error_number() >= 3000;
    return answered ? "" : e.what();
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string ProcessState(pid_t pid) {
  if (pid <= 0) return "";
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  std::getline(in, stat);
  // "1234 (mariadbd) T 1 ...": the state follows the parenthesised name.
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return "";
  switch (stat[close + 2]) {
    case 'T': return "stopped by a signal (SIGSTOP)";
    case 't': return "stopped by a debugger";
    case 'D': return "in uninterruptible disk wait";
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'Z': return "a zombie";
    default: return std::string("state ") + stat[close + 2];
  }
}

HangWatch::HangWatch(std::chrono::seconds hang_after) : hang_after_(hang_after), start_(Clock::now()) {}

std::optional<std::string> HangWatch::Check(const std::string& role, const db::Dsn& dsn, pid_t pid) {
  const auto now = Clock::now();
  const auto it = seen_.try_emplace(role, Seen{now, now - kProbeEvery}).first;
  Seen& s = it->second;
  if (now - s.probed < kProbeEvery) return std::nullopt;
  s.probed = now;
  const std::string error = ProbeServer(dsn, std::chrono::seconds(kProbeTimeoutS));
  if (error.empty()) {
    s.answered = Clock::now();
    return std::nullopt;
  }
  const auto silent = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - s.answered);
  if (silent < hang_after_) return std::nullopt;
  const std::string state = ProcessState(pid);
  return fmt::format("mariadbd ({}{}) has not answered for {} s{}: {}", role,
                     pid > 0 ? fmt::format(", pid {}", pid) : std::string(), silent.count(),
                     state.empty() ? std::string() : "; its process is " + state, error);
}

}  // namespace randsync::scenario
