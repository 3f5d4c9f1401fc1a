// Provisioning a slave from a backup taken under load, by the run's backup
// method (methods/backup_method.h: mariabackup, mariadb-dump, mydumper,
// each reading the position its own way; ../shared/reference/provisioning.md):
// the backup, the audit of its position (position_audit.h), the slave on or
// loaded from it, then CHANGE MASTER TO at that GTID (or binlog
// file/position) and START SLAVE. Every tool step has a deadline and a log
// in backup-logs/.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"
#include "runners/scenario/consistency_model.h"
#include "runners/scenario/master_endpoint.h"
#include "runners/scenario/position_audit.h"
#include "runners/scenario/provision_context.h"
#include "runners/scenario/provision_run.h"
#include "runners/server/throwaway_server.h"

namespace randsync::scenario {

// The bounds of a run's control connections: a statement that sends
// nothing for --hang-timeout (at least 10 s) is given up; the server's
// hang watch then says whether it hangs.
db::ConnectOptions ControlOptions(const ProvisionRunOptions& o);

struct ProvisionedSlave {
  std::unique_ptr<server::ThrowawayServer> slave;  // replicating
  backup::BackupPosition recorded;                 // the backup's point the slave starts from
  PositionAudit audit;                             // every source, and the evidence
  std::string variant;                             // the method as run: "mariadb-dump --lock-all-tables"
  std::vector<UncoveredTable> uncovered;           // what the method cannot make consistent
  std::string started_at;                          // where replication started, for the report
  std::vector<std::string> selected_tables;        // a partial backup's tables ("db.t"); empty: all
  // XA transactions the copy held prepared when the slave started on it
  // (prepared before the backup's point: the log brings their XA COMMIT
  // or ROLLBACK).
  size_t prepared_xa_in_copy = 0;
};

// Backs up the master, provisions the slave, audits the position
// (position_audit.h) and starts replication. Throws backup::BackupError for
// a failed tool step; PositionMismatchError when the audit finds the start
// position contradicted; server::ServerError when the
// slave cannot start; db::DbError when replication cannot be configured or
// a server stops answering; backup::ToolAbandoned when ctx.abandon gave up
// a tool.
// `out.slave` is set as soon as the slave runs, so a caller catching an
// exception can still stop it and keep its logs.
void ProvisionSlave(const ProvisionContext& ctx, ProvisionedSlave& out);

// "0-1-100" moved by `skew` transactions in its last domain: "0-1-105"
// (negative control only).
std::string SkewGtid(const std::string& gtid, int skew);

}  // namespace randsync::scenario
