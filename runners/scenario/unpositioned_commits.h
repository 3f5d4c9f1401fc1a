// Commits a copy taken without locks (mariabackup --no-lock) holds beyond
// its InnoDB position. InnoDB records the binlog position only of a commit
// that is two-phase with the binary log, and not of:
//   - a one-phase commit: a transaction that also used an engine without
//     two-phase commit (Aria, even only read) is logged with a plain
//     COMMIT (measured: 1 to 5 of 28 transactions around a copy's point
//     with Aria tables in the load);
//   - an XA COMMIT (or ROLLBACK) of an XA PREPAREd transaction, whether
//     prepared before the position (then only the XA COMMIT follows it) or
//     after it (its XA PREPARE group, with the rows, comes first).
// A copy that ends just after such commits holds their InnoDB rows while
// its position lies before them: a slave started there would apply them
// again (1062; 1397 XAER_NOTA on an XA COMMIT the copy no longer holds
// prepared; or a position audit that finds their rows already there).
// So the start moves past the leading ones the copy holds. Two-phase
// commits after the position are not in the copy: the first ends the walk.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"
#include "runners/scenario/position_audit.h"
#include "runners/server/admin_connection.h"

namespace randsync::scenario {

struct HeldUnpositionedCommits {
  std::optional<backup::BackupPosition> start;  // past them, GTID from the master; nullopt: none held
  std::size_t one_phase = 0;                    // one-phase commits moved past
  std::size_t xa_ends = 0;                      // XA COMMITs/ROLLBACKs moved past

  // "2 one-phase commit(s) (transactions that also used Aria) and 1 XA COMMIT/ROLLBACK(s)"
  std::string Describe() const;
};

// Reads the transactions after `start` from the master's binary log and
// finds, on `slave` (the restored copy, before it replicates and before its
// prepared XA are resolved), how many of the leading unpositioned commits
// it holds. `prepared` are the XIDs the copy holds prepared, as the binary
// log writes them (PreparedXids, prepared_xa.h). Throws backup::BackupError
// when the log cannot be read.
HeldUnpositionedCommits SkipHeldUnpositionedCommits(const server::AdminTarget& master_tool, db::Connection& master,
                                                    db::Connection& slave, const backup::BackupPosition& start,
                                                    const DataAuditOptions& audit,
                                                    const std::set<std::string>& prepared);

}  // namespace randsync::scenario
