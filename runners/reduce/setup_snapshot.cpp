#include "runners/reduce/setup_snapshot.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "base/file_text.h"
#include "base/text_util.h"
#include "checker/discovery.h"
#include "db/connection.h"
#include "db/dsn.h"
#include "runners/backup/backup_tool.h"
#include "runners/triage/binlog_window.h"

namespace randsync::reduce {
namespace fs = std::filesystem;

namespace {

// The first `name` after `prefix`: "CREATE TABLE `t``x` (" -> "t`x".
std::string NameAfter(const std::string& statement, std::size_t prefix) {
  std::string name;
  for (std::size_t i = statement.find('`', prefix) + 1; i > 0 && i < statement.size(); ++i) {
    if (statement[i] == '`') {
      if (i + 1 < statement.size() && statement[i + 1] == '`') {
        name += '`';
        ++i;
        continue;
      }
      break;
    }
    name += statement[i];
  }
  return name;
}

// "SET ..." or "/*!40101 SET ... */": the dump's session wrappers.
bool IsSetWrapper(const std::string& s) {
  std::string_view v(s);
  if (v.rfind("/*!", 0) == 0) {
    std::size_t i = 3;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    v.remove_prefix(i);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  }
  return v.rfind("SET ", 0) == 0;
}

void ReplayLogUntil(const std::vector<std::string>& files, const std::string& gtid, uint16_t port,
                    const fs::path& work) {
  const fs::path binlog =
      backup::FindTool({}, {"/usr/bin/mariadb-binlog", "/usr/bin/mysqlbinlog"}, "mariadb-binlog", "mariadb-client");
  const fs::path client = backup::FindTool({}, {"/usr/bin/mariadb", "/usr/bin/mysql"}, "mariadb (the client)",
                                           "mariadb-client");
  std::string files_arg;
  for (const auto& f : files) files_arg += " " + ShellQuote(f);
  const fs::path sql = work / "log-until-window.sql";
  // The client goes on past errors (the log's CREATE DATABASE test meets
  // the scratch server's own); the log reader must not fail.
  const std::string script = fmt::format(
      "{} --stop-position={} {} > {} && {{ {} --force -h 127.0.0.1 -P {} -u root < {} || true; }}",
      ShellQuote(binlog.string()), ShellQuote(gtid), files_arg, ShellQuote(sql.string()),
      ShellQuote(client.string()), port, ShellQuote(sql.string()));
  backup::RunTool("replaying the log up to the window", {"/bin/bash", "-c", script}, work / "log-until-window.log",
                  std::chrono::seconds(600));
}

}  // namespace

std::vector<SetupTable> ParseTableDump(const std::string& database, const std::string& dump) {
  std::vector<SetupTable> tables;
  std::istringstream in(dump);
  std::string line, statement, delimiter = ";";
  while (std::getline(in, line)) {
    if (statement.empty() && line.rfind("DELIMITER ", 0) == 0) {
      delimiter = line.substr(10);
      continue;
    }
    statement += (statement.empty() ? "" : "\n") + line;
    if (line.size() < delimiter.size() || line.compare(line.size() - delimiter.size(), delimiter.size(), delimiter) != 0) {
      continue;
    }
    statement.erase(statement.size() - delimiter.size());
    while (!statement.empty() && (statement.back() == ' ' || statement.back() == '\n')) statement.pop_back();
    const std::string s = std::move(statement);
    statement.clear();
    if (IsSetWrapper(s) || s.empty()) continue;
    bool table = false;
    for (const char* create : {"CREATE TABLE ", "CREATE SEQUENCE "}) {
      if (s.rfind(create, 0) == 0) {
        tables.push_back({database, NameAfter(s, 0), s, {}});
        table = true;
      }
    }
    if (table) continue;
    if (s.rfind("INSERT INTO ", 0) == 0 && !tables.empty() && !tables.back().name.empty()) {
      tables.back().rows.push_back(s);
    } else {
      tables.push_back({database, "", s, {}});  // a view, trigger or routine
    }
  }
  return tables;
}

std::vector<SetupTable> SnapshotAt(FreshPairs& pairs, const fs::path& run_dir, const std::string& clean_gtid,
                                   const fs::path& work) {
  if (clean_gtid.empty()) return {};
  const std::vector<std::string> files = triage::MasterBinlogFiles(run_dir);
  if (files.empty()) throw std::runtime_error("the master's binary log is not in the results");
  fs::create_directories(work);
  auto scratch = pairs.StartScratch(work / "scratch");
  ReplayLogUntil(files, clean_gtid, scratch->port(), work);
  db::Connection c(db::ParseDsn(scratch->Dsn("")), db::ConnectOptions::Bounded(60));
  const fs::path dump_tool =
      backup::FindTool({}, {"/usr/bin/mariadb-dump", "/usr/bin/mysqldump"}, "mariadb-dump", "mariadb-client");
  std::vector<SetupTable> setup;
  for (const std::string& db : checker::ListDatabases(c, {})) {
    const fs::path out = work / fmt::format("dump-{}.sql", setup.size());
    const std::string script = fmt::format(
        "{} --compact --skip-extended-insert --triggers --routines --no-create-db --hex-blob --skip-tz-utc "
        "-h 127.0.0.1 -P {} -u root {} > {}",
        ShellQuote(dump_tool.string()), scratch->port(), ShellQuote(db), ShellQuote(out.string()));
    backup::RunTool("dumping the window's start", {"/bin/bash", "-c", script}, work / "dump.log",
                    std::chrono::seconds(600));
    for (SetupTable& t : ParseTableDump(db, TryReadTextFile(out).value_or(""))) setup.push_back(std::move(t));
  }
  scratch->Stop();
  return setup;
}

}  // namespace randsync::reduce
