// What the logical methods (mariadb-dump, mydumper) share: the slave is a
// fresh server loaded from the dump; the master's accounts are dumped at
// the data's point (accounts_at_point.h) and loaded first; the locking
// (backup/dump_locking.h) decides what the dump makes consistent, and the
// run picks it when --backup-option does not say.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runners/backup/dump_locking.h"
#include "runners/backup/mariabackup.h"
#include "runners/scenario/methods/backup_method.h"
#include "runners/scenario/position_audit.h"

namespace randsync::scenario {

class LogicalMethod : public BackupMethod {
 public:
  // `locking` unset: not given, ChooseLocking picks it (a snapshot until then).
  LogicalMethod(MethodSettings settings, std::optional<backup::DumpLocking> locking);

  const MethodSettings& settings() const override { return settings_; }
  bool SlaveRunsOnBackup() const override { return false; }
  std::string UncoveredReason(std::string_view engine, bool sequence) const override;
  std::optional<Choice> ChooseLocking(db::Connection& master, const std::vector<std::string>& databases) const override;
  PositionAudit Take(const ProvisionContext& ctx) const override;
  void Restore(const ProvisionContext& ctx, server::ThrowawayServer& slave) const override;
  std::string LimitOfFailure(const std::string& error) const override;

 protected:
  backup::DumpLocking locking() const {
    return settings_.unsafe_dump ? backup::DumpLocking::kNone : locking_.value_or(backup::DumpLocking::kSnapshot);
  }

  // The same method with `locking` given.
  virtual std::shared_ptr<const BackupMethod> WithLocking(backup::DumpLocking locking) const = 0;
  // Where the dump's position comes from: "dump header", ...
  virtual std::string PositionSourceName() const = 0;
  // How many connections open a snapshot (backup/accounts_at_point.h
  // waits for them), or kHoldUntilToolEnds.
  virtual unsigned Snapshots() const = 0;
  // Runs the tool into ctx.BackupDir(); returns the position it recorded.
  virtual backup::BackupPosition Dump(const ProvisionContext& ctx) const = 0;
  // Loads ctx.BackupDir() into the started slave.
  virtual void Load(const ProvisionContext& ctx, server::ThrowawayServer& slave) const = 0;
  // For ChooseLocking's line: the option that keeps the snapshot, and what
  // the writers wait for under the lock.
  virtual std::string SnapshotOption() const = 0;
  virtual std::string LockedWhile() const = 0;
  // A sequence under the global read lock (mydumper reads it after its lock ends).
  virtual std::string SequenceUnderLock() const { return ""; }

 private:
  MethodSettings settings_;
  std::optional<backup::DumpLocking> locking_;
};

// --backup-option of a logical method: only how the dump locks. Returns
// the locking the options choose (nullopt: none), or throws
// MethodOptionError naming the option and what the method takes.
std::optional<backup::DumpLocking> LockingFromOptions(const MethodSettings& settings, std::string_view method,
                                                      std::string_view snapshot_option,
                                                      std::string_view lock_option);

}  // namespace randsync::scenario
