#include "runners/scenario/provision_run.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <ctime>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "base/text_util.h"
#include "checker/check_report.h"
#include "checker/check_run.h"
#include "checker/chunk_plan.h"
#include "db/connection.h"
#include "db/replication_status.h"
#include "engine/load/load_engine.h"
#include "engine/load/stall_meter.h"
#include "engine/schema/schema_reader.h"
#include "runners/scenario/binlog_events.h"
#include "runners/scenario/consistency_model.h"
#include "runners/scenario/ddl_during_copy.h"
#include "runners/scenario/encryption.h"
#include "runners/scenario/master_endpoint.h"
#include "runners/scenario/prepared_xa.h"
#include "runners/scenario/provision_slave.h"
#include "runners/scenario/replication_watch.h"
#include "runners/scenario/run_failure.h"
#include "runners/scenario/result_file.h"
#include "runners/scenario/run_report.h"
#include "runners/scenario/server_hang.h"
#include "runners/scenario/temporary_tables.h"
#include "runners/scenario/timeline.h"
#include "runners/triage/explain.h"
#include "runners/triage/known_bugs.h"
#include "runners/server/replication.h"
#include "runners/server/server_error.h"
#include "runners/server/throwaway_server.h"

namespace randsync::scenario {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

void Say(const std::string& s) { Log("run", s); }

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

fs::path MakeRunDir(const fs::path& root, uint64_t seed) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  fs::path dir = root / fmt::format("{:%Y%m%d-%H%M%S}-seed{}", tm, seed);
  for (int n = 2; fs::exists(dir); ++n) dir = root / fmt::format("{:%Y%m%d-%H%M%S}-seed{}-{}", tm, seed, n);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create the results folder " + dir.string() + ": " + ec.message());
  // results/latest -> the newest run (best effort: a read-only link target
  // must not fail the run).
  fs::remove(root / "latest", ec);
  fs::create_directory_symlink(dir.filename(), root / "latest", ec);
  return dir;
}

// The state of one run, so that every exit path writes the same report.
struct Run {
  Run(const ProvisionRunOptions& options, fs::path run_dir) : o(options), dir(std::move(run_dir)) {}
  const ProvisionRunOptions& o;
  fs::path dir;
  json report;
  Clock::time_point start = Clock::now();
  Status status = Status::kOk;
  std::string reason;
  std::unique_ptr<server::ThrowawayServer> master, slave;  // master: null when external
  MasterEndpoint endpoint;  // how to reach the master, throwaway or not
  std::unique_ptr<load::LoadEngine> engine;
  std::unique_ptr<Timeline> timeline;
  std::unique_ptr<ReplicationWatch> replication;  // set once the slave replicates
  // --backup-from replica: the second slave, provisioned from a backup of
  // the first while the load runs; every check compares it too.
  std::unique_ptr<server::ThrowawayServer> slave2;
  std::unique_ptr<ReplicationWatch> replication2;
  std::optional<MasterEndpoint> replica;  // the first slave as the server backed up
  HangWatch hangs{o.hang_timeout};
  std::vector<bool> crashed = std::vector<bool>(o.crashes.size(), false);  // per --crash step: done
  // Tables the method cannot make consistent, db.t -> why (consistency_model.h).
  std::map<std::string, std::string> uncovered;
  // --no-lock: the DDL the master logged while the copy ran (a table it
  // names may be torn on the slave).
  DdlDuringCopy ddl_during_copy;
  bool temporary_tables_read = false;  // NoteTemporaryTablesAtStart ran
  std::vector<std::string> selected_tables;  // a partial backup's tables; empty: all
  bool counting_changes = false;       // userstat on the master (StartCountingChanges)
  // The base tables of the data's database the load's generators pick from
  // (as RQG, not gendata's DUMMY).
  std::set<std::string> load_tables;
  backup::BackupPosition recorded;  // what the backup recorded
  backup::BackupPosition recorded2;  // slave2's start, in its source's binary log
  // The start of the window a divergence happened in: the last sync point
  // that found no difference, else where replication started.
  std::string last_clean = "none";
  std::string last_clean_gtid;  // its GTID position, for explain's binlog window
  // On the timeline's clock (seconds since the run started), for the
  // load-rate-during-backup figure.
  double load_start = -1, load_end = -1, backup_start = -1, backup_end = -1;

  // The first failure decides the status; later ones are recorded only.
  void Fail(const RunFailure& f) {
    report["failures"].push_back(f.ToJson());
    Say(fmt::format("{}: {}", ToString(f.status), f.reason));
    if (status == Status::kOk) {
      status = f.status;
      reason = f.reason;
      report["failure"] = f.ToJson();
    }
  }
  void Fail(Status s, FailureKind kind, const std::string& why) { Fail({.status = s, .kind = kind, .reason = why}); }
  // What a QA engineer should know although the run goes on: in
  // report.json's "warnings" and summary.txt.
  void Warn(const std::string& what) {
    report["warnings"].push_back(what);
    Say("warning: " + what);
  }
  void Phase(const std::string& name, double seconds, json extra = json::object()) {
    extra["phase"] = name;
    extra["seconds"] = seconds;
    report["phases"].push_back(extra);
  }
  void Mark(const std::string& event) {
    if (timeline) timeline->Mark(event);
    const double now = timeline ? timeline->Now() : 0;
    if (event == "backup start") backup_start = now;
    if (event == "backup end") backup_end = now;
  }
  bool failed() const { return status != Status::kOk; }
  // Control connections, bounded (ControlOptions): a server that stops
  // answering fails their statement, and the hang watch names it.
  db::Connection Master() const { return db::Connection(endpoint.dsn, ControlOptions(o)); }
};

// The run's slaves as checks and watches name them: "slave", then
// "slave2" once it replicates.
struct SlaveRef {
  std::string label;
  server::ThrowawayServer* server;
  ReplicationWatch* watch;  // null until it replicates
};
std::vector<SlaveRef> Slaves(const Run& run) {
  std::vector<SlaveRef> out;
  if (run.slave) out.push_back({"slave", run.slave.get(), run.replication.get()});
  if (run.slave2 && run.replication2) out.push_back({"slave2", run.slave2.get(), run.replication2.get()});
  return out;
}

checker::CheckOptions CheckOptionsFor(const Run& run, bool quiesced) {
  checker::CheckOptions co;
  co.master = run.endpoint.dsn;
  for (const SlaveRef& s : Slaves(run)) co.slaves.push_back(db::ParseDsn(s.server->Dsn(""), nullptr));
  co.threads = run.o.check_threads;
  co.chunk_size = 1000;
  co.sync_timeout = run.o.sync_timeout;
  co.read_timeout_s = static_cast<unsigned>(std::max<long long>(10, run.o.hang_timeout.count()));
  co.sync = run.o.position == PositionMode::kFile ? checker::SyncMode::kPosition : checker::SyncMode::kGtid;
  co.quiesced = quiesced;
  co.fix_sql = true;
  co.filters.tables = run.selected_tables;  // a partial backup: exactly its tables
  return co;
}

// Why the method cannot make table `db.t` consistent: its engine
// (consistency_model.h) or, copied without locks, DDL on it during the
// copy; "" when it can.
std::string WhyUncovered(const Run& run, const std::string& table) {
  if (auto it = run.uncovered.find(table); it != run.uncovered.end()) return it->second;
  if (const std::string ddl = run.ddl_during_copy.Touching(table); !ddl.empty()) {
    return fmt::format("{}; during the copy the master logged: {}", UnlockedDdlLimit(), Shorten(ddl, 160));
  }
  return "";
}

// "db.t (Aria: why), ..." when every difference of `r` lies in a table the
// method cannot cover; "" otherwise (a schema difference never does,
// unless its table saw DDL during an unlocked copy).
std::string ConfinedToUncovered(const Run& run, const checker::CheckReport& r) {
  if (run.uncovered.empty() && run.ddl_during_copy.statements.empty()) return "";
  std::string tables;
  for (const checker::SchemaDifference& d : r.schema) {
    if (run.ddl_during_copy.Touching(d.object).empty()) return "";
    tables += fmt::format("{}{} ({})", tables.empty() ? "" : ", ", d.object, WhyUncovered(run, d.object));
  }
  for (const checker::TableCheck& t : r.tables) {
    if (t.outcome != checker::TableCheck::Outcome::kDifferent) continue;
    const std::string name = t.ref.database + "." + t.ref.table;
    const std::string why = WhyUncovered(run, name);
    if (why.empty()) return "";
    tables += fmt::format("{}{} ({})", tables.empty() ? "" : ", ", name, why);
  }
  return tables;
}

