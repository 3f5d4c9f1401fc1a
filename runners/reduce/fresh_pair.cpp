#include "runners/reduce/fresh_pair.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "checker/check_run.h"
#include "db/connection.h"
#include "db/db_error.h"
#include "db/dsn.h"
#include "db/replication_status.h"
#include "runners/server/replication.h"
#include "runners/triage/evidence.h"

namespace randsync::reduce {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::string> Strings(const json& config, const char* key) {
  return config.value(key, std::vector<std::string>{});
}

server::ServerOptions Binaries(const std::string& basedir, const std::string& mariadbd) {
  server::ServerOptions o = basedir.empty() ? server::ServerOptions{} : server::ServerOptions::FromBasedir(basedir);
  if (!mariadbd.empty()) o.mariadbd = mariadbd;
  return o;
}

// Options fixed at bootstrap (InnoDB's file format, and the key
// management an encrypted one needs): the template needs them; the rest
// waits for the real start.
std::vector<std::string> InnodbOnly(const std::vector<std::string>& options) {
  std::vector<std::string> out;
  for (const auto& o : options) {
    if (server::ShapesInnodbFiles(o)) out.push_back(o);
  }
  return out;
}

constexpr unsigned kStatementTimeoutS = 60;  // one statement of the replay
// Every trial copies both template datadirs: a small redo log (the
// throwaway default is 48M) makes that copy 4 times smaller; the run's own
// --innodb-log-file-size, if any, comes later and wins.
constexpr const char* kTrialRedoLog = "--innodb-log-file-size=8M";
constexpr auto kCatchUp = std::chrono::seconds(60);

db::Connection Connect(const server::ThrowawayServer& s) {
  return db::Connection(db::ParseDsn(s.Dsn("")), db::ConnectOptions::Bounded(kStatementTimeoutS));
}

void LoadSetup(db::Connection& c, const Script& script) {
  c.Execute("SET SESSION sql_log_bin = 0");
  c.Execute("SET SESSION foreign_key_checks = 0");
  bool open = false;
  for (const std::string& sql : SetupStatements(script)) {
    const bool row = sql.rfind("INSERT", 0) == 0;
    if (row && !open) c.Execute("BEGIN");  // one commit per table's rows, not per row
    if (!row && open) c.Execute("COMMIT");
    open = row;
    c.Execute(sql);
  }
  if (open) c.Execute("COMMIT");
  c.Execute("SET SESSION foreign_key_checks = 1");
  c.Execute("SET SESSION sql_log_bin = 1");
}

// The window on the master, in one session. Returns false when the master
// died (outcome filled in).
bool SendWindow(db::Connection& m, server::ThrowawayServer& master, const Script& script, TrialOutcome& out) {
  const std::vector<std::string> statements = WindowStatements(script);
  for (std::size_t i = 0; i < statements.size(); ++i) {
    try {
      m.Execute(statements[i]);
    } catch (const db::DbError& e) {
      const bool lost = e.error_number() == 2013 || e.error_number() == 2006;
      // A dying server closes the session before it is reaped: give it a moment.
      for (int wait = 0; lost && wait < 30 && !master.Poll(); ++wait) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (auto exit = master.crash()) {
        out.shape = FailureShape::kMasterCrash;
        out.detail = fmt::format("the master died at statement {}: {}", i + 1, exit->Describe());
        return false;
      }
      out.statement_errors.emplace_back(i, e.error_number());
      if (lost) m = Connect(master);  // the session is gone, the server is not
    }
  }
  return true;
}

void Compare(const server::ThrowawayServer& master, const server::ThrowawayServer& slave, const Target& target,
             TrialOutcome& out) {
  checker::CheckOptions co;
  co.master = db::ParseDsn(master.Dsn(""));
  co.slaves = {db::ParseDsn(slave.Dsn(""))};
  co.filters.tables = target.tables;
  co.threads = 1;
  co.quiesced = true;
  co.sync_timeout = kCatchUp;
  const checker::CheckReport r = checker::RunCheck(co);
  for (const auto& t : r.tables) {
    if (t.outcome == checker::TableCheck::Outcome::kDifferent) {
      out.differing_tables.push_back(t.ref.database + "." + t.ref.table);
    }
  }
  if (!out.differing_tables.empty()) {
    std::vector<triage::Evidence> rows;
    triage::AddDifferingRows(r, rows);
    for (const auto& e : rows) out.rows.push_back(e.text);
    out.shape = FailureShape::kDivergence;
    out.detail = fmt::format("{} differ", fmt::join(out.differing_tables, ", "));
  } else if (r.status == Status::kReplicationFailure) {
    out.shape = FailureShape::kReplicationError;
    out.error_number = r.error_number;
    out.detail = r.error;
  } else if (r.status != Status::kOk) {
    out.shape = FailureShape::kOther;
    out.detail = r.error.empty() ? std::string(ToString(r.status)) : r.error;
  }
}

// The slave applied everything, or stopped: a replication error then.
bool CatchUp(db::Connection& m, db::Connection& s, TrialOutcome& out) {
  const std::string pos = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  const bool caught = pos.empty() || server::WaitForGtid(s, pos, kCatchUp);
  if (auto st = db::ReadSlaveStatus(s); st && st->has_error()) {
    out.shape = FailureShape::kReplicationError;
    out.error_number = st->error_number();
    out.detail = st->Describe();
    return false;
  }
  if (!caught) {
    out.shape = FailureShape::kOther;
    out.detail = fmt::format("the slave did not reach {} within {} s", pos, kCatchUp.count());
    return false;
  }
  return true;
}

}  // namespace

