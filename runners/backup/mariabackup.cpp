#include "runners/backup/mariabackup.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runners/backup/backup_tool.h"
#include "runners/backup/client_defaults_file.h"

namespace randsync::backup {
namespace fs = std::filesystem;

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

std::optional<BackupPosition> ReadInnodbBinlogPos(const fs::path& target_dir) {
  std::ifstream in(target_dir / "xtrabackup_binlog_pos_innodb");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  // The path may hold spaces; the tab before the position ends it.
  const auto tab = line.rfind('\t');
  if (tab == std::string::npos) return std::nullopt;
  BackupPosition p;
  try {
    p.binlog_pos = std::stoull(line.substr(tab + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  p.binlog_file = fs::path(line.substr(0, tab)).filename().string();
  return p;
}

namespace {
fs::path Binary(const MariabackupOptions& options) {
  return FindTool(options.binary, {"/usr/bin/mariadb-backup", "/usr/bin/mariabackup"}, "mariadb-backup",
                  "mariadb-backup");
}
}  // namespace

namespace {

// Checks and makes the folders; returns the --backup command line.
std::vector<std::string> BackupCommand(const MariabackupOptions& options, const ClientDefaultsFile& connection) {
  const fs::path binary = Binary(options);
  std::error_code ec;
  fs::create_directories(options.log_dir, ec);
  if (ec) throw BackupError("cannot create " + options.log_dir.string() + ": " + ec.message());
  if (fs::exists(options.target_dir) && !fs::is_empty(options.target_dir)) {
    throw BackupError("backup target " + options.target_dir.string() + " is not empty");
  }
  // mariadb-backup makes the target but not its parents.
  fs::create_directories(options.target_dir.parent_path(), ec);
  if (ec) throw BackupError("cannot create " + options.target_dir.parent_path().string() + ": " + ec.message());
  std::vector<std::string> backup = {binary.string(), connection.ExtraFileArgument(), "--backup",
                                     "--target-dir=" + options.target_dir.string()};
  if (!options.incremental_basedir.empty()) {
    backup.push_back("--incremental-basedir=" + options.incremental_basedir.string());
  }
  for (const std::string& o : options.extra_backup_options) backup.push_back(o);
  return backup;
}

std::string StepName(const MariabackupOptions& options) {
  return options.incremental_basedir.empty() ? "mariadb-backup --backup" : "mariadb-backup --backup (incremental)";
}

}  // namespace

void Backup(const server::AdminTarget& source, const MariabackupOptions& options) {
  const ClientDefaultsFile connection(source);
  RunTool(StepName(options), BackupCommand(options, connection), options.log_dir / options.log_name, options.timeout,
          options.abandon);
}

bool BackupKilledWhen(const server::AdminTarget& source, const MariabackupOptions& options,
                      const std::function<bool()>& kill_now) {
  const ClientDefaultsFile connection(source);
  return RunToolUntil(StepName(options), BackupCommand(options, connection), options.log_dir / options.log_name,
                      options.timeout, kill_now);
}

BackupPosition PrepareIncremental(const MariabackupOptions& options, const fs::path& incremental) {
  RunTool("mariadb-backup --prepare --incremental-dir",
          {Binary(options).string(), "--prepare", "--target-dir=" + options.target_dir.string(),
           "--incremental-dir=" + incremental.string()},
          options.log_dir / "prepare.log", options.timeout, options.abandon);
  return ReadBinlogInfo(options.target_dir);
}

BackupPosition Prepare(const MariabackupOptions& options) {
  RunTool("mariadb-backup --prepare",
          {Binary(options).string(), "--prepare", "--target-dir=" + options.target_dir.string()},
          options.log_dir / "prepare.log", options.timeout, options.abandon);
  return ReadBinlogInfo(options.target_dir);
}

BackupPosition BackupAndPrepare(const server::AdminTarget& source, const MariabackupOptions& options) {
  Backup(source, options);
  return Prepare(options);
}

}  // namespace randsync::backup
