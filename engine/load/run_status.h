// How a load run ended, as an exit status. The numbers are RQG's classic
// ones (lib/GenTest/Constants.pm), so that wrappers, combinations.pl-style
// campaign scripts and bisect helpers that know RQG read them the same way:
//
//   0    STATUS_OK                   the load ran and ended as asked
//   101  STATUS_SERVER_CRASHED       a connection was lost and the server no
//                                    longer accepted new ones (crash, kill)
//   106  STATUS_DATABASE_CORRUPTION  a statement reported a corrupt table or
//                                    index (ER_CRASHED_ON_USAGE, handler 126...)
//   110  STATUS_ENVIRONMENT_FAILURE  out of memory/disk/connections, cannot
//                                    connect at all, the grammar failed
//
// The run's status is that of its first fatal event: after a crash the other
// workers' lost connections are consequences, not findings of their own.
#pragma once

#include <cstdint>
#include <string>

#include "engine/load/error_classes.h"

namespace randsync::load {

enum class RunStatus : int {
  kOk = 0,
  kServerCrashed = 101,
  kDatabaseCorruption = 106,
  kEnvironmentFailure = 110,
};

constexpr int ExitCode(RunStatus s) { return static_cast<int>(s); }

constexpr const char* ToString(RunStatus s) {
  switch (s) {
    case RunStatus::kOk: return "STATUS_OK";
    case RunStatus::kServerCrashed: return "STATUS_SERVER_CRASHED";
    case RunStatus::kDatabaseCorruption: return "STATUS_DATABASE_CORRUPTION";
    case RunStatus::kEnvironmentFailure: return "STATUS_ENVIRONMENT_FAILURE";
  }
  return "STATUS_UNKNOWN";
}

// The status a fatal outcome ends the run with (kOk for non-fatal ones).
constexpr RunStatus StatusFor(Outcome fatal) {
  switch (fatal) {
    case Outcome::kServerGone: return RunStatus::kServerCrashed;
    case Outcome::kCorruption: return RunStatus::kDatabaseCorruption;
    case Outcome::kEnvironment: return RunStatus::kEnvironmentFailure;
    default: return RunStatus::kOk;
  }
}

// Why the workers stopped.
enum class StopReason {
  kNone,            // still running
  kDeadline,        // the duration elapsed
  kQueryLimit,      // every worker reached the query limit
  kFatal,           // a fatal outcome (see FatalEvent)
  kStopped,         // Stop() (SIGINT, the scenario is done)
  kServerShutdown,  // the server went away after ExpectServerShutdown()
};
const char* ToString(StopReason reason);

// The first fatal event of a run: what ended it, where, and the statement.
struct FatalEvent {
  uint32_t thread = 0;  // 1-based worker number; its query log is thread-N.sql
  Outcome outcome = Outcome::kUnknownError;  // kServerGone, kCorruption, kEnvironment
  unsigned error_number = 0;                 // 0 when not a server/client error
  std::string sqlstate;
  std::string message;
  std::string sql;   // the statement, as sent; empty when none was involved
  double at_s = 0;   // seconds since the run started

  RunStatus status() const { return StatusFor(outcome); }
  // "thread 3 at 1.2 s: server gone: ERROR 2013 (HY000): Lost connection
  // to server during query; statement: INSERT INTO t ..."
  std::string Describe() const;
};

}  // namespace randsync::load
