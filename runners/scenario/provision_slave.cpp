#include "runners/scenario/provision_slave.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "checker/chunk_plan.h"
#include "checker/discovery.h"
#include "db/connection.h"
#include "runners/backup/logical_dump.h"
#include "runners/backup/mydumper.h"
#include "runners/server/replication.h"
#include "runners/server/server_error.h"

namespace randsync::scenario {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

using Clock = std::chrono::steady_clock;

void Say(const std::string& s) { std::fprintf(stderr, "randsync: run: %s\n", s.c_str()); }
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

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

std::vector<std::string> UserDatabases(const MasterEndpoint& master) {
  db::Connection m(master.dsn);
  return checker::ListDatabases(m, {});
}

backup::MariabackupOptions MariabackupOptionsFor(const ProvisionContext& ctx) {
  backup::MariabackupOptions b;
  b.target_dir = BackupDir(ctx);
  b.log_dir = ctx.run_dir / "backup-logs";
  b.timeout = ctx.options.backup_timeout;
  b.binary = ctx.options.backup_binary;
  b.extra_backup_options = ctx.options.backup_options;
  return b;
}

// The master-side step; returns the recorded position. Leaves what the
// slave needs in backup/.
backup::BackupPosition TakeBackup(const ProvisionContext& ctx) {
  const ProvisionRunOptions& o = ctx.options;
  const fs::path dir = BackupDir(ctx);
  const fs::path logs = ctx.run_dir / "backup-logs";
  ctx.mark("backup start");
  const auto t0 = Clock::now();
  backup::BackupPosition at;
  if (o.backup_method == "mariadb-dump") {
    Say(fmt::format("backup: mariadb-dump{} while the load runs",
                    o.unsafe_dump ? " WITHOUT --single-transaction (negative control)" : " --single-transaction"));
    backup::DumpOptions d;
    d.dump_file = dir / "dump.sql";
    d.log_dir = logs;
    d.timeout = o.backup_timeout;
    d.dump_binary = o.backup_binary;
    d.single_transaction = !o.unsafe_dump;
    d.databases = UserDatabases(ctx.master);
    at = backup::Dump(ctx.master.admin, d);
  } else if (o.backup_method == "mydumper") {
    Say("backup: mydumper --trx-consistency-only while the load runs");
    backup::MydumperOptions d;
    d.output_dir = dir;
    d.log_dir = logs;
    d.timeout = o.backup_timeout;
    d.dumper_binary = o.backup_binary;
    d.databases = UserDatabases(ctx.master);
    at = backup::DumpWithMydumper(ctx.master.admin, d);
  } else {
    Say("backup: mariadb-backup --backup while the load runs");
    backup::Backup(ctx.master.admin, MariabackupOptionsFor(ctx));
  }
  ctx.mark("backup end");
  const double seconds = Since(t0);
  if (o.backup_method == "mariabackup") {
    ctx.phase("backup", seconds, json::object());
    const auto t1 = Clock::now();
    at = backup::Prepare(MariabackupOptionsFor(ctx));
    ctx.phase("prepare", Since(t1), PositionJson(at));
    Say(fmt::format("backup: taken in {:.1f} s, prepared in {:.1f} s", seconds, Since(t1)));
  } else {
    ctx.phase("backup", seconds, PositionJson(at));
    Say(fmt::format("backup: taken in {:.1f} s", seconds));
  }
  Say(fmt::format("backup: position {}:{}, GTID {}", at.binlog_file, at.binlog_pos, at.gtid.empty() ? "-" : at.gtid));
  return at;
}

// A fresh throwaway server has a `test` database; a master need not (the
// user's may have been bootstrapped without it). Left there, it would be
// reported as a schema difference the backup did not cause.
void DropDatabasesTheMasterLacks(const ProvisionContext& ctx, server::ThrowawayServer& slave) {
  const std::vector<std::string> keep = UserDatabases(ctx.master);
  db::Connection s(db::ParseDsn(slave.Dsn(""), nullptr));
  s.Execute("SET SESSION sql_log_bin = 0");
  for (const std::string& d : checker::ListDatabases(s, {})) {
    if (std::find(keep.begin(), keep.end(), d) == keep.end()) {
      s.Execute("DROP DATABASE " + checker::QuoteIdentifier(d));
    }
  }
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
  try {
    out.slave->Start();
  } catch (const server::ServerError& e) {
    // A server that starts on a fresh datadir but not on the prepared
    // backup (e.g. "Found 1 prepared transactions!" after --no-lock) was
    // given an unusable backup: that is the backup's failure.
    if (o.backup_method != "mariabackup" || e.kind() != server::ServerErrorKind::kStartFailed) throw;
    throw backup::BackupError(std::string("the slave does not start on the prepared backup: ") + e.what());
  }
  ctx.phase("slave start", Since(t0), json::object());
  if (o.backup_method == "mariabackup") return;  // it runs on the backup's data
  const auto t1 = Clock::now();
  DropDatabasesTheMasterLacks(ctx, *out.slave);
  if (o.backup_method == "mariadb-dump") {
    backup::DumpOptions d;
    d.dump_file = dir / "dump.sql";
    d.log_dir = logs;
    d.timeout = o.backup_timeout;
    backup::Restore(out.slave->Admin(""), d);
  } else {
    backup::MydumperOptions d;
    d.output_dir = dir;
    d.log_dir = logs;
    d.timeout = o.backup_timeout;
    backup::LoadWithMyloader(out.slave->Admin(""), d);
  }
  ctx.phase("restore", Since(t1), json::object());
}

}  // namespace

std::string SkewGtid(const std::string& gtid, int skew) {
  const auto dash = gtid.rfind('-');
  if (dash == std::string::npos) return gtid;
  const long long seq = std::stoll(gtid.substr(dash + 1)) + skew;
  return gtid.substr(0, dash + 1) + std::to_string(seq < 0 ? 0 : seq);
}

void ProvisionSlave(const ProvisionContext& ctx, ProvisionedSlave& out) {
  const ProvisionRunOptions& o = ctx.options;
  out.recorded = TakeBackup(ctx);
  StartSlave(ctx, out);
  db::Connection s(db::ParseDsn(out.slave->Dsn(""), nullptr));
  server::ReplicationSource source = ctx.master.source;
  source.delay_s = o.slave_delay_s;
  if (o.position == "file") {
    if (out.recorded.binlog_file.empty()) throw backup::BackupError("the backup recorded no binlog file/position");
    server::StartReplicaAtPosition(s, source, out.recorded.binlog_file, out.recorded.binlog_pos);
    out.started_at = fmt::format("{}:{}", out.recorded.binlog_file, out.recorded.binlog_pos);
  } else {
    if (out.recorded.gtid.empty()) {
      throw backup::BackupError("the backup recorded no GTID (use --position file for a master without GTIDs)");
    }
    const std::string gtid =
        o.test_position_skew == 0 ? out.recorded.gtid : SkewGtid(out.recorded.gtid, o.test_position_skew);
    server::StartReplicaAtGtid(s, source, gtid);
    out.started_at = "GTID " + gtid;
  }
  ctx.mark("slave started");
  Say(fmt::format("slave on 127.0.0.1:{} (server id {}, {}) replicating from {}{}", out.slave->port(),
                  SlaveServerId(ctx), SlaveDir(ctx).string(), out.started_at,
                  o.test_position_skew ? fmt::format(" ({:+} transactions off the backup: negative control)",
                                                     o.test_position_skew)
                                       : ""));
}

}  // namespace randsync::scenario
