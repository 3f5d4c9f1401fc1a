#include "runners/scenario/provision_run.h"

#include <atomic>
#include <ctime>
#include <fstream>
#include <optional>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/check_report.h"
#include "checker/check_run.h"
#include "db/connection.h"
#include "db/replication_status.h"
#include "engine/load/load_engine.h"
#include "engine/schema/schema_reader.h"
#include "checker/discovery.h"
#include "runners/backup/logical_dump.h"
#include "runners/backup/mariabackup.h"
#include "runners/server/replication.h"
#include "runners/server/server_error.h"
#include "runners/server/throwaway_server.h"

namespace randsync::scenario {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

void Say(const std::string& s) { std::fprintf(stderr, "randsync: run: %s\n", s.c_str()); }

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

RunStatusCode FromLoad(load::RunStatus s) {
  switch (s) {
    case load::RunStatus::kOk:
      return RunStatusCode::kOk;
    case load::RunStatus::kServerCrashed:
      return RunStatusCode::kServerCrashed;
    case load::RunStatus::kDatabaseCorruption:
      return RunStatusCode::kDatabaseCorruption;
    default:
      return RunStatusCode::kEnvironment;
  }
}

RunStatusCode FromCheck(checker::CheckStatus s) {
  switch (s) {
    case checker::CheckStatus::kOk:
      return RunStatusCode::kOk;
    case checker::CheckStatus::kDivergence:
      return RunStatusCode::kDivergence;
    case checker::CheckStatus::kReplicationFailure:
      return RunStatusCode::kReplicationFailure;
    case checker::CheckStatus::kSyncTimeout:
      return RunStatusCode::kCatchupTimeout;
    case checker::CheckStatus::kEnvironment:
      return RunStatusCode::kEnvironment;
  }
  return RunStatusCode::kEnvironment;
}

// The state of one run, so that every exit path writes the same report.
struct Run {
  Run(const ProvisionRunOptions& options, fs::path run_dir) : o(options), dir(std::move(run_dir)) {}
  const ProvisionRunOptions& o;
  fs::path dir;
  json report;
  Clock::time_point start = Clock::now();
  RunStatusCode status = RunStatusCode::kOk;
  std::string reason;
  std::unique_ptr<server::ThrowawayServer> master, slave;
  std::unique_ptr<load::LoadEngine> engine;
  std::string last_clean_gtid;  // the last sync point that found no difference

