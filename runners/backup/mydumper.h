// A logical backup with mydumper (one file per table, dumped by several
// threads inside transactions that share one snapshot), the position it
// recorded, and its load into a fresh server with myloader: a third
// provisioning path next to mariadb-backup and mariadb-dump
// (provisioning.md, "Logical: mydumper 0.10"). Faster than mariadb-dump on
// many tables, and a different tool's idea of "consistent".
//
// mydumper writes the position into DIR/metadata, tab-indented:
//   Started dump at: 2026-11-24 21:34:28
//   SHOW MASTER STATUS:
//   	Log: master-bin.000001
//   	Pos: 2249
//   	GTID:0-1-10
//
//   SHOW SLAVE STATUS:          <- only when the source is itself a replica:
//   	Connection name:            its master's position (a backup of a replica)
//   	Host: 127.0.0.1
//   	Log: master-bin.000001
//   	Pos: 3070
//   	GTID:0-1-15
//
//   Finished dump at: 2026-11-24 21:34:28
//
// Limits of mydumper/myloader 0.10 that shape this code:
// - one -B names one database (a second -B replaces the first), so several
//   are chosen with --regex on "db.table";
// - myloader splits file names at '.', so a database named with a dot
//   cannot be loaded back: refused before dumping;
// - myloader creates a database only together with a table in it, so empty
//   databases are created here after the load.
// --trx-consistency-only makes the position exact for InnoDB only (mydumper
// warns so); without it mydumper holds its global read lock until the
// other engines' tables are dumped (DumpLocking::kGlobalReadLock).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runners/backup/dump_locking.h"
#include "runners/backup/mariabackup.h"
#include "runners/server/admin_connection.h"

namespace randsync::backup {

struct MydumperOptions {
  std::filesystem::path dumper_binary;  // empty: /usr/bin/mydumper
  std::filesystem::path loader_binary;  // empty: /usr/bin/myloader
  std::filesystem::path output_dir;     // mydumper's -o; must not exist or be empty
  std::filesystem::path log_dir;        // mydumper.log and myloader.log
  // What to dump: user schemas only (mysql, sys, ... are refused); empty:
  // every user schema of the source.
  std::vector<std::string> databases;
  // Set: exactly these tables ("db.t"; a partial backup) instead of databases.
  std::vector<std::string> tables;
  std::chrono::seconds timeout{600};  // per step
  AbandonCheck abandon;               // empty: only the timeout ends a step
  unsigned threads = 4;
  DumpLocking locking = DumpLocking::kSnapshot;  // kNone is refused
};

// The position in OUTPUT_DIR/metadata: its SHOW MASTER STATUS block (Log:,
// Pos:, GTID:; the GTID may be empty).
// Throws BackupError naming the file when it is missing, unreadable or has
// no master position.
BackupPosition ReadMydumperMetadata(const std::filesystem::path& output_dir);
// Its SHOW SLAVE STATUS block, which mydumper writes when the source is a
// replica (read under the dump's global read lock, which holds the
// replica's SQL thread at the same point): where the replica was in its
// master's binary log. nullopt when it has none.
std::optional<BackupPosition> ReadMydumperSlaveStatus(const std::filesystem::path& output_dir);

// mydumper's --regex for `databases`: exactly those (escaped), or, when
// empty, every database but the system ones. Throws BackupError for a
// system schema or a name myloader cannot load back.
std::string MydumperRegex(const std::vector<std::string>& databases);

// A consistent dump of `source` (one snapshot for all threads; the global
// read lock while they start, or as options.locking says), routines,
// triggers and events included. Returns the position it recorded. Throws
// BackupError.
// mydumper's --regex for exactly `tables` ("db.t") and their databases.
std::string MydumperTablesRegex(const std::vector<std::string>& tables);

BackupPosition DumpWithMydumper(const server::AdminTarget& source, const MydumperOptions& options);

// Loads the dump in options.output_dir into `target` without writing the
// target's binary log, then creates the dumped databases that had no
// tables. Throws BackupError (also when a table already exists there).
void LoadWithMyloader(const server::AdminTarget& target, const MydumperOptions& options);

}  // namespace randsync::backup
