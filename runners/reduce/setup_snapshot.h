// The master's tables as they were when the failure's window began: the
// kept binary log up to the window's start, replayed exactly (row events
// as BINLOG statements, statement events with their session context) by
// `mariadb-binlog --stop-position=GTID | mariadb` on a scratch server, then
// dumped one table at a time with one INSERT per row (mariadb-dump
// --skip-extended-insert), so the reducer can drop tables and rows; with
// the views, triggers and routines the dump defines after them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runners/reduce/fresh_pair.h"
#include "runners/reduce/script.h"

namespace randsync::reduce {

// Empty when the window starts at the log's start. Throws std::runtime_error
// (or server::ServerError, backup::BackupError) with one line.
std::vector<SetupTable> SnapshotAt(FreshPairs& pairs, const std::filesystem::path& run_dir,
                                   const std::string& clean_gtid, const std::filesystem::path& work);

// A --compact --skip-extended-insert --triggers --routines dump of
// database `database` as tables (each CREATE TABLE or CREATE SEQUENCE and
// the INSERTs after it) and objects (every other definition: a view's
// stand-in, DROP and CREATE, a trigger, a routine; DELIMITER blocks read
// as the client reads them), in order; SET wrappers left out.
std::vector<SetupTable> ParseTableDump(const std::string& database, const std::string& dump);

}  // namespace randsync::reduce
