#include "runners/server/throwaway_server.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "runners/server/backtrace.h"
#include "runners/server/child_registry.h"
#include "runners/server/free_port.h"
#include "runners/server/log_tail.h"
#include "runners/server/server_error.h"

namespace randsync::server {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

// Small enough for many servers on a shared 2-core CI box, big enough for a
// random workload. Extra options come later on the command line and win.
const char* const kInnodbFootprint[] = {
    "--innodb-buffer-pool-size=64M",
    "--innodb-log-file-size=48M",
};
const char* const kServerFootprint[] = {
    "--skip-name-resolve",
    "--max-connections=200",
    "--key-buffer-size=8M",
    "--loose-performance-schema=OFF",
    // Nothing to warm up in a throwaway server; saves time at both ends.
    "--loose-innodb-buffer-pool-load-at-startup=OFF",
    "--loose-innodb-buffer-pool-dump-at-shutdown=OFF",
};

// Options ThrowawayServer sets itself; an override would make the DSN,
// logs or cleanup lie, or (bind-address) expose the server.
const char* const kManagedOptions[] = {
    "datadir",     "socket", "log-error",   "pid-file",         "bind-address",
    "user",        "no-defaults", "defaults-file", "defaults-extra-file",
    "defaults-group-suffix",
};

// A unix socket path must fit sockaddr_un::sun_path (108 bytes with NUL).
constexpr std::size_t kMaxSocketPath = 100;
constexpr int kPortAttempts = 5;

bool RunningAsRoot() { return ::geteuid() == 0; }

std::string FileSafe(const std::string& role) {
  std::string out;
  for (char c : role) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    out += ok ? c : '_';
  }
  return out.empty() ? "server" : out;
}

fs::path MakeTempDir(const fs::path& under, const std::string& prefix) {
  std::string templ = (under / (prefix + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    throw ServerError(ServerErrorKind::kFilesystem,
                      fmt::format("cannot create a temp dir {}: {}", templ, std::strerror(errno)));
  }
  return templ;
}

fs::path TempRoot() {
  const char* t = std::getenv("TMPDIR");
  return (t != nullptr && *t != '\0') ? fs::path(t) : fs::path("/tmp");
}

// mariadbd's complaint about its TCP port ("Can't start server: Bind on
// TCP/IP port. Got error: 98: Address already in use"), or "".
std::string BindFailure(const std::vector<std::string>& log) {
  std::string hint;
  for (const auto& line : log) {
    if (line.find("Bind on TCP/IP port") != std::string::npos) return line;
    if (line.find("another server running on port") != std::string::npos) hint = line;
  }
  return hint;
}

std::string Seconds(milliseconds ms) {
  return fmt::format("{:g}s", static_cast<double>(ms.count()) / 1000.0);
}

}  // namespace

std::string ServerExit::Describe() const {
  std::string line = TellingLine(log_tail);
  return fmt::format("mariadbd ({}) exited unexpectedly: {}; error log {}{}{}{}", role,
                     status.Describe(), error_log.string(), line.empty() ? "" : ": ", line,
                     backtrace ? "; backtrace in " + backtrace->string() : "");
}

const char* ToString(StopOutcome outcome) {
  switch (outcome) {
    case StopOutcome::kNotRunning: return "not running";
    case StopOutcome::kClean: return "clean";
    case StopOutcome::kUnclean: return "unclean exit";
    case StopOutcome::kKilled: return "killed after the shutdown deadline";
    case StopOutcome::kCrashed: return "crashed before";
  }
  return "?";
}

ThrowawayServer::ThrowawayServer(ServerOptions options)
    : options_(std::move(options)), owner_process_(::getpid()) {}

bool ThrowawayServer::Owned() const { return owner_process_ == ::getpid(); }

ThrowawayServer::~ThrowawayServer() {
  try {
    Stop();
  } catch (...) {
    // A destructor must not throw; the registry still kills the child at exit.
  }
}

std::string ThrowawayServer::Who() const { return fmt::format("mariadbd ({})", options_.role); }

std::string ThrowawayServer::Dsn(std::string_view database) const {
  return fmt::format("mysql://root@127.0.0.1:{}/{}", port_.load(), database);
}

AdminTarget ThrowawayServer::Admin(std::string_view database) const {
  AdminTarget t;
  t.host = "127.0.0.1";
  t.port = port_;
  t.database = std::string(database);
  return t;
}

std::vector<std::string> ThrowawayServer::ErrorLogTail(std::size_t lines) const {
  return ReadLogTail(error_log_, lines);
}

