// How a load run ended: the status (base/status.h; a load ends with 0, 101,
// 106 or 110), why the workers stopped and the run's first fatal event.
//
// The run's status is that of its first fatal event: after a crash the other
// workers' lost connections are consequences, not findings of their own.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "engine/load/error_classes.h"

namespace randsync::load {

// The status a fatal outcome ends the run with (kOk for non-fatal ones).
constexpr Status StatusFor(Outcome fatal) {
  switch (fatal) {
    case Outcome::kServerGone: return Status::kServerCrashed;
    case Outcome::kCorruption: return Status::kDatabaseCorruption;
    case Outcome::kEnvironment: return Status::kEnvironment;
    default: return Status::kOk;
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

  Status status() const { return StatusFor(outcome); }
  // "thread 3 at 1.2 s: server gone: ERROR 2013 (HY000): Lost connection
  // to server during query; statement: INSERT INTO t ..."
  std::string Describe() const;
};

}  // namespace randsync::load
