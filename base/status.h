// How every randsync command ends, in one enum: the number it exits with
// (RQG's, lib/GenTest/Constants.pm, where the meaning is the same, so that
// wrappers and bisect scripts that know RQG read them alike), its STATUS_
// name, the short name --bisect-bad takes, and how bad it is when a
// campaign reports its worst trial. load, check, run, bisect and campaign
// all use this; nothing else knows a status number.
//
//   0    STATUS_OK                   ran and ended as asked
//   20   STATUS_METHOD_LIMIT         every difference lies in tables the
//                                    provisioning method cannot make
//                                    consistent: not a server bug
//   101  STATUS_SERVER_CRASHED       a server died (crash, kill)
//   103  STATUS_REPLICATION_FAILURE  the slave's SQL or IO thread failed
//   106  STATUS_DATABASE_CORRUPTION  a statement reported a corrupt table
//   107  STATUS_SERVER_DEADLOCKED    a server stopped answering while its
//                                    process lives
//   108  STATUS_BACKUP_FAILURE       the backup, prepare or restore failed
//   110  STATUS_ENVIRONMENT_FAILURE  randsync could not do its job (bad
//                                    input, no disk, cannot connect)
//   111  STATUS_DIVERGENCE           master and slave differ
//   112  STATUS_CATCHUP_TIMEOUT      the slave did not reach a master
//                                    position in time (a sync point, the
//                                    end of the load)
//   113  STATUS_POSITION_MISMATCH    the backup's recorded position is
//                                    contradicted by its data
#pragma once

#include <optional>
#include <string_view>

namespace randsync {

enum class Status : int {
  kOk = 0,
  kMethodLimit = 20,
  kServerCrashed = 101,
  kReplicationFailure = 103,
  kDatabaseCorruption = 106,
  kServerHung = 107,
  kBackupFailure = 108,
  kEnvironment = 110,
  kDivergence = 111,
  kCatchupTimeout = 112,
  kPositionMismatch = 113,
};

constexpr int ExitCode(Status s) { return static_cast<int>(s); }

// "STATUS_DIVERGENCE".
const char* ToString(Status s);
// "divergence": for sentences and check reports.
const char* Label(Status s);
// "divergence": what --bisect-bad names it.
const char* BisectName(Status s);
// Worse is higher: ok 0, method limit 1, environment 2, backup 3, position
// 4, catch-up 5, replication 6, divergence 7, corruption 8, hang 9, crash
// 10. An exit number randsync does not have ranks as environment.
int Rank(int exit_code);
// The worse of two statuses by Rank.
Status Worse(Status a, Status b);

// The status of an exit number, or of a STATUS_ name or bisect name;
// nullopt for anything else.
std::optional<Status> StatusFromExitCode(int exit_code);
std::optional<Status> StatusFromName(std::string_view name);

// Every status, in exit-number order (for --help texts and tests).
inline constexpr Status kAllStatuses[] = {
    Status::kOk,           Status::kMethodLimit,   Status::kServerCrashed,  Status::kReplicationFailure,
    Status::kDatabaseCorruption, Status::kServerHung, Status::kBackupFailure, Status::kEnvironment,
    Status::kDivergence,   Status::kCatchupTimeout, Status::kPositionMismatch,
};

}  // namespace randsync
