// mariadb-dump: --single-transaction (or --lock-all-tables) --master-data=2
// --gtid into one SQL file, the position in its header comments; the slave
// is a fresh server loaded without binlogging. --test-unsafe-dump is the
// negative control: no lock, no snapshot, the position read before. A
// backup of a replica for a slave of its master takes --dump-slave=2
// instead of --master-data=2: the header then has where the replica was in
// its master's binary log.
#include <fmt/format.h>

#include "base/text_util.h"
#include "runners/backup/logical_dump.h"
#include "runners/scenario/accounts_at_point.h"
#include "runners/scenario/methods/logical_method.h"
#include "runners/scenario/methods/method_factories.h"
#include "runners/scenario/partial_backup.h"
#include "runners/scenario/provision_context.h"
#include "runners/server/throwaway_server.h"

namespace randsync::scenario {
namespace {

class MariadbDump final : public LogicalMethod {
 public:
  MariadbDump(const MethodSettings& s, std::optional<backup::DumpLocking> l) : LogicalMethod(s, l) {}

  std::string_view name() const override { return "mariadb-dump"; }
  std::string Variant() const override {
    switch (locking()) {
      case backup::DumpLocking::kNone: return "mariadb-dump without --single-transaction";
      case backup::DumpLocking::kSnapshot: return "mariadb-dump --single-transaction";
      case backup::DumpLocking::kGlobalReadLock: break;
    }
    return "mariadb-dump --lock-all-tables";
  }

 protected:
  std::shared_ptr<const BackupMethod> WithLocking(backup::DumpLocking l) const override {
    return std::make_shared<MariadbDump>(settings(), l);
  }
  std::string PositionSourceName() const override { return "dump header"; }
  // Under --lock-all-tables the dump opens no snapshot: the accounts' lock
  // is held until it ends (the dump's own lock shares it).
  unsigned Snapshots() const override {
    return locking() == backup::DumpLocking::kSnapshot ? 1 : kHoldUntilToolEnds;
  }
  std::string SnapshotOption() const override { return "--single-transaction"; }
  std::string LockedWhile() const override { return "the dump runs"; }

  backup::BackupPosition Dump(const ProvisionContext& ctx) const override {
    backup::DumpOptions d = Files(ctx);
    d.dump_binary = ctx.options.backup_binary;
    d.locking = locking();
    d.replica_source_position = RecordsTheReplicasSourcePosition(ctx);
    return backup::Dump(ctx.master.admin, d);
  }
  // A backup of a replica for a slave of its master: --dump-slave, unless
  // the negative control leaves it out (the dump then has the replica's
  // own position, --master-data's, and no other).
  bool RecordsTheReplicasSourcePosition(const ProvisionContext& ctx) const override {
    return ctx.BacksUpAReplicaOfTheSource() && settings().slave_info;
  }
  std::optional<backup::BackupPosition> ReplicaSourcePosition(const ProvisionContext& ctx) const override {
    if (!RecordsTheReplicasSourcePosition(ctx)) return std::nullopt;
    return backup::ReadDumpPosition(Files(ctx).dump_file);
  }
  std::string WithoutReplicaSourcePosition() const override {
    return "taken with --master-data, without --dump-slave";
  }
  void Load(const ProvisionContext& ctx, server::ThrowawayServer& slave) const override {
    const backup::DumpOptions d = Files(ctx);
    if (!d.tables.empty()) {
      // A dump of tables has no CREATE DATABASE.
      db::Connection s(db::ParseDsn(slave.Dsn(""), nullptr), ctx.control);
      s.Execute("SET SESSION sql_log_bin = 0");
      s.Execute("CREATE DATABASE IF NOT EXISTS " + QuoteIdentifier(d.databases.front()));
    }
    backup::Restore(slave.Admin(""), d);
  }

 private:
  // A partial dump takes the tables of one database (the tool's DB T...
  // form; several would be several dumps, of several moments).
  static backup::DumpOptions Files(const ProvisionContext& ctx) {
    backup::DumpOptions d;
    if (ctx.selected_tables.empty()) {
      d.databases = ctx.UserDatabases();
    } else {
      d.databases = DatabasesOf(ctx.selected_tables);
      if (d.databases.size() != 1) {
        throw backup::BackupError(fmt::format(
            "mariadb-dump takes the tables of one database in one snapshot, and the selection spans {} ({}); use "
            "mydumper or mariabackup for it",
            d.databases.size(), fmt::join(d.databases, ", ")));
      }
      for (const std::string& t : ctx.selected_tables) d.tables.push_back(t.substr(t.find('.') + 1));
    }
    d.dump_file = ctx.BackupDir() / "dump.sql";
    d.log_dir = ctx.LogDir();
    d.timeout = ctx.options.backup_timeout;
    d.abandon = ctx.abandon;
    return d;
  }
};

}  // namespace

std::shared_ptr<const BackupMethod> MakeMariadbDump(const MethodSettings& s) {
  if (s.parallel > 0) throw MethodOptionError("--backup-parallel: mariadb-dump dumps in one thread (mydumper has threads)");
  return std::make_shared<MariadbDump>(
      s, LockingFromOptions(s, "mariadb-dump", "--single-transaction", "--lock-all-tables"));
}

}  // namespace randsync::scenario
