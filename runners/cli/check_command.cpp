// `randsync check`: prove that a master and a slave hold the same schema and
// data at one GTID (or binlog position), while load keeps running. Prints a
// summary, optionally writes JSON and fix SQL, and exits with the status of
// Status (0 equal, 111 different, 103/112/110 cannot tell). --slave may be
// given several times: one sync point for all of them, one verdict each,
// and the exit status of the worst.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/log.h"
#include "checker/check_report.h"
#include "checker/check_run.h"
#include "db/dsn.h"
#include "runners/cli/app.h"
#include "runners/cli/check_progress.h"
#include "runners/cli/subcommands.h"

namespace randsync::cli {
namespace {

struct CheckCliOptions {
  std::string master;
  std::vector<std::string> slaves;
  std::vector<std::string> databases;
  std::vector<std::string> tables;
  unsigned threads = checker::DefaultCheckThreads();
  uint64_t chunk_size = 10000;
  std::string sync = "gtid";
  unsigned sync_timeout_s = 60;
  bool quiesced = false;
  uint64_t max_diff_rows = 100;
  std::string json;
  std::string fix_sql;
  bool quiet = false;
};

std::vector<std::string> SplitCommas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = item.find(',', start);
      if (comma == std::string::npos) comma = item.size();
      if (comma > start) out.push_back(item.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

int RunCheckCommand(const CheckCliOptions& o) {
  checker::CheckOptions options;
  options.master = db::ParseDsn(o.master);
  for (const std::string& slave : o.slaves) options.slaves.push_back(db::ParseDsn(slave));
  options.filters.databases = SplitCommas(o.databases);
  options.filters.tables = SplitCommas(o.tables);
  options.threads = o.threads;
  options.chunk_size = o.chunk_size;
  options.sync = checker::ParseSyncMode(o.sync);
  options.sync_timeout = std::chrono::seconds(o.sync_timeout_s);
  options.quiesced = o.quiesced;
  options.max_diff_rows = o.max_diff_rows;
  options.fix_sql = !o.fix_sql.empty();
  // Open the output files first: a bad path must not cost a whole check.
  std::ofstream json_out, fix_out;
  if (!o.json.empty()) {
    json_out.open(o.json);
    if (!json_out) throw std::runtime_error("--json: cannot write " + o.json);
  }
  if (!o.fix_sql.empty()) {
    fix_out.open(o.fix_sql);
    if (!fix_out) throw std::runtime_error("--fix-sql: cannot write " + o.fix_sql);
  }
  auto printer = std::make_shared<CheckProgressPrinter>(o.quiet, ::isatty(STDERR_FILENO) != 0, stderr);
  options.progress = [printer](const checker::CheckProgress& p) { (*printer)(p); };

  const std::vector<checker::CheckReport> reports = checker::RunChecks(options);
  printer.reset();
  options.progress = nullptr;

  std::fputs(checker::Summary(reports).c_str(), stdout);
  std::fflush(stdout);
  if (json_out.is_open()) {
    const nlohmann::json j = reports.size() == 1 ? checker::ToJson(reports.front()) : checker::ToJson(reports);
    json_out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (!json_out.flush()) throw std::runtime_error("--json: writing " + o.json + " failed (disk full?)");
  }
  if (fix_out.is_open()) {
    fix_out << "-- randsync check: statements that make the slave match the master\n"
            << "-- sync point " << reports.front().sync_description << "\n";
    size_t n = 0;
    for (const checker::CheckReport& report : reports) {
      fix_out << "-- run on the slave " << report.slave << "\n"
              << "SET SESSION time_zone = '+00:00';\n";
      for (const checker::TableCheck& t : report.tables) {
        for (const std::string& s : t.fix_sql) {
          fix_out << s << (s.empty() || s.back() != ';' ? ";\n" : "\n");
          ++n;
        }
      }
    }
    if (!fix_out.flush()) throw std::runtime_error("--fix-sql: writing " + o.fix_sql + " failed (disk full?)");
    std::fprintf(stderr, "check: %zu fix statement(s) written to %s (listed rows only: raise --max-diff-rows "
                 "for more)\n", n, o.fix_sql.c_str());
  }
  for (const checker::CheckReport& report : reports) {
    if (report.error.empty()) continue;
    // The cause on stderr as one line, for logs that keep only stderr.
    Log("check", fmt::format("{}{}: {}", reports.size() > 1 ? report.slave + ": " : "", Label(report.status),
                             report.error));
  }
  return ExitCode(checker::WorstStatus(reports));
}

}  // namespace

Runner RegisterCheck(CLI::App& app) {
  auto o = std::make_shared<CheckCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Compare a master and its slave (schema and data, row by row) at one GTID sync point while "
      "load goes on. Exit: 0 equal, 111 different, 103 replication failure, 112 sync timeout, "
      "110 cannot check");
  cmd->add_option("--master", o->master, "The master, mysql://user[:pw]@host:port/")->required();
  cmd->add_option("--slave", o->slaves,
                  "Its slave (or, with --sync none, any server); repeat for several slaves: one sync point "
                  "for all, one verdict each, the worst is the exit status")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--databases", o->databases,
                  "Databases to compare, comma-separated (default: all but mysql, information_schema, "
                  "performance_schema, sys)");
  cmd->add_option("--tables", o->tables, "Tables to compare (table or db.table, comma-separated; default all)");
  cmd->add_option("-T,--threads", o->threads,
                  "Connections per server hashing in parallel (default: this machine's cores, at most 4)")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  cmd->add_option("--chunk-size", o->chunk_size, "Rows per chunk (key range)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100000000}))
      ->capture_default_str();
  cmd->add_option("--sync", o->sync,
                  "gtid: stop the slave at the master's GTID; position: at its binlog file:pos; "
                  "none: compare each side as it is")
      ->check(CLI::IsMember({"gtid", "position", "none"}))
      ->capture_default_str();
  cmd->add_option("--sync-timeout", o->sync_timeout_s, "Seconds the slave may take to reach the sync point")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
  cmd->add_flag("--quiesced", o->quiesced,
                "Writers are stopped and the slave caught up: compare non-transactional tables too");
  cmd->add_option("--max-diff-rows", o->max_diff_rows, "Differing rows listed per table")->capture_default_str();
  cmd->add_option("--json", o->json, "Write the full report as JSON to this file");
  cmd->add_option("--fix-sql", o->fix_sql, "Write statements that make the slave's listed rows match");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress on stderr");
  return [o]() -> int { return RunCheckCommand(*o); };
}

}  // namespace randsync::cli
