// mariadb-dump: --single-transaction (or --lock-all-tables) --master-data=2
// --gtid into one SQL file, the position in its header comments; the slave
// is a fresh server loaded without binlogging. --test-unsafe-dump is the
// negative control: no lock, no snapshot, the position read before.
#include "runners/backup/logical_dump.h"
#include "runners/scenario/accounts_at_point.h"
#include "runners/scenario/methods/logical_method.h"
#include "runners/scenario/methods/method_factories.h"
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
    d.databases = ctx.UserDatabases();
    return backup::Dump(ctx.master.admin, d);
  }
  void Load(const ProvisionContext& ctx, server::ThrowawayServer& slave) const override {
    backup::Restore(slave.Admin(""), Files(ctx));
  }

 private:
  static backup::DumpOptions Files(const ProvisionContext& ctx) {
    backup::DumpOptions d;
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
