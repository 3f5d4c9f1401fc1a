// XA transactions that a copy taken without locks (mariabackup --no-lock)
// caught prepared. --tc-heuristic-recover=ROLLBACK resolves the server's
// own two-phase commits but keeps a user's XA PREPAREd transactions, and
// which of them the slave must keep depends on where each was prepared:
//   - prepared after the start position: replication replays its XA
//     PREPARE, so the copy's must go (else XAER_DUPID, 1440);
//   - prepared before it: only its XA COMMIT/ROLLBACK is still to come, so
//     the copy's must stay (else XAER_NOTA, 1397).
// And InnoDB records no binlog position when it commits an XA PREPAREd
// transaction: a copy that ends just after XA COMMITs holds their effects
// while InnoDB's position lies before them (seen: the slave then failed on
// the first XA COMMIT after it with 1397). Such XA COMMITs (or ROLLBACKs)
// of transactions the copy no longer holds prepared, logged right after
// the position, are already in the copy: the start moves past them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"

namespace randsync::scenario {

struct PreparedXa {
  std::vector<std::string> rolled_back;  // X'..',X'..',N of each
  std::vector<std::string> kept;
  // The start moved past XA COMMITs/ROLLBACKs the copy already holds
  // (GTID filled in from the master); nullopt when it stays.
  std::optional<backup::BackupPosition> start;
  unsigned xa_ends_skipped = 0;
};

// On `slave`, unlogged: moves the start past the XA COMMITs the copy
// holds, then rolls back each prepared XA transaction whose XA PREPARE the
// master logged at or after the start and before `copy_end` (the binlog
// info file's position, written when the copy ended); keeps the others.
PreparedXa ResolvePreparedXa(db::Connection& master, db::Connection& slave, const backup::BackupPosition& start,
                             const backup::BackupPosition& copy_end);

}  // namespace randsync::scenario