std::optional<ServerExit> ThrowawayServer::crash() const {
  std::lock_guard lock(mu_);
  return crash_;
}

std::optional<ServerExit> ThrowawayServer::last_exit() const {
  std::lock_guard lock(mu_);
  return last_exit_;
}

void ThrowawayServer::set_keep_datadir(bool keep) {
  std::lock_guard lock(mu_);
  options_.keep_datadir = keep;
  UpdateCleanupDir();
}

// Normalises the extra options, takes --port out of them (it is ours to
// pass, but the caller may choose it) and rejects the managed ones.
std::vector<std::string> ThrowawayServer::CheckExtraOptions() {
  std::vector<std::string> out;
  for (std::string opt : options_.extra_options) {
    if (opt.rfind("--", 0) != 0) opt = "--" + opt;
    std::string name = OptionName(opt);
    for (const char* managed : kManagedOptions) {
      if (name == managed) {
        throw ServerError(ServerErrorKind::kBadOption,
                          fmt::format("{}: option {} is managed by randsync and cannot be set",
                                      Who(), opt));
      }
    }
    if (name == "port") {
      auto eq = opt.find('=');
      std::string value = eq == std::string::npos ? "" : opt.substr(eq + 1);
      unsigned port = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (ec != std::errc() || p != value.data() + value.size() || port == 0 || port > 65535) {
        throw ServerError(ServerErrorKind::kBadOption,
                          fmt::format("{}: bad port in {}", Who(), opt));
      }
      if (options_.port != 0 && options_.port != port) {
        throw ServerError(ServerErrorKind::kBadOption,
                          fmt::format("{}: {} contradicts port {}", Who(), opt, options_.port));
      }
      options_.port = static_cast<uint16_t>(port);
      continue;
    }
    out.push_back(std::move(opt));
  }
  return out;
}

void ThrowawayServer::PrepareDirs() {
  if (!dir_.empty()) return;
  std::error_code ec;
  std::string safe = FileSafe(options_.role);

  // Check the datadir first, so that a refusal leaves nothing behind.
  fs::path datadir;
  if (!options_.datadir.empty()) {
    datadir = fs::absolute(options_.datadir, ec);
    if (!fs::is_directory(datadir / "mysql", ec)) {
      throw ServerError(ServerErrorKind::kFilesystem,
                        fmt::format("{}: {} is not a MariaDB datadir (no mysql/ in it)", Who(),
                                    datadir.string()));
    }
  } else if (!options_.datadir_parent.empty()) {
    datadir = fs::absolute(options_.datadir_parent, ec) / "data";
    if (fs::exists(datadir, ec) && !fs::is_empty(datadir, ec)) {
      throw ServerError(ServerErrorKind::kFilesystem,
                        fmt::format("{}: {} already exists; remove it, or pass it as "
                                    "ServerOptions::datadir to start on it",
                                    Who(), datadir.string()));
    }
  }

  fs::path dir;
  if (options_.datadir_parent.empty()) {
    dir = MakeTempDir(TempRoot(), "randsync-" + safe + "-");
  } else {
    dir = fs::absolute(options_.datadir_parent, ec);
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir)) {
      throw ServerError(ServerErrorKind::kFilesystem,
                        fmt::format("{}: cannot create {}: {}", Who(), dir.string(),
                                    ec ? ec.message() : "not a directory"));
    }
  }
  fs::path sock = dir / "mariadbd.sock";
  fs::path socket_dir;
  if (sock.string().size() > kMaxSocketPath) {
    try {
      socket_dir = MakeTempDir("/tmp", "randsync-sock-");
    } catch (...) {
      if (options_.datadir_parent.empty()) fs::remove_all(dir, ec);
      throw;
    }
    sock = socket_dir / "mariadbd.sock";
  }

  dir_ = dir;
  owns_dir_ = options_.datadir_parent.empty();
  socket_dir_ = socket_dir;
  socket_ = sock.string();
  error_log_ = dir_ / (safe + ".err");
  pid_file_ = dir_ / (safe + ".pid");
  bootstrap_log_ = dir_ / (safe + "-bootstrap.log");
  owns_datadir_ = options_.datadir.empty();
  datadir_ = owns_datadir_ ? dir_ / "data" : datadir;
  bootstrapped_ = !owns_datadir_;
  needs_test_db_ = false;
}

