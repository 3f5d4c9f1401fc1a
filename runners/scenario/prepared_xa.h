// XA transactions that a copy taken without locks (mariabackup --no-lock)
// caught prepared. --tc-heuristic-recover=ROLLBACK resolves the server's
// own two-phase commits but keeps a user's XA PREPAREd transactions, and
// which of them the slave must keep depends on where each was prepared:
//   - prepared after the start position: replication replays its XA
//     PREPARE, so the copy's must go (else XAER_DUPID, 1440);
//   - prepared before it: only its XA COMMIT/ROLLBACK is still to come, so
//     the copy's must stay (else XAER_NOTA, 1397).
// The XA COMMITs the copy holds beyond InnoDB's position move the start
// first (unpositioned_commits.h).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"

namespace randsync::scenario {

struct PreparedXa {
  std::vector<std::string> rolled_back;  // X'..',X'..',N of each
  std::vector<std::string> kept;
};

// The XA transactions `slave` holds prepared (XA RECOVER), each written as
// the binary log writes an XID: X'gtrid',X'bqual',formatID.
std::set<std::string> PreparedXids(db::Connection& slave);

// On `slave`, unlogged: rolls back each prepared XA transaction whose XA
// PREPARE the master logged at or after `start` and before `copy_end` (the
// binlog info file's position, written when the copy ended); keeps the
// others.
PreparedXa ResolvePreparedXa(db::Connection& master, db::Connection& slave, const backup::BackupPosition& start,
                             const backup::BackupPosition& copy_end);

// A logical dump holds no prepared XA transaction: one prepared before its
// point and ended after it reaches the slave as an XA COMMIT (or XA
// ROLLBACK) of an xid it never saw (XAER_NOTA, 1397).
//
// The xid an XA COMMIT or XA ROLLBACK names in `error` (a replication
// error's "... Query: 'XA COMMIT X'7861',X'',1'"), or "".
std::string XidEndedIn(const std::string& error);
// Whether `source` logged the XA PREPARE of `xid` before `start`: its
// binary log walked from its first file (at most 1,000,000 events).
// false when `start` has no file/position.
bool PreparedBefore(db::Connection& source, const std::string& xid, const backup::BackupPosition& start);

}  // namespace randsync::scenario