// The table a row event failed on ("... event on table test.CC; ..."), or
// a statement-format event wrote ("... Default database: 'test'. Query:
// 'INSERT INTO CC ..."), if the method cannot cover it: "test.CC (Aria:
// why)"; else "".
// "db.t (why), ..." when a check could not compare only tables the method
// cannot cover (a torn copy the slave cannot open); "" otherwise.
std::string ErrorsConfinedToUncovered(const Run& run, const checker::CheckReport& r) {
  if (r.status != Status::kEnvironment) return "";
  std::string tables;
  for (const checker::TableCheck& t : r.tables) {
    if (t.outcome != checker::TableCheck::Outcome::kError) continue;
    const std::string name = t.ref.database + "." + t.ref.table;
    const std::string why = WhyUncovered(run, name);
    if (why.empty()) return "";
    tables += fmt::format("{}{} ({}: {})", tables.empty() ? "" : ", ", name, Shorten(t.note, 120), why);
  }
  return tables;
}

// The table a server error names, "db.t": "Table 'test.t1' doesn't exist", "Column 2 of
// table 'test.t2' cannot be converted",
// "Table 't2' is marked as crashed ... Default database: 'test'"; else "".
std::string TableNamedByError(const std::string& error) {
  static const std::regex table(R"([Tt]able '([^']+)')");
  static const std::regex database(R"(Default database: '([^']*)')");
  std::smatch t, d;
  if (!std::regex_search(error, t, table)) return "";
  const std::string name = t[1].str();
  if (name.find('.') != std::string::npos || !std::regex_search(error, d, database)) return name;
  return d[1].str() + "." + name;
}

// `named`: the table the slave's status names, when it does.
std::string FailedOnUncovered(const Run& run, const std::string& error, const std::string& named = "") {
  static const std::string kOn = " event on table ";
  std::string table = named;
  if (const auto at = error.find(kOn); table.empty() && at != std::string::npos) {
    const auto from = at + kOn.size();
    table = error.substr(from, error.find(';', from) - from);
  } else if (table.empty()) {
    table = TableOfFailedStatement(error);
  }
  if (table.empty()) table = TableNamedByError(error);
  if (table.empty()) return "";
  const std::string why = WhyUncovered(run, table);
  return why.empty() ? "" : fmt::format("{} ({})", table, why);
}

// STATEMENT or MIXED format: the session temporary tables open at the
// slave's start are beyond every method too (temporary_tables.h). Read
// once, when a failure needs explaining: the whole log up to the start is.
void NoteTemporaryTablesAtStart(Run& run) {
  if (run.temporary_tables_read || run.endpoint.binlog_format == "ROW" || run.recorded.binlog_file.empty()) return;
  run.temporary_tables_read = true;
  try {
    db::Connection m = run.Master();
    std::map<std::string, std::vector<OpenTemporaryTable>> by_table;
    for (OpenTemporaryTable& t : TemporaryTablesAt(run.endpoint.admin, m, run.recorded)) {
      by_table[t.table].push_back(std::move(t));
    }
    for (const auto& [table, sessions] : by_table) {
      const OpenTemporaryTable& first = sessions.front();
      const std::string reason = fmt::format(
          "a session's temporary table of that name open at the backup's point ({} {}; thread {} created it in "
          "{}): no backup holds it, so the session's later statements on it change the base table on the slave",
          sessions.size(), sessions.size() == 1 ? "session" : "sessions", first.thread, first.created_by);
      run.uncovered.emplace(table, "TEMPORARY: " + reason);
      run.report["uncovered_tables"].push_back({{"table", table}, {"engine", "TEMPORARY"}, {"reason", reason}});
      Say(fmt::format("{} cannot be consistent on the slave: {}", table, reason));
    }
  } catch (const std::exception& e) {
    Say(std::string("the temporary tables at the slave's start could not be read: ") + e.what());
  }
}

// Fewer rows than this in the final check: the pass is said to prove little.
constexpr uint64_t kFewRows = 100;

// The first table a divergence names, `db`.`t`, else its first schema
// difference: what campaigns group divergences by.
std::string FirstDifferingTable(const checker::CheckReport& r) {
  for (const checker::TableCheck& t : r.tables) {
    if (t.outcome == checker::TableCheck::Outcome::kDifferent) {
      return QuoteIdentifier(t.ref.database) + "." + QuoteIdentifier(t.ref.table);
    }
  }
  if (!r.schema.empty()) return "schema: " + r.schema.front().object + " " + r.schema.front().what;
  return "";
}

// A logical method's slave that stopped with XAER_NOTA (1397) on the end
// of an XA transaction its source prepared before the dump's point: the
// dump could not hold it prepared (prepared_xa.h). The method's limit,
// said in one line, or "".
std::string XaPreparedBeforeTheDump(Run& run, const std::string& slave, unsigned error_number,
                                    const std::string& error) {
  constexpr unsigned kXaerNota = 1397;
  const bool second = slave == "slave2";
  const std::shared_ptr<const BackupMethod>& method = second ? run.o.replica_backup : run.o.backup;
  if (error_number != kXaerNota || method == nullptr || method->SlaveRunsOnBackup()) return "";
  const std::string xid = XidEndedIn(error);
  const backup::BackupPosition& start = second ? run.recorded2 : run.recorded;
  try {
    db::Connection source(second && run.o.chain ? run.replica->dsn : run.endpoint.dsn, ControlOptions(run.o));
    if (!PreparedBefore(source, xid, start)) return "";
  } catch (const db::DbError& e) {
    Say(std::string("where the failed XA transaction was prepared could not be read: ") + e.what());
    return "";
  }
  return fmt::format("{} holds no prepared XA transaction: XA {} was prepared before the dump's point ({}:{}) and "
                     "ended after it, so the slave never had it",
                     method->Variant(), xid, start.binlog_file, start.binlog_pos);
}

