#include "runners/scenario/provision_slave.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "base/log.h"
#include "base/text_util.h"
#include "checker/chunk_plan.h"
#include "checker/discovery.h"
#include "db/connection.h"
#include "runners/backup/logical_dump.h"
#include "runners/backup/mydumper.h"
#include "runners/backup/users_dump.h"
#include "runners/scenario/accounts_at_point.h"
#include "runners/scenario/consistency_model.h"
#include "runners/scenario/prepared_xa.h"
#include "runners/scenario/unpositioned_commits.h"
#include "runners/server/replication.h"
#include "runners/server/server_options.h"
#include "runners/server/server_error.h"

namespace randsync::scenario {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

using Clock = std::chrono::steady_clock;

void Say(const std::string& s) { Log("run", s); }
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A step's phase when it throws: the time it took and result "failed",
// so that summary.txt, junit.xml and report.json show the step that
// failed. A step that ends well records its own phase, with what it found.
class PhaseIfFailed {
 public:
  PhaseIfFailed(const ProvisionContext& ctx, std::string name)
      : ctx_(ctx), name_(std::move(name)), start_(Clock::now()), exceptions_(std::uncaught_exceptions()) {}
  ~PhaseIfFailed() {
    if (std::uncaught_exceptions() > exceptions_) {
      ctx_.phase(name_, std::chrono::duration<double>(Clock::now() - start_).count(), {{"result", "failed"}});
    }
  }
  PhaseIfFailed(const PhaseIfFailed&) = delete;
  PhaseIfFailed& operator=(const PhaseIfFailed&) = delete;

