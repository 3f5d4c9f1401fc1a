// A MariaDB server that exists for one run: a freshly bootstrapped datadir
// (or a restored one), mariadbd on a free 127.0.0.1 port plus a unix socket,
// started as our child, stopped with a deadline, removed afterwards. Crashes
// (any exit we did not ask for) are detected and reported with the tail of
// the error log. No server outlives randsync (see child_registry.h).
//
//   ThrowawayServer master(opts);
//   master.Start();                 // bootstrap + start + wait until ready
//   Connect(master.Dsn());          // mysql://root@127.0.0.1:<port>/test
//   master.CheckAlive();            // throws ServerError(kCrashed) after a crash
//   master.Stop();                  // SIGTERM, deadline, SIGKILL; rm datadir
//
// Thread safety: Poll()/CheckAlive() and the accessors may be called from any
// thread; Start/Stop/Shutdown/Kill are serialised by a mutex.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runners/server/admin_connection.h"
#include "runners/server/child_process.h"
#include "runners/server/server_options.h"

namespace randsync::server {

// An exit of mariadbd, with what its error log said at the time.
struct ServerExit {
  std::string role;
  std::filesystem::path error_log;
  ChildExit status;
  std::vector<std::string> log_tail;  // last ~50 lines
  // gdb's `thread apply all bt` of the core, when a core and gdb were there.
  std::optional<std::filesystem::path> backtrace;

  // One line: "mariadbd (master) exited unexpectedly: signal 9 (Killed);
  // error log /tmp/.../master.err: <the telling line>".
  std::string Describe() const;
};

enum class StopOutcome {
  kNotRunning,  // never started, or already stopped
  kClean,       // shut down and exited 0
  kUnclean,     // exited non-zero or by a signal while shutting down
  kKilled,      // missed the shutdown deadline, SIGKILLed
  kCrashed,     // had already exited before we asked (see crash())
};
const char* ToString(StopOutcome outcome);

class ThrowawayServer {
 public:
  explicit ThrowawayServer(ServerOptions options);
  // Stop()s the server; never throws.
  ~ThrowawayServer();
  ThrowawayServer(const ThrowawayServer&) = delete;
  ThrowawayServer& operator=(const ThrowawayServer&) = delete;

  // Bootstraps the datadir the first time, starts mariadbd and waits until
  // it accepts connections; creates database `test` after a bootstrap. A
  // no-op if running. A restart (after Shutdown(), Kill() or Signal())
  // keeps the port: DSNs, a slave's master connection and the load's
  // workers point there. Throws ServerError (kBinaryMissing, kBadOption,
  // kFilesystem, kBootstrap, kPort, kStartFailed, kStartupTimeout, kSql).
  void Start();
  // Runs mariadbd once on the datadir with `extra` options that make it do
  // one job and exit (e.g. --tc-heuristic-recover=ROLLBACK) and waits up to
  // `timeout` (then SIGKILL). The server must not be running. Returns how it
  // exited; its output goes to the error log. Throws ServerError like
  // Start() for a missing binary or unusable directories.
  ChildExit RunToExit(const std::vector<std::string>& extra, std::chrono::milliseconds timeout);
  // Stops mariadbd (SIGTERM, then SIGKILL after the shutdown deadline) and
  // keeps every file: a later Start() restarts on the same datadir.
  StopOutcome Shutdown();
  // Shutdown(), then removes the temp datadir unless keep_datadir is set.
  // A later Start() bootstraps afresh.
  StopOutcome Stop();
  // SIGKILLs mariadbd now, on purpose (not a crash); files stay, so Start()
  // exercises crash recovery.
  void Kill();
  // Sends mariadbd `signal` on purpose (a crash step: SIGKILL, SIGTERM,
  // SIGABRT) and waits for its exit up to the shutdown deadline, then
  // SIGKILLs it; returns how it exited. Files stay, as after Kill().
  ChildExit Signal(int signal);

  // Non-blocking crash check: if mariadbd has exited without being asked to,
  // records and returns that exit (also available from crash() later).
  std::optional<ServerExit> Poll();
  // Poll(), throwing ServerError(kCrashed, Describe()) after a crash.
  void CheckAlive();
  std::optional<ServerExit> crash() const;
  // How the last Shutdown()/Stop() ended, with the log tail of that moment.
  std::optional<ServerExit> last_exit() const;

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  const std::string& socket() const { return socket_; }
  // mysql://root@127.0.0.1:<port>/<database>
  std::string Dsn(std::string_view database = "test") const;
  // For AdminConnection over TCP.
  AdminTarget Admin(std::string_view database = "test") const;

  const std::string& role() const { return options_.role; }
  const ServerOptions& options() const { return options_; }
  const std::filesystem::path& dir() const { return dir_; }  // datadir parent
  const std::filesystem::path& datadir() const { return datadir_; }
  const std::filesystem::path& error_log() const { return error_log_; }
  std::vector<std::string> ErrorLogTail(std::size_t lines = 50) const;
  // The mariadbd command line of the current (or last) start, for reports.
  const std::vector<std::string>& command_line() const { return command_line_; }

  void set_keep_datadir(bool keep);

 private:
  std::vector<std::string> CheckExtraOptions();
  void PrepareDirs();
  void Bootstrap();
  std::vector<std::string> ServerArgv(const std::vector<std::string>& extras) const;
  // Spawns mariadbd and waits; true when ready, false when it exited because
  // the port was taken (caller retries). Throws on everything else.
  bool LaunchOnce(const std::vector<std::string>& extras, bool port_forced, int attempt);
  void CreateTestDatabase();
  void UpdateCleanupDir();
  void RemoveFiles();
  std::string Who() const;

  // Whether this process started the server. A fork()ed copy of this object
  // (say, in a test helper process) must not stop or delete its parent's
  // server: the child registry is emptied on fork, and so is this object's
  // authority.
  bool Owned() const;

  ServerOptions options_;
  ServerLayout layout_;
  pid_t owner_process_ = 0;
  mutable std::mutex mu_;

  std::filesystem::path dir_;
  bool owns_dir_ = false;         // a temp dir we created: removed whole
  bool owns_datadir_ = false;     // bootstrapped by us: removed on Stop()
  std::filesystem::path socket_dir_;  // only when dir_ is too long for a socket path
  std::filesystem::path datadir_;
  std::filesystem::path error_log_;
  std::filesystem::path pid_file_;
  std::filesystem::path bootstrap_log_;
  std::string socket_;
  bool bootstrapped_ = false;      // datadir_ holds a usable datadir
  bool needs_test_db_ = false;     // freshly bootstrapped, `test` not created yet

  // Atomic so that running()/pid()/port() may be read by load threads
  // while another thread polls or stops; everything else is under mu_.
  std::atomic<pid_t> pid_ = 0;
  std::atomic<uint16_t> port_ = 0;
  std::vector<std::string> command_line_;
  std::optional<ServerExit> crash_;
  std::optional<ServerExit> last_exit_;
};

}  // namespace randsync::server
