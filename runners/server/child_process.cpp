#include "runners/server/child_process.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "runners/server/child_registry.h"
#include "runners/server/server_error.h"

extern char** environ;

namespace randsync::server {

namespace {

// Runs jobs (forks) on one thread that lives as long as the process; see the
// header for why. Leaked on purpose: it must outlive static destructors that
// may still stop servers.
class Spawner {
 public:
  Spawner() : owner_(::getpid()) {
    std::thread([this] { Loop(); }).detach();
  }

  pid_t owner() const { return owner_; }

  void Run(std::function<void()> job) {
    std::packaged_task<void()> task(std::move(job));
    std::future<void> done = task.get_future();
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    done.get();  // rethrows the job's exception
  }

 private:
  void Loop() {
    // Signals for the process are better handled by threads that expect
    // them; this one only forks.
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
    for (;;) {
      std::packaged_task<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !queue_.empty(); });
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  const pid_t owner_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<void()>> queue_;
};

std::mutex g_spawner_mu;
Spawner* g_spawner = nullptr;

// A fork()ed copy of this process has no spawner thread: it gets its own on
// first use. The lock/unlock pair keeps g_spawner_mu consistent across fork.
const bool kAtForkRegistered = [] {
  ::pthread_atfork([] { g_spawner_mu.lock(); }, [] { g_spawner_mu.unlock(); },
                   [] {
                     g_spawner_mu.unlock();
                     g_spawner = nullptr;
                   });
  return true;
}();

Spawner& TheSpawner() {
  std::lock_guard lock(g_spawner_mu);
  if (g_spawner == nullptr || g_spawner->owner() != ::getpid()) g_spawner = new Spawner;
  return *g_spawner;
}

std::vector<std::string> MergeEnv(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv = *e;
    std::string name = kv.substr(0, kv.find('='));
    bool overridden = false;
    for (const auto& x : extra) {
      if (x.substr(0, x.find('=')) == name) overridden = true;
    }
    if (!overridden) env.push_back(std::move(kv));
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void CloseFrom(int lowest, int keep) {
  // close_range(2) is one syscall; the loop is the fallback for old kernels.
  auto close_range = [](unsigned lo, unsigned hi) {
    return ::syscall(SYS_close_range, lo, hi, 0);
  };
  bool ok = true;
  if (keep > lowest) ok = close_range(lowest, keep - 1) == 0;
  ok = ok && close_range(keep + 1, ~0U) == 0;
  if (!ok) {
    for (int fd = lowest; fd < 4096; ++fd) {
      if (fd != keep) ::close(fd);
    }
  }
}

// Only async-signal-safe calls between fork and exec: the parent may be
// multithreaded.
[[noreturn]] void ExecChild(pid_t parent, int in_fd, int out_fd, int err_pipe,
                            char** argv, char** envp) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have died before prctl took effect.
  if (::getppid() != parent) ::_exit(127);

  // Let a crashing server dump a core (it is started with --core-file) so
  // that a backtrace can be taken; harmless for every other child.
  struct rlimit core_limit = {RLIM_INFINITY, RLIM_INFINITY};
  ::setrlimit(RLIMIT_CORE, &core_limit);

  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // exec keeps ignored signals ignored; the server should start clean.
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2}) {
    ::signal(sig, SIG_DFL);
  }

  ::dup2(in_fd, 0);
  ::dup2(out_fd, 1);
  ::dup2(out_fd, 2);
  CloseFrom(3, err_pipe);

  ::execve(argv[0], argv, envp);
  int err = errno;
  [[maybe_unused]] auto n = ::write(err_pipe, &err, sizeof err);
  ::_exit(127);
}

pid_t SpawnOnThisThread(const SpawnSpec& spec) {
  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = MergeEnv(spec.env);
  std::vector<char*> argv = CStrings(args);
  std::vector<char*> envp = CStrings(env);
  const std::string program = spec.argv.at(0);

  int in_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out_fd = spec.output.empty()
                   ? ::open("/dev/null", O_WRONLY | O_CLOEXEC)
                   : ::open(spec.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int err_pipe[2] = {-1, -1};
  if (in_fd < 0 || out_fd < 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    int err = errno;
    for (int fd : {in_fd, out_fd, err_pipe[0], err_pipe[1]}) {
      if (fd >= 0) ::close(fd);
    }
    throw ServerError(ServerErrorKind::kSpawn,
                      fmt::format("cannot start {}: {} ({})", program,
                                  spec.output.empty() ? "/dev/null" : spec.output.string(),
                                  std::strerror(err)));
  }

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) ExecChild(parent, in_fd, out_fd, err_pipe[1], argv.data(), envp.data());
  int fork_errno = errno;
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(err_pipe[0]);
    throw ServerError(ServerErrorKind::kSpawn,
                      fmt::format("cannot start {}: fork: {}", program, std::strerror(fork_errno)));
  }
  // Also set the group from here: whichever of parent and child runs first,
  // the group exists before anyone signals -pid.
  ::setpgid(pid, pid);
  RegisterChild(pid);

  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_pipe[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (n > 0) {
    KillChild(pid);
    throw ServerError(ServerErrorKind::kSpawn,
                      fmt::format("cannot execute {}: {}", program, std::strerror(exec_errno)));
  }
  return pid;
}

ChildExit FromStatus(int status) {
  ChildExit e;
  if (WIFEXITED(status)) {
    e.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    e.signal = WTERMSIG(status);
    e.core_dumped = WCOREDUMP(status);
  }
  return e;
}

}  // namespace

std::string ChildExit::Describe() const {
  if (!known) return "unknown status (reaped elsewhere)";
  if (signal != 0) {
    return fmt::format("signal {} ({}){}", signal, ::strsignal(signal),
                       core_dumped ? ", core dumped" : "");
  }
  return fmt::format("exit code {}", exit_code);
}

pid_t SpawnChild(const SpawnSpec& spec) {
  if (spec.argv.empty()) throw ServerError(ServerErrorKind::kSpawn, "cannot start: empty argv");
  pid_t pid = -1;
  TheSpawner().Run([&] { pid = SpawnOnThisThread(spec); });
  return pid;
}

std::optional<ChildExit> PollChild(pid_t pid) {
  if (!IsChildRegistered(pid)) return ChildExit{.known = false};
  // WNOWAIT: look without reaping, so the pid stays ours until it is out of
  // the registry (a signal handler may kill registered pids at any moment).
  siginfo_t info{};
  int r;
  do {
    r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {  // ECHILD: SIGCHLD is ignored, or another waiter got it
    UnregisterChild(pid);
    return ChildExit{.known = false};
  }
  if (info.si_pid == 0) return std::nullopt;
  UnregisterChild(pid);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return FromStatus(status);
}

std::optional<ChildExit> WaitChild(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto e = PollChild(pid)) return e;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ChildExit KillChild(pid_t pid) {
  if (!IsChildRegistered(pid)) return ChildExit{.known = false};
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case it left its group
  // SIGKILL cannot be ignored; only a process stuck in the kernel (D state)
  // takes long. Do not hang forever on one.
  if (auto e = WaitChild(pid, std::chrono::seconds(60))) return *e;
  return ChildExit{.known = false};
}

}  // namespace randsync::server
