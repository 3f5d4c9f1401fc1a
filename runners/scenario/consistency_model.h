// What each provisioning method can make consistent at its point, in one
// place (../shared/reference/provisioning.md, "What each method can make
// consistent"), by the kind of table:
//
//   method, variant                     covers                  cannot cover
//   mariabackup (locked)                every engine's files    MEMORY: its rows are in no file, the
//                                                               slave's copy is empty
//   mariabackup --no-lock               InnoDB                  every other engine: copied while written;
//                                                               a transaction that also used one commits in
//                                                               one phase, at no exact InnoDB position
//   mariadb-dump --single-transaction   InnoDB (the snapshot)   non-transactional engines and sequences:
//   mydumper --trx-consistency-only                             read outside the snapshot, at other moments
//   mariadb-dump --lock-all-tables      every table             -
//   mydumper (its lock until the        every table but         sequences: read in the snapshot after the
//     non-InnoDB tables are dumped)     sequences               lock ends, their values are not in it
//   any method, STATEMENT or MIXED      -                       a session's temporary tables: in no backup
//                                                               (later statements on one change the base
//                                                               table of that name on the slave)
//
// The position audit reads only covered tables; the run lists the others
// before the backup starts. Unless told (--backup-option=--single-transaction
// ...), a logical method takes the global read lock when a snapshot would
// leave tables uncovered that the lock covers (ChooseDumpLocking).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "runners/scenario/provision_run.h"

namespace randsync::scenario {

struct UncoveredTable {
  std::string table;   // db.t
  std::string engine;  // as the server names it ("Aria", "MEMORY", ...)
  std::string reason;  // why the method cannot make it consistent
};

// mariabackup --backup-option=--no-lock: a copy taken without locks.
bool UnlockedCopy(const ProvisionRunOptions& options);

// How the run's logical method holds its tables (kSnapshot unless chosen
// or told otherwise; kNone for the unsafe negative control).
backup::DumpLocking LockingOf(const ProvisionRunOptions& options);

// Logical methods whose locking is not given: picks the global read lock
// when a snapshot would leave tables of `databases` uncovered that the
// lock covers, else the snapshot, and sets options.dump_locking. Returns
// the line that says so and why ("" when nothing was chosen).
std::string ChooseDumpLocking(db::Connection& master, const std::vector<std::string>& databases,
                              ProvisionRunOptions& options);

// Whether the run's method (with its options) makes tables of `engine`
// (lower case) consistent at its point.
bool Covers(const ProvisionRunOptions& options, const std::string& engine);

// The method as the model names it: "mariabackup --no-lock", ...
std::string MethodVariant(const ProvisionRunOptions& options);

// The base tables and sequences of `databases` on the master that the
// run's method cannot make consistent, each with the reason.
std::vector<UncoveredTable> UncoveredTables(db::Connection& master, const std::vector<std::string>& databases,
                                            const ProvisionRunOptions& options);

nlohmann::json ToJson(const std::vector<UncoveredTable>& tables);

// Why a failure on a transaction that committed in one phase is the
// limit of a copy taken without locks (unpositioned_commits.h).
std::string UnlockedOnePhaseLimit();

}  // namespace randsync::scenario
