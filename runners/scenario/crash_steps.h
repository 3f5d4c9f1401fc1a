// Crash steps (`--crash ROLE@SECONDS[:SIGNAL]`, issue 17): a server killed
// on purpose while the load runs, restarted on its datadir with its
// options and its port, and checked after its recovery by the run's next
// sync point, row by row. RQG's Recovery and SlaveCrashRecovery reporters
// and pquery's crash-recovery testing kill one server once; a run may
// carry any number of steps.
//
// The protocol, on the run's main thread (provision_run.cpp):
//   1. a step is due once SECONDS have passed since the run started and
//      its server exists (a slave's step waits for the slave);
//   2. the server gets SIGNAL (KILL: no shutdown at all; TERM: a normal
//      shutdown; ABRT: the server's own crash handling), and the run waits
//      for its exit;
//   3. it starts again on the same datadir and port (crash recovery), and
//      is ready when it accepts connections; a slave's replication starts
//      by itself from its crash-safe position (mysql.gtid_slave_pos);
//   4. the step's phase records how long each took; a server that does not
//      come back fails the run as a crash.
// The role killed runs with durable settings (sync_binlog=1,
// innodb_flush_log_at_trx_commit=1) unless its options say otherwise: then
// nothing it acknowledged may be lost.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace randsync::server {
class ThrowawayServer;
}

namespace randsync::scenario {

enum class CrashRole { kMaster, kSlave };
enum class CrashSignal { kKill, kTerm, kAbrt };

const char* ToString(CrashRole role);
const char* ToString(CrashSignal signal);  // "KILL", "TERM", "ABRT"

struct CrashStep {
  CrashRole role = CrashRole::kSlave;
  double at_s = 0;  // seconds since the run started
  CrashSignal signal = CrashSignal::kKill;
  std::string Describe() const;  // "slave@12:KILL"
};

// "slave@12", "master@7.5:TERM". Throws std::invalid_argument with one
// line naming what is wrong.
CrashStep ParseCrashStep(std::string_view text);

// The steps as config.json lists them: ["slave@12:KILL", ...].
nlohmann::json CrashStepsJson(const std::vector<CrashStep>& steps);

// The options that make `role` durable, of those `options` (the role's
// --master-option/--slave-option) do not set already.
std::vector<std::string> DurableOptions(const std::vector<std::string>& options);

// What one step did, for its phase and the summary.
struct CrashOutcome {
  std::string exit;         // how the server ended: "signal 9 (Killed)"
  double stop_s = 0;        // from the signal to the exit
  double restart_s = 0;     // from the exit to accepting connections
  std::string Line() const;  // "KILL: signal 9 (Killed) in 0.01 s, back in 1.93 s"
};

// Steps 2 and 3 above on `server`. Throws server::ServerError when it does
// not start again.
CrashOutcome CrashAndRestart(server::ThrowawayServer& server, CrashSignal signal);

}  // namespace randsync::scenario