// What one slave's report of check `name` means for the run: `slave`'s
// report is checks/<file>.json ("sync-point-1", "sync-point-1.slave2"),
// and the failure is said to be there.
void Judge(Run& run, const SlaveRef& slave, const std::string& file,
           const checker::CheckReport& r) {
  const bool first = slave.label == "slave";
  // The check's file, so that explain and campaigns read this slave's report.
  const std::string& where = file;
  if (r.status == Status::kDivergence) {
    WriteResultFile(run.dir / "checks" / (file + ".txt"), checker::Summary(r));
    NoteTemporaryTablesAtStart(run);
    RunFailure f{.status = Status::kDivergence,
                 .kind = FailureKind::kDivergence,
                 .where = where,
                 .server = first ? "" : slave.label,
                 .table = FirstDifferingTable(r),
                 .gtid = r.gtid};
    if (std::string limit = ConfinedToUncovered(run, r); !limit.empty()) {
      f.status = Status::kMethodLimit;
      f.reason = fmt::format("{} found differences only in tables the method cannot make consistent: {}; see "
                             "checks/{}.txt",
                             where, limit, file);
      run.Fail(f);
      return;
    }
    f.reason = fmt::format("{} found differences at {} (window since the last clean point: from {} to {}); see "
                           "checks/{}.txt",
                           where, r.gtid, run.last_clean, r.gtid, file);
    run.Fail(f);
    if (!run.report.contains("divergence")) {
      run.report["divergence"] = {{"first_seen_by", where},
                                  {"at", r.gtid},
                                  {"clean_until", run.last_clean},
                                  {"clean_gtid", run.last_clean_gtid}};
    }
    return;
  }
  std::string failing_gtid = r.gtid;
  if (r.status == Status::kReplicationFailure) {
    NoteTemporaryTablesAtStart(run);
    // The check saw the stop first; the watch reads which transaction it
    // was (GTID, master position), as when it sees one itself. The sync
    // point may just have restarted the slave's threads: the SQL thread
    // then fails again on the same transaction within moments (seen in CI:
    // one poll found both threads running).
    if (slave.watch != nullptr && !run.report.contains("replication_failure")) {
      std::optional<ReplicationStop> stop;
      for (int tries = 0; tries < 25 && !(stop = slave.watch->Poll()); ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      if (stop) {
        run.report["replication_failure"] = stop->ToJson();
        if (!first) run.report["replication_failure"]["slave"] = slave.label;
        if (!stop->gtid.empty()) failing_gtid = stop->gtid;
      }
    }
    if (std::string limit = FailedOnUncovered(run, r.error, r.error_table); !limit.empty()) {
      run.Fail({.status = Status::kMethodLimit,
                .kind = FailureKind::kReplication,
                .where = where,
                .server = slave.label,
                .table = r.error_table,
                .error_number = r.error_number,
                .reason = fmt::format("{}: replication stopped on a table the method cannot make consistent, {}: {}",
                                      where, limit, r.error)});
      return;
    }
    if (std::string xa = XaPreparedBeforeTheDump(run, slave.label, r.error_number, r.error); !xa.empty()) {
      run.Fail({.status = Status::kMethodLimit,
                .kind = FailureKind::kReplication,
                .where = where,
                .server = slave.label,
                .error_number = r.error_number,
                .reason = fmt::format("{}: {}: {}", where, xa, r.error)});
      return;
    }
  }
  if (std::string limit = ErrorsConfinedToUncovered(run, r); !limit.empty()) {
    run.Fail({.status = Status::kMethodLimit,
              .kind = FailureKind::kCheck,
              .where = where,
              .server = slave.label,
              .reason = fmt::format("{}: only tables the method cannot make consistent could not be read: {}", where,
                                    limit)});
    return;
  }
  const bool slave_failed = r.status == Status::kReplicationFailure || r.status == Status::kCatchupTimeout;
  run.Fail({.status = r.status,
            .kind = r.status == Status::kReplicationFailure ? FailureKind::kReplication
                    : r.status == Status::kCatchupTimeout   ? FailureKind::kSyncPoint
                                                            : FailureKind::kCheck,
            .where = where,
            .server = slave_failed ? slave.label : "",
            .table = r.error_table,
            .gtid = failing_gtid,
            .error_number = r.error_number,
            .reason = fmt::format("{}: {}", where, r.error)});
}

// One check of every slave at one sync point; each slave's full report
// goes to checks/<name>.json (the first) or checks/<name>.<label>.json.
void Check(Run& run, const std::string& name, bool quiesced) {
  run.Mark(name);
  const auto t0 = Clock::now();
  // What the check cost the load: its slowest statement meanwhile.
  std::optional<load::StallMeter> stall_meter;
  if (run.engine && !quiesced) stall_meter.emplace(*run.engine).Start();
  const std::vector<SlaveRef> slaves = Slaves(run);
  const std::vector<checker::CheckReport> reports = checker::RunChecks(CheckOptionsFor(run, quiesced));
  const load::Stall stall = stall_meter ? stall_meter->Stop() : load::Stall{};
  fs::create_directories(run.dir / "checks");
  auto file_of = [&](size_t k) { return k == 0 ? name : name + "." + slaves[k].label; };
  for (size_t k = 0; k < reports.size(); ++k) {
    WriteResultFile(run.dir / "checks" / (file_of(k) + ".json"),
                    checker::ToJson(reports[k]).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  }
  const checker::CheckReport& r = reports.front();
  const std::string stall_text =
      stall_meter ? fmt::format("; longest load statement meanwhile {:.1f} ms{}{}", stall.longest.count() / 1000.0,
                                stall.still_running ? " and still running" : "",
                                stall.statement.empty()
                                    ? std::string()
                                    : fmt::format(" (thread {}: {})", stall.thread, Shorten(stall.statement, 100)))
            : "";
  Say(fmt::format("{}: {} ({}; {} rows per side, {:.2f} s{})", name, Label(r.status),
                  r.sync_description.empty() ? r.error : r.sync_description, r.master_rows, Since(t0), stall_text));
  for (size_t k = 1; k < reports.size(); ++k) {
    Say(fmt::format("{}: {}: {} ({} rows){}", name, slaves[k].label, Label(reports[k].status),
                    reports[k].slave_rows, reports[k].error.empty() ? "" : ": " + reports[k].error));
  }
  json extra = {{"result", Label(checker::WorstStatus(reports))},
                {"gtid", r.gtid},
                {"commit_block_ms", r.commit_block_ms},
                {"snapshot_tries", r.snapshot_tries}};
  if (reports.size() > 1) {
    for (size_t k = 0; k < reports.size(); ++k) {
      extra["slaves"].push_back({{"slave", slaves[k].label}, {"result", Label(reports[k].status)},
                                 {"rows", reports[k].slave_rows}, {"report", "checks/" + file_of(k) + ".json"}});
    }
  }
  if (stall_meter) {
    extra["longest_stall_ms"] = stall.longest.count() / 1000.0;
    extra["longest_stall_thread"] = stall.thread;
    extra["longest_stall_statement"] = Shorten(stall.statement, 400);
  }
  run.Phase(name, Since(t0), extra);
  if (checker::WorstStatus(reports) == Status::kOk) {
    run.last_clean = fmt::format("{} at {}", name, r.gtid);
    run.last_clean_gtid = r.gtid;
    if (quiesced && r.master_rows < kFewRows) {
      run.Warn(fmt::format("{} compared {} rows per side: a pass over so little data proves little", name,
                           r.master_rows));
    }
    return;
  }
  for (size_t k = 0; k < reports.size(); ++k) {
    if (reports[k].status != Status::kOk) Judge(run, slaves[k], file_of(k), reports[k]);
  }
}

// Sleeps until `t`, or less when a stop was requested.
std::atomic<bool> g_stop{false};
void SleepUntil(Clock::time_point t) {
  while (Clock::now() < t && !g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

server::ServerOptions MasterServerOptions(const Run& run) {
  const ProvisionRunOptions& o = run.o;
  server::ServerOptions mo = o.server;
  mo.role = "master";
  mo.datadir_parent = run.dir / "master";
  mo.extra_options = server::MasterOptions(o.binlog_format);
  // The RQG grammars' OPTIMIZE/ALTER inside other sessions' transactions
  // close metadata/row lock cycles that only this timeout breaks.
  mo.extra_options.push_back("--innodb-lock-wait-timeout=2");
  for (const auto& x : o.master_options) mo.extra_options.push_back(x);
  return mo;
}

// On a master of its own, the run counts the rows each table's statements
// change (userstat's TABLE_STATISTICS, from the load's start): a table the
// load never changed tests the backup's copy only, not replication.
void StartCountingChanges(Run& run) {
  if (run.endpoint.external) return;  // not our server's settings to change
  try {
    db::Connection c = run.Master();
    c.Execute("SET GLOBAL userstat = 1");
    c.Execute("FLUSH TABLE_STATISTICS");
    run.counting_changes = true;
  } catch (const db::DbError& e) {
    Say(std::string("the rows the load changes per table are not counted: ") + e.what());
  }
}

// After the load: says which tables of the data's database it changed no
// row of.
void WarnOfUnchangedTables(Run& run) {
  // A run that failed otherwise than by a difference has its verdict; its
  // master may be dead or hung (a connect to a stopped one waits 10 s).
  if (!run.counting_changes || (run.failed() && run.status != Status::kDivergence)) return;
  try {
    db::Connection c = run.Master();
    const std::string db = c.Quote(run.endpoint.data_database);
    const db::RowSet rows = c.QueryRows(
        "SELECT t.TABLE_NAME FROM information_schema.TABLES t LEFT JOIN information_schema.TABLE_STATISTICS s "
        "ON s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME WHERE t.TABLE_SCHEMA = " + db +
        " AND t.TABLE_TYPE = 'BASE TABLE' AND COALESCE(s.ROWS_CHANGED, 0) = 0 ORDER BY t.TABLE_NAME");
    const size_t total = run.load_tables.size();
    // Only the tables the load could pick (gendata's DUMMY it cannot), and
    // that hold rows (an empty one has nothing to test).
    std::vector<std::string> unchanged;
    for (const db::Row& r : rows.rows) {
      const std::string name = r.at(0).value_or("");
      if (!run.load_tables.count(name)) continue;
      const std::string t =
          QuoteIdentifier(run.endpoint.data_database) + "." + QuoteIdentifier(name);
      if (c.QueryValue("SELECT EXISTS (SELECT 1 FROM " + t + ")").value_or("0") == "1") unchanged.push_back(name);
    }
    if (unchanged.empty()) return;
    std::string names;
    constexpr size_t kNamed = 8;
    for (size_t i = 0; i < unchanged.size() && i < kNamed; ++i) names += (i ? ", " : "") + unchanged[i];
    if (unchanged.size() > kNamed) names += fmt::format(" and {} more", unchanged.size() - kNamed);
    run.Warn(fmt::format("the load changed no row of {} of the {} tables ({}): their checks test the backup's copy, "
                         "not replication",
                         unchanged.size(), total, names));
  } catch (const std::exception& e) {
    Say(std::string("the rows the load changed per table could not be read: ") + e.what());
  }
}

void StartMasterAndLoad(Run& run) {
  const ProvisionRunOptions& o = run.o;
  auto t0 = Clock::now();
  if (o.master_dsn) {
    std::string warning;
    run.endpoint = ExternalMaster(*o.master_dsn, *o.backup, warning);
    if (!warning.empty()) run.Warn(warning);
    Say(fmt::format("{} (binlog {}, server id {}); data and load go to its `{}` database", run.endpoint.description,
                    run.endpoint.binlog_format, run.endpoint.server_id, run.endpoint.data_database));
    db::Connection c = run.Master();
    c.Execute("CREATE DATABASE IF NOT EXISTS " + QuoteIdentifier(run.endpoint.data_database));
  } else {
    run.master = std::make_unique<server::ThrowawayServer>(MasterServerOptions(run));
    run.master->Start();
    run.endpoint = EndpointOf(*run.master, o.binlog_format);
    Say(fmt::format("master on 127.0.0.1:{} (binlog {}), error log {}", run.master->port(), o.binlog_format,
                    run.master->error_log().string()));
  }
  run.report["master"] = {{"description", run.endpoint.description}, {"external", run.endpoint.external},
                          {"binlog_format", run.endpoint.binlog_format}, {"server_id", run.endpoint.server_id}};
  db::Dsn dsn = run.endpoint.dsn;
  dsn.database = run.endpoint.data_database;
  GendataOptions g;
  g.seed = o.seed;
  g.dict_dirs = o.dict_dirs;
  GendataResult data = Generate(dsn, o.gendata, g);
  Say(fmt::format("data: {} tables, {} rows", data.tables.size(), data.rows));
  for (const std::string& t : data.not_created) run.Warn("gendata left out " + t);
  run.Phase("master+data", Since(t0), {{"tables", data.tables.size()}, {"rows", data.rows}});

  load::LoadOptions lo;
  lo.threads = o.threads;
  lo.duration = o.duration;
  lo.seed = o.seed;
  lo.program = o.program;
  lo.values = o.values;
  lo.schema = std::make_shared<Schema>(ReadSchemaFromServer(dsn));
  if (const Database* d = lo.schema->FindDatabase(run.endpoint.data_database)) {
    for (const Table& t : d->tables) {
      if (!t.is_view) run.load_tables.insert(t.name);
    }
  }
  lo.dsn = dsn;
  // A master a crash step kills is back within seconds (crash recovery
  // included: measured 1-2 s on the default data); the workers wait for it.
  if (std::any_of(o.crashes.begin(), o.crashes.end(), [](const CrashStep& c) { return c.role == CrashRole::kMaster; })) {
    lo.reconnect_grace = std::chrono::seconds(60);
  }
  lo.query_log_dir = run.dir / "queries";
  lo.replay_dir = o.replay_dir;
  // With innodb-lock-wait-timeout=2 on the master (MasterServerOptions):
  // the grammars' DDL lock cycles end in seconds instead of freezing the
  // load for the rest of the run. Load sessions only: a backup's or the
  // checker's metadata lock waits are not bounded by this.
  lo.lock_wait_timeout = std::chrono::seconds(10);
  // A replay sends whole logs: it ends when they do, whatever the machine's
  // speed, within a generous bound rather than at the recorded duration.
  if (!o.replay_dir.empty()) lo.duration = o.duration * 4 + std::chrono::seconds(60);
  run.engine = std::make_unique<load::LoadEngine>(lo);
  StartCountingChanges(run);
  run.engine->Start();
  run.timeline->AttachLoad(run.engine.get());
  run.load_start = run.timeline->Now();
  run.Mark("load start");
  Say(fmt::format("load: {} threads for {} s, seed {}", o.threads, o.duration.count(), o.seed));
}

// The position the slave started from (or was to), the other sources
// beside it and the audit's verdict.
json BackupPositionJson(const ProvisionedSlave& p) {
  return {{"binlog_file", p.recorded.binlog_file}, {"binlog_pos", p.recorded.binlog_pos},
          {"gtid", p.recorded.gtid},           {"source", p.audit.start.name},
          {"replication_started_at", p.started_at}, {"audit", p.audit.ToJson()},
          {"prepared_xa_in_copy", p.prepared_xa_in_copy}};
}

void CheckServers(Run& run);
void NameAServerThatStopped(Run& run);

// Backup, slave, replication (provision_slave.h).
// --encrypt: how many of the user tables' tablespaces each server keeps
// encrypted, now that the slave runs on (or was loaded from) the backup.
void NoteEncryption(Run& run) {
  db::Connection m = run.Master();
  db::Connection s(db::ParseDsn(run.slave->Dsn(""), nullptr), ControlOptions(run.o));
  json j;
  for (auto [role, c] : {std::pair<const char*, db::Connection*>{"master", &m}, {"slave", &s}}) {
    const EncryptedTables t = CountEncryptedTables(*c);
    j[role] = t.ToJson();
    const std::string not_encrypted =
        t.unencrypted.empty() ? "" : fmt::format(" (not: {})", fmt::join(t.unencrypted, ", "));
    Say(fmt::format("encryption: {}: {} of {} InnoDB tablespaces of user tables encrypted{}", role, t.encrypted,
                    t.tablespaces, not_encrypted));
  }
  run.report["encryption"] = j;
}

// --no-lock: the DDL the master logged from the copy's start to its end
// (the info file's position, written last).
void NoteDdlDuringCopy(Run& run, const PositionAudit& audit) {
  if (!run.o.backup->CopiesWithoutLocks() || !audit.copy_start) return;
  backup::BackupPosition end = audit.start.at;
  for (const PositionSource& s : audit.others) {
    if (CompareBinlogPositions(s.at, end) > 0) end = s.at;
  }
  try {
    db::Connection m = run.Master();
    run.ddl_during_copy = ReadDdlDuringCopy(m, *audit.copy_start, end);
  } catch (const std::exception& e) {
    Say(std::string("the DDL during the unlocked copy could not be read: ") + e.what());
    return;
  }
  run.report["ddl_during_copy"] = run.ddl_during_copy.ToJson();
  if (!run.ddl_during_copy.statements.empty()) {
    Say(fmt::format("backup: --no-lock: the master logged {} DDL statement(s) while the copy ran (first: {}); a "
                    "failure on a table they name is this method's limit",
                    run.ddl_during_copy.statements.size(), Shorten(run.ddl_during_copy.statements.front(), 120)));
  }
}

void Provision(Run& run) {
  // A tool runs on this thread or, beside an accounts dump, on one this
  // thread waits for: the watch's state is never touched by two at once.
  ProvisionContext ctx{run.o,
                       run.dir,
                       run.endpoint,
                       [&run](const std::string& name, double seconds, json extra) {
                         run.Phase(name, seconds, std::move(extra));
                       },
                       [&run](const std::string& event) { run.Mark(event); },
                       ControlOptions(run.o),
                       [&run] {
                         CheckServers(run);
                         return run.failed() ? run.reason : std::string();
                       },
                       {}};
  ProvisionedSlave p;
  // Whatever happens, the report says how the method ran and what it could not cover.
  struct RecordUncovered {
    Run& run;
    ProvisionedSlave& p;
    ~RecordUncovered() {
      if (!p.variant.empty()) run.report["backup_variant"] = p.variant;
      run.report["uncovered_tables"] = ToJson(p.uncovered);
      for (const UncoveredTable& t : p.uncovered) run.uncovered[t.table] = t.engine + ": " + t.reason;
    }
  } record{run, p};
  try {
    ProvisionSlave(ctx, p);
  } catch (const backup::ToolAbandoned&) {
    run.slave = std::move(p.slave);  // the watch that gave the tool up has failed the run
    return;
  } catch (const backup::BackupError& e) {
    run.slave = std::move(p.slave);
    NameAServerThatStopped(run);  // a tool that lost its server failed because of it
    if (const std::string limit = run.o.backup->LimitOfFailure(e.what()); !limit.empty() && !run.failed()) {
      run.Fail({.status = Status::kMethodLimit, .kind = FailureKind::kBackup, .where = "backup",
                .reason = fmt::format("{}: {}", limit, e.what())});
      return;
    }
    run.Fail({.status = Status::kBackupFailure, .kind = FailureKind::kBackup, .where = "backup", .reason = e.what()});
    return;
  } catch (const MethodLimitError& e) {
    run.slave = std::move(p.slave);
    run.report["backup_position"] = BackupPositionJson(p);
    run.Fail({.status = Status::kMethodLimit, .kind = FailureKind::kBackup, .where = "slave start", .server = "slave",
              .reason = e.what()});
    return;
  } catch (const PositionMismatchError& e) {
    run.slave = std::move(p.slave);
    run.report["backup_position"] = BackupPositionJson(p);
    if (!e.method_limit().empty()) {
      run.Fail(Status::kMethodLimit, FailureKind::kPositionAudit,
               fmt::format("{}: position audit: {}", e.method_limit(), e.what()));
      return;
    }
    run.Fail(Status::kPositionMismatch, FailureKind::kPositionAudit, std::string("position audit: ") + e.what());
    return;
  } catch (...) {
    run.slave = std::move(p.slave);
    throw;
  }
  run.slave = std::move(p.slave);
  run.recorded = p.recorded;
  run.report["backup_position"] = BackupPositionJson(p);
  NoteDdlDuringCopy(run, p.audit);
  if (!p.selected_tables.empty()) {
    run.selected_tables = p.selected_tables;
    run.report["partial_backup"] = {{"selection", run.o.selection.Describe()}, {"tables", p.selected_tables}};
  }
  if (run.o.encrypt) NoteEncryption(run);
  run.last_clean = "the slave's start at " + p.started_at;
  run.last_clean_gtid = p.recorded.gtid;
  run.timeline->AttachReplication(run.endpoint.dsn,
                                  db::ParseDsn(run.slave->Dsn(""), nullptr));
  run.replication = std::make_unique<ReplicationWatch>(run.endpoint.dsn, db::ParseDsn(run.slave->Dsn(""), nullptr));
}

// A replica whose SQL thread has applied nothing since it started knows
// its GTID but no position in its master's binary log (mariadb-dump
// --dump-slave of it then writes MASTER_LOG_FILE='', seen when it ran a
// moment after the first slave started): its backup waits until it has
// applied a transaction, at most 10 s.
void WaitUntilTheReplicaApplies(db::Connection& replica) {
  const auto until = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < until) {
    const std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(replica);
    if (st && !st->relay_master_log_file.empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Say("slave2: slave 1 has applied no transaction since it started (10 s); it is backed up as it is");
}

// --backup-from replica: a backup of the first slave, taken while the
// load runs and the slave replicates, provisions a second slave that
// replicates from the master (at the position the backup's slave info
// recorded) or, with --chain, from the first slave (at the backup's own
// position). Its phases and marks are named "slave2 ...".
void ProvisionFromReplica(Run& run) {
  const ProvisionRunOptions& o = run.o;
  if (!o.replica_backup || run.failed() || g_stop) return;
  MasterEndpoint& replica = run.replica.emplace(EndpointOf(*run.slave, run.endpoint.binlog_format));
  {
    db::Connection s(replica.dsn, ControlOptions(o));
    replica.server_id = static_cast<unsigned>(std::stoul(s.QueryValue("SELECT @@server_id").value_or("2")));
    WaitUntilTheReplicaApplies(s);
  }
  replica.data_database = run.endpoint.data_database;
  replica.description = fmt::format("slave 1 on 127.0.0.1:{}", run.slave->port());
  ProvisionRunOptions options = o;
  options.backup = o.replica_backup;
  ProvisionContext ctx{options,
                       run.dir,
                       replica,
                       [&run](const std::string& name, double seconds, json extra) {
                         run.Phase("slave2 " + name, seconds, std::move(extra));
                       },
                       [&run](const std::string& event) { run.Mark("slave2 " + event); },
                       ControlOptions(o),
                       [&run] {
                         CheckServers(run);
                         return run.failed() ? run.reason : std::string();
                       },
                       {}};
  ctx.name = "slave2";
  ctx.replicate_from = o.chain ? &replica : &run.endpoint;
  ctx.avoid_server_id = run.endpoint.server_id;
  Say(fmt::format("slave2: a backup of {} ({}) while the load runs, for a slave of {}", replica.description,
                  options.backup->Variant(), o.chain ? "slave 1 (--chain)" : "the master"));
  ProvisionedSlave p;
  auto record = [&](bool replicating) {
    run.slave2 = std::move(p.slave);
    run.recorded2 = p.recorded;
    run.report["replica_backup"] = {{"variant", p.variant.empty() ? options.backup->Variant() : p.variant},
                                    {"replicating", replicating},
                                    {"replicates_from", o.chain ? "slave" : "master"},
                                    {"slave_info", options.backup->settings().slave_info},
                                    {"backup_position", BackupPositionJson(p)}};
  };
  try {
    ProvisionSlave(ctx, p);
  } catch (const backup::ToolAbandoned&) {
    record(false);
    return;
  } catch (const backup::BackupError& e) {
    record(false);
    NameAServerThatStopped(run);
    run.Fail({.status = Status::kBackupFailure,
              .kind = FailureKind::kBackup,
              .where = "slave2 backup",
              .server = "slave2",
              .reason = std::string("slave2: ") + e.what()});
    return;
  } catch (const PositionMismatchError& e) {
    record(false);
    run.Fail(Status::kPositionMismatch, FailureKind::kPositionAudit, std::string("slave2: position audit: ") + e.what());
    return;
  } catch (...) {
    record(false);
    throw;
  }
  record(true);
  run.replication2 = std::make_unique<ReplicationWatch>(ctx.Source().dsn, db::ParseDsn(run.slave2->Dsn(""), nullptr));
}

// Under --no-lock, whether the transaction the SQL thread stopped on
// committed in one phase (unpositioned_commits.h): then the copy had no exact
// position for it.
bool FailedOnOnePhaseCommitOfUnlockedCopy(const Run& run, const ReplicationStop& stop) {
  if (!run.o.backup->CopiesWithoutLocks() || stop.event_position.empty()) return false;
  const auto colon = stop.event_position.rfind(':');
  if (colon == std::string::npos) return false;
  try {
    db::Connection m = run.Master();
    const backup::BackupPosition group{stop.event_position.substr(0, colon),
                                       std::stoull(stop.event_position.substr(colon + 1)), ""};
    return CommitsInOnePhase(m, group).value_or(false);
  } catch (const std::exception& e) {
    Say(std::string("the commit of the failed transaction could not be read: ") + e.what());
    return false;
  }
}

// A replication thread that stopped, on any slave, is the status at once.
void CheckReplication(Run& run) {
  for (const SlaveRef& slave : Slaves(run)) {
    if (slave.watch == nullptr || run.failed()) return;
    std::optional<ReplicationStop> stop = slave.watch->Poll();
    if (!stop) continue;
    const bool first = slave.label == "slave";
    run.Mark(first ? "replication stopped" : slave.label + " replication stopped");
    run.report["replication_failure"] = stop->ToJson();
    if (!first) run.report["replication_failure"]["slave"] = slave.label;
    NoteTemporaryTablesAtStart(run);
    const std::string who = first ? "" : slave.label + ": ";
    RunFailure f{.kind = FailureKind::kReplication,
                 .where = first ? "replication" : slave.label + " replication",
                 .server = slave.label,
                 .table = stop->table,
                 .gtid = stop->gtid,
                 .error_number = stop->error_number,
                 .detail = stop->thread + " thread"};
    if (std::string limit = FailedOnUncovered(run, stop->error, stop->table); !limit.empty()) {
      f.status = Status::kMethodLimit;
      f.reason = fmt::format("{}replication stopped on a table the method cannot make consistent, {}: {}", who, limit,
                             stop->Describe());
    } else if (std::string xa = XaPreparedBeforeTheDump(run, slave.label, stop->error_number, stop->error);
               !xa.empty()) {
      f.status = Status::kMethodLimit;
      f.reason = fmt::format("{}{}: {}", who, xa, stop->Describe());
    } else if (FailedOnOnePhaseCommitOfUnlockedCopy(run, *stop)) {
      f.status = Status::kMethodLimit;
      f.reason = fmt::format("{}{}; replication stopped on transaction {}, which committed in one phase: {}", who,
                             UnlockedOnePhaseLimit(), stop->gtid, stop->Describe());
    } else {
      f.status = Status::kReplicationFailure;
      f.reason = who + "replication failed: " + stop->Describe();
    }
    run.Fail(f);
  }
}

// Once the load stopped: the slave must apply everything in time.
void CatchUp(Run& run, const SlaveRef& slave) {
  auto t0 = Clock::now();
  const bool first = slave.label == "slave";
  const std::string phase = first ? "catch-up" : "catch-up " + slave.label;
  // Bounded reads: the waits below are 1 s slices, and a server that stops
  // answering must end the catch-up, not freeze it.
  const db::ConnectOptions bounded = db::ConnectOptions::Bounded(10);
  db::Connection m(run.endpoint.dsn, bounded);
  db::Connection s(db::ParseDsn(slave.server->Dsn(""), nullptr), bounded);
  run.Mark(phase);
  std::string gtid = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  // Waits in one-second slices so that a slave whose SQL thread stopped on
  // an error fails the run at once instead of after the whole timeout.
  std::function<bool()> wait_slice;
  if (run.o.position == PositionMode::kFile) {
    const auto rows = m.QueryRows("SHOW MASTER STATUS");
    const std::string file = rows.rows.at(0).at(0).value_or("");
    const uint64_t pos = std::stoull(rows.rows.at(0).at(1).value_or("0"));
    gtid = fmt::format("{}:{}", file, pos);
    Say(fmt::format("{}: waiting for the {} to execute up to {}", phase, first ? "slave" : slave.label, gtid));
    wait_slice = [&s, file, pos] { return server::WaitForPosition(s, file, pos, std::chrono::seconds(1)); };
  } else {
    Say(fmt::format("{}: waiting for the {} to apply {}", phase, first ? "slave" : slave.label, gtid));
    wait_slice = [&s, gtid] { return server::WaitForGtid(s, gtid, std::chrono::seconds(1)); };
  }
  const auto deadline = Clock::now() + run.o.catchup_timeout;
  bool reached = false, stopped = false;
  while (!reached && !stopped && Clock::now() < deadline && !g_stop) {
    try {
      reached = wait_slice();
      if (!reached) {
        std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(s);
        stopped = !st || st->has_error() || st->sql_stopped();
      }
    } catch (const db::DbError& e) {
      // No answer within the bounded read: a server that hangs ends the
      // run (107) once it has been silent for --hang-timeout; until then
      // the wait goes on on a fresh connection.
      CheckServers(run);
      if (run.failed()) return;
      if (e.error_number() < 2000) throw;
      try {
        s = db::Connection(db::ParseDsn(slave.server->Dsn(""), nullptr), bounded);
      } catch (const db::DbError&) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
    }
  }
  const std::string who = first ? "" : slave.label + " ";
  run.Mark(who + (reached ? "caught up" : stopped ? "replication stopped" : "catch-up timeout"));
  run.Phase(phase, Since(t0), {{run.o.position == PositionMode::kFile ? "position" : "gtid", gtid},
                                     {"reached", reached},
                                     {"result", reached ? "ok" : stopped ? "replication stopped" : "timeout"}});
  if (reached) return;
  if (stopped) {
    CheckReplication(run);  // names the thread, the error and the transaction
    if (run.failed()) return;
  }
  std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(s);
  const std::string status = st ? st->Describe() : "not a replica";
  RunFailure f{.kind = FailureKind::kCatchup,
               .where = phase,
               .server = slave.label,
               .table = st ? st->failing_table() : "",
               .gtid = gtid,
               .error_number = st ? st->error_number() : 0};
  if (st && st->has_error()) {
    f.status = Status::kReplicationFailure;
    f.kind = FailureKind::kReplication;
    f.reason = who + "replication failed: " + status;
  } else if (stopped) {
    f.status = Status::kReplicationFailure;
    f.kind = FailureKind::kReplication;
    f.reason = fmt::format("the {} stopped replicating before {} ({})", first ? "slave" : slave.label, gtid, status);
  } else {
    f.status = Status::kCatchupTimeout;
    f.reason = fmt::format("the {} did not reach {} within {} s ({})", first ? "slave" : slave.label, gtid,
                           run.o.catchup_timeout.count(), status);
  }
  run.Fail(f);
}

// Every slave, in turn: the first reached the master's end, the second
// (which may replicate from the first) then can.
void FinalCatchup(Run& run) {
  for (const SlaveRef& slave : Slaves(run)) {
    if (run.failed() && run.status != Status::kDivergence) return;
    CatchUp(run, slave);
  }
}

// The servers a run watches: its throwaway ones while they run, and the
// user's master.
struct WatchedServer {
  const char* role;
  db::Dsn dsn;
  server::ThrowawayServer* server;  // null: the user's master
};
std::vector<WatchedServer> WatchedServers(const Run& run) {
  std::vector<WatchedServer> out;
  if (run.master && run.master->running()) {
    out.push_back({"master", db::ParseDsn(run.master->Dsn(""), nullptr), run.master.get()});
  } else if (!run.master && run.endpoint.external) {
    out.push_back({"master", run.endpoint.dsn, nullptr});
  }
  if (run.slave && run.slave->running()) {
    out.push_back({"slave", db::ParseDsn(run.slave->Dsn(""), nullptr), run.slave.get()});
  }
  if (run.slave2 && run.slave2->running()) {
    out.push_back({"slave2", db::ParseDsn(run.slave2->Dsn(""), nullptr), run.slave2.get()});
  }
  return out;
}

bool HungOrCrashed(const Run& run) {
  return run.status == Status::kServerHung || run.status == Status::kServerCrashed;
}

// A server that hangs is the status, whatever timed out because of it;
// probed at most every 2 s (server_hang.h).
void CheckHangs(Run& run) {
  if (HungOrCrashed(run)) return;
  for (const WatchedServer& w : WatchedServers(run)) {
    if (auto hung = run.hangs.Check(w.role, w.dsn, w.server != nullptr ? w.server->pid() : 0)) {
      run.status = Status::kOk;  // a hang outranks what it caused
      run.Fail({.status = Status::kServerHung, .kind = FailureKind::kHang, .server = w.role, .reason = *hung});
      run.report["hang"] = {{"server", w.role}, {"description", *hung}};
      if (w.server != nullptr) w.server->set_keep_datadir(true);
      return;
    }
  }
}

// A server that died is the status, whatever else happened; then one that
// hangs.
void CheckServers(Run& run) {
  for (auto* s : {run.master.get(), run.slave.get(), run.slave2.get()}) {
    if (s == nullptr) continue;
    if (auto crash = s->Poll()) {
      const char* role = s == run.master.get() ? "master" : s == run.slave.get() ? "slave" : "slave2";
      run.status = Status::kOk;  // a crash outranks what it caused
      run.Fail({.status = Status::kServerCrashed,
                .kind = FailureKind::kCrash,
                .server = role,
                .detail = crash->status.Describe(),
                .reason = crash->Describe()});
      run.report["crash"] = {{"server", role},
                             {"error_log", s->error_log().string()},
                             {"error_log_tail", crash->log_tail}};
      if (crash->backtrace) run.report["crash"]["backtrace"] = crash->backtrace->string();
      s->set_keep_datadir(true);
    }
  }
  CheckHangs(run);
}

// After an error that may be a server's silence (a lost connection, a tool
// that failed): waits until every server answers again, or the watch names
// the one that died or hangs (at most --hang-timeout and 5 s), so that the
// run fails with the cause rather than with what it caused.
void NameAServerThatStopped(Run& run) {
  const auto until = Clock::now() + run.o.hang_timeout + std::chrono::seconds(5);
  while (!HungOrCrashed(run) && Clock::now() < until) {
    CheckServers(run);
    const std::vector<WatchedServer> servers = WatchedServers(run);
    if (std::all_of(servers.begin(), servers.end(), [](const WatchedServer& w) {
          return ProbeServer(w.dsn, std::chrono::seconds(2)).empty();
        })) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace


void RequestProvisionRunStop() { g_stop = true; }

namespace {

json ConfigJson(const ProvisionRunOptions& o) {
  return {{"grammar", o.grammar},
          {"redefines", o.redefines},
          {"gendata", o.gendata_spec.empty() ? "default" : o.gendata_spec},
          {"mask", o.mask},
          {"mask_level", o.mask_level},
          {"dict_dirs", o.dict_dirs},
          {"check_threads", o.check_threads},
          {"command_line", o.command_line},
          {"replay_queries", o.replay_dir.string()},
          {"working_dir", o.working_dir},
          {"threads", o.threads},
          {"duration_s", o.duration.count()},
          {"seed", o.seed},
          {"binlog_format", o.binlog_format},
          {"backup", o.backup->name()},
          {"backup_options", o.backup->settings().options},
          {"position", ToString(o.position)},
          {"unsafe_dump", o.backup->settings().unsafe_dump},
          {"encrypt", o.encrypt},
          {"tables", o.selection.tables_regex},
          {"databases", o.selection.databases},
          {"incrementals", o.backup->settings().incrementals},
          {"incremental_interval_s", o.backup->settings().incremental_interval.count()},
          {"kill_backup_at", o.backup->settings().kill_backup_at},
          {"test_incremental_order", o.backup->settings().apply_order},
          {"stream", o.backup->settings().stream ? "mbstream" : ""},
          {"compress", o.backup->settings().stream ? backup::ToString(o.backup->settings().stream->compression) : ""},
          {"backup_parallel", o.backup->settings().parallel},
          {"backup_from", o.replica_backup ? "replica" : "master"},
          {"chain", o.chain},
          {"test_no_slave_info", o.replica_backup && !o.replica_backup->settings().slave_info},
          {"test_position_skew", o.test_position_skew},
          {"crash", CrashStepsJson(o.crashes)},
          {"slave_delay_s", o.slave_delay_s},
          {"slave_parallel_threads", o.slave_parallel_threads},
          {"slave_parallel_mode", o.slave_parallel_mode},
          {"sync_points", o.sync_points},
          {"sync_interval_s", o.sync_interval.count()},
          {"sync_timeout_s", o.sync_timeout.count()},
          {"catchup_timeout_s", o.catchup_timeout.count()},
          {"hang_timeout_s", o.hang_timeout.count()},
          {"master_options", o.master_options},
          {"slave_options", o.slave_options},
          {"known_bugs", o.known_bugs},
          {"master", o.master_dsn ? o.master_dsn->Redacted() : "throwaway"},
          {"mariadbd", o.server.mariadbd.string()},
          {"basedir", o.server.basedir.string()},
          {"slave_mariadbd", o.slave_server ? o.slave_server->mariadbd.string() : o.server.mariadbd.string()},
          {"slave_basedir", o.slave_server ? o.slave_server->basedir.string() : o.server.basedir.string()},
          {"slave_datadir", o.slave_dir.string()}};
}

// The --crash steps due now whose server exists (crash_steps.h), in
// order: each server signalled, waited for and started again; one that
// does not come back is the run's crash.
void RunDueCrashSteps(Run& run) {
  for (size_t i = 0; i < run.o.crashes.size() && !run.failed() && !g_stop; ++i) {
    const CrashStep& step = run.o.crashes[i];
    const bool master = step.role == CrashRole::kMaster;
    server::ThrowawayServer* s = master ? run.master.get() : run.slave.get();
    const double now = Since(run.start);
    // A slave's step waits until it replicates (its backup restored).
    if (run.crashed[i] || s == nullptr || (!master && run.replication == nullptr) || now < step.at_s) continue;
    run.crashed[i] = true;
    const std::string name = fmt::format("crash-{}", i + 1), role = ToString(step.role);
    Say(fmt::format("{}: {} at {:.1f} s: sending {} SIG{}", name, step.Describe(), now, role, ToString(step.signal)));
    run.Mark(fmt::format("{} {} SIG{}", name, role, ToString(step.signal)));
    const auto t0 = Clock::now();
    try {
      const CrashOutcome out = CrashAndRestart(*s, step.signal);
      run.Mark(fmt::format("{} {} restarted", name, role));
      Say(fmt::format("{}: {} {}", name, role, out.Line()));
      if (master && run.counting_changes) {
        // userstat's counts live in the server's memory: a restart lost them.
        run.counting_changes = false;
        Say("the rows the load changes per table are not counted past the master's restart");
      }
      run.Phase(name + " " + role, Since(t0),
                {{"step", step.Describe()}, {"at_s", now}, {"exit", out.exit}, {"stop_s", out.stop_s},
                 {"restart_s", out.restart_s},
                 {"note", fmt::format("{} at {:.1f} s: {}", step.Describe(), now, out.Line())}});
    } catch (const std::exception& e) {
      run.Phase(name + " " + role, Since(t0), {{"step", step.Describe()}, {"at_s", now}, {"result", "failed"}});
      run.Fail({.status = Status::kServerCrashed,
                .kind = FailureKind::kCrash,
                .where = name,
                .server = role,
                .reason = fmt::format("{}: the {} did not come back after SIG{}: {}", name, role,
                                      ToString(step.signal), e.what())});
    }
  }
}

// Waits until `t`, noticing a dead server or a stopped replication thread
// within a quarter of a second rather than at the next check.
void WatchUntil(Run& run, Clock::time_point t) {
  while (Clock::now() < t && !g_stop && !run.failed()) {
    SleepUntil(std::min(t, Clock::now() + std::chrono::milliseconds(250)));
    RunDueCrashSteps(run);
    CheckServers(run);
    CheckReplication(run);
  }
}

// The --crash steps the run did not reach (due after the load, or their
// server never came to be): said, so that a pass does not claim them.
void NoteCrashStepsNotRun(Run& run) {
  for (size_t i = 0; i < run.o.crashes.size(); ++i) {
    if (run.crashed[i] || run.failed()) continue;
    run.Warn(fmt::format("crash-{} ({}) did not run: the load ended first", i + 1, run.o.crashes[i].Describe()));
  }
}

// --crash: each role killed runs durable (crash_steps.h) unless its
// options set the variable: then a lost acknowledged commit is a bug.
ProvisionRunOptions WithDurableCrashRoles(ProvisionRunOptions o) {
  for (const CrashStep& c : o.crashes) {
    std::vector<std::string>& options = c.role == CrashRole::kMaster ? o.master_options : o.slave_options;
    for (std::string& d : DurableOptions(options)) {
      Say(fmt::format("crash steps: the {} runs with {} (durable)", ToString(c.role), d));
      options.push_back(std::move(d));
    }
  }
  return o;
}

// Checks during the load, from the slave's start to the load's end: every
// sync_interval, or sync_points evenly spread.
void SyncPointsDuringLoad(Run& run, Clock::time_point load_end) {
  const ProvisionRunOptions& o = run.o;
  const auto from = Clock::now();
  const auto span = load_end > from ? load_end - from : Clock::duration::zero();
  for (unsigned k = 1; !g_stop; ++k) {
    Clock::time_point at;
    if (o.sync_interval.count() > 0) {
      at = from + o.sync_interval * k;
      if (at >= load_end) break;
    } else {
      if (k > o.sync_points) break;
      at = from + span * k / (o.sync_points + 1);
    }
    WatchUntil(run, at);
    if (g_stop || run.failed()) break;
    Check(run, fmt::format("sync-point-{}", k), false);
    if (run.failed() && run.status != Status::kDivergence) break;
  }
}

// A pass over a load that mostly failed proves little: one error over half
// of the statements (a grammar written for other tables or columns) is
// said. Measured: RQG's default grammar on a data spec of other columns
// fails 41% of its statements with ER_BAD_FIELD_ERROR.
void WarnIfTheLoadDidLittle(Run& run, const load::RunSummary& s) {
  if (s.statements == 0) {
    run.Warn("the load ran no statement");
    return;
  }
  if (s.errors.empty() || s.errors.front().count * 2 <= s.statements) return;
  const load::ErrorSummary& e = s.errors.front();
  run.Warn(fmt::format("{} of the {} statements ({:.0f}%) failed with {} {} (\"{}\"): the load did less than its "
                       "statement count says",
                       e.count, s.statements, 100.0 * static_cast<double>(e.count) / static_cast<double>(s.statements),
                       e.number, e.name.empty() ? "?" : e.name, e.example));
}

// Stops the load and records its result.
void EndLoad(Run& run) {
  if (!run.engine) return;
  if ((run.failed() && run.status != Status::kDivergence) || g_stop) run.engine->Stop();
  load::LoadResult lr = run.engine->Wait();
  run.load_end = run.timeline->Now();
  run.Mark("load end");
  run.report["load"] = lr.ToJson();
  run.report["load"]["summary_line"] =
      fmt::format("load: {} statements, {} threads", lr.summary.statements, run.o.threads);
  if (lr.status != Status::kOk) {
    run.Fail({.status = lr.status,
              .kind = FailureKind::kLoad,
              .where = "load",
              .server = "master",
              .error_number = lr.fatal ? lr.fatal->error_number : 0,
              .detail = lr.fatal ? load::ToString(lr.fatal->outcome) : "",
              .reason = lr.fatal ? lr.fatal->Describe() : ToString(lr.status)});
  }
  WarnIfTheLoadDidLittle(run, lr.summary);
  WarnOfUnchangedTables(run);
}

// What the backup cost the load: statements/s while it ran vs otherwise.
void RecordLoadRate(Run& run) {
  if (run.backup_start < 0 || run.backup_end < 0 || run.load_start < 0) return;
  const double load_end = run.load_end >= 0 ? run.load_end : run.timeline->Now();
  const LoadRate r =
      RateInWindow(run.timeline->Samples(), run.backup_start, run.backup_end, run.load_start, load_end);
  if (r.during_s == 0 || r.before_s == 0) return;  // too short to say
  run.report["load_rate"] = {{"during_backup_per_s", r.during},
                             {"before_backup_per_s", r.before},
                             {"after_backup_per_s", r.after},
                             {"ratio", r.before > 0 ? r.during / r.before : 0.0},
                             {"during_backup_seconds", r.during_s},
                             {"before_backup_seconds", r.before_s},
                             {"after_backup_seconds", r.after_s},
                             {"slave_replicating", run.replication != nullptr}};
}

// A failed run says why (triage/explain.h): report.json's cause and
// summary.txt's cause: line. Explaining must never cost the result.
void ExplainFailure(Run& run) {
  try {
    if (auto cause = triage::Explain(run.report, run.dir)) {
      run.report["cause"] = cause->ToJson();
      Say("cause: " + cause->Line());
      const triage::KnownBugs known = triage::LoadKnownBugs(run.o.known_bugs);
      if (run.report.contains("failure")) {
        if (const triage::KnownBug* b = known.Match(RunFailure::FromJson(run.report["failure"]), &*cause)) {
          run.report["known_bug"] = triage::ToJson(*b);
          Say(fmt::format("known bug: {}: {}", b->id, b->note));
        }
      }
    }
  } catch (const std::exception& e) {
    Say(std::string("the failure could not be explained: ") + e.what());
  }
}

}  // namespace

ProvisionRunResult RunProvisionScenario(const ProvisionRunOptions& given) {
  const fs::path run_dir = MakeRunDir(given.results_root, given.seed);
  const ProvisionRunOptions o = WithDurableCrashRoles(WithEncryption(given, run_dir));
  Run run(o, run_dir);
  run.report["phases"] = json::array();
  run.report["failures"] = json::array();
  run.report["config"] = ConfigJson(o);
  WriteResultFile(run.dir / "config.json", run.report["config"].dump(2) + "\n");
  run.timeline = std::make_unique<Timeline>(run.dir / "timeline.csv", 10);
  if (!o.slave_dir.empty()) {
    // The slave's folder lives elsewhere; the results folder points to it.
    std::error_code ec;
    fs::create_directory_symlink(fs::absolute(o.slave_dir), run.dir / "slave", ec);
  }
  Say("results in " + run.dir.string());
  const auto load_end = Clock::now() + o.duration;
  try {
    StartMasterAndLoad(run);
    // Warm up before the backup: the backup must race real writes.
    SleepUntil(Clock::now() + std::min<std::chrono::seconds>(std::chrono::seconds(5), o.duration / 6));
    if (!g_stop) Provision(run);
    ProvisionFromReplica(run);
    if (!run.failed() && !g_stop) SyncPointsDuringLoad(run, load_end);
    // The rest of the load is watched too, not only the time between checks.
    if (!run.failed() && !g_stop) WatchUntil(run, load_end);
  } catch (const std::exception& e) {
    NameAServerThatStopped(run);
    run.Fail(Status::kEnvironment, FailureKind::kEnvironment, e.what());
  }
  EndLoad(run);
  NoteCrashStepsNotRun(run);
  CheckServers(run);
  try {
    if (run.slave && (!run.failed() || run.status == Status::kDivergence) && !g_stop) {
      FinalCatchup(run);
      if (!run.failed() || run.status == Status::kDivergence) Check(run, "final-check", true);
    }
  } catch (const std::exception& e) {
    NameAServerThatStopped(run);
    run.Fail(Status::kEnvironment, FailureKind::kEnvironment, e.what());
  }
  CheckServers(run);
  if (g_stop && !run.failed()) run.Fail(Status::kEnvironment, FailureKind::kEnvironment, "interrupted (SIGINT): partial report");

  run.timeline->AttachReplication(std::nullopt, std::nullopt);
  // Keep the datadirs of a failed run; a passing run's backup is dead weight.
  for (auto* s : {run.slave2.get(), run.slave.get(), run.master.get()}) {
    if (s == nullptr) continue;
    s->set_keep_datadir(run.failed());
    s->Stop();
  }
  DropReplicationAccount(run.endpoint);
  run.timeline->Stop();
  RecordLoadRate(run);
  std::error_code ec;
  if (!run.failed()) {
    const fs::path backup_parent = o.slave_dir.empty() ? run.dir : o.slave_dir;
    fs::remove_all(backup_parent / "backup", ec);
    fs::remove_all(backup_parent / "backup-slave2", ec);
    fs::remove_all(backup_parent / "incrementals", ec);
    fs::remove(backup_parent / "backup-users.sql", ec);
  }

  run.report["status"] = ToString(run.status);
  run.report["exit_status"] = static_cast<int>(run.status);
  run.report["reason"] = run.reason;
  run.report["seconds"] = Since(run.start);
  ExplainFailure(run);
  std::string summary;
  try {
    summary = WriteRunReport(run.report, run.dir);
  } catch (const std::exception& e) {
    // The result must not be lost: the summary still goes to stdout, the
    // file problem to stderr, and an otherwise passing run fails with it.
    Say(e.what());
    summary = SummaryText(run.report, run.dir);
    if (!run.failed()) {
      run.status = Status::kEnvironment;
      run.reason = e.what();
    }
  }
  std::fputs(summary.c_str(), stdout);
  return ProvisionRunResult{run.status, run.reason, run.dir};
}

}  // namespace randsync::scenario