 private:
  const ProvisionContext& ctx_;
  std::string name_;
  Clock::time_point start_;
  int exceptions_;
};

json PositionJson(const backup::BackupPosition& at) {
  return {{"binlog_file", at.binlog_file}, {"binlog_pos", at.binlog_pos}, {"gtid", at.gtid}};
}

// The slave's folder (datadir, socket, error log) and, for mariadb-backup,
// the backup it runs on: in the results folder, or under --slave-datadir.
fs::path SlaveDir(const ProvisionContext& ctx) {
  return ctx.options.slave_dir.empty() ? ctx.run_dir / "slave" : ctx.options.slave_dir;
}
fs::path BackupDir(const ProvisionContext& ctx) {
  return ctx.options.slave_dir.empty() ? ctx.run_dir / "backup" : ctx.options.slave_dir / "backup";
}

// Any id but the master's (a replica ignores events of its own id).
unsigned SlaveServerId(const ProvisionContext& ctx) { return ctx.master.server_id == 2 ? 3 : 2; }

server::ServerOptions SlaveServerOptions(const ProvisionContext& ctx) {
  const ProvisionRunOptions& o = ctx.options;
  server::ServerOptions so = o.slave_server ? *o.slave_server : o.server;
  so.role = "slave";
  so.datadir_parent = SlaveDir(ctx);
  so.extra_options = server::SlaveOptions(SlaveServerId(ctx));
  if (o.slave_parallel_threads > 0) {
    so.extra_options.push_back(fmt::format("--slave-parallel-threads={}", o.slave_parallel_threads));
  }
  if (!o.slave_parallel_mode.empty()) so.extra_options.push_back("--slave-parallel-mode=" + o.slave_parallel_mode);
  for (const auto& x : o.slave_options) so.extra_options.push_back(x);
  return so;
}

db::Connection Master(const ProvisionContext& ctx) { return db::Connection(ctx.master.dsn, ctx.control); }
db::Connection Slave(const ProvisionContext& ctx, const server::ThrowawayServer& slave) {
  return db::Connection(db::ParseDsn(slave.Dsn(""), nullptr), ctx.control);
}

std::vector<std::string> UserDatabases(const ProvisionContext& ctx) {
  db::Connection m = Master(ctx);
  return checker::ListDatabases(m, {});
}

backup::MariabackupOptions MariabackupOptionsFor(const ProvisionContext& ctx) {
  backup::MariabackupOptions b;
  b.target_dir = BackupDir(ctx);
  b.log_dir = ctx.run_dir / "backup-logs";
  b.timeout = ctx.options.backup_timeout;
  b.abandon = ctx.abandon;
  b.binary = ctx.options.backup_binary;
  b.extra_backup_options = ctx.options.backup_options;
  return b;
}


// The master's accounts, roles and grants beside a logical dump
// (users_dump.h), restored into the slave before the data.
backup::UsersDumpOptions UsersDumpOptionsFor(const ProvisionContext& ctx) {
  backup::UsersDumpOptions u;
  // Beside the backup, not in it: mydumper wants its folder new or empty.
  u.users_file = BackupDir(ctx).parent_path() / "backup-users.sql";
  return u;
}

// Where a mariabackup copy lies in the binary log. Locked, the info file
// (read while commits were blocked) is its point, and InnoDB's record must
// agree with it; unlocked (--no-lock), only InnoDB's record is: the copy's
// InnoDB data is that of the last transaction InnoDB committed in it, and
// the info file is written later, when the copy ends.
PositionAudit PlaceMariabackup(const ProvisionContext& ctx, const backup::BackupPosition& info,
                               std::optional<backup::BackupPosition> innodb) {
  db::Connection m = Master(ctx);
  if (innodb) innodb->gtid = GtidAt(m, innodb->binlog_file, innodb->binlog_pos);
  PositionAudit a;
  const PositionSource info_source{"binlog info file", info};
  if (UnlockedCopy(ctx.options)) {
    if (!innodb) {
      throw backup::BackupError(
          "--no-lock: the prepare recovered no InnoDB binlog position (no xtrabackup_binlog_pos_innodb), so the "
          "unlocked copy cannot be placed in the binary log");
    }
    a.start = {"InnoDB at prepare", *innodb};
    a.others.push_back(info_source);
    a.info_file_ahead_bytes = BinlogBytesBetween(m, *innodb, info);
    Say(fmt::format("backup: --no-lock: the slave starts at InnoDB's position {}:{} (GTID {}), {} bytes of binlog "
                    "before the info file's {}:{}",
                    innodb->binlog_file, innodb->binlog_pos, innodb->gtid.empty() ? "-" : innodb->gtid,
                    *a.info_file_ahead_bytes, info.binlog_file, info.binlog_pos));
    return a;
  }
  a.start = info_source;
  if (innodb) a.others.push_back({"InnoDB at prepare", *innodb});
  return a;
}

// The master-side step; returns every position the backup recorded, the
// one the slave starts from first. Leaves what the slave needs in backup/.
PositionAudit TakeBackup(const ProvisionContext& ctx) {
  const ProvisionRunOptions& o = ctx.options;
  const fs::path dir = BackupDir(ctx);
  const fs::path logs = ctx.run_dir / "backup-logs";
  ctx.mark("backup start");
  const auto t0 = Clock::now();
  PositionAudit a;
  PositionCheck accounts;  // logical methods: the accounts dump against the data's point
  std::optional<PhaseIfFailed> failed(std::in_place, ctx, "backup");
  if (o.backup_method == "mariadb-dump") {
    Say(fmt::format("backup: {}{} while the load runs", MethodVariant(o),
                    o.unsafe_dump ? " (negative control)" : ""));
    backup::DumpOptions d;
    d.dump_file = dir / "dump.sql";
    d.log_dir = logs;
    d.timeout = o.backup_timeout;
    d.abandon = ctx.abandon;
    d.dump_binary = o.backup_binary;
    d.locking = LockingOf(o);
    d.databases = UserDatabases(ctx);
    if (o.unsafe_dump) {
      a.start = {"SHOW MASTER STATUS before the dump", backup::Dump(ctx.master.admin, d)};
    } else {
      // Under --lock-all-tables the dump opens no snapshot: the accounts'
      // lock is held until it ends (the dump's own lock shares it).
      const unsigned snapshots = d.locking == backup::DumpLocking::kSnapshot ? 1 : kHoldUntilToolEnds;
      a.start = {"dump header", DumpWithAccounts(ctx.master, ctx.control, UsersDumpOptionsFor(ctx), snapshots,
                                                 [&] { return backup::Dump(ctx.master.admin, d); }, accounts)};
    }
  } else if (o.backup_method == "mydumper") {
    Say(fmt::format("backup: {} while the load runs", MethodVariant(o)));
    backup::MydumperOptions d;
    d.locking = LockingOf(o);
    d.output_dir = dir;
    d.log_dir = logs;
    d.timeout = o.backup_timeout;
    d.abandon = ctx.abandon;
    d.dumper_binary = o.backup_binary;
    d.databases = UserDatabases(ctx);
    a.start = {"mydumper metadata", DumpWithAccounts(ctx.master, ctx.control, UsersDumpOptionsFor(ctx), d.threads,
                                                     [&] { return backup::DumpWithMydumper(ctx.master.admin, d); },
                                                     accounts)};
  } else {
    Say(fmt::format("backup: mariadb-backup --backup{} while the load runs", UnlockedCopy(o) ? " --no-lock" : ""));
    backup::Backup(ctx.master.admin, MariabackupOptionsFor(ctx));
  }
  failed.reset();
  ctx.mark("backup end");
  const double seconds = Since(t0);
  if (o.backup_method == "mariabackup") {
    ctx.phase("backup", seconds, json::object());
    const PhaseIfFailed prepare_failed(ctx, "prepare");
    const auto t1 = Clock::now();
    const backup::BackupPosition info = backup::Prepare(MariabackupOptionsFor(ctx));
    a = PlaceMariabackup(ctx, info, backup::ReadInnodbBinlogPos(dir));
    ctx.phase("prepare", Since(t1), PositionJson(a.start.at));
    Say(fmt::format("backup: taken in {:.1f} s, prepared in {:.1f} s", seconds, Since(t1)));
  } else {
    ctx.phase("backup", seconds, PositionJson(a.start.at));
    Say(fmt::format("backup: taken in {:.1f} s", seconds));
  }
  if (!accounts.what.empty()) a.checks.push_back(accounts);
  const backup::BackupPosition& at = a.start.at;
  Say(fmt::format("backup: position {}:{}, GTID {} ({})", at.binlog_file, at.binlog_pos,
                  at.gtid.empty() ? "-" : at.gtid, a.start.name));
  return a;
}

// The sources' cross-checks (position_audit.h), before the slave exists.
void AuditSources(const ProvisionContext& ctx, PositionAudit& a) {
  db::Connection m = Master(ctx);
  // The GTID a tool recorded beside the start's file/position (not one the
  // master translated for us) must be the master's there. The other
  // sources are not points of the data: an unlocked copy's info file reads
  // its file/position and GTID at different moments, rightly apart.
  if (a.start.name != "InnoDB at prepare") a.checks.push_back(CheckGtidAgreesWithFilePos(m, a.start));
  if (ctx.options.backup_method == "mariabackup" && !UnlockedCopy(ctx.options) && !a.others.empty()) {
    a.checks.push_back(CheckInnodbWithinLockedCopy(m, a.others.front().at, a.start.at));
  }
}

// A fresh throwaway server has a `test` database; a master need not (the
// user's may have been bootstrapped without it). Left there, it would be
// reported as a schema difference the backup did not cause.
void DropDatabasesTheMasterLacks(const ProvisionContext& ctx, server::ThrowawayServer& slave) {
  const std::vector<std::string> keep = UserDatabases(ctx);
  db::Connection s = Slave(ctx, slave);
  s.Execute("SET SESSION sql_log_bin = 0");
  for (const std::string& d : checker::ListDatabases(s, {})) {
    if (std::find(keep.begin(), keep.end(), d) == keep.end()) {
      s.Execute("DROP DATABASE " + QuoteIdentifier(d));
    }
  }
}

bool MentionsPreparedTransactions(const std::vector<std::string>& log) {
  return std::any_of(log.begin(), log.end(),
                     [](const std::string& l) { return l.find("prepared transaction") != std::string::npos; });
}

// Starts the slave. A copy taken without locks can hold transactions that
// were prepared but not committed when it ended: they come after the
// InnoDB position the slave starts from (it replays them), and the server
// refuses to start until they are resolved. As MariaDB's own test
// (mariabackup.slave_provision_nolock) does: one start with
// --tc-heuristic-recover=ROLLBACK, which rolls them back and exits, then a
// normal one.
void StartOnBackup(const ProvisionRunOptions& o, server::ThrowawayServer& slave) {
  try {
    slave.Start();
    return;
  } catch (const server::ServerError& e) {
    if (o.backup_method != "mariabackup" || e.kind() != server::ServerErrorKind::kStartFailed ||
        !MentionsPreparedTransactions(e.log_tail())) {
      throw;
    }
  }
  Say("slave: the copy holds prepared transactions; rolling them back (--tc-heuristic-recover=ROLLBACK) before "
      "the slave starts");
  const server::ChildExit exit = slave.RunToExit({"--tc-heuristic-recover=ROLLBACK"}, std::chrono::seconds(120));
  Say("slave: the rollback run ended with " + exit.Describe());
  slave.Start();
}

// Starts the slave on (mariabackup) or with (logical) the backup.
void StartSlave(const ProvisionContext& ctx, ProvisionedSlave& out) {
  const ProvisionRunOptions& o = ctx.options;
  const fs::path dir = BackupDir(ctx);
  const fs::path logs = ctx.run_dir / "backup-logs";
  server::ServerOptions so = SlaveServerOptions(ctx);
  if (o.backup_method == "mariabackup") so.datadir = dir;
  out.slave = std::make_unique<server::ThrowawayServer>(so);
  const auto t0 = Clock::now();
  std::optional<PhaseIfFailed> failed(std::in_place, ctx, "slave start");
  try {
    StartOnBackup(o, *out.slave);
  } catch (const server::ServerError& e) {
    // A server that starts on a fresh datadir but not on the prepared
    // backup was given an unusable backup: that is the backup's failure.
    if (o.backup_method != "mariabackup" || e.kind() != server::ServerErrorKind::kStartFailed) throw;
    throw backup::BackupError(std::string("the slave does not start on the prepared backup: ") + e.what());
  }
  failed.reset();
  ctx.phase("slave start", Since(t0), json::object());
  if (o.backup_method == "mariabackup") return;  // it runs on the backup's data
  const PhaseIfFailed restore_failed(ctx, "restore");
  const auto t1 = Clock::now();
  DropDatabasesTheMasterLacks(ctx, *out.slave);
  if (!o.unsafe_dump) {
    backup::DumpOptions users;
    users.dump_file = UsersDumpOptionsFor(ctx).users_file;
    users.log_dir = logs;
    users.timeout = o.backup_timeout;
    users.abandon = ctx.abandon;
    backup::Restore(out.slave->Admin(""), users);
  }
  if (o.backup_method == "mariadb-dump") {
    backup::DumpOptions d;
    d.dump_file = dir / "dump.sql";
    d.log_dir = logs;
    d.timeout = o.backup_timeout;
    d.abandon = ctx.abandon;
    backup::Restore(out.slave->Admin(""), d);
  } else {
    backup::MydumperOptions d;
    d.output_dir = dir;
    d.log_dir = logs;
    d.timeout = o.backup_timeout;
    d.abandon = ctx.abandon;
    backup::LoadWithMyloader(out.slave->Admin(""), d);
  }
  ctx.phase("restore", Since(t1), json::object());
}

}  // namespace

