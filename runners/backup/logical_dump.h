// A logical backup with mariadb-dump --single-transaction, the position it
// recorded, and its restore into a fresh server: the other provisioning path
// (provisioning.md). The dump's header carries the position as comments:
//   -- CHANGE MASTER TO MASTER_LOG_FILE='master-bin.000001', MASTER_LOG_POS=1234;
//   -- SET GLOBAL gtid_slave_pos='0-1-24516';
// A dump of a replica with --dump-slave has where the replica was in its
// master's binary log instead, as "-- CHANGE MASTER '' TO ..." (its
// connection name) and the replica's gtid_slave_pos.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "runners/backup/dump_locking.h"
#include "runners/backup/mariabackup.h"
#include "runners/server/admin_connection.h"

namespace randsync::backup {

struct DumpOptions {
  std::filesystem::path dump_binary;    // empty: /usr/bin/mariadb-dump (or mysqldump)
  std::filesystem::path client_binary;  // empty: /usr/bin/mariadb (or mysql)
  std::filesystem::path dump_file;      // where the SQL goes
  std::filesystem::path log_dir;        // dump.log and restore.log
  std::vector<std::string> databases;   // what to dump
  // Set: only these tables of databases[0] (a partial backup; the dump
  // then holds no CREATE DATABASE, and Restore loads it into that database).
  std::vector<std::string> tables;
  std::chrono::seconds timeout{600};    // per step
  AbandonCheck abandon;                 // empty: only the timeout ends a step
  // kSnapshot: --single-transaction; kGlobalReadLock: --lock-all-tables.
  // kNone (negative control only): no --master-data either, which would
  // lock all tables; the position is SHOW MASTER STATUS before the dump
  // starts, and under writes its tables are of later, different moments,
  // which the checker or replication must notice.
  DumpLocking locking = DumpLocking::kSnapshot;
  // The source is a replica: --dump-slave=2 instead of --master-data=2, so
  // the position is where it was in its master's binary log (mariadb-dump
  // stops its SQL thread while the dump takes its point, and starts it again).
  bool replica_source_position = false;
};

// The position in a dump's header (one dumped with --master-data). Throws BackupError when it has none.
BackupPosition ReadDumpPosition(const std::filesystem::path& dump_file);

// Dumps `source`; returns the position the dump recorded.
BackupPosition Dump(const server::AdminTarget& source, const DumpOptions& options);

// Loads the dump into `target` without writing the target's binary log
// (the slave's own GTIDs must not run ahead of the master's).
void Restore(const server::AdminTarget& target, const DumpOptions& options);

}  // namespace randsync::backup
