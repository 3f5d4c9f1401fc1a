#include "runners/scenario/provision_slave.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "db/connection.h"
#include "runners/scenario/consistency_model.h"
#include "runners/scenario/prepared_xa.h"
#include "runners/scenario/unpositioned_commits.h"
#include "runners/server/replication.h"
#include "runners/server/server_options.h"
#include "runners/server/log_tail.h"
#include "runners/server/server_error.h"

namespace randsync::scenario {
using nlohmann::json;
namespace {

using Clock = std::chrono::steady_clock;

void Say(const std::string& s) { SayProvision(s); }

// Any id but the servers' upstream (a replica ignores events of its own id).
unsigned SlaveServerId(const ProvisionContext& ctx) {
  unsigned id = 2;
  while (id == ctx.master.server_id || id == ctx.Source().server_id || id == ctx.avoid_server_id) ++id;
  return id;
}

server::ServerOptions SlaveServerOptions(const ProvisionContext& ctx) {
  const ProvisionRunOptions& o = ctx.options;
  server::ServerOptions so = o.slave_server ? *o.slave_server : o.server;
  so.role = ctx.name;
  so.datadir_parent = ctx.SlaveDir();
  so.extra_options = server::SlaveOptions(SlaveServerId(ctx));
  if (o.slave_parallel_threads > 0) {
    so.extra_options.push_back(fmt::format("--slave-parallel-threads={}", o.slave_parallel_threads));
  }
  if (!o.slave_parallel_mode.empty()) so.extra_options.push_back("--slave-parallel-mode=" + o.slave_parallel_mode);
  for (const auto& x : ReplicationFilterFor(ctx.selected_tables)) so.extra_options.push_back(x);
  for (const auto& x : o.slave_options) so.extra_options.push_back(x);
  return so;
}

db::Connection Slave(const ProvisionContext& ctx, const server::ThrowawayServer& slave) {
  return db::Connection(db::ParseDsn(slave.Dsn(""), nullptr), ctx.control);
}

// The master-side step; returns every position the backup recorded, the
// one the slave starts from first. Leaves what the slave needs in backup/.
PositionAudit TakeBackup(const ProvisionContext& ctx) {
  PositionAudit a = ctx.options.backup->Take(ctx);
  const backup::BackupPosition& at = a.start.at;
  Say(fmt::format("backup: position {}:{}, GTID {} ({})", at.binlog_file, at.binlog_pos,
                  at.gtid.empty() ? "-" : at.gtid, a.start.name));
  return a;
}

bool MentionsPreparedTransactions(const std::vector<std::string>& log) {
  return std::any_of(log.begin(), log.end(),
                     [](const std::string& l) { return l.find("prepared transaction") != std::string::npos; });
}

// Starts the slave. A copy of the master's files taken without locks can
// hold transactions that were prepared but not committed when it ended:
// they come after the InnoDB position the slave starts from (it replays
// them), and the server refuses to start until they are resolved. As
// MariaDB's own test (mariabackup.slave_provision_nolock) does: one start
// with --tc-heuristic-recover=ROLLBACK, which rolls them back and exits,
// then a normal one.
void StartOnBackup(const BackupMethod& method, server::ThrowawayServer& slave) {
  try {
    slave.Start();
    return;
  } catch (const server::ServerError& e) {
    if (!method.SlaveRunsOnBackup() || e.kind() != server::ServerErrorKind::kStartFailed ||
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

// Starts the slave on the backup's files or, for a method that loads it,
// on a fresh datadir, then has the method restore the backup into it.
void StartSlave(const ProvisionContext& ctx, ProvisionedSlave& out) {
  const BackupMethod& method = *ctx.options.backup;
  server::ServerOptions so = SlaveServerOptions(ctx);
  if (method.SlaveRunsOnBackup()) so.datadir = ctx.BackupDir();
  out.slave = std::make_unique<server::ThrowawayServer>(so);
  const auto t0 = Clock::now();
  std::optional<PhaseIfFailed> failed(std::in_place, ctx, "slave start");
  try {
    StartOnBackup(method, *out.slave);
  } catch (const server::ServerError& e) {
    // A server that starts on a fresh datadir but not on the backup's
    // files was given an unusable backup: that is the backup's failure.
    if (!method.SlaveRunsOnBackup() || e.kind() != server::ServerErrorKind::kStartFailed) throw;
    throw backup::BackupError(std::string("the slave does not start on the prepared backup: ") + e.what());
  }
  failed.reset();
  ctx.phase("slave start", SecondsSince(t0), json::object());
  method.Restore(ctx, *out.slave);
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
  d.covered = [&ctx](const std::string& engine) { return Covers(*ctx.options.backup, engine); };
  // The start is in the binary log of the server the slave replicates from.
  db::Connection m = ctx.SourceConnection();
  a.checks.push_back(CheckDataAtPosition(ctx.Source().admin, m, slave, start, ctx.options.position == PositionMode::kGtid, d));
  for (const PositionCheck& c : a.checks) Say(fmt::format("position audit: {}: {}: {}", c.what, ToString(c.verdict), c.detail));
  if (const PositionCheck* wrong = a.FirstWrong()) {
    // Unlocked, a transaction that also used Aria (or another engine
    // without two-phase commit) gives the copy's InnoDB data no exact
    // position: InnoDB records none for it, nor need it reach InnoDB in
    // the log's order.
    std::string limit;
    if (ctx.options.backup->CopiesWithoutLocks() && wrong->by_one_phase_commit) {
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
  db::Connection m = ctx.Master();
  DataAuditOptions audit;
  audit.covered = [&ctx](const std::string& engine) { return Covers(*ctx.options.backup, engine); };
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

// The XA transactions the copy holds prepared, which the slave keeps: the
// log from the start brings their end.
void NotePreparedXa(db::Connection& slave, ProvisionedSlave& out) {
  out.prepared_xa_in_copy = PreparedXids(slave).size();
  if (out.prepared_xa_in_copy > 0) {
    Say(fmt::format("slave: the copy holds {} XA transaction(s) prepared across the backup's point; replication "
                    "brings their XA COMMIT or ROLLBACK",
                    out.prepared_xa_in_copy));
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
  server::ReplicationSource source = ctx.Source().source;
  source.delay_s = o.slave_delay_s;
  if (o.position == PositionMode::kFile) {
    server::StartReplicaAtPosition(slave, source, start.binlog_file, start.binlog_pos);
    out.started_at = fmt::format("{}:{}", start.binlog_file, start.binlog_pos);
  } else {
    server::StartReplicaAtGtid(slave, source, start.gtid);
    out.started_at = "GTID " + start.gtid;
  }
  ctx.mark("slave started");
  Say(fmt::format("{} on 127.0.0.1:{} (server id {}, {}) replicating from {}{}", ctx.name, out.slave->port(),
                  SlaveServerId(ctx), ctx.SlaveDir().string(),
                  ctx.replicate_from != nullptr ? fmt::format("{} at {}", ctx.Source().description, out.started_at)
                                                : out.started_at,
                  o.test_position_skew ? fmt::format(" ({:+} transactions off the backup: negative control)",
                                                     o.test_position_skew)
                                       : ""));
}

// "master-bin.000001:4 (GTID 0-1-5)", or "GTID 0-1-5" without a file.
std::string PositionText(const backup::BackupPosition& at) {
  if (at.binlog_file.empty()) return "GTID " + at.gtid;
  return fmt::format("{}:{}{}", at.binlog_file, at.binlog_pos, at.gtid.empty() ? "" : " (GTID " + at.gtid + ")");
}

}  // namespace

// A backup of a replica for a slave of the replica's master: the backup's
// own position is in the replica's binary log, the slave's start is where
// the replica was in its master's (what --slave-info recorded). The
// sources' cross-checks have been made on the replica; the data audit
// is made against the master.
void StartAtTheReplicasSourcePosition(const ProvisionContext& ctx, ProvisionedSlave& out) {
  const std::optional<backup::BackupPosition> at = ctx.options.backup->ReplicaSourcePosition(ctx);
  if (!at) {
    throw PositionMismatchError(fmt::format(
        "the backup of {} recorded no position in its master's binary log ({}); its binlog info {}:{} is a "
        "position in the replica's own binary log, not in its master's ({}), so a slave of that master has no start",
        ctx.master.description, ctx.options.backup->WithoutReplicaSourcePosition(), out.recorded.binlog_file,
        out.recorded.binlog_pos, ctx.Source().description));
  }
  const std::string source = ctx.options.backup->ReplicaSourceName();
  Say(fmt::format("backup: {} was at {} in {}'s binary log ({}); the replica's own position {}:{} stays in the "
                  "report",
                  ctx.master.description, PositionText(*at), ctx.Source().description, source,
                  out.recorded.binlog_file, out.recorded.binlog_pos));
  out.audit.others.insert(out.audit.others.begin(), {"the replica's own " + out.audit.start.name, out.audit.start.at});
  out.audit.start = {source, *at};
  out.recorded = *at;
}

// An error a table gives when its definition and its InnoDB data are of
// different moments: marked crashed (the server found InnoDB's columns
// and the .frm's apart), no such table in the engine, or a definition the
// engine cannot use.
bool IsTornTable(const db::DbError& e) {
  constexpr unsigned kCrashed = 1194, kNoSuchTableInEngine = 1932, kWrongTableDefinition = 1033,
                     kTableDefChanged = 1412;
  const unsigned n = e.error_number();
  return n == kCrashed || n == kNoSuchTableInEngine || n == kWrongTableDefinition || n == kTableDefChanged;
}

// The slave's error-log line that says what it found apart ("InnoDB: Table
// test/t contains 4 user defined columns in InnoDB, but 3 columns in
// MariaDB"), as "; slave error log: ...", or "".
std::string TornTableLogLine(const server::ThrowawayServer& slave) {
  for (const std::string& line : server::ReadLogTail(slave.error_log(), 200)) {
    if (line.find("user defined columns in InnoDB") != std::string::npos ||
        line.find("doesn't exist in engine") != std::string::npos) {
      const auto at = line.find("InnoDB: ");
      return "; slave error log: " + (at == std::string::npos ? line : line.substr(at));
    }
  }
  return "";
}

// A partial backup: the tables it takes, resolved now; the slave will
// replicate only them and the checks compare only them.
void SelectTables(ProvisionContext& ctx, ProvisionedSlave& out) {
  if (ctx.master.binlog_format != "ROW") {
    throw std::runtime_error(fmt::format(
        "{}: a partial backup needs binlog_format ROW (the master's is {}): a statement that reads a left-out "
        "table would change a provisioned one on the slave from rows it does not have",
        ctx.options.selection.Describe(), ctx.master.binlog_format));
  }
  db::Connection m = ctx.Master();
  ctx.selected_tables = SelectedTables(m, ctx.UserDatabases(), ctx.options.selection);
  out.selected_tables = ctx.selected_tables;
  Say(fmt::format("backup: partial ({}): {} tables ({}{}); the slave replicates only them (--replicate-do-table), "
                  "the checks compare only them",
                  ctx.options.selection.Describe(), ctx.selected_tables.size(),
                  fmt::join(ctx.selected_tables.begin(), ctx.selected_tables.begin() +
                                                             std::min<size_t>(5, ctx.selected_tables.size()), ", "),
                  ctx.selected_tables.size() > 5 ? ", ..." : ""));
}

// Says, before the backup starts, which tables the method cannot make
// consistent (consistency_model.h), one line each.
void ListUncoveredTables(const ProvisionContext& ctx, ProvisionedSlave& out) {
  db::Connection m = ctx.Master();
  out.uncovered = UncoveredTables(m, ctx.UserDatabases(), *ctx.options.backup);
  if (!ctx.selected_tables.empty()) {
    std::erase_if(out.uncovered, [&](const UncoveredTable& t) {
      return !std::binary_search(ctx.selected_tables.begin(), ctx.selected_tables.end(), t.table);
    });
  }
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < out.uncovered.size() && i < kShown; ++i) {
    const UncoveredTable& t = out.uncovered[i];
    Say(fmt::format("backup: {} cannot make {} ({}) consistent: {}", ctx.options.backup->Variant(), t.table, t.engine,
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
    db::Connection m = given.Master();
    if (const std::string why = ChooseMethodVariant(m, given.UserDatabases(), options); !why.empty()) {
      Say("backup: " + why);
    }
  }
  ProvisionContext ctx{options,    given.run_dir, given.master, given.phase,
                       given.mark, given.control, given.abandon, {}};
  ctx.replicate_from = given.replicate_from;
  ctx.name = given.name;
  ctx.avoid_server_id = given.avoid_server_id;
  if (options.selection.partial()) SelectTables(ctx, out);
  out.variant = options.backup->Variant();
  ListUncoveredTables(ctx, out);
  out.audit = TakeBackup(ctx);
  out.recorded = out.audit.start.at;
  auto t0 = Clock::now();
  // A backup of a replica whose only position is in the replica's master's
  // binary log (mariadb-dump --dump-slave) is cross-checked there.
  const bool at_source = ctx.BacksUpAReplicaOfTheSource() && options.backup->RecordsTheReplicasSourcePosition(ctx);
  {
    // The sources' cross-checks (position_audit.h), before the slave exists.
    db::Connection m = at_source ? ctx.SourceConnection() : ctx.Master();
    options.backup->AuditSources(ctx, m, out.audit);
  }
  if (at_source) {
    Say(fmt::format("backup: {} was at {} in {}'s binary log ({})", ctx.master.description,
                    PositionText(out.recorded), ctx.Source().description, out.audit.start.name));
  } else if (ctx.BacksUpAReplicaOfTheSource()) {
    StartAtTheReplicasSourcePosition(ctx, out);
  }
  double audit_seconds = SecondsSince(t0);
  StartSlave(ctx, out);
  try {
    db::Connection s = Slave(ctx, *out.slave);
    if (options.backup->CopiesWithoutLocks()) ResolveUnlockedCopy(ctx, s, out);
    if (options.backup->SlaveRunsOnBackup()) NotePreparedXa(s, out);
    const backup::BackupPosition start = StartPosition(ctx.options, out.recorded);
    t0 = Clock::now();
    auto record = [&] {
      out.audit.seconds = audit_seconds + SecondsSince(t0);
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
  } catch (const db::DbError& e) {
    if (!options.backup->CopiesWithoutLocks() || !IsTornTable(e)) throw;
    throw MethodLimitError(fmt::format("{}: the slave cannot open a table of the copy: {}{}", UnlockedDdlLimit(),
                                       e.what(), TornTableLogLine(*out.slave)));
  }
}

}  // namespace randsync::scenario