db::ConnectOptions ControlOptions(const ProvisionRunOptions& o) {
  return db::ConnectOptions::Bounded(static_cast<unsigned>(std::max<long long>(10, o.hang_timeout.count())));
}

std::string SkewGtid(const std::string& gtid, int skew) {
  const auto dash = gtid.rfind('-');
  if (dash == std::string::npos) return gtid;
  const long long seq = std::stoll(gtid.substr(dash + 1)) + skew;
  return gtid.substr(0, dash + 1) + std::to_string(seq < 0 ? 0 : seq);
}

namespace {

// The data check on the restored slave, then the verdict: a contradiction
// ends the provisioning.
void AuditData(const ProvisionContext& ctx, db::Connection& slave, const backup::BackupPosition& start,
               PositionAudit& a) {
  DataAuditOptions d;
  d.covered = [&ctx](const std::string& engine) { return Covers(ctx.options, engine); };
  db::Connection m = Master(ctx);
  a.checks.push_back(CheckDataAtPosition(ctx.master.admin, m, slave, start, ctx.options.position == PositionMode::kGtid, d));
  for (const PositionCheck& c : a.checks) Say(fmt::format("position audit: {}: {}: {}", c.what, ToString(c.verdict), c.detail));
  if (const PositionCheck* wrong = a.FirstWrong()) {
    // Unlocked, a transaction that also used Aria (or another engine
    // without two-phase commit) gives the copy's InnoDB data no exact
    // position: InnoDB records none for it, nor need it reach InnoDB in
    // the log's order.
    std::string limit;
    if (UnlockedCopy(ctx.options) && wrong->by_one_phase_commit) {
      limit = UnlockedOnePhaseLimit() + "; the contradicting transaction committed in one phase";
    }
    throw PositionMismatchError(fmt::format("the slave's start {}:{}{} ({}) is not where the backup's data is: {}",
                                            start.binlog_file, start.binlog_pos,
                                            start.gtid.empty() ? "" : " GTID " + start.gtid, a.start.name,
                                            wrong->detail),
                                limit);
  }
}

}  // namespace

