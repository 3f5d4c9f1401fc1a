// The throwaway-server lifecycle against the real mariadbd: start, connect,
// stop, cleanup, crash detection, one-line errors, and that no server
// outlives the process that started it, however that process ends.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "runners/server/server_error.h"
#include "runners/server/throwaway_server.h"
#include "tests/support/shared_server.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;
using server::ServerError;
using server::ServerErrorKind;
using server::StopOutcome;
using server::ThrowawayServer;
using testsupport::Connect;
using testsupport::TestServerOptions;

bool OneLine(const std::string& s) { return s.find('\n') == std::string::npos; }

// A pid that no longer runs: gone, or a zombie nobody has reaped yet (our
// orphans are reparented to whatever init this machine has).
bool ProcessGone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  auto paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return true;
  char state = line[paren + 2];
  return state == 'Z' || state == 'X';
}

bool WaitGone(pid_t pid, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ProcessGone(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string Comm(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string s;
  std::getline(in, s);
  return s;
}

class ServerLifecycle : public ::testing::Test {
 protected:
  void SetUp() override { RANDSYNC_SKIP_WITHOUT_MARIADB(); }
};

TEST_F(ServerLifecycle, StartConnectStopRemovesDatadir) {
  ThrowawayServer s(TestServerOptions("lifecycle"));
  auto t0 = std::chrono::steady_clock::now();
  s.Start();
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(s.running());
  EXPECT_GT(s.port(), 0);
  EXPECT_EQ(s.Dsn(), "mysql://root@127.0.0.1:" + std::to_string(s.port()) + "/test");
  EXPECT_TRUE(fs::is_directory(s.datadir() / "mysql"));
  EXPECT_TRUE(fs::exists(s.socket()));

  auto c = Connect(s);  // over TCP, into `test`, which the bootstrap skipped
  EXPECT_EQ(c.QueryValue("SELECT DATABASE()"), "test");
  EXPECT_EQ(c.QueryValue("SELECT @@port"), std::to_string(s.port()));
  EXPECT_EQ(c.QueryValue("SELECT @@bind_address"), "127.0.0.1");
  c.Exec("CREATE TABLE t (a INT PRIMARY KEY) ENGINE=InnoDB");
  c.Exec("INSERT INTO t VALUES (1), (2)");
  EXPECT_EQ(c.QueryValue("SELECT SUM(a) FROM t"), "3");

  fs::path dir = s.dir();
  EXPECT_EQ(s.Stop(), StopOutcome::kClean);
  auto t2 = std::chrono::steady_clock::now();
  EXPECT_FALSE(s.running());
  EXPECT_FALSE(fs::exists(dir)) << dir;
  EXPECT_EQ(s.Stop(), StopOutcome::kNotRunning);

  using ms = std::chrono::milliseconds;
  std::printf("bootstrap+start %lld ms, stop %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<ms>(t1 - t0).count()),
              static_cast<long long>(std::chrono::duration_cast<ms>(t2 - t1).count()));
}

TEST_F(ServerLifecycle, ShutdownKeepsDataAndStartRestartsOnIt) {
  ThrowawayServer s(TestServerOptions("restart"));
  s.Start();
  Connect(s).Exec("CREATE TABLE t (a INT) ENGINE=InnoDB");
  Connect(s).Exec("INSERT INTO t VALUES (42)");
  EXPECT_EQ(s.Shutdown(), StopOutcome::kClean);
  s.Start();
  EXPECT_EQ(Connect(s).QueryValue("SELECT a FROM t"), "42");
  // A deliberate SIGKILL is not a crash, and the next start recovers.
  s.Kill();
  EXPECT_FALSE(s.crash());
  s.Start();
  EXPECT_EQ(Connect(s).QueryValue("SELECT a FROM t"), "42");
  EXPECT_EQ(s.Stop(), StopOutcome::kClean);
}

// A one-job run (what --tc-heuristic-recover needs) on the server's own
// datadir: it ends by itself with its exit status, and a normal start works
// on the same files afterwards; one that does not end is killed at its
// deadline.
TEST_F(ServerLifecycle, RunToExitRunsOneJobOnTheDatadir) {
  ThrowawayServer s(TestServerOptions("once"));
  s.Start();
  Connect(s).Exec("CREATE TABLE t (a INT) ENGINE=InnoDB");
  EXPECT_EQ(s.Shutdown(), StopOutcome::kClean);
  const server::ChildExit bad = s.RunToExit({"--no-such-option-here"}, std::chrono::seconds(60));
  EXPECT_FALSE(bad.Clean()) << bad.Describe();
  const auto t0 = std::chrono::steady_clock::now();
  const server::ChildExit hung = s.RunToExit({}, std::chrono::seconds(2));  // a plain start never exits by itself
  EXPECT_EQ(hung.signal, SIGKILL) << hung.Describe();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(15));
  s.Start();
  EXPECT_EQ(Connect(s).QueryValue("SELECT COUNT(*) FROM t"), "0");
  EXPECT_EQ(s.Stop(), StopOutcome::kClean);
}

TEST_F(ServerLifecycle, GivenParentKeepsLogsButNotData) {
  fs::path parent = fs::temp_directory_path() / ("randsync-parent-" + std::to_string(getpid()));
  fs::remove_all(parent);
  auto o = TestServerOptions("master");
  o.datadir_parent = parent;
  {
    ThrowawayServer s(o);
    s.Start();
    EXPECT_EQ(s.datadir(), parent / "data");
    EXPECT_EQ(s.error_log(), parent / "master.err");
    EXPECT_EQ(s.Stop(), StopOutcome::kClean);
  }
  EXPECT_FALSE(fs::exists(parent / "data"));
  EXPECT_TRUE(fs::exists(parent / "master.err"));
  fs::remove_all(parent);
}

TEST_F(ServerLifecycle, TwoServersAtOnceGetDifferentPorts) {
  ThrowawayServer a(TestServerOptions("a"));
  ThrowawayServer b(TestServerOptions("b"));
  a.Start();
  b.Start();
  EXPECT_NE(a.port(), b.port());
  EXPECT_NE(a.socket(), b.socket());
  EXPECT_NE(a.datadir(), b.datadir());
  Connect(a).Exec("CREATE TABLE only_on_a (x INT)");
  EXPECT_EQ(Connect(b).QueryValue("SELECT COUNT(*) FROM information_schema.tables "
                                  "WHERE table_name = 'only_on_a'"),
            "0");
  EXPECT_EQ(a.Stop(), StopOutcome::kClean);
  EXPECT_EQ(b.Stop(), StopOutcome::kClean);
}

TEST_F(ServerLifecycle, SigkillOfMariadbdIsACrashWithLogTail) {
  ThrowawayServer s(TestServerOptions("victim"));
  s.Start();
  EXPECT_FALSE(s.Poll());
  pid_t pid = s.pid();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);

  std::optional<server::ServerExit> crash;
  for (int i = 0; i < 500 && !crash; ++i) {
    crash = s.Poll();
    if (!crash) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(crash) << "SIGKILL not detected";
  EXPECT_FALSE(s.running());
  EXPECT_EQ(crash->status.signal, SIGKILL);
  ASSERT_FALSE(crash->log_tail.empty());
  EXPECT_LE(crash->log_tail.size(), 50u);
  bool saw_ready = false;
  for (const auto& l : crash->log_tail) saw_ready |= l.find("ready for connections") != l.npos;
  EXPECT_TRUE(saw_ready);
  std::string d = crash->Describe();
  EXPECT_TRUE(OneLine(d)) << d;
  EXPECT_NE(d.find("victim"), d.npos) << d;
  EXPECT_NE(d.find("signal 9"), d.npos) << d;

  try {
    s.CheckAlive();
    ADD_FAILURE() << "CheckAlive did not throw";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.kind(), ServerErrorKind::kCrashed);
    EXPECT_TRUE(OneLine(e.what())) << e.what();
    EXPECT_FALSE(e.log_tail().empty());
  }
  fs::path dir = s.dir();
  EXPECT_EQ(s.Stop(), StopOutcome::kCrashed);
  EXPECT_FALSE(fs::exists(dir));
}

