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
// Each method's line is its UncoveredReason (methods/*_method.cpp). The
// position audit reads only covered tables; the run lists the others
// before the backup starts. Unless told (--backup-option=--single-transaction
// ...), a logical method takes the global read lock when a snapshot would
// leave tables uncovered that the lock covers (ChooseMethodVariant).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "runners/scenario/methods/backup_method.h"
#include "runners/scenario/provision_run.h"

namespace randsync::scenario {

struct UncoveredTable {
  std::string table;   // db.t
  std::string engine;  // as the server names it ("Aria", "MEMORY", ...)
  std::string reason;  // why the method cannot make it consistent
};

// A method whose variant is not given (BackupMethod::ChooseLocking): sets
// options.backup to the variant that covers the tables of `databases`
// best. Returns the line that says so and why ("" when nothing changed).
std::string ChooseMethodVariant(db::Connection& master, const std::vector<std::string>& databases,
                                ProvisionRunOptions& options);

// Whether `method` makes tables of `engine` (any case) consistent at its point.
bool Covers(const BackupMethod& method, const std::string& engine);

// The base tables and sequences of `databases` on the master that
// `method` cannot make consistent, each with the reason.
std::vector<UncoveredTable> UncoveredTables(db::Connection& master, const std::vector<std::string>& databases,
                                            const BackupMethod& method);

nlohmann::json ToJson(const std::vector<UncoveredTable>& tables);

// Why a failure on a transaction that committed in one phase is the
// limit of a copy taken without locks (unpositioned_commits.h).
std::string UnlockedOnePhaseLimit();

// Why a table the slave cannot open (its definition and InnoDB's disagree)
// is the limit of a copy taken without locks: --no-lock does not hold DDL,
// so a table altered while it was copied has a definition (.frm) of one
// moment and data of another.
std::string UnlockedDdlLimit();

// A known limit of the method ended the provisioning (status 20), not the
// server: `what` names the table, the error and the limit.
class MethodLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace randsync::scenario