namespace {

// A copy taken without locks: the one-phase commits and XA COMMITs it
// holds past InnoDB's position (unpositioned_commits.h) may move the
// start; then its prepared XA transactions that replication replays from
// there are rolled back (prepared_xa.h).
void ResolveUnlockedCopy(const ProvisionContext& ctx, db::Connection& slave, ProvisionedSlave& out) {
  if (out.audit.others.empty()) return;
  db::Connection m = Master(ctx);
  DataAuditOptions audit;
  audit.covered = [&ctx](const std::string& engine) { return Covers(ctx.options, engine); };
  const HeldUnpositionedCommits held =
      SkipHeldUnpositionedCommits(ctx.master.admin, m, slave, out.recorded, audit, PreparedXids(slave));
  if (held.start) {
    Say(fmt::format("backup: --no-lock: the copy holds the {} logged right after InnoDB's position, for which "
                    "InnoDB records no position: the slave starts after them, at {}:{} (GTID {})",
                    held.Describe(), held.start->binlog_file, held.start->binlog_pos, held.start->gtid));
    out.audit.start.name += ", past " + held.Describe() + " the copy holds";
    out.audit.start.at = *held.start;
    out.recorded = *held.start;
  }
  const PreparedXa xa = ResolvePreparedXa(m, slave, out.recorded, out.audit.others.front().at);
  if (!xa.rolled_back.empty() || !xa.kept.empty()) {
    Say(fmt::format("slave: prepared XA transactions in the copy: {} rolled back (prepared after the start: "
                    "replication replays them), {} kept (prepared before it)",
                    xa.rolled_back.size(), xa.kept.size()));
  }
}

// Where replication starts: the backup's point, by GTID or file/position
// (moved by the negative control's skew).
backup::BackupPosition StartPosition(const ProvisionRunOptions& o, backup::BackupPosition at) {
  if (o.position == PositionMode::kFile) {
    if (at.binlog_file.empty()) throw backup::BackupError("the backup recorded no binlog file/position");
    return at;
  }
  if (at.gtid.empty()) {
    throw backup::BackupError("the backup recorded no GTID (use --position file for a master without GTIDs)");
  }
  if (o.test_position_skew != 0) at.gtid = SkewGtid(at.gtid, o.test_position_skew);
  return at;
}

void StartReplication(const ProvisionContext& ctx, db::Connection& slave, const backup::BackupPosition& start,
                      ProvisionedSlave& out) {
  const ProvisionRunOptions& o = ctx.options;
  server::ReplicationSource source = ctx.master.source;
  source.delay_s = o.slave_delay_s;
  if (o.position == PositionMode::kFile) {
    server::StartReplicaAtPosition(slave, source, start.binlog_file, start.binlog_pos);
    out.started_at = fmt::format("{}:{}", start.binlog_file, start.binlog_pos);
  } else {
    server::StartReplicaAtGtid(slave, source, start.gtid);
    out.started_at = "GTID " + start.gtid;
  }
  ctx.mark("slave started");
  Say(fmt::format("slave on 127.0.0.1:{} (server id {}, {}) replicating from {}{}", out.slave->port(),
                  SlaveServerId(ctx), SlaveDir(ctx).string(), out.started_at,
                  o.test_position_skew ? fmt::format(" ({:+} transactions off the backup: negative control)",
                                                     o.test_position_skew)
                                       : ""));
}

}  // namespace

