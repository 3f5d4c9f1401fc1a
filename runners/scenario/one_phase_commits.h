// One-phase commits a copy taken without locks (mariabackup --no-lock)
// holds beyond its InnoDB position. InnoDB records the binlog position only
// of a commit that is two-phase with the binary log; a transaction that
// also used an engine without two-phase commit (Aria, even only read) is
// logged with a plain COMMIT, and InnoDB's recorded position stays at the
// last two-phase commit before it (measured: 1 to 5 of 28 transactions
// around a copy's point with Aria tables in the load). A copy that ends just
// after such commits holds their InnoDB rows while its position lies before
// them: a slave started there would apply them again (1062, or a position
// audit that finds their rows already there). So the start moves past the
// leading one-phase transactions right after it whose rows the copy holds.
#pragma once

#include <cstddef>
#include <optional>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"
#include "runners/scenario/position_audit.h"
#include "runners/server/admin_connection.h"

namespace randsync::scenario {

struct HeldOnePhaseCommits {
  std::optional<backup::BackupPosition> start;  // past them, GTID from the master; nullopt: none held
  std::size_t skipped = 0;
};

// Reads the transactions after `start` from the master's binary log and
// finds, on `slave` (the restored copy, before it replicates), how many of
// the leading one-phase ones it holds. Throws backup::BackupError when the
// log cannot be read.
HeldOnePhaseCommits SkipHeldOnePhaseCommits(const server::AdminTarget& master_tool, db::Connection& master,
                                            db::Connection& slave, const backup::BackupPosition& start,
                                            const DataAuditOptions& audit);

}  // namespace randsync::scenario
