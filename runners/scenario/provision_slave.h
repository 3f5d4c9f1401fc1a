// Provisioning a slave from a backup taken under load, the three ways users
// do it (../shared/reference/provisioning.md), each reading the position its
// own way:
//   mariabackup   --backup + --prepare; the slave starts on the prepared
//                 directory; mariadb_backup_binlog_info has the position.
//   mariadb-dump  --single-transaction --master-data=2 --gtid; the slave is a
//                 fresh server loaded without binlogging; the dump's header
//                 comments have the position.
//   mydumper      --trx-consistency-only; myloader into a fresh server;
//                 DIR/metadata has the position.
// Then CHANGE MASTER TO at that GTID (or binlog file/position) and START
// SLAVE. Every tool step has a deadline and a log in backup-logs/.
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
#include "runners/scenario/provision_run.h"
#include "runners/server/throwaway_server.h"

namespace randsync::scenario {

struct ProvisionContext {
  const ProvisionRunOptions& options;
  // backup-logs/ goes here; backup/ and slave/ too unless
  // options.slave_dir says otherwise.
  std::filesystem::path run_dir;
  const MasterEndpoint& master;
  // Records a finished phase (name, seconds, details) in the run's report.
  std::function<void(const std::string&, double, nlohmann::json)> phase;
  // Marks an event on the timeline ("backup start", ...).
  std::function<void(const std::string&)> mark;
  // Every connection of the provisioning (ControlOptions): bounded, so a
  // server that stops answering fails a statement instead of freezing it.
  db::ConnectOptions control;
  // Asked once a second while a tool runs: the run's reason to give it up
  // (a server that died or hangs), else "".
  backup::AbandonCheck abandon;
};

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
