// A logical dump whose accounts, roles and grants are at its own point.
// The privilege tables are Aria: no snapshot reads them as of the data's
// position. So a global read lock is held from before the accounts are
// dumped (users_dump.h) until the data tool has opened its consistent
// snapshot(s); with no write in between, both are of one binlog position.
// The lock blocks the master's writers for that while (the accounts dump
// and the tool's start: a few hundred ms; the tool's whole run under
// kHoldUntilToolEnds).
//
//   1. FLUSH TABLES WITH READ LOCK (lock_wait_timeout: the control read's bound)
//   2. read the position P; dump the accounts
//   3. start the data tool; wait until `snapshots` connections opened after
//      step 1 have an InnoDB read view open (SHOW ENGINE INNODB STATUS,
//      polled every 3 ms), or the tool has ended
//   4. UNLOCK TABLES; wait for the tool
// The check compares the tool's position with P: the same, or no account
// statement logged between them.
#pragma once

#include <functional>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"
#include "runners/backup/users_dump.h"
#include "runners/scenario/master_endpoint.h"
#include "runners/scenario/position_audit.h"

namespace randsync::scenario {

// `snapshots` for a tool that opens none and takes its own global read
// lock (mariadb-dump --lock-all-tables): the lock is held until it ends.
inline constexpr unsigned kHoldUntilToolEnds = 0;

// Runs `dump` (returns the position the tool recorded) with the accounts
// dumped at its point; `check` tells how well the two agree. Throws what
// `dump` throws, and backup::BackupError for the lock or the accounts dump.
// Its connections are bounded by `control`.
backup::BackupPosition DumpWithAccounts(const MasterEndpoint& master, const db::ConnectOptions& control,
                                        const backup::UsersDumpOptions& users, unsigned snapshots,
                                        const std::function<backup::BackupPosition()>& dump, PositionCheck& check);

}  // namespace randsync::scenario
