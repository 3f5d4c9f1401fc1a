#include "runners/scenario/methods/backup_method.h"

#include "runners/scenario/methods/method_factories.h"
#include "runners/scenario/position_audit.h"
#include "runners/scenario/provision_context.h"

namespace randsync::scenario {

std::optional<BackupMethod::Choice> BackupMethod::ChooseLocking(db::Connection&, const std::vector<std::string>&) const {
  return std::nullopt;
}

// The GTID a tool recorded beside its file/position (not one the master
// translated for us) must be the master's there.
void BackupMethod::AuditSources(const ProvisionContext&, db::Connection& master, PositionAudit& audit) const {
  audit.checks.push_back(CheckGtidAgreesWithFilePos(master, audit.start));
}

void BackupMethod::Restore(const ProvisionContext&, server::ThrowawayServer&) const {}

std::string BackupMethod::LimitOfFailure(const std::string&) const { return ""; }

std::optional<backup::BackupPosition> BackupMethod::ReplicaSourcePosition(const ProvisionContext&) const {
  return std::nullopt;
}

bool BackupMethod::RecordsTheReplicasSourcePosition(const ProvisionContext&) const { return false; }

std::string BackupMethod::ReplicaSourceName() const { return "slave info"; }

std::string BackupMethod::WithoutReplicaSourcePosition() const {
  return "no slave info file: taken without --slave-info";
}

}  // namespace randsync::scenario
