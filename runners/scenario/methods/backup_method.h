// A backup method: how `randsync run` backs the master up while the load
// runs and provisions a slave from it (../shared/reference/provisioning.md).
// Each method and variant is a class behind this interface
// (methods/*_method.cpp), built by MakeBackupMethod from --backup's word
// and its settings; the scenario asks the method, it never compares names.
// Adding a method is one file plus its line in methods/registry.cpp.
//
// The provisioning protocol (provision_slave.cpp) calls, in order:
//   1. UncoveredReason, per table of the master: the tables the method
//      cannot make consistent are listed before the backup starts;
//   2. Take: the backup, under load; every position it recorded, the one
//      the slave starts from first; it records the "backup" phase (and its
//      own later ones) and marks "backup start"/"backup end";
//   3. AuditSources: cross-checks of those positions, before the slave exists;
//   4. the slave starts: on the backup's files when SlaveRunsOnBackup
//      (a start that fails is the backup's failure), else on a fresh
//      datadir that Restore then loads;
//   5. the data audit and replication from the start (the scenario's).
//
// Threading: a method is immutable and is used by the run's main thread
// only; a variant chosen later (ChooseLocking) is a new object.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"

namespace randsync::server {
class ThrowawayServer;
}

namespace randsync::scenario {

struct ProvisionContext;
struct PositionAudit;

// What --backup-option, the chain options and the negative controls give
// a method.
struct MethodSettings {
  std::vector<std::string> options;  // --backup-option, each "--name[=value]"
  bool unsafe_dump = false;          // --test-unsafe-dump (negative control)
  // An incremental chain (mariabackup): this many incrementals after the
  // full backup, one every `incremental_interval`, all under load; the
  // slave starts from the last. `kill_backup_at` (1..incrementals, 0: none)
  // SIGKILLs that incremental mid-copy and takes it again.
  unsigned incrementals = 0;
  std::chrono::seconds incremental_interval{2};
  unsigned kill_backup_at = 0;
  // Negative control (--test-incremental-order): the incrementals applied
  // in this order (out of order, or one left out) instead of 1..K; the
  // prepare must refuse it, naming the incremental.
  std::vector<unsigned> apply_order;
  // mariabackup: the backup as an mbstream through a pipe, maybe
  // compressed, then extracted (backup/mariabackup.h BackupStream).
  std::optional<backup::BackupStream> stream;
  // --backup-parallel: mariabackup's --parallel, mydumper's --threads (0: the tool's default).
  unsigned parallel = 0;
  // The server backed up is a replica (--backup-from replica,
  // replica_backup.h): the method takes what a replica's backup needs
  // (mariabackup: --safe-slave-backup, and --slave-info unless the
  // negative control --test-no-slave-info leaves it out).
  bool of_replica = false;
  bool slave_info = true;
};

// An option the method does not take: one line naming it and why.
class MethodOptionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class BackupMethod {
 public:
  virtual ~BackupMethod() = default;

  // --backup's word and config.json's "backup": "mariabackup", ...
  virtual std::string_view name() const = 0;
  // The method with its options, as the consistency model names it:
  // "mariabackup --no-lock", "mariadb-dump --single-transaction", ...
  virtual std::string Variant() const = 0;
  // Its settings, for config.json ("backup_options", "unsafe_dump").
  virtual const MethodSettings& settings() const = 0;

  // Why tables of `engine` (lower case; sequences when `sequence`) are not
  // consistent at the method's point, or "" when they are.
  virtual std::string UncoveredReason(std::string_view engine, bool sequence) const = 0;
  // A logical method whose locking was not given: the variant that covers
  // the master's tables best (a global read lock when a snapshot would
  // leave tables uncovered that the lock covers), with the line that says
  // why; nullopt to keep this one.
  struct Choice {
    std::shared_ptr<const BackupMethod> method;
    std::string why;
  };
  virtual std::optional<Choice> ChooseLocking(db::Connection& master, const std::vector<std::string>& databases) const;

  // The method copies the master's files, so the master must be on this
  // machine with its datadir readable.
  virtual bool ReadsMasterFiles() const { return false; }
  // The copy is taken without locks: it has no single point; its start is
  // InnoDB's record, and one-phase commits (Aria, ...) have no position in it.
  virtual bool CopiesWithoutLocks() const { return false; }

  // Steps 2-4 of the protocol above. Take and Restore throw
  // backup::BackupError for a failed tool step.
  virtual PositionAudit Take(const ProvisionContext& ctx) const = 0;
  virtual void AuditSources(const ProvisionContext& ctx, db::Connection& master, PositionAudit& audit) const;
  virtual bool SlaveRunsOnBackup() const = 0;
  virtual void Restore(const ProvisionContext& ctx, server::ThrowawayServer& slave) const;

  // A backup of a replica (settings().of_replica): where the replica was
  // in its own master's binary log when the copy was consistent (what
  // --slave-info wrote), read after Take; nullopt when the backup
  // recorded none.
  virtual std::optional<backup::BackupPosition> ReplicaSourcePosition(const ProvisionContext& ctx) const;
  // Whether the position Take recorded already is that one (mariadb-dump
  // --dump-slave records only where the replica was in its master's
  // binary log), so the sources' cross-checks are made on that master.
  virtual bool RecordsTheReplicasSourcePosition(const ProvisionContext& ctx) const;
  // Where ReplicaSourcePosition comes from ("slave info"), and why a
  // backup of a replica recorded none: the option it was taken without.
  virtual std::string ReplicaSourceName() const;
  virtual std::string WithoutReplicaSourcePosition() const;

  // Why a failed step with this error is a known limit of the method (DDL
  // a consistent-snapshot dump cannot read past), or "" when it is not.
  virtual std::string LimitOfFailure(const std::string& error) const;
};

// The method --backup `name` names, with `settings`. Throws
// MethodOptionError for an option or control the method does not take,
// std::invalid_argument for an unknown name.
std::shared_ptr<const BackupMethod> MakeBackupMethod(std::string_view name, const MethodSettings& settings = {});

// Every method's name, in --help's order.
std::vector<std::string> BackupMethodNames();

}  // namespace randsync::scenario
