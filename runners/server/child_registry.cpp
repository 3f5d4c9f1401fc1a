#include "runners/server/child_registry.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "runners/server/server_error.h"

namespace randsync::server {

namespace {

// A fixed array of lock-free atomics: the signal handler may read it while
// another thread registers a child, and a handler can neither lock nor
// allocate.
constexpr int kSlots = 1024;
std::atomic<pid_t> g_slots[kSlots];
static_assert(std::atomic<pid_t>::is_always_lock_free);

// Cleanup dirs are only needed at exit(), where locking is fine.
std::mutex g_dirs_mu;
std::map<pid_t, std::filesystem::path>& Dirs() {
  static auto* dirs = new std::map<pid_t, std::filesystem::path>;  // outlives atexit
  return *dirs;
}

void ReapKilled() {
  // SIGKILLed children die at once unless stuck in the kernel; give them a
  // few seconds so their datadirs can be removed, never hang exit().
  for (int round = 0; round < 500; ++round) {
    bool pending = false;
    for (auto& slot : g_slots) {
      pid_t pid = slot.load();
      if (pid == 0) continue;
      int status;
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno == ECHILD)) {
        slot.store(0);
      } else {
        pending = true;
      }
    }
    if (!pending) return;
    ::usleep(10'000);
  }
}

void AtExit() {
  std::map<pid_t, std::filesystem::path> dirs;
  {
    std::lock_guard lock(g_dirs_mu);
    for (auto& slot : g_slots) {
      pid_t pid = slot.load();
      if (pid == 0) continue;
      if (auto it = Dirs().find(pid); it != Dirs().end()) dirs.insert(*it);
    }
  }
  KillRegisteredChildren();
  ReapKilled();
  for (auto& [pid, dir] : dirs) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

void OnFatalSignal(int sig) {
  int saved = errno;
  KillRegisteredChildren();
  // SA_RESETHAND restored the default action; the signal is blocked while
  // we run, so it is delivered (and kills us) as soon as we return.
  ::raise(sig);
  errno = saved;
}

void InstallSignalHandlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0) continue;
    bool is_default = !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL;
    if (!is_default) continue;  // someone else owns it; see the header
    struct sigaction sa {};
    sa.sa_handler = OnFatalSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    ::sigaction(sig, &sa, nullptr);
  }
}

// fork() copies the registry; a child process must not kill (or remove the
// datadirs of) its parent's servers when it exits.
void ForkPrepare() { g_dirs_mu.lock(); }
void ForkParent() { g_dirs_mu.unlock(); }
void ForkChild() {
  g_dirs_mu.unlock();
  for (auto& slot : g_slots) slot.store(0);
  Dirs().clear();
}

// Registered during static initialisation, i.e. before any static object
// that owns a server is constructed (in this library's users), so it runs
// after their destructors have stopped their servers cleanly.
const bool kAtExitRegistered = [] {
  std::atexit(AtExit);
  ::pthread_atfork(ForkPrepare, ForkParent, ForkChild);
  return true;
}();

}  // namespace

void RegisterChild(pid_t pid) {
  static std::once_flag once;
  std::call_once(once, InstallSignalHandlers);
  for (auto& slot : g_slots) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return;
  }
  ::kill(-pid, SIGKILL);
  throw ServerError(ServerErrorKind::kSpawn,
                    fmt::format("more than {} child processes at once", kSlots));
}

void UnregisterChild(pid_t pid) {
  for (auto& slot : g_slots) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) break;
  }
  std::lock_guard lock(g_dirs_mu);
  Dirs().erase(pid);
}

bool IsChildRegistered(pid_t pid) {
  if (pid <= 0) return false;
  for (auto& slot : g_slots) {
    if (slot.load() == pid) return true;
  }
  return false;
}

void SetChildCleanupDir(pid_t pid, const std::filesystem::path& dir) {
  std::lock_guard lock(g_dirs_mu);
  if (dir.empty()) {
    Dirs().erase(pid);
  } else {
    Dirs()[pid] = dir;
  }
}

void KillRegisteredChildren() {
  for (auto& slot : g_slots) {
    pid_t pid = slot.load();
    if (pid > 0) ::kill(-pid, SIGKILL);
  }
}

}  // namespace randsync::server
