// mydumper: --trx-consistency-only (or, its default, the global read lock
// until the non-InnoDB tables are dumped) with several threads into a
// folder, the position in its metadata file; myloader loads a fresh slave.
#include "runners/backup/mydumper.h"
#include "runners/scenario/methods/logical_method.h"
#include "runners/scenario/methods/method_factories.h"
#include "runners/scenario/provision_context.h"
#include "runners/server/throwaway_server.h"

namespace randsync::scenario {
namespace {

class Mydumper final : public LogicalMethod {
 public:
  Mydumper(const MethodSettings& s, std::optional<backup::DumpLocking> l) : LogicalMethod(s, l) {}

  std::string_view name() const override { return "mydumper"; }
  std::string Variant() const override {
    return locking() == backup::DumpLocking::kSnapshot ? "mydumper --trx-consistency-only" : "mydumper";
  }

 protected:
  std::shared_ptr<const BackupMethod> WithLocking(backup::DumpLocking l) const override {
    return std::make_shared<Mydumper>(settings(), l);
  }
  std::string PositionSourceName() const override { return "mydumper metadata"; }
  std::optional<backup::BackupPosition> ReplicaSourcePosition(const ProvisionContext& ctx) const override {
    return backup::ReadMydumperSlaveStatus(ctx.BackupDir());
  }
  std::string ReplicaSourceName() const override { return "mydumper metadata's SHOW SLAVE STATUS"; }
  std::string WithoutReplicaSourcePosition() const override { return "its metadata has no SHOW SLAVE STATUS"; }
  unsigned Snapshots() const override { return Threads(); }  // each thread opens one
  std::string SnapshotOption() const override { return "--trx-consistency-only"; }
  std::string LockedWhile() const override { return "they are dumped"; }
  std::string SequenceUnderLock() const override {
    return "a sequence's value is not in mydumper's snapshot, and mydumper reads it after its lock ends";
  }

  backup::BackupPosition Dump(const ProvisionContext& ctx) const override {
    backup::MydumperOptions d = Files(ctx);
    d.dumper_binary = ctx.options.backup_binary;
    d.locking = locking();
    d.threads = Threads();
    if (ctx.selected_tables.empty()) {
      d.databases = ctx.UserDatabases();
    } else {
      d.tables = ctx.selected_tables;
    }
    return backup::DumpWithMydumper(ctx.master.admin, d);
  }
  void Load(const ProvisionContext& ctx, server::ThrowawayServer& slave) const override {
    backup::LoadWithMyloader(slave.Admin(""), Files(ctx));
  }

 private:
  unsigned Threads() const {
    return settings().parallel > 0 ? settings().parallel : backup::MydumperOptions{}.threads;
  }
  static backup::MydumperOptions Files(const ProvisionContext& ctx) {
    backup::MydumperOptions d;
    d.output_dir = ctx.BackupDir();
    d.log_dir = ctx.LogDir();
    d.timeout = ctx.options.backup_timeout;
    d.abandon = ctx.abandon;
    return d;
  }
};

}  // namespace

std::shared_ptr<const BackupMethod> MakeMydumper(const MethodSettings& s) {
  if (s.of_replica && !s.slave_info) {
    throw MethodOptionError("--test-no-slave-info: mydumper records a replica's SHOW SLAVE STATUS whenever it dumps "
                            "one (no option leaves it out); use --backup mariabackup or mariadb-dump");
  }
  if (s.unsafe_dump) throw MethodOptionError("--test-unsafe-dump needs --backup mariadb-dump");
  return std::make_shared<Mydumper>(s, LockingFromOptions(s, "mydumper", "--trx-consistency-only", ""));
}

}  // namespace randsync::scenario
