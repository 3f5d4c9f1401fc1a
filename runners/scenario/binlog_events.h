// Walking a master's binary log between two positions with SHOW BINLOG
// EVENTS: what the position audit and the prepared-XA resolution read
// when they need event types and positions, not row images.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"

namespace randsync::scenario {

struct BinlogEvent {
  std::string file;
  uint64_t pos = 0;
  std::string type;  // "Gtid", "Query", "Table_map", "Write_rows_v1", ...
  std::string info;  // "BEGIN GTID 0-1-7", "XA START X'31',X'',1", "table_id: 18 (test.t)"
};

// "master-bin.000012" < "master-bin.000100": by the numeric suffix.
int CompareBinlogFiles(const std::string& a, const std::string& b);
int CompareBinlogPositions(const backup::BackupPosition& a, const backup::BackupPosition& b);

// Calls `fn` for each event at or after `from` and before `to`, in order,
// at most `max_events` of them; `fn` returns false to stop. Returns how
// the walk ended: true when it reached `to`, false when it stopped early
// (fn, or max_events).
bool ForEachBinlogEvent(db::Connection& master, const backup::BackupPosition& from, const backup::BackupPosition& to,
                        std::size_t max_events, const std::function<bool(const BinlogEvent&)>& fn);

// Whether the event group that begins at `group` (its GTID event) commits
// in one phase: it ends with a plain COMMIT, not an Xid (the transaction
// also used an engine without two-phase commit, such as Aria). nullopt when
// its end is not within the log's first 10000 events from there.
std::optional<bool> CommitsInOnePhase(db::Connection& master, const backup::BackupPosition& group);

}  // namespace randsync::scenario