  // The first failure decides the status; later ones are recorded only.
  void Fail(RunStatusCode s, const std::string& why) {
    report["failures"].push_back({{"status", static_cast<int>(s)}, {"reason", why}});
    Say(fmt::format("{}: {}", ToString(s), why));
    if (status == RunStatusCode::kOk) {
      status = s;
      reason = why;
    }
  }
  void Phase(const std::string& name, double seconds, json extra = json::object()) {
    extra["phase"] = name;
    extra["seconds"] = seconds;
    report["phases"].push_back(extra);
  }
  bool failed() const { return status != RunStatusCode::kOk; }
};

checker::CheckOptions CheckOptionsFor(const Run& run, bool quiesced) {
  checker::CheckOptions co;
  co.master = db::ParseDsn(run.master->Dsn(""), nullptr);
  co.slave = db::ParseDsn(run.slave->Dsn(""), nullptr);
  co.threads = run.o.check_threads;
  co.chunk_size = 1000;
  co.sync_timeout = run.o.sync_timeout;
  co.quiesced = quiesced;
  co.fix_sql = true;
  return co;
}

// One check; its full report goes to checks/<name>.json.
void Check(Run& run, const std::string& name, bool quiesced) {
  const auto t0 = Clock::now();
  checker::CheckReport r = checker::RunCheck(CheckOptionsFor(run, quiesced));
  fs::create_directories(run.dir / "checks");
  std::ofstream(run.dir / "checks" / (name + ".json"))
      << checker::ToJson(r).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  Say(fmt::format("{}: {} ({}; {} rows per side, {:.2f} s)", name, checker::ToString(r.status),
                  r.sync_description.empty() ? r.error : r.sync_description, r.master_rows, Since(t0)));
  run.Phase(name, Since(t0), {{"result", checker::ToString(r.status)}, {"gtid", r.gtid},
                              {"commit_block_ms", r.commit_block_ms}});
  if (r.status == checker::CheckStatus::kOk) {
    run.last_clean_gtid = r.gtid;
    return;
  }
  if (r.status == checker::CheckStatus::kDivergence) {
    std::ofstream(run.dir / "checks" / (name + ".txt")) << checker::Summary(r);
    run.Fail(RunStatusCode::kDivergence,
             fmt::format("{} found differences at GTID {} (last clean sync point: {}); see checks/{}.txt", name,
                         r.gtid, run.last_clean_gtid.empty() ? "none" : run.last_clean_gtid, name));
    return;
  }
  run.Fail(FromCheck(r.status), fmt::format("{}: {}", name, r.error));
}

// Sleeps until `t`, or less when a stop was requested.
std::atomic<bool> g_stop{false};
void SleepUntil(Clock::time_point t) {
  while (Clock::now() < t && !g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void StartMasterAndLoad(Run& run) {
  const ProvisionRunOptions& o = run.o;
  server::ServerOptions mo = o.server;
  mo.role = "master";
  mo.datadir_parent = run.dir / "master";
  mo.extra_options = server::MasterOptions(o.binlog_format);
  // The RQG grammars' OPTIMIZE/ALTER inside other sessions' transactions
  // close metadata/row lock cycles that only this timeout breaks.
  mo.extra_options.push_back("--innodb-lock-wait-timeout=2");
  for (const auto& x : o.master_options) mo.extra_options.push_back(x);
  run.master = std::make_unique<server::ThrowawayServer>(mo);
  auto t0 = Clock::now();
  run.master->Start();
  Say(fmt::format("master on 127.0.0.1:{} (binlog {}), error log {}", run.master->port(), o.binlog_format,
                  run.master->error_log().string()));
  const db::Dsn dsn = db::ParseDsn(run.master->Dsn("test"), nullptr);
  GendataOptions g;
  g.seed = o.seed;
  g.dict_dirs = o.dict_dirs;
  GendataResult data = Generate(dsn, o.gendata, g);
  Say(fmt::format("data: {} tables, {} rows", data.tables.size(), data.rows));
  run.Phase("master+data", Since(t0), {{"tables", data.tables.size()}, {"rows", data.rows}});

  load::LoadOptions lo;
  lo.threads = o.threads;
  lo.duration = o.duration;
  lo.seed = o.seed;
  lo.program = o.program;
  lo.values = o.values;
  lo.schema = std::make_shared<Schema>(ReadSchemaFromServer(dsn));
  lo.dsn = dsn;
  lo.query_log_dir = run.dir / "queries";
  run.engine = std::make_unique<load::LoadEngine>(lo);
  run.engine->Start();
  Say(fmt::format("load: {} threads for {} s, seed {}", o.threads, o.duration.count(), o.seed));
}

void StartReplication(Run& run, const backup::BackupPosition& at) {
  db::Connection s(db::ParseDsn(run.slave->Dsn(""), nullptr));
  server::ReplicationSource source;
  source.port = run.master->port();
  server::StartReplicaAtGtid(s, source, at.gtid);
  Say(fmt::format("slave on 127.0.0.1:{} replicating from GTID {}", run.slave->port(), at.gtid));
}

server::ServerOptions SlaveServerOptions(const Run& run) {
  server::ServerOptions so = run.o.server;
  so.role = "slave";
  so.datadir_parent = run.dir / "slave";
  so.extra_options = server::SlaveOptions(2);
  for (const auto& x : run.o.slave_options) so.extra_options.push_back(x);
  return so;
}

void RecordPosition(Run& run, const std::string& phase, double seconds, const backup::BackupPosition& at) {
  Say(fmt::format("backup: done in {:.1f} s at {}:{}, GTID {}", seconds, at.binlog_file, at.binlog_pos, at.gtid));
  const json pos = {{"binlog_file", at.binlog_file}, {"binlog_pos", at.binlog_pos}, {"gtid", at.gtid}};
  run.Phase(phase, seconds, pos);
  run.report["backup_position"] = pos;
}

// mariadb-backup under load; the slave starts on the prepared backup.
void ProvisionWithMariabackup(Run& run) {
  const ProvisionRunOptions& o = run.o;
  backup::MariabackupOptions bo;
  bo.target_dir = run.dir / "backup";
  bo.log_dir = run.dir / "backup-logs";
  bo.timeout = o.backup_timeout;
  bo.binary = o.backup_binary;
  auto t0 = Clock::now();
  Say("backup: mariadb-backup --backup + --prepare while the load runs");
  backup::BackupPosition at;
  try {
    at = backup::BackupAndPrepare(run.master->Admin(""), bo);
  } catch (const backup::BackupError& e) {
    run.Fail(RunStatusCode::kBackupFailure, e.what());
    return;
  }
  RecordPosition(run, "backup+prepare", Since(t0), at);
  t0 = Clock::now();
  server::ServerOptions so = SlaveServerOptions(run);
  so.datadir = bo.target_dir;
  run.slave = std::make_unique<server::ThrowawayServer>(so);
  run.slave->Start();
  StartReplication(run, at);
  run.Phase("slave start", Since(t0));
}

// mariadb-dump under load; the slave is a fresh server the dump is loaded into.
void ProvisionWithDump(Run& run) {
  const ProvisionRunOptions& o = run.o;
  backup::DumpOptions d;
  d.dump_file = run.dir / "backup" / "dump.sql";
  d.log_dir = run.dir / "backup-logs";
  d.timeout = o.backup_timeout;
  d.dump_binary = o.backup_binary;
  d.single_transaction = !o.unsafe_dump;
  {
    db::Connection m(db::ParseDsn(run.master->Dsn(""), nullptr));
    d.databases = checker::ListDatabases(m, {});
  }
  auto t0 = Clock::now();
  Say(fmt::format("backup: mariadb-dump{} while the load runs", o.unsafe_dump ? " WITHOUT --single-transaction (negative control)" : " --single-transaction"));
  backup::BackupPosition at;
  try {
    at = backup::Dump(run.master->Admin(""), d);
  } catch (const backup::BackupError& e) {
    run.Fail(RunStatusCode::kBackupFailure, e.what());
    return;
  }
  RecordPosition(run, "dump", Since(t0), at);
  t0 = Clock::now();
  run.slave = std::make_unique<server::ThrowawayServer>(SlaveServerOptions(run));
  run.slave->Start();
  try {
    backup::Restore(run.slave->Admin(""), d);
  } catch (const backup::BackupError& e) {
    run.Fail(RunStatusCode::kBackupFailure, e.what());
    return;
  }
  run.Phase("slave start+restore", Since(t0));
  StartReplication(run, at);
}

// Once the load stopped: the slave must apply everything in time.
void FinalCatchup(Run& run) {
  auto t0 = Clock::now();
  db::Connection m(db::ParseDsn(run.master->Dsn(""), nullptr));
  db::Connection s(db::ParseDsn(run.slave->Dsn(""), nullptr));
  const std::string gtid = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  Say("catch-up: waiting for the slave to apply " + gtid);
  const bool reached = server::WaitForGtid(s, gtid, run.o.catchup_timeout);
  run.Phase("catch-up", Since(t0), {{"gtid", gtid}, {"reached", reached}});
  if (reached) return;
  std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(s);
  const std::string status = st ? st->Describe() : "not a replica";
  if (st && st->has_error()) {
    run.Fail(RunStatusCode::kReplicationFailure, "replication failed: " + status);
  } else {
    run.Fail(RunStatusCode::kCatchupTimeout,
             fmt::format("the slave did not reach {} within {} s ({})", gtid, run.o.catchup_timeout.count(), status));
  }
}

// A server that died is the status, whatever else happened.
void CheckServers(Run& run) {
  for (auto* s : {run.master.get(), run.slave.get()}) {
    if (s == nullptr) continue;
    if (auto crash = s->Poll()) {
      std::string tail;
      for (const auto& line : crash->log_tail) tail += "\n  " + line;
      run.status = RunStatusCode::kOk;  // a crash outranks what it caused
      run.Fail(RunStatusCode::kServerCrashed, crash->Describe() + tail);
      s->set_keep_datadir(true);
    }
  }
}

std::string SummaryText(const Run& run) {
  std::string out = fmt::format("randsync run {}\n", run.dir.filename().string());
  for (const auto& p : run.report["phases"]) {
    out += fmt::format("  {:<16} {:7.2f} s", p["phase"].get<std::string>(), p["seconds"].get<double>());
    if (p.contains("result")) out += "  " + p["result"].get<std::string>();
    if (p.contains("gtid") && !p["gtid"].get<std::string>().empty()) out += "  GTID " + p["gtid"].get<std::string>();
    out += "\n";
  }
  if (run.report.contains("load")) out += "  " + run.report["load"]["summary_line"].get<std::string>() + "\n";
  out += fmt::format("status: {} (exit {}){}\n", ToString(run.status), static_cast<int>(run.status),
                     run.reason.empty() ? "" : ": " + run.reason);
  out += "results: " + run.dir.string() + "\n";
  return out;
}

}  // namespace

const char* ToString(RunStatusCode s) {
  switch (s) {
    case RunStatusCode::kOk: return "STATUS_OK";
    case RunStatusCode::kServerCrashed: return "STATUS_SERVER_CRASHED";
    case RunStatusCode::kReplicationFailure: return "STATUS_REPLICATION_FAILURE";
    case RunStatusCode::kDatabaseCorruption: return "STATUS_DATABASE_CORRUPTION";
    case RunStatusCode::kBackupFailure: return "STATUS_BACKUP_FAILURE";
    case RunStatusCode::kEnvironment: return "STATUS_ENVIRONMENT_FAILURE";
    case RunStatusCode::kDivergence: return "STATUS_DIVERGENCE";
    case RunStatusCode::kCatchupTimeout: return "STATUS_CATCHUP_TIMEOUT";
  }
  return "?";
}

void RequestProvisionRunStop() { g_stop = true; }

ProvisionRunResult RunProvisionScenario(const ProvisionRunOptions& o) {
  Run run(o, MakeRunDir(o.results_root, o.seed));
  run.report["phases"] = json::array();
  run.report["failures"] = json::array();
  run.report["config"] = {{"grammar", o.grammar},        {"threads", o.threads},
                          {"duration_s", o.duration.count()}, {"seed", o.seed},
                          {"binlog_format", o.binlog_format}, {"backup", o.backup_method},
                          {"unsafe_dump", o.unsafe_dump},
                          {"position", "gtid"},          {"sync_points", o.sync_points},
                          {"catchup_timeout_s", o.catchup_timeout.count()},
                          {"master_options", o.master_options}, {"slave_options", o.slave_options}};
  std::ofstream(run.dir / "config.json") << run.report["config"].dump(2) << "\n";
  Say("results in " + run.dir.string());
  const auto load_end = Clock::now() + o.duration;
  try {
    StartMasterAndLoad(run);
    // Warm up before the backup: the backup must race real writes.
    SleepUntil(Clock::now() + std::min<std::chrono::seconds>(std::chrono::seconds(5), o.duration / 6));
    if (!g_stop) {
      if (o.backup_method == "mariadb-dump") {
        ProvisionWithDump(run);
      } else {
        ProvisionWithMariabackup(run);
      }
    }
    if (!run.failed() && !g_stop) {
      const auto from = Clock::now();
      const auto span = load_end > from ? load_end - from : Clock::duration::zero();
      for (unsigned k = 1; k <= o.sync_points && !g_stop; ++k) {
        SleepUntil(from + span * k / (o.sync_points + 1));
        Check(run, fmt::format("sync-point-{}", k), false);
        if (run.failed() && run.status != RunStatusCode::kDivergence) break;
      }
    }
  } catch (const server::ServerError& e) {
    run.Fail(RunStatusCode::kEnvironment, e.what());
  } catch (const std::exception& e) {
    run.Fail(RunStatusCode::kEnvironment, e.what());
  }
  if (run.engine) {
    if (run.failed() && run.status != RunStatusCode::kDivergence) run.engine->Stop();
    if (g_stop) run.engine->Stop();
    load::LoadResult lr = run.engine->Wait();
    run.report["load"] = lr.ToJson();
    run.report["load"]["summary_line"] =
        fmt::format("load: {} statements, {} threads", lr.summary.statements, o.threads);
    if (lr.status != load::RunStatus::kOk) {
      run.Fail(FromLoad(lr.status), lr.fatal ? lr.fatal->Describe() : load::ToString(lr.status));
    }
  }
  CheckServers(run);
  try {
    if (run.slave && (!run.failed() || run.status == RunStatusCode::kDivergence) && !g_stop) {
      FinalCatchup(run);
      if (!run.failed() || run.status == RunStatusCode::kDivergence) Check(run, "final-check", true);
    }
  } catch (const std::exception& e) {
    run.Fail(RunStatusCode::kEnvironment, e.what());
  }
  CheckServers(run);
  if (g_stop && !run.failed()) run.Fail(RunStatusCode::kEnvironment, "interrupted (SIGINT): partial report");

  // Keep the datadirs of a failed run; a passing run's backup is dead weight.
  for (auto* s : {run.slave.get(), run.master.get()}) {
    if (s == nullptr) continue;
    s->set_keep_datadir(run.failed());
    s->Stop();
  }
  std::error_code ec;
  if (!run.failed()) fs::remove_all(run.dir / "backup", ec);

  run.report["status"] = ToString(run.status);
  run.report["exit_status"] = static_cast<int>(run.status);
  run.report["reason"] = run.reason;
  run.report["seconds"] = Since(run.start);
  std::ofstream(run.dir / "report.json") << run.report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  const std::string summary = SummaryText(run);
  std::ofstream(run.dir / "summary.txt") << summary;
  std::fputs(summary.c_str(), stdout);
  return ProvisionRunResult{run.status, run.reason, run.dir};
}

}  // namespace randsync::scenario
