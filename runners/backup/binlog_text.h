// Running mariadb-binlog against a master over the replication protocol (or
// on a stopped master's files) and reading its text line by line: what the position audit (binlog_rows.h)
// and the temporary-table scan (runners/scenario/temporary_tables.h) read.
// The password goes through a mode-0600 defaults file, never the command
// line; the tool runs under a deadline (timeout -s KILL).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runners/server/admin_connection.h"

namespace randsync::backup {

struct BinlogTextRead {
  std::filesystem::path binary;  // empty: /usr/bin/mariadb-binlog (or mysqlbinlog)
  // The files to read, in order: the first from `start_position` (a byte
  // offset, or a GTID position), the last up to `stop_position` (0: its end).
  std::vector<std::string> files;
  std::string start_position;
  unsigned long long stop_position = 0;
  bool verbose = true;  // --verbose: row images as ### lines
  std::chrono::seconds timeout{30};
};

// Feeds each line (without its newline) to `line` until it returns false
// or the text ends. Throws BackupError when the tool cannot run, or fails
// before `line` asked to stop.
void ReadBinlogText(const server::AdminTarget& master, const BinlogTextRead& read,
                    const std::function<bool(std::string_view line)>& line);

// The same for binary log files on this machine (a stopped master's kept
// datadir): `read.files` are their paths, and no server is asked.
void ReadLocalBinlogText(const BinlogTextRead& read, const std::function<bool(std::string_view line)>& line);

}  // namespace randsync::backup