// A server that dies of SIGSEGV dumps a core (--core-file, unlimited core
// size) and, with gdb installed, its backtrace is written and named.
TEST_F(ServerLifecycle, SegfaultLeavesACoreAndABacktrace) {
  if (!fs::exists("/usr/bin/gdb")) GTEST_SKIP() << "gdb is not installed";
  ThrowawayServer s(TestServerOptions("segv"));
  s.set_keep_datadir(false);
  s.Start();
  ASSERT_EQ(::kill(s.pid(), SIGSEGV), 0);
  std::optional<server::ServerExit> crash;
  for (int i = 0; i < 3000 && !crash; ++i) {
    crash = s.Poll();
    if (!crash) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(crash) << "SIGSEGV not detected";
  if (!crash->status.core_dumped) GTEST_SKIP() << "no core dumped here (core_pattern or limits)";
  ASSERT_TRUE(crash->backtrace) << crash->Describe();
  std::ifstream bt(*crash->backtrace);
  std::string text((std::istreambuf_iterator<char>(bt)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("#0"), std::string::npos) << text.substr(0, 500);
  EXPECT_NE(crash->Describe().find("backtrace in"), std::string::npos);
  s.Stop();
}

TEST_F(ServerLifecycle, MissingBinaryIsAOneLineError) {
  auto o = TestServerOptions("nobin");
  o.mariadbd = "/nonexistent/sbin/mariadbd";
  ThrowawayServer s(o);
  try {
    s.Start();
    FAIL() << "started without a binary";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.kind(), ServerErrorKind::kBinaryMissing);
    EXPECT_STREQ(e.what(), "mariadbd not found at /nonexistent/sbin/mariadbd");
  }
  fs::path empty = fs::temp_directory_path() / ("randsync-nobasedir-" + std::to_string(getpid()));
  fs::create_directories(empty);
  try {
    server::ServerOptions::FromBasedir(empty);
    ADD_FAILURE() << "an empty basedir was accepted";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.kind(), ServerErrorKind::kBinaryMissing);
    EXPECT_TRUE(OneLine(e.what()));
    EXPECT_NE(std::string(e.what()).find(empty.string()), std::string::npos) << e.what();
  }
  fs::remove_all(empty);
}