// Says, before the backup starts, which tables the method cannot make
// consistent (consistency_model.h), one line each.
void ListUncoveredTables(const ProvisionContext& ctx, ProvisionedSlave& out) {
  db::Connection m = Master(ctx);
  out.uncovered = UncoveredTables(m, UserDatabases(ctx), ctx.options);
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < out.uncovered.size() && i < kShown; ++i) {
    const UncoveredTable& t = out.uncovered[i];
    Say(fmt::format("backup: {} cannot make {} ({}) consistent: {}", MethodVariant(ctx.options), t.table, t.engine,
                    t.reason));
  }
  if (out.uncovered.size() > kShown) {
    Say(fmt::format("backup: ... and {} more such tables (report.json uncovered_tables)",
                    out.uncovered.size() - kShown));
  }
  if (!ctx.master.binlog_format.empty() && ctx.master.binlog_format != "ROW") {
    Say(fmt::format("backup: binlog format {}: a session's temporary table open at the backup's point is in no "
                    "backup (its later statements change the base table of its name on the slave); a failure there "
                    "is named as this limit",
                    ctx.master.binlog_format));
  }
}

void ProvisionSlave(const ProvisionContext& given, ProvisionedSlave& out) {
  ProvisionRunOptions options = given.options;
  {
    db::Connection m = Master(given);
    if (const std::string why = ChooseDumpLocking(m, UserDatabases(given), options); !why.empty()) {
      Say("backup: " + why);
    }
  }
  const ProvisionContext ctx{options,      given.run_dir, given.master, given.phase,
                             given.mark,   given.control, given.abandon};
  out.variant = MethodVariant(options);
  ListUncoveredTables(ctx, out);
  out.audit = TakeBackup(ctx);
  out.recorded = out.audit.start.at;
  auto t0 = Clock::now();
  AuditSources(ctx, out.audit);
  double audit_seconds = Since(t0);
  StartSlave(ctx, out);
  db::Connection s = Slave(ctx, *out.slave);
  if (UnlockedCopy(ctx.options)) ResolveUnlockedCopy(ctx, s, out);
  const backup::BackupPosition start = StartPosition(ctx.options, out.recorded);
  t0 = Clock::now();
  auto record = [&] {
    out.audit.seconds = audit_seconds + Since(t0);
    ctx.phase("position audit", out.audit.seconds, {{"verdict", ToString(out.audit.verdict())}});
  };
  try {
    AuditData(ctx, s, start, out.audit);
  } catch (...) {
    record();
    throw;
  }
  record();
  StartReplication(ctx, s, start, out);
}

}  // namespace randsync::scenario