void ThrowawayServer::Bootstrap() {
  std::vector<std::string> argv = {
      layout_.install_db.string(),
      "--no-defaults",
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      "--datadir=" + datadir_.string(),
  };
  if (RunningAsRoot()) argv.push_back("--user=root");
  argv.insert(argv.end(), layout_.bootstrap_args.begin(), layout_.bootstrap_args.end());
  for (const char* o : kInnodbFootprint) argv.emplace_back(o);
  // InnoDB's files are made here: its options, and the plugins (a key
  // management plugin for --innodb-encrypt-*) its options may need.
  for (const auto& o : options_.extra_options) {
    if (ShapesInnodbFiles(o)) argv.push_back(o.rfind("--", 0) == 0 ? o : "--" + o);
  }
  argv.insert(argv.end(), options_.bootstrap_options.begin(), options_.bootstrap_options.end());

  std::error_code ec;
  // mariadb-install-db occasionally fails when several bootstraps run at
  // once on a loaded machine (seen: "ERROR: 1051 Unknown table
  // 'mysql.tmp_user_sys'" from parallel ctest jobs); a fresh attempt on an
  // empty datadir succeeds, so a failed bootstrap is retried twice.
  std::optional<ChildExit> exit;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    fs::remove(bootstrap_log_, ec);
    if (attempt > 1) {
      fs::remove_all(datadir_, ec);
      fs::create_directories(datadir_, ec);
    }
    // The script picks its own mariadbd; MYSQLD_BOOTSTRAP makes it use ours.
    pid_t pid = SpawnChild({argv, {"MYSQLD_BOOTSTRAP=" + layout_.mariadbd.string()}, bootstrap_log_});
    exit = WaitChild(pid, options_.bootstrap_timeout);
    if (!exit) {
      KillChild(pid);
      break;
    }
    if (exit->Clean() && fs::is_directory(datadir_ / "mysql", ec)) break;
  }
  if (!exit) {
    auto tail = ReadLogTail(bootstrap_log_);
    throw ServerError(ServerErrorKind::kBootstrap,
                      fmt::format("{}: bootstrap ({}) did not finish within {}: {}", Who(),
                                  layout_.install_db.filename().string(),
                                  Seconds(options_.bootstrap_timeout), JoinLastLines(tail, 2)),
                      tail);
  }
  auto tail = ReadLogTail(bootstrap_log_);
  if (!exit->Clean() || !fs::is_directory(datadir_ / "mysql", ec)) {
    std::string line = TellingLine(tail);
    throw ServerError(ServerErrorKind::kBootstrap,
                      fmt::format("{}: bootstrap failed ({} {}): {}", Who(),
                                  layout_.install_db.filename().string(), exit->Describe(),
                                  line.empty() ? "no output" : line),
                      tail);
  }
  bootstrapped_ = true;
  needs_test_db_ = true;
}

std::vector<std::string> ThrowawayServer::ServerArgv(const std::vector<std::string>& extras) const {
  std::vector<std::string> argv = {layout_.mariadbd.string(), "--no-defaults"};
  // mariadbd refuses to run as root unless told to.
  if (RunningAsRoot()) argv.push_back("--user=root");
  argv.insert(argv.end(), layout_.server_args.begin(), layout_.server_args.end());
  argv.push_back("--datadir=" + datadir_.string());
  argv.push_back("--bind-address=127.0.0.1");
  argv.push_back(fmt::format("--port={}", port_.load()));
  argv.push_back("--socket=" + socket_);
  argv.push_back("--log-error=" + error_log_.string());
  argv.push_back("--pid-file=" + pid_file_.string());
  // A private tmpdir: servers sharing /tmp have been seen to lose each
  // other's internal temporary tables ("Error on delete of
  // '/tmp/#sql-temptable-...MAI'") when parallel tests clean up.
  argv.push_back("--tmpdir=" + (dir_ / "tmp").string());
  argv.push_back("--core-file");  // see backtrace.h
  for (const char* o : kInnodbFootprint) argv.emplace_back(o);
  for (const char* o : kServerFootprint) argv.emplace_back(o);
  argv.insert(argv.end(), extras.begin(), extras.end());
  return argv;
}

