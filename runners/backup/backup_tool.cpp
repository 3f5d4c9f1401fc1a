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

void RunTool(const std::string& what, std::vector<std::string> argv, const fs::path& log,
             std::chrono::seconds timeout, const AbandonCheck& abandon) {
  server::SpawnSpec spec;
  spec.argv = std::move(argv);
  spec.output = log;
  const std::uintmax_t from = server::LogSize(log);  // the log is appended to: earlier runs' lines are not this one's
  pid_t pid = 0;
  try {
    pid = server::SpawnChild(spec);
  } catch (const std::exception& e) {
    throw BackupError(fmt::format("{}: cannot start {}: {}", what, spec.argv[0], e.what()));
  }
  // In one-second slices, so that a reason to give the tool up ends it
  // within a second rather than at the deadline.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<server::ChildExit> exit;
  while (!exit && std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    exit = server::WaitChild(pid, std::min<std::chrono::milliseconds>(left, std::chrono::seconds(1)));
    if (exit || !abandon) continue;
    if (const std::string why = abandon(); !why.empty()) {
      server::KillChild(pid);
      throw ToolAbandoned(fmt::format("{} given up (killed): {}", what, why));
    }
  }
  if (!exit) server::KillChild(pid);
  if (exit && exit->Clean()) return;
  const std::string line = ToolErrorLine(log, from);
  const std::string said = line.empty() ? "its log is empty" : line;
  if (!exit) {
    throw BackupError(fmt::format("{} did not finish within {} s (killed); its last line: {} (log {})", what,
                                  timeout.count(), said, log.string()));
  }
  throw BackupError(fmt::format("{} failed ({}): {} (log {})", what, exit->Describe(), said, log.string()));
}

}  // namespace randsync::backup
