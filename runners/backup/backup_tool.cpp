#include "runners/backup/backup_tool.h"

#include <unistd.h>

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "base/text_util.h"
#include "runners/server/child_process.h"
#include "runners/server/log_tail.h"

namespace randsync::backup {
namespace fs = std::filesystem;

fs::path FindTool(const fs::path& given, std::initializer_list<const char*> candidates, const std::string& what,
                  const std::string& package) {
  if (!given.empty()) {
    if (::access(given.c_str(), X_OK) != 0) throw BackupError(what + " not found: " + given.string());
    return given;
  }
  for (const char* p : candidates) {
    if (::access(p, X_OK) == 0) return p;
  }
  throw BackupError(fmt::format("{} is not installed (Debian package {})", what, package));
}

namespace {

// The line of a tool's log that says why it failed: mydumper's first
// CRITICAL line (its last lines are "Thread N shutting down"), else the
// last error line or last line (server::TellingLine), of what the run
// wrote from byte `from` on; "" when it wrote nothing.
std::string ToolErrorLine(const fs::path& log, std::uintmax_t from) {
  const std::vector<std::string> lines = server::ReadLogTail(log, 200, from);
  std::string line;
  for (const std::string& l : lines) {
    if (const auto at = l.find("CRITICAL **: "); at != std::string::npos) {
      // "** (mydumper:4560): CRITICAL **: 03:36:53.692: Error dumping ...": the time goes.
      line = l.substr(at + 13);
      if (const auto colon = line.find(": "); colon != std::string::npos && colon < 16) line = line.substr(colon + 2);
      break;
    }
  }
  if (line.empty()) line = server::TellingLine(lines);
  return Shorten(line, 400);
}

}  // namespace

namespace {

pid_t Spawn(const std::string& what, std::vector<std::string> argv, const fs::path& log) {
  server::SpawnSpec spec;
  spec.argv = std::move(argv);
  spec.output = log;
  try {
    return server::SpawnChild(spec);
  } catch (const std::exception& e) {
    throw BackupError(fmt::format("{}: cannot start {}: {}", what, spec.argv[0], e.what()));
  }
}

// Waits for the tool in `slice`s until it ends, the deadline passes or
// `give_up` (asked after each slice) returns true; nullopt unless it ended.
std::optional<server::ChildExit> WaitTool(pid_t pid, std::chrono::seconds timeout, std::chrono::milliseconds slice,
                                          const std::function<bool()>& give_up) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (auto exit = server::WaitChild(pid, std::min(left, slice))) return exit;
    if (give_up && give_up()) return std::nullopt;
  }
  return std::nullopt;
}

// A tool that did not end cleanly: the error, with the log's telling line.
[[noreturn]] void ThrowToolFailure(const std::string& what, const std::optional<server::ChildExit>& exit,
                                   const fs::path& log, std::uintmax_t from, std::chrono::seconds timeout) {
  const std::string line = ToolErrorLine(log, from);
  const std::string said = line.empty() ? "its log is empty" : line;
  if (!exit) {
    throw BackupError(fmt::format("{} did not finish within {} s (killed); its last line: {} (log {})", what,
                                  timeout.count(), said, log.string()));
  }
  throw BackupError(fmt::format("{} failed ({}): {} (log {})", what, exit->Describe(), said, log.string()));
}

}  // namespace

void RunTool(const std::string& what, std::vector<std::string> argv, const fs::path& log,
             std::chrono::seconds timeout, const AbandonCheck& abandon) {
  const std::uintmax_t from = server::LogSize(log);  // the log is appended to: earlier runs' lines are not this one's
  const pid_t pid = Spawn(what, std::move(argv), log);
  // In one-second slices, so that a reason to give the tool up ends it
  // within a second rather than at the deadline.
  std::string why;
  const std::optional<server::ChildExit> exit =
      WaitTool(pid, timeout, std::chrono::seconds(1), [&] { return abandon && !(why = abandon()).empty(); });
  if (!exit) server::KillChild(pid);
  if (!why.empty()) throw ToolAbandoned(fmt::format("{} given up (killed): {}", what, why));
  if (exit && exit->Clean()) return;
  ThrowToolFailure(what, exit, log, from, timeout);
}

bool RunToolUntil(const std::string& what, std::vector<std::string> argv, const fs::path& log,
                  std::chrono::seconds timeout, const std::function<bool()>& kill_now) {
  const std::uintmax_t from = server::LogSize(log);
  const pid_t pid = Spawn(what, std::move(argv), log);
  bool killed = false;
  const std::optional<server::ChildExit> exit =
      WaitTool(pid, timeout, std::chrono::milliseconds(20), [&] { return killed = kill_now(); });
  if (!exit) server::KillChild(pid);
  if (killed) return true;
  if (exit && exit->Clean()) return false;
  ThrowToolFailure(what, exit, log, from, timeout);
}

}  // namespace randsync::backup