bool ThrowawayServer::LaunchOnce(const std::vector<std::string>& extras, bool port_forced,
                                 int attempt) {
  port_ = !port_forced ? PickFreePort() : options_.port != 0 ? options_.port : port_.load();
  std::error_code ec;
  fs::remove(socket_, ec);
  fs::remove(pid_file_, ec);
  command_line_ = ServerArgv(extras);
  // Only what this start writes counts when deciding why it failed.
  std::uintmax_t log_start = LogSize(error_log_);

  pid_ = SpawnChild({command_line_, {}, error_log_});
  UpdateCleanupDir();

  AdminTarget probe;
  probe.socket = socket_;
  probe.connect_timeout = std::chrono::seconds(2);
  auto deadline = steady_clock::now() + options_.startup_timeout;
  std::string last_error;
  for (;;) {
    if (auto exit = PollChild(pid_)) {
      pid_ = 0;
      auto tail = ReadLogTail(error_log_, 50, log_start);
      if (std::string bind = BindFailure(tail); !bind.empty()) {
        if (!port_forced && attempt + 1 < kPortAttempts) return false;
        throw ServerError(
            ServerErrorKind::kPort,
            port_forced
                ? fmt::format("{}: port {} on 127.0.0.1 is already in use: {}", Who(),
                              port_.load(), bind)
                : fmt::format("{}: no usable port after {} attempts: {}", Who(), kPortAttempts,
                              bind),
            tail);
      }
      std::string line = TellingLine(tail);
      throw ServerError(ServerErrorKind::kStartFailed,
                        fmt::format("{} exited during startup ({}); error log {}: {}", Who(),
                                    exit->Describe(), error_log_.string(),
                                    line.empty() ? "(empty)" : line),
                        tail);
    }
    unsigned errnum = 0;
    if (AdminConnection::TryConnect(probe, &last_error, &errnum)) return true;
    // Errors below 2000 come from the server (say, access denied on a
    // restored datadir with other accounts): it is up and answering.
    if (errnum > 0 && errnum < 2000) return true;
    if (steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(milliseconds(50));
  }

  KillChild(pid_);
  pid_ = 0;
  auto tail = ReadLogTail(error_log_, 50, log_start);
  throw ServerError(ServerErrorKind::kStartupTimeout,
                    fmt::format("{} not ready within {} (last connect error: {}); error log {} "
                                "ends: {}",
                                Who(), Seconds(options_.startup_timeout), last_error,
                                error_log_.string(), JoinLastLines(tail, 3)),
                    tail);
}

// --skip-test-db keeps the bootstrap lean; the DSNs name `test`, so it is
// created here, unlogged: a fresh server's binlog stays empty, and a slave
// bootstrapped the same way would otherwise fail replaying it.
void ThrowawayServer::CreateTestDatabase() {
  AdminConnection c(Admin(""));
  c.Exec("SET SESSION sql_log_bin = 0");
  c.Exec("CREATE DATABASE IF NOT EXISTS test");
}

void ThrowawayServer::Start() {
  std::lock_guard lock(mu_);
  if (!Owned()) {
    throw ServerError(ServerErrorKind::kSpawn,
                      fmt::format("{}: this server object belongs to process {}", Who(),
                                  owner_process_));
  }
  if (pid_ > 0) return;
  layout_ = ResolveLayout(options_);
  std::vector<std::string> extras = CheckExtraOptions();
  PrepareDirs();
  {
    std::error_code ec;
    fs::create_directories(dir_ / "tmp", ec);  // the server's private --tmpdir
  }
  if (!bootstrapped_) Bootstrap();

  bool port_forced = options_.port != 0 || port_ != 0;
  for (int attempt = 0;; ++attempt) {
    if (LaunchOnce(extras, port_forced, attempt)) break;
  }
  crash_.reset();
  try {
    if (needs_test_db_) {
      CreateTestDatabase();
      needs_test_db_ = false;
    }
  } catch (const ServerError& e) {
    KillChild(pid_);
    pid_ = 0;
    throw ServerError(ServerErrorKind::kSql, fmt::format("{}: {}", Who(), e.what()));
  }
}

ChildExit ThrowawayServer::RunToExit(const std::vector<std::string>& extra, std::chrono::milliseconds timeout) {
  std::lock_guard lock(mu_);
  if (!Owned() || pid_ > 0) {
    throw ServerError(ServerErrorKind::kSpawn, fmt::format("{}: RunToExit needs a stopped server", Who()));
  }
  layout_ = ResolveLayout(options_);
  std::vector<std::string> extras = CheckExtraOptions();
  PrepareDirs();
  std::error_code ec;
  fs::create_directories(dir_ / "tmp", ec);
  if (!bootstrapped_) Bootstrap();
  port_ = PickFreePort();
  extras.insert(extras.end(), extra.begin(), extra.end());
  command_line_ = ServerArgv(extras);
  const pid_t pid = SpawnChild({command_line_, {}, error_log_});
  if (auto exit = WaitChild(pid, timeout)) return *exit;
  return KillChild(pid);
}

std::optional<ServerExit> ThrowawayServer::Poll() {
  std::lock_guard lock(mu_);
  if (pid_ <= 0 || !Owned()) return crash_;
  if (auto exit = PollChild(pid_)) {
    pid_t dead = pid_;
    pid_ = 0;
    crash_ = ServerExit{options_.role, error_log_, *exit, ReadLogTail(error_log_), std::nullopt};
    if (exit->signal != 0 && exit->signal != SIGKILL) {
      crash_->backtrace = WriteBacktrace(layout_.mariadbd, datadir_, dir_, dead);
    }
  }
  return crash_;
}

void ThrowawayServer::CheckAlive() {
  if (auto c = Poll()) throw ServerError(ServerErrorKind::kCrashed, c->Describe(), c->log_tail);
}

StopOutcome ThrowawayServer::Shutdown() {
  std::lock_guard lock(mu_);
  if (!Owned()) return StopOutcome::kNotRunning;
  if (pid_ <= 0) return crash_ ? StopOutcome::kCrashed : StopOutcome::kNotRunning;
  if (auto exit = PollChild(pid_)) {
    pid_ = 0;
    crash_ = ServerExit{options_.role, error_log_, *exit, ReadLogTail(error_log_), std::nullopt};
    last_exit_ = crash_;
    return StopOutcome::kCrashed;
  }
  // SIGTERM is mariadbd's normal shutdown and needs no connection (a hung
  // server may not take one). Only signal a pid that is still ours.
  // SIGCONT after it: a server stopped by SIGSTOP (a hang test, or one
  // that hung) takes the SIGTERM as it resumes.
  if (IsChildRegistered(pid_)) {
    ::kill(pid_, SIGTERM);
    ::kill(pid_, SIGCONT);
  }
  StopOutcome outcome;
  std::optional<ChildExit> exit = WaitChild(pid_, options_.shutdown_deadline);
  if (exit) {
    outcome = exit->Clean() ? StopOutcome::kClean : StopOutcome::kUnclean;
  } else {
    exit = KillChild(pid_);
    outcome = StopOutcome::kKilled;
  }
  pid_ = 0;
  last_exit_ = ServerExit{options_.role, error_log_, *exit, ReadLogTail(error_log_), std::nullopt};
  return outcome;
}

StopOutcome ThrowawayServer::Stop() {
  StopOutcome outcome = Shutdown();
  std::lock_guard lock(mu_);
  RemoveFiles();
  return outcome;
}

void ThrowawayServer::Kill() {
  std::lock_guard lock(mu_);
  if (pid_ <= 0 || !Owned()) return;
  ChildExit exit = KillChild(pid_);
  pid_ = 0;
  last_exit_ = ServerExit{options_.role, error_log_, exit, ReadLogTail(error_log_), std::nullopt};
}

ChildExit ThrowawayServer::Signal(int signal) {
  std::lock_guard lock(mu_);
  if (pid_ <= 0 || !Owned()) return ChildExit{false};
  if (IsChildRegistered(pid_)) ::kill(pid_, signal);
  std::optional<ChildExit> exit = WaitChild(pid_, options_.shutdown_deadline);
  if (!exit) exit = KillChild(pid_);
  pid_ = 0;
  last_exit_ = ServerExit{options_.role, error_log_, *exit, ReadLogTail(error_log_), std::nullopt};
  return *exit;
}

// What the atexit handler removes if the process ends with this server still
// running: the same as Stop() would.
void ThrowawayServer::UpdateCleanupDir() {
  if (pid_ <= 0 || !Owned()) return;
  fs::path dir;
  if (!options_.keep_datadir) {
    if (owns_dir_) {
      dir = dir_;
    } else if (owns_datadir_) {
      dir = datadir_;
    }
  }
  SetChildCleanupDir(pid_, dir);
}

void ThrowawayServer::RemoveFiles() {
  if (dir_.empty() || !Owned()) return;  // never started, or already removed
  std::error_code ec;
  if (!socket_dir_.empty()) fs::remove_all(socket_dir_, ec);
  if (options_.keep_datadir) return;
  if (owns_dir_) {
    fs::remove_all(dir_, ec);
  } else {
    fs::remove(socket_, ec);
    fs::remove(pid_file_, ec);
    if (owns_datadir_) fs::remove_all(datadir_, ec);
  }
  // A later Start() begins afresh.
  dir_.clear();
  socket_dir_.clear();
  bootstrapped_ = false;
  needs_test_db_ = false;
}

}  // namespace randsync::server