TEST_F(ServerLifecycle, ManagedOptionIsRejected) {
  auto o = TestServerOptions("badopt");
  o.extra_options = {"--log_error=/tmp/elsewhere.err"};
  ThrowawayServer s(o);
  try {
    s.Start();
    FAIL() << "accepted --log_error";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.kind(), ServerErrorKind::kBadOption);
    EXPECT_TRUE(OneLine(e.what()));
  }
}

TEST_F(ServerLifecycle, OccupiedPortIsAOneLineError) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  auto o = TestServerOptions("busyport");
  o.extra_options = {"--port=" + std::to_string(port)};
  ThrowawayServer s(o);
  try {
    s.Start();
    ADD_FAILURE() << "started on an occupied port";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.kind(), ServerErrorKind::kPort) << e.what();
    std::string what = e.what();
    EXPECT_TRUE(OneLine(what)) << what;
    EXPECT_NE(what.find("port " + std::to_string(port)), what.npos) << what;
    EXPECT_NE(what.find("in use"), what.npos) << what;
  }
  EXPECT_FALSE(s.running());
  ::close(fd);
}

TEST_F(ServerLifecycle, BootstrapFailureNamesTheCause) {
  auto o = TestServerOptions("badboot");
  o.bootstrap_options = {"--no-such-option-for-bootstrap=1"};
  ThrowawayServer s(o);
  try {
    s.Start();
    ADD_FAILURE() << "bootstrap succeeded";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.kind(), ServerErrorKind::kBootstrap) << e.what();
    std::string what = e.what();
    EXPECT_TRUE(OneLine(what)) << what;
    EXPECT_NE(what.find("no-such-option-for-bootstrap"), what.npos) << what;
  }
}

TEST_F(ServerLifecycle, ServerThatExitsAtStartupNamesTheCause) {
  auto o = TestServerOptions("badstart");
  o.extra_options = {"--no-such-server-option=1"};
  ThrowawayServer s(o);
  try {
    s.Start();
    ADD_FAILURE() << "started with a bad option";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.kind(), ServerErrorKind::kStartFailed) << e.what();
    std::string what = e.what();
    EXPECT_TRUE(OneLine(what)) << what;
    EXPECT_NE(what.find("no-such-server-option"), what.npos) << what;
    EXPECT_FALSE(e.log_tail().empty());
  }
  EXPECT_FALSE(s.running());
}

TEST_F(ServerLifecycle, StartupTimeoutQuotesTheErrorLog) {
  auto o = TestServerOptions("slow");
  o.startup_timeout = std::chrono::milliseconds(1);
  ThrowawayServer s(o);
  try {
    s.Start();
    ADD_FAILURE() << "ready within 1 ms";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.kind(), ServerErrorKind::kStartupTimeout) << e.what();
    std::string what = e.what();
    EXPECT_TRUE(OneLine(what)) << what;
    EXPECT_NE(what.find("not ready within"), what.npos) << what;
  }
  EXPECT_FALSE(s.running());
}

