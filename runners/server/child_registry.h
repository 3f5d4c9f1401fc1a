// No server may outlive randsync. Every child we start (mariadbd, the
// bootstrap script) leads its own process group and is recorded here until it
// has been reaped; whatever is still recorded when the process ends is killed:
//   - at exit() (an atexit handler registered before main, so it runs after
//     the destructors of static objects, which stop their servers cleanly):
//     SIGKILL, reap, and remove the temp dirs attached to the children;
//   - on SIGINT/SIGTERM/SIGHUP: SIGKILL the groups, then die of the signal.
//     The handlers are installed when the first child is registered, and only
//     for signals whose disposition is still the default: a program with its
//     own handler (say, a graceful Ctrl-C in the CLI) must call
//     KillRegisteredChildren() from it;
//   - on SIGKILL of randsync itself nothing here runs; the children have
//     PR_SET_PDEATHSIG (see child_process.h) for that.
// A fork()ed child process starts with an empty registry, so it never kills
// its parent's servers.
#pragma once

#include <sys/types.h>

#include <filesystem>

namespace randsync::server {

// Records a child (a process group leader). Thread-safe.
void RegisterChild(pid_t pid);
// Forgets it; call after it has exited but BEFORE reaping it, so the pid
// cannot be reused by an unrelated process while still recorded.
void UnregisterChild(pid_t pid);
// Whether `pid` is recorded, i.e. started by us and not yet reaped. We only
// ever signal recorded pids: a reaped pid may already belong to someone else.
bool IsChildRegistered(pid_t pid);
// A directory removed at exit() if `pid` is still recorded then (the
// temp datadir of a server nobody stopped). Empty path: none.
void SetChildCleanupDir(pid_t pid, const std::filesystem::path& dir);

// SIGKILLs every recorded process group. Async-signal-safe.
void KillRegisteredChildren();

}  // namespace randsync::server
