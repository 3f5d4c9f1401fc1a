// What a provisioning step (provision_slave.h, a backup method's
// methods/backup_method.h) is given, and the small helpers every step
// uses on it: where the backup and slave go, the master's connections,
// and recording a step's phase.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"
#include "runners/scenario/master_endpoint.h"
#include "runners/scenario/provision_run.h"

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
  // A partial backup (partial_backup.h): the tables it takes, "db.t";
  // empty: every table.
  std::vector<std::string> selected_tables;
  // A backup of a replica (replica_backup.h): the server the new slave
  // replicates from, whose binary log its start position is in (the
  // master, or with --chain the replica itself); null: `master`, the
  // server backed up. `name` names the slave's folders and phases.
  const MasterEndpoint* replicate_from = nullptr;
  std::string name = "slave";
  // A server id the new slave must not take besides the two above (the
  // master's, when a replica is backed up): events of its own id a
  // replica skips.
  unsigned avoid_server_id = 0;

  // The server the new slave replicates from, and a bounded connection to it.
  const MasterEndpoint& Source() const { return replicate_from != nullptr ? *replicate_from : master; }
  db::Connection SourceConnection() const { return db::Connection(Source().dsn, control); }
  // Whether the server backed up is not the one the slave replicates from:
  // the backup's own binlog position is not the slave's start.
  bool BacksUpAReplicaOfTheSource() const { return replicate_from != nullptr && replicate_from != &master; }

  // The slave's folder (datadir, socket, error log) and the backup's: in
  // the results folder, or under --slave-datadir; a second slave's
  // (name "slave2") beside them, as slave2/ and backup-slave2/.
  std::filesystem::path SlaveDir() const;
  std::filesystem::path BackupDir() const;
  std::filesystem::path LogDir() const {
    return name == "slave" ? run_dir / "backup-logs" : run_dir / "backup-logs" / name;
  }
  db::Connection Master() const { return db::Connection(master.dsn, control); }
  // The master's user databases (what a logical dump takes).
  std::vector<std::string> UserDatabases() const;
};

// One line of the run's progress ("randsync: run: ...").
void SayProvision(const std::string& line);

// {"binlog_file", "binlog_pos", "gtid"} of a position, for a phase's details.
nlohmann::json PositionJson(const backup::BackupPosition& at);

// A step's phase when it throws: the time it took and result "failed",
// so that summary.txt, junit.xml and report.json show the step that
// failed. A step that ends well records its own phase, with what it found.
class PhaseIfFailed {
 public:
  PhaseIfFailed(const ProvisionContext& ctx, std::string name);
  ~PhaseIfFailed();
  PhaseIfFailed(const PhaseIfFailed&) = delete;
  PhaseIfFailed& operator=(const PhaseIfFailed&) = delete;

 private:
  const ProvisionContext& ctx_;
  std::string name_;
  std::chrono::steady_clock::time_point start_;
  int exceptions_;
};

// Seconds since `t`.
double SecondsSince(std::chrono::steady_clock::time_point t);

}  // namespace randsync::scenario