// PR_SET_PDEATHSIG fires when the *thread* that forked ends; servers are
// forked from a long-lived thread so that starting one from a short-lived
// worker does not kill it when the worker is done.
TEST_F(ServerLifecycle, ServerStartedFromAThreadOutlivesTheThread) {
  ThrowawayServer s(TestServerOptions("threaded"));
  std::thread([&] { s.Start(); }).join();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(s.Poll()) << s.Poll()->Describe();
  EXPECT_EQ(Connect(s).QueryValue("SELECT 1"), "1");
  EXPECT_EQ(s.Stop(), StopOutcome::kClean);
}

// How the helper process that owns a server ends.
enum class HelperEnd { kSigkill, kSigterm, kExit };

// Forks a process that starts a server and reports "<mariadbd pid> <dir>";
// then ends it the given way and checks that mariadbd went with it. Cleans up
// (helper, mariadbd, temp dir) even when an expectation fails.
void CheckNoOrphan(HelperEnd end) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t helper = ::fork();
  ASSERT_GE(helper, 0);
  if (helper == 0) {
    ::close(fds[0]);
    std::string msg;
    // Leaked on purpose: nothing but the registry may clean up after it.
    auto* s = new ThrowawayServer(TestServerOptions("orphan"));
    try {
      s->Start();
      msg = std::to_string(s->pid()) + " " + s->dir().string() + "\n";
    } catch (const std::exception& e) {
      msg = std::string("error ") + e.what() + "\n";
    }
    [[maybe_unused]] auto n = ::write(fds[1], msg.data(), msg.size());
    if (end == HelperEnd::kExit) std::exit(0);  // runs the atexit handler
    for (;;) ::pause();
  }
  ::close(fds[1]);

  pid_t server_pid = 0;
  fs::path dir;
  struct Cleanup {
    pid_t& helper;
    pid_t& server;
    fs::path& dir;
    ~Cleanup() {
      if (helper > 0) {
        ::kill(helper, SIGKILL);
        ::waitpid(helper, nullptr, 0);
      }
      if (server > 0 && !ProcessGone(server)) ::kill(-server, SIGKILL);
      if (!dir.empty()) {
        std::error_code ec;
        fs::remove_all(dir, ec);
      }
    }
  } cleanup{helper, server_pid, dir};

  std::string reply;
  pollfd p{fds[0], POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (reply.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    if (::poll(&p, 1, 1000) <= 0) continue;
    char buf[512];
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  ASSERT_NE(reply.find('\n'), std::string::npos) << "helper said: " << reply;
  ASSERT_NE(reply.rfind("error ", 0), 0u) << reply;
  auto space = reply.find(' ');
  server_pid = std::stoi(reply.substr(0, space));
  dir = reply.substr(space + 1, reply.find('\n') - space - 1);
  ASSERT_EQ(Comm(server_pid), "mariadbd");

  int status = 0;
  if (end != HelperEnd::kExit) {
    ASSERT_EQ(::kill(helper, end == HelperEnd::kSigkill ? SIGKILL : SIGTERM), 0);
  }
  ASSERT_EQ(::waitpid(helper, &status, 0), helper);
  helper = 0;
  switch (end) {
    case HelperEnd::kSigkill:
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
      break;
    case HelperEnd::kSigterm:  // our handler killed the server, then re-raised
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
      break;
    case HelperEnd::kExit:
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
      break;
  }
  EXPECT_TRUE(WaitGone(server_pid, std::chrono::seconds(10)))
      << "mariadbd " << server_pid << " outlived its parent";
  // Only exit() can remove files; after a signal the dir is ours to clean.
  if (end == HelperEnd::kExit) {
    EXPECT_FALSE(fs::exists(dir)) << dir;
  }
}

TEST_F(ServerLifecycle, SigkilledParentLeavesNoOrphan) { CheckNoOrphan(HelperEnd::kSigkill); }
TEST_F(ServerLifecycle, SigtermedParentLeavesNoOrphan) { CheckNoOrphan(HelperEnd::kSigterm); }
TEST_F(ServerLifecycle, ExitingParentLeavesNoOrphanNorDatadir) { CheckNoOrphan(HelperEnd::kExit); }

// The shared server and fixture used by other server tests.
class SharedServerFixture : public testsupport::SharedServerTest {};

TEST_F(SharedServerFixture, IsUpAndReusable) {
  EXPECT_EQ(QueryValue("SELECT 1"), "1");
  auto& first = server();
  EXPECT_EQ(&first, &testsupport::SharedServer());
  EXPECT_TRUE(first.running());
}

}  // namespace
}  // namespace randsync
