// A server that stops answering while its process lives: SIGSTOPped, or
// stuck in a lock or a semaphore wait. A crash ends the process and is
// seen at once; a hang is not, and without this watch a run would wait on
// the server for ever (or end with whatever timed out first, naming
// neither the server nor the cause). RQG calls this
// STATUS_SERVER_DEADLOCKED (107).
//
// Threading: one HangWatch belongs to the run's main thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "db/dsn.h"

namespace randsync::scenario {

// "" when `dsn`'s server answered within `timeout` (connecting included):
// SELECT 1, or any error of its own (1040 too many connections is an
// answer); else why not ("Lost connection ... (2013)").
std::string ProbeServer(const db::Dsn& dsn, std::chrono::seconds timeout);

// The process's state from /proc: "stopped by a signal (SIGSTOP)",
// "in uninterruptible disk wait", "running", "sleeping", ...; "" when unknown.
std::string ProcessState(pid_t pid);

class HangWatch {
 public:
  // A server that has not answered for `hang_after` hangs.
  explicit HangWatch(std::chrono::seconds hang_after);

  // Probes the server named `role` ("master", "slave") at most every 2 s
  // (each probe bounded by 2 s); returns one line naming it, how long it
  // has not answered, the last error and its process state (pid 0:
  // unknown) once it hangs, else nullopt.
  std::optional<std::string> Check(const std::string& role, const db::Dsn& dsn, pid_t pid);

 private:
  using Clock = std::chrono::steady_clock;
  struct Seen {
    Clock::time_point answered, probed;
  };
  std::chrono::seconds hang_after_;
  Clock::time_point start_;
  std::map<std::string, Seen> seen_;
};

}  // namespace randsync::scenario
