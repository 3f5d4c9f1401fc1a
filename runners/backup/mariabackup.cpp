#include "runners/backup/mariabackup.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runners/server/child_process.h"
#include "runners/server/log_tail.h"

namespace randsync::backup {
namespace fs = std::filesystem;
namespace {

fs::path FindBinary(const fs::path& given) {
  if (!given.empty()) {
    if (::access(given.c_str(), X_OK) != 0) throw BackupError("mariadb-backup not found: " + given.string());
    return given;
  }
  for (const char* p : {"/usr/bin/mariadb-backup", "/usr/bin/mariabackup", "/usr/local/bin/mariadb-backup"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  throw BackupError("mariadb-backup is not installed (no /usr/bin/mariadb-backup or mariabackup; "
                    "Debian package mariadb-backup)");
}

std::string Tail(const fs::path& log) {
  std::string out;
  for (const std::string& line : server::ReadLogTail(log, 8)) out += "\n  " + line;
  return out;
}

// Runs one step to completion within the deadline; throws with the log tail.
void RunStep(const std::string& what, std::vector<std::string> argv, const fs::path& log,
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
  if (!exit) {
    server::KillChild(pid);
    throw BackupError(fmt::format("{} did not finish within {} s (killed); log {}:{}", what, timeout.count(),
                                  log.string(), Tail(log)));
  }
  if (!exit->Clean()) {
    throw BackupError(fmt::format("{} failed ({}); log {}:{}", what, exit->Describe(), log.string(), Tail(log)));
  }
}

}  // namespace

BackupPosition ReadBinlogInfo(const fs::path& target_dir) {
  for (const char* name : {"mariadb_backup_binlog_info", "xtrabackup_binlog_info"}) {
    std::ifstream in(target_dir / name);
    if (!in) continue;
    std::string line;
    std::getline(in, line);
    std::istringstream fields(line);
    BackupPosition p;
    if (!(fields >> p.binlog_file >> p.binlog_pos)) {
      throw BackupError(fmt::format("{}: no binlog position in '{}'", (target_dir / name).string(), line));
    }
    fields >> p.gtid;  // absent on servers without GTID
    return p;
  }
  throw BackupError("the backup in " + target_dir.string() +
                    " recorded no binlog position (is the master's binary log on?)");
}

BackupPosition BackupAndPrepare(const server::AdminTarget& source, const MariabackupOptions& options) {
  const fs::path binary = FindBinary(options.binary);
  std::error_code ec;
  fs::create_directories(options.log_dir, ec);
  if (ec) throw BackupError("cannot create " + options.log_dir.string() + ": " + ec.message());
  if (fs::exists(options.target_dir) && !fs::is_empty(options.target_dir)) {
    throw BackupError("backup target " + options.target_dir.string() + " is not empty");
  }
  std::vector<std::string> backup = {binary.string(), "--backup", "--target-dir=" + options.target_dir.string(),
                                     "--user=" + source.user};
  if (!source.password.empty()) backup.push_back("--password=" + source.password);
  if (!source.socket.empty()) {
    backup.push_back("--socket=" + source.socket);
  } else {
    backup.push_back("--host=" + source.host);
    backup.push_back(fmt::format("--port={}", source.port));
  }
  for (const std::string& o : options.extra_backup_options) backup.push_back(o);
  RunStep("mariadb-backup --backup", backup, options.log_dir / "backup.log", options.timeout);
  RunStep("mariadb-backup --prepare",
          {binary.string(), "--prepare", "--target-dir=" + options.target_dir.string()},
          options.log_dir / "prepare.log", options.timeout);
  return ReadBinlogInfo(options.target_dir);
}

}  // namespace randsync::backup
