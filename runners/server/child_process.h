// Starting and reaping the processes ThrowawayServer runs (mariadbd and
// mariadb-install-db). Every child:
//   - leads its own process group, so killing -pid also takes down whatever
//     it started (the bootstrap script runs mariadbd --bootstrap);
//   - gets PR_SET_PDEATHSIG=SIGKILL, so it dies even when randsync is
//     SIGKILLed. The kernel ties that signal to the *thread* that forked, not
//     the process: forking from a load-engine worker that later ends would
//     kill the server. So all forks happen on one long-lived spawner thread;
//   - is recorded in the child registry from fork until it is reaped.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace randsync::server {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is the path of the program
  std::vector<std::string> env;   // "NAME=value" set on top of our environment
  // stdout and stderr are appended to this file; empty: /dev/null.
  std::filesystem::path output;
};

// Throws ServerError(kSpawn) if fork or exec fails (exec errors are reported
// from the child through a close-on-exec pipe, so a bad path is an exception
// here, not a mysterious exit status later).
pid_t SpawnChild(const SpawnSpec& spec);

// How a child ended.
struct ChildExit {
  bool known = true;  // false: someone else reaped it (e.g. the atexit handler)
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal killed it
  bool core_dumped = false;

  bool Clean() const { return known && signal == 0 && exit_code == 0; }
  // "exit code 1", "signal 9 (Killed)", "signal 6 (Aborted), core dumped".
  std::string Describe() const;
};

// Non-blocking. nullopt while the child runs; once it has exited, it is
// unregistered and reaped and its status returned (again on later calls is an
// error: the pid is no longer ours).
std::optional<ChildExit> PollChild(pid_t pid);
// Waits up to `timeout` for the child to exit.
std::optional<ChildExit> WaitChild(pid_t pid, std::chrono::milliseconds timeout);
// SIGKILLs the child's process group and reaps the child.
ChildExit KillChild(pid_t pid);

}  // namespace randsync::server