PairSettings PairSettingsOf(const json& config) {
  PairSettings p;
  p.binlog_format = config.value("binlog_format", "ROW");
  p.master_options = Strings(config, "master_options");
  p.slave_options = Strings(config, "slave_options");
  p.master = Binaries(config.value("basedir", ""), config.value("mariadbd", ""));
  p.slave = Binaries(config.value("slave_basedir", ""), config.value("slave_mariadbd", ""));
  p.master.extra_options = server::MasterOptions(p.binlog_format);
  p.master.extra_options.push_back(kTrialRedoLog);
  for (const auto& o : p.master_options) p.master.extra_options.push_back(o);
  p.slave.extra_options = server::SlaveOptions(2);
  p.slave.extra_options.push_back(kTrialRedoLog);
  if (const unsigned n = config.value("slave_parallel_threads", 0u); n > 0) {
    p.slave_options.insert(p.slave_options.begin(), fmt::format("--slave-parallel-threads={}", n));
  }
  if (const std::string mode = config.value("slave_parallel_mode", ""); !mode.empty()) {
    p.slave_options.insert(p.slave_options.begin(), "--slave-parallel-mode=" + mode);
  }
  for (const auto& o : p.slave_options) p.slave.extra_options.push_back(o);
  return p;
}

FreshPairs::FreshPairs(PairSettings settings, fs::path work_dir)
    : settings_(std::move(settings)), work_(std::move(work_dir)) {
  fs::create_directories(work_);
  master_template_ = MakeTemplate(settings_.master);
  slave_template_ = MakeTemplate(settings_.slave);
}

FreshPairs::~FreshPairs() {
  std::error_code ec;
  fs::remove_all(work_ / "templates", ec);
}

fs::path FreshPairs::MakeTemplate(server::ServerOptions options) {
  const fs::path dir = work_ / "templates" / fmt::format("t{}", pairs_.load() + (master_template_.empty() ? 0 : 1));
  options.role = master_template_.empty() ? "template-master" : "template-slave";
  options.datadir_parent = dir;
  options.extra_options = InnodbOnly(options.extra_options);
  options.keep_datadir = true;
  server::ThrowawayServer t(options);
  t.Start();
  if (version_.empty()) {
    db::Connection c = Connect(t);
    version_ = c.server_version();
  }
  t.Shutdown();
  return t.datadir();
}

std::unique_ptr<server::ThrowawayServer> FreshPairs::StartCopy(server::ServerOptions options, const fs::path& from,
                                                               const fs::path& dir) {
  fs::create_directories(dir);
  const fs::path data = dir / "data";
  fs::copy(from, data, fs::copy_options::recursive);
  options.datadir = data;
  options.datadir_parent = dir;
  auto s = std::make_unique<server::ThrowawayServer>(options);
  s->Start();
  return s;
}

std::unique_ptr<server::ThrowawayServer> FreshPairs::StartScratch(const fs::path& dir) {
  server::ServerOptions o = settings_.master;
  o.role = "scratch";
  o.extra_options = InnodbOnly(o.extra_options);
  return StartCopy(o, master_template_, dir);
}

TrialOutcome FreshPairs::Trial(const Script& script, const Target& target) {
  const unsigned n = ++pairs_;
  const fs::path dir = work_ / fmt::format("trial-{}", n);
  TrialOutcome out;
  try {
    server::ServerOptions mo = settings_.master, so = settings_.slave;
    mo.role = "master";
    so.role = "slave";
    auto master = StartCopy(mo, master_template_, dir / "master");
    auto slave = StartCopy(so, slave_template_, dir / "slave");
    db::Connection m = Connect(*master), s = Connect(*slave);
    LoadSetup(m, script);
    LoadSetup(s, script);
    server::ReplicationSource source;
    source.port = master->port();
    server::StartReplicaAtGtid(s, source, "");
    if (SendWindow(m, *master, script, out) && CatchUp(m, s, out)) {
      if (target.shape == FailureShape::kDivergence) Compare(*master, *slave, target, out);
    }
    // Nothing of a trial is kept: SIGKILL, not a shutdown that flushes
    // what is removed next.
    master->Kill();
    slave->Kill();
  } catch (const std::exception& e) {
    out.shape = FailureShape::kOther;
    out.detail = e.what();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return out;
}

}  // namespace randsync::reduce
