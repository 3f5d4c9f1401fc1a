// The main job (`randsync run`): load a throwaway master, back it up
// (mariadb-backup, mariadb-dump or mydumper) while the load runs, provision a
// slave from the backup at the GTID (or binlog position) the backup recorded
// (provision_slave.h), keep loading while it catches up, check
// master and slave at sync points during the load, stop the load, wait for
// the final catch-up, check once more with the writers stopped.
//
// Every phase has a deadline; the first failure decides the status (see
// Status) and the results folder keeps what explains it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/dsn.h"
#include "engine/gendata/gendata.h"
#include "engine/generator/program.h"
#include "engine/values/values.h"
#include "runners/scenario/crash_steps.h"
#include "runners/scenario/methods/backup_method.h"
#include "runners/scenario/partial_backup.h"
#include "runners/scenario/position_mode.h"
#include "runners/server/server_options.h"

namespace randsync::scenario {

// A run ends with any status of base/status.h.

struct ProvisionRunOptions {
  // Workload.
  std::shared_ptr<const Program> program;
  std::shared_ptr<const ValueGenerator> values;
  // For the report and for replaying the run: the workload's files and the
  // command line that started it, with the directory it ran in.
  std::string grammar;
  std::vector<std::string> redefines;
  std::string gendata_spec;  // empty: RQG's default data
  uint64_t mask = 0;
  int mask_level = 1;
  std::vector<std::string> command_line;
  std::string working_dir;
  GendataSource gendata = SimpleData{};
  std::vector<std::string> dict_dirs;
  uint32_t threads = 8;
  // Replay a recorded run's query logs instead of generating (empty: generate).
  std::filesystem::path replay_dir;
  std::chrono::seconds duration{60};  // of the whole load
  uint64_t seed = 1;
  // Servers.
  server::ServerOptions server;  // binary/basedir; role and options are set per server
  // The user's master instead of a throwaway one (--master DSN): data and
  // load go to the DSN's database (default test); it is never stopped.
  std::optional<db::Dsn> master_dsn;
  // Another build for the slave (--slave-basedir / --slave-mariadbd);
  // nullopt: the master's.
  std::optional<server::ServerOptions> slave_server;
  // Where the slave's datadir (and a backup it runs on) goes instead of
  // results/<run-id>/slave (--slave-datadir): a bigger or faster disk.
  std::filesystem::path slave_dir;
  std::string binlog_format = "ROW";
  std::vector<std::string> master_options;
  std::vector<std::string> slave_options;
  // --known-bugs files: a failure matching an entry is labelled with its id
  // (runners/triage/known_bugs.h); the shipped entries always apply.
  std::vector<std::string> known_bugs;
  // Slave parallel replication (0 threads: the server's default, serial).
  unsigned slave_parallel_threads = 0;
  std::string slave_parallel_mode;  // empty: the server's default
  // Phases.
  unsigned sync_points = 3;  // checks during the load, after the slave started
  std::chrono::seconds sync_interval{0};  // when set: a check every this often instead
  std::chrono::seconds sync_timeout{120};
  std::chrono::seconds catchup_timeout{300};
  // A server that answers nothing for this long hangs (status 107); every
  // read of the checks is bounded by it too.
  std::chrono::seconds hang_timeout{60};
  std::chrono::seconds backup_timeout{600};
  std::filesystem::path backup_binary;  // empty: the system's tool for the method
  // How the master is backed up and the slave provisioned: the method and
  // its variant (methods/backup_method.h; --backup, --backup-option and
  // --test-unsafe-dump choose it).
  std::shared_ptr<const BackupMethod> backup = MakeBackupMethod("mariabackup");
  PositionMode position = PositionMode::kGtid;
  // --backup-from replica: once the slave replicates, this method (the
  // run's, taking a replica: MethodSettings::of_replica) backs it up under
  // load and provisions a second slave, which replicates from the master
  // or, with `chain`, from the first slave; every check compares both.
  // Null: one slave, from a backup of the master.
  std::shared_ptr<const BackupMethod> replica_backup;
  bool chain = false;
  // A partial backup (--tables, --databases; partial_backup.h).
  BackupSelection selection;
  // InnoDB data-at-rest encryption on master and slave (encryption.h).
  bool encrypt = false;
  // Servers killed on purpose during the load and restarted (crash_steps.h).
  std::vector<CrashStep> crashes;
  // Negative control only: the slave started this many transactions off
  // the recorded GTID.
  int test_position_skew = 0;
  // The slave's MASTER_DELAY in seconds (a delayed replica).
  unsigned slave_delay_s = 0;
  unsigned check_threads = 2;
  // Where results/<run-id>/ goes.
  std::filesystem::path results_root = "results";
};

struct ProvisionRunResult {
  Status status = Status::kOk;
  std::string reason;  // one line: what decided the status
  std::filesystem::path run_dir;
};

// From a signal handler: end the run early (the load stops, no more checks,
// a partial report is written, the servers are stopped).
void RequestProvisionRunStop();

// Runs the scenario, printing progress on stderr. Never throws for a
// failure of the system under test; throws only for a bad results folder.
ProvisionRunResult RunProvisionScenario(const ProvisionRunOptions& options);

}  // namespace randsync::scenario
