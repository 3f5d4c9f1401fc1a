#include "runners/backup/logical_dump.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <regex>

#include <fmt/format.h>

#include "runners/backup/backup_tool.h"
#include "runners/backup/client_defaults_file.h"
#include "runners/server/server_error.h"

namespace randsync::backup {
namespace fs = std::filesystem;
namespace {

BackupPosition MasterPositionNow(const server::AdminTarget& source) {
  try {
    server::AdminConnection c(source);
    auto rows = c.Query("SHOW MASTER STATUS");
    if (rows.empty() || !rows[0].at(0) || !rows[0].at(1)) throw BackupError("the master has no binary log");
    BackupPosition p;
    p.binlog_file = *rows[0][0];
    p.binlog_pos = std::stoull(*rows[0][1]);
    p.gtid = c.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
    return p;
  } catch (const server::ServerError& e) {
    throw BackupError(std::string("reading the master's position: ") + e.what());
  }
}

}  // namespace

BackupPosition ReadDumpPosition(const fs::path& dump_file) {
  std::ifstream in(dump_file);
  if (!in) throw BackupError("cannot read " + dump_file.string());
  static const std::regex change(R"(CHANGE MASTER (?:'[^']*' )?TO MASTER_LOG_FILE='([^']*)', MASTER_LOG_POS=(\d+))");
  static const std::regex gtid(R"(SET GLOBAL gtid_slave_pos='([^']*)')");
  BackupPosition p;
  bool have_file = false, have_gtid = false;
  auto scan = [&](int max_lines) {
    std::string line;
    for (int n = 0; n < max_lines && std::getline(in, line); ++n) {
      std::smatch m;
      if (!have_file && std::regex_search(line, m, change)) {
        // A replica whose SQL thread has applied nothing since it started
        // knows only its GTID: "MASTER_LOG_FILE='', MASTER_LOG_POS=4".
        p.binlog_file = m[1];
        p.binlog_pos = p.binlog_file.empty() ? 0 : std::stoull(m[2]);
        have_file = true;
      } else if (!have_gtid && std::regex_search(line, m, gtid)) {
        p.gtid = m[1];
        have_gtid = true;
      }
      if (have_file && have_gtid) return;
    }
  };
  // The binlog coordinates are in the header; the GTID is in the header of
  // older dumps and at the very end of newer ones ("printed later in the
  // file"): never read the table data in between.
  scan(200);
  if (!have_gtid) {
    in.clear();
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(std::max<std::streamoff>(0, size - 64 * 1024));
    scan(1 << 20);
  }
  if (!have_file) {
    throw BackupError(dump_file.string() + " recorded no binlog position (needs --master-data and a binary log, or --dump-slave of a replica)");
  }
  return p;
}

BackupPosition Dump(const server::AdminTarget& source, const DumpOptions& o) {
  const fs::path binary = FindTool(o.dump_binary, {"/usr/bin/mariadb-dump", "/usr/bin/mysqldump"}, "mariadb-dump", "mariadb-client");
  std::error_code ec;
  fs::create_directories(o.log_dir, ec);
  fs::create_directories(o.dump_file.parent_path(), ec);
  const ClientDefaultsFile connection(source);
  std::vector<std::string> argv = {binary.string(), connection.ExtraFileArgument()};
  // --master-data takes a global read lock (for the whole dump without
  // --single-transaction), so the unlocked negative control records the
  // position the way a naive script does: SHOW MASTER STATUS, then no locks.
  std::optional<BackupPosition> before;
  if (o.locking == DumpLocking::kNone) {
    before = MasterPositionNow(source);
    argv.push_back("--skip-lock-tables");
  } else {
    argv.push_back(o.locking == DumpLocking::kSnapshot ? "--single-transaction" : "--lock-all-tables");
    argv.push_back(o.replica_source_position ? "--dump-slave=2" : "--master-data=2");
    argv.push_back("--gtid");
  }
  for (const char* a : {"--routines", "--triggers", "--events", "--hex-blob"}) argv.push_back(a);
  argv.push_back("--result-file=" + o.dump_file.string());
  if (o.tables.empty()) {
    argv.push_back("--databases");
    for (const auto& d : o.databases) argv.push_back(d);
  } else {
    if (o.databases.size() != 1) throw BackupError("mariadb-dump: the tables of a partial dump are of one database");
    argv.push_back(o.databases.front());
    for (const auto& t : o.tables) argv.push_back(t);
  }
  RunTool("mariadb-dump", argv, o.log_dir / "dump.log", o.timeout, o.abandon);
  return before ? *before : ReadDumpPosition(o.dump_file);
}

void Restore(const server::AdminTarget& target, const DumpOptions& o) {
  const fs::path binary = FindTool(o.client_binary, {"/usr/bin/mariadb", "/usr/bin/mysql"}, "mariadb (the client)", "mariadb-client");
  const ClientDefaultsFile connection(target);
  std::vector<std::string> argv = {binary.string(), connection.ExtraFileArgument()};
  // sql_log_bin=0: the restore must not give the slave GTIDs of its own in
  // the master's domain (SET GLOBAL gtid_slave_pos would then refuse).
  argv.push_back("--init-command=SET SESSION sql_log_bin=0");
  if (!o.tables.empty() && !o.databases.empty()) argv.push_back("--database=" + o.databases.front());
  argv.push_back("--execute=SOURCE " + o.dump_file.string());
  RunTool("restore of the dump", argv, o.log_dir / "restore.log", o.timeout, o.abandon);
}

}  // namespace randsync::backup
