#include "runners/backup/logical_dump.h"

#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "runners/backup/backup_tool.h"

namespace randsync::backup {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> Connection(const server::AdminTarget& t) {
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

}  // namespace

BackupPosition ReadDumpPosition(const fs::path& dump_file) {
  std::ifstream in(dump_file);
  if (!in) throw BackupError("cannot read " + dump_file.string());
  static const std::regex change(R"(CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\d+))");
  static const std::regex gtid(R"(SET GLOBAL gtid_slave_pos='([^']*)')");
  BackupPosition p;
  bool have_file = false, have_gtid = false;
  std::string line;
  // The position is in the header: stop at the first table's data.
  for (int n = 0; n < 200 && std::getline(in, line); ++n) {
    std::smatch m;
    if (!have_file && std::regex_search(line, m, change)) {
      p.binlog_file = m[1];
      p.binlog_pos = std::stoull(m[2]);
      have_file = true;
    } else if (!have_gtid && std::regex_search(line, m, gtid)) {
      p.gtid = m[1];
      have_gtid = true;
    }
    if (have_file && have_gtid) break;
  }
  if (!have_file) {
    throw BackupError(dump_file.string() + " recorded no binlog position (needs --master-data and a binary log)");
  }
  return p;
}

BackupPosition Dump(const server::AdminTarget& source, const DumpOptions& o) {
  const fs::path binary = FindTool(o.dump_binary, {"/usr/bin/mariadb-dump", "/usr/bin/mysqldump"}, "mariadb-dump", "mariadb-client");
  std::error_code ec;
  fs::create_directories(o.log_dir, ec);
  fs::create_directories(o.dump_file.parent_path(), ec);
  std::vector<std::string> argv = {binary.string()};
  for (auto& a : Connection(source)) argv.push_back(a);
  if (o.single_transaction) {
    argv.push_back("--single-transaction");
  } else {
    // Neither one transaction nor a global lock: an image of no position.
    argv.push_back("--skip-lock-tables");
    argv.push_back("--skip-lock-all-tables");
  }
  for (const char* a : {"--master-data=2", "--gtid", "--routines", "--triggers", "--events", "--hex-blob"}) {
    argv.push_back(a);
  }
  argv.push_back("--result-file=" + o.dump_file.string());
  argv.push_back("--databases");
  for (const auto& d : o.databases) argv.push_back(d);
  RunTool("mariadb-dump", argv, o.log_dir / "dump.log", o.timeout);
  return ReadDumpPosition(o.dump_file);
}

void Restore(const server::AdminTarget& target, const DumpOptions& o) {
  const fs::path binary = FindTool(o.client_binary, {"/usr/bin/mariadb", "/usr/bin/mysql"}, "mariadb (the client)", "mariadb-client");
  std::vector<std::string> argv = {binary.string()};
  for (auto& a : Connection(target)) argv.push_back(a);
  // sql_log_bin=0: the restore must not give the slave GTIDs of its own in
  // the master's domain (SET GLOBAL gtid_slave_pos would then refuse).
  argv.push_back("--init-command=SET SESSION sql_log_bin=0");
  argv.push_back("--execute=SOURCE " + o.dump_file.string());
  RunTool("restore of the dump", argv, o.log_dir / "restore.log", o.timeout);
}

}  // namespace randsync::backup
