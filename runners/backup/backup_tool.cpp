#include "runners/backup/backup_tool.h"

#include <unistd.h>

#include <optional>

#include <fmt/format.h>

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

void RunTool(const std::string& what, std::vector<std::string> argv, const fs::path& log,
             std::chrono::seconds timeout) {
  server::SpawnSpec spec;
  spec.argv = std::move(argv);
  spec.output = log;
  pid_t pid = 0;
  try {
    pid = server::SpawnChild(spec);
  } catch (const std::exception& e) {
    throw BackupError(fmt::format("{}: cannot start {}: {}", what, spec.argv[0], e.what()));
  }
  std::optional<server::ChildExit> exit = server::WaitChild(pid, timeout);
  if (!exit) server::KillChild(pid);
  if (exit && exit->Clean()) return;
  std::string tail;
  for (const std::string& line : server::ReadLogTail(log, 8)) tail += "\n  " + line;
  if (!exit) {
    throw BackupError(fmt::format("{} did not finish within {} s (killed); log {}:{}", what, timeout.count(),
                                  log.string(), tail));
  }
  throw BackupError(fmt::format("{} failed ({}); log {}:{}", what, exit->Describe(), log.string(), tail));
}

std::vector<std::string> ConnectionArgs(const server::AdminTarget& t) {
  std::vector<std::string> args = {"--user=" + t.user};
  if (!t.password.empty()) args.push_back("--password=" + t.password);
  if (!t.socket.empty()) {
    args.push_back("--socket=" + t.socket);
  } else {
    args.push_back("--host=" + t.host);
    args.push_back(fmt::format("--port={}", t.port));
  }
  return args;
}

}  // namespace randsync::backup
