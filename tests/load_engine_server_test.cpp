// The load engine against real servers: a short multithreaded run, syntax
// error counting, query logs that replay to the same data, pause/resume, a
// KILLed connection survived, the statement watchdog, and a SIGKILLed server
// ending the run with STATUS_SERVER_CRASHED within seconds.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "db/dsn.h"
#include "engine/grammar/parser.h"
#include "engine/load/load_engine.h"
#include "engine/load/query_log.h"
#include "engine/load/stall_meter.h"
#include "runners/server/throwaway_server.h"
#include "tests/support/shared_server.h"

namespace randsync::load {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Small tables and pk ranges, so that duplicate keys and lock waits happen.
constexpr const char* kGrammar = R"(
query_init: CREATE TABLE IF NOT EXISTS t (pk INT PRIMARY KEY, a INT, b VARCHAR(20)) ENGINE=InnoDB ;
query: insert | insert | update | select | delete ;
insert: INSERT INTO t VALUES ( _digit , _digit , 'v' ) | INSERT INTO t (pk, a) VALUES ( _tinyint_unsigned , _digit ) ;
update: UPDATE t SET a = a + _digit WHERE pk = _digit | UPDATE t SET b = 'w' WHERE a = _digit ;
select: SELECT * FROM t WHERE pk > _digit | SELECT COUNT(*), SUM(a) FROM t ;
delete: DELETE FROM t WHERE pk = _tinyint_unsigned ;
)";

std::shared_ptr<const ValueGenerator> Values() {
  static auto v = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  return v;
}

std::shared_ptr<const Program> Compile(const std::string& text) {
  return std::make_shared<Program>(grammar::ParseGrammarText(text, "load.yy"), *Values());
}

uint64_t OutcomeSum(const RunSummary& s) {
  uint64_t sum = 0;
  for (Outcome o : kAllOutcomes) sum += s.outcome(o);
  return sum;
}

fs::path TempDir(const std::string& name) {
  const char* t = std::getenv("TMPDIR");
  fs::path p = fs::path(t && *t ? t : "/tmp") /
               ("randsync-load-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

class LoadEngineServerTest : public testsupport::SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    db_ = std::string("rs_load_") +
          ::testing::UnitTest::GetInstance()->current_test_info()->name();
    Exec("DROP DATABASE IF EXISTS " + db_);
    Exec("CREATE DATABASE " + db_);
  }
  void TearDown() override {
    if (!db_.empty()) Exec("DROP DATABASE IF EXISTS " + db_);
    for (const fs::path& d : dirs_) fs::remove_all(d);
  }

  LoadOptions Options(const std::string& grammar, uint32_t threads) {
    LoadOptions o;
    o.threads = threads;
    o.program = Compile(grammar);
    o.values = Values();
    o.dsn = db::ParseDsn(server().Dsn(db_), nullptr);
    o.seed = 42;
    return o;
  }
  fs::path LogDir(const std::string& name) {
    dirs_.push_back(TempDir(name));
    return dirs_.back();
  }
  // The table's rows, in key order, one line each ("NULL" for NULL).
  std::string Content(const std::string& db, const std::string& table) {
    std::string out;
    for (const auto& row : sql().Query("SELECT * FROM " + db + "." + table + " ORDER BY 1")) {
      for (const auto& v : row) out += (v ? *v : std::string("NULL")) + "\t";
      out += "\n";
    }
    return out;
  }
  uint64_t Questions() {
    auto rows = sql().Query("SHOW GLOBAL STATUS LIKE 'Questions'");
    return std::stoull(*rows.at(0).at(1));
  }

  std::string db_;
  std::vector<fs::path> dirs_;
};

TEST_F(LoadEngineServerTest, FourThreadsForThreeSeconds) {
  LoadOptions o = Options(kGrammar, 4);
  o.duration = 3s;
  o.query_log_dir = LogDir("basic");
  LoadEngine engine(o);
  const auto t0 = Clock::now();
  LoadResult r = engine.Run();
  const double took = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cerr << r.summary.ToText();

  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.reason, StopReason::kDeadline);
  EXPECT_FALSE(r.fatal) << r.fatal->Describe();
  EXPECT_GT(r.summary.statements, 0u);
  EXPECT_EQ(OutcomeSum(r.summary), r.summary.statements);
  EXPECT_GT(r.summary.outcome(Outcome::kOk), 0u);
  EXPECT_EQ(r.summary.outcome(Outcome::kSyntax), 0u);
  EXPECT_EQ(r.summary.outcome(Outcome::kUnknownError), 0u);
  EXPECT_GE(r.summary.queries, 4u);
  EXPECT_GE(took, 2.9);
  EXPECT_LT(took, 5.0);
  EXPECT_GT(r.summary.latency_max_us, 0u);
  uint64_t errors = 0;
  for (const ErrorSummary& e : r.summary.errors) errors += e.count;
  EXPECT_EQ(errors, r.summary.failed());
  for (uint32_t t = 1; t <= 4; ++t) {
    EXPECT_TRUE(fs::exists(QueryLogPath(o.query_log_dir, t))) << t;
    EXPECT_GT(fs::file_size(QueryLogPath(o.query_log_dir, t)), 0u) << t;
  }
}

TEST_F(LoadEngineServerTest, SyntaxErrorsAreCounted) {
  LoadOptions o = Options("query: SELECT 1 | SELEC 2 ;", 2);
  o.queries_per_thread = 50;
  LoadResult r = LoadEngine(o).Run();
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.reason, StopReason::kQueryLimit);
  EXPECT_EQ(r.summary.statements, 100u);
  EXPECT_EQ(r.summary.queries, 100u);
  EXPECT_GT(r.summary.outcome(Outcome::kSyntax), 0u);
  EXPECT_EQ(r.summary.outcome(Outcome::kSyntax) + r.summary.outcome(Outcome::kOk), 100u);
  ASSERT_FALSE(r.summary.errors.empty());
  EXPECT_EQ(r.summary.errors[0].number, 1064u);
  EXPECT_EQ(r.summary.errors[0].name, "ER_PARSE_ERROR");
}

TEST_F(LoadEngineServerTest, TotalQueryLimit) {
  LoadOptions o = Options("query: SELECT 1 ; SELECT 2 ;", 3);
  o.queries_total = 20;
  LoadResult r = LoadEngine(o).Run();
  EXPECT_EQ(r.reason, StopReason::kQueryLimit);
  EXPECT_EQ(r.summary.queries, 20u);
  EXPECT_EQ(r.summary.statements, 40u);
}

TEST_F(LoadEngineServerTest, QueryLogReplaysToTheSameData) {
  if (::system("command -v mariadb >/dev/null 2>&1") != 0) GTEST_SKIP() << "no mariadb client";
  LoadOptions o = Options(kGrammar, 1);
  o.queries_per_thread = 300;
  o.statement_timeout = 5s;  // puts a SET SESSION into the log too
  o.query_log_dir = LogDir("replay");
  LoadResult r = LoadEngine(o).Run();
  ASSERT_EQ(r.status, Status::kOk);
  ASSERT_GT(r.summary.failed(), 0u);  // duplicate keys: the replay meets errors too
  const std::string original = Content(db_, "t");
  ASSERT_FALSE(original.empty());

  const std::string replay_db = db_ + "_replay";
  Exec("DROP DATABASE IF EXISTS " + replay_db);
  Exec("CREATE DATABASE " + replay_db);
  const fs::path log = QueryLogPath(o.query_log_dir, 1);
  const std::string cmd = "mariadb --no-defaults --force -h 127.0.0.1 -P " +
                          std::to_string(server().port()) + " -u root " + replay_db + " < " +
                          log.string() + " > /dev/null 2>&1";
  EXPECT_EQ(::system(cmd.c_str()), 0) << cmd;
  EXPECT_EQ(Content(replay_db, "t"), original);
  Exec("DROP DATABASE IF EXISTS " + replay_db);

  // The log itself is a pure function of (grammar, seed, thread).
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("SET SESSION max_statement_time = 5.000;\n"), std::string::npos);
  EXPECT_NE(text.str().find("-- ERROR 1062"), std::string::npos);
}

TEST_F(LoadEngineServerTest, PauseStopsStatementsUntilResume) {
  LoadOptions o = Options(kGrammar, 3);
  o.duration = 20s;
  LoadEngine engine(o);
  engine.Start();
  std::this_thread::sleep_for(500ms);
  ASSERT_TRUE(engine.Pause(5s));
  const uint64_t statements = engine.Live().statements;
  const uint64_t q1 = Questions();
  std::this_thread::sleep_for(700ms);
  const uint64_t q2 = Questions();
  EXPECT_LE(q2 - q1, 1u);  // our own SHOW STATUS only
  EXPECT_EQ(engine.Live().statements, statements);
  engine.Resume();
  std::this_thread::sleep_for(300ms);
  EXPECT_GT(engine.Live().statements, statements);
  engine.Stop();
  LoadResult r = engine.Wait();
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.reason, StopReason::kStopped);
  EXPECT_EQ(OutcomeSum(r.summary), r.summary.statements);
}

// The meter follows a statement running at the window's end until it ends,
// and says so when it outlives the tail; a paused load stalls nothing.
TEST_F(LoadEngineServerTest, StallMeterMeasuresTheSlowestStatementOfTheWindow) {
  LoadOptions o = Options("query: SELECT SLEEP(0.4) ;", 2);
  o.duration = 20s;
  LoadEngine engine(o);
  engine.Start();
  std::this_thread::sleep_for(200ms);
  StallMeter meter(engine);
  meter.Start();
  std::this_thread::sleep_for(50ms);
  Stall s = meter.Stop();
  EXPECT_GE(s.longest, 300ms);  // the statement's whole run, not the window's 50 ms
  EXPECT_LT(s.longest, 2s);
  EXPECT_TRUE(s.thread == 1 || s.thread == 2) << s.thread;
  EXPECT_FALSE(s.still_running);
  EXPECT_EQ(s.statement, "SELECT SLEEP(0.4)") << "the stall names its statement";

  ASSERT_TRUE(engine.Pause(5s));
  meter.Start();
  std::this_thread::sleep_for(50ms);
  s = meter.Stop();
  EXPECT_EQ(s.longest.count(), 0);
  EXPECT_EQ(s.thread, 0u);
  EXPECT_EQ(s.statement, "");
  engine.Resume();
  engine.Stop();
  EXPECT_EQ(engine.Wait().status, Status::kOk);

  LoadOptions slow = Options("query: SELECT SLEEP(3) ;", 1);
  slow.duration = 20s;
  LoadEngine slow_engine(slow);
  slow_engine.Start();
  std::this_thread::sleep_for(200ms);
  StallMeter short_tail(slow_engine, 50ms);
  short_tail.Start();
  std::this_thread::sleep_for(20ms);
  s = short_tail.Stop();
  EXPECT_TRUE(s.still_running);
  EXPECT_GE(s.longest, 200ms);
  EXPECT_EQ(s.thread, 1u);
  slow_engine.Stop();
  slow_engine.Wait();
}

TEST_F(LoadEngineServerTest, StopWhilePausedEndsTheRun) {
  LoadOptions o = Options(kGrammar, 2);
  LoadEngine engine(o);
  engine.Start();
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(engine.Pause(5s));
  const auto t0 = Clock::now();
  engine.Stop();
  LoadResult r = engine.Wait();
  EXPECT_LT(Clock::now() - t0, 1s);
  EXPECT_EQ(r.reason, StopReason::kStopped);
}

TEST_F(LoadEngineServerTest, KilledConnectionIsSurvived) {
  LoadOptions o = Options(kGrammar, 2);
  o.duration = 2500ms;
  LoadEngine engine(o);
  engine.Start();
  std::this_thread::sleep_for(800ms);
  const std::vector<uint64_t> ids = engine.ConnectionIds();
  ASSERT_EQ(ids.size(), 2u);
  ASSERT_NE(ids[0], 0u);
  Exec("KILL CONNECTION " + std::to_string(ids[0]));
  std::this_thread::sleep_for(700ms);
  const uint64_t new_id = engine.ConnectionIds()[0];
  EXPECT_NE(new_id, 0u);
  EXPECT_NE(new_id, ids[0]);  // worker 1 goes on with a new session
  LoadResult r = engine.Wait();
  std::cerr << r.summary.ToText();
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_FALSE(r.fatal) << r.fatal->Describe();
  EXPECT_EQ(r.reason, StopReason::kDeadline);
  EXPECT_GE(r.summary.reconnects, 1u);
  EXPECT_EQ(OutcomeSum(r.summary), r.summary.statements);
}

TEST_F(LoadEngineServerTest, WatchdogEndsStatementsPastTwiceTheTimeout) {
  // A grammar can switch the session's max_statement_time off for a
  // statement (and the server does not check it everywhere): the watchdog's
  // KILL QUERY has to end this one.
  LoadOptions o = Options("query: SET STATEMENT max_statement_time = 0 FOR SELECT SLEEP(3) ;", 1);
  o.queries_per_thread = 2;
  o.statement_timeout = 200ms;
  const auto t0 = Clock::now();
  LoadResult r = LoadEngine(o).Run();
  std::cerr << r.summary.ToText();
  EXPECT_LT(Clock::now() - t0, 2500ms);
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.summary.statements, 2u);
  // A killed SLEEP() returns 1 or fails with ER_QUERY_INTERRUPTED.
  EXPECT_EQ(r.summary.outcome(Outcome::kOk) + r.summary.outcome(Outcome::kExpected), 2u);
  EXPECT_EQ(r.summary.watchdog_kills, 2u);
  EXPECT_LT(r.summary.latency_max_us, 1500000u);
}

// A statement waiting for a metadata lock ends after the session's
// lock_wait_timeout with an expected ER_LOCK_WAIT_TIMEOUT, instead of
// waiting the server's default of a day (a frozen load).
TEST_F(LoadEngineServerTest, MetadataLockWaitEndsAtTheLockWaitTimeout) {
  Exec("CREATE TABLE " + db_ + ".t (pk INT PRIMARY KEY)");
  Exec("LOCK TABLES " + db_ + ".t WRITE");  // held by the fixture's connection
  LoadOptions o = Options("query: SELECT * FROM t ;", 1);
  o.queries_per_thread = 1;
  o.duration = 8s;  // without the timeout the statement waits until here
  o.lock_wait_timeout = 1s;
  const auto t0 = Clock::now();
  LoadResult r = LoadEngine(o).Run();
  const auto took = Clock::now() - t0;
  Exec("UNLOCK TABLES");
  std::cerr << r.summary.ToText();
  EXPECT_LT(took, 5s);
  EXPECT_EQ(r.status, Status::kOk);
  ASSERT_EQ(r.summary.statements, 1u);
  EXPECT_EQ(r.summary.outcome(Outcome::kExpected), 1u);
  ASSERT_EQ(r.summary.errors.size(), 1u);
  EXPECT_EQ(r.summary.errors[0].number, 1205u);
}

// Worker threads get a big stack: a grammar nesting 3000 rules deep expands
// (the server may refuse the statement; that is not the point).
TEST_F(LoadEngineServerTest, DeeplyNestedGrammarExpandsOnAWorker) {
  std::string g = "query: SELECT r0 ;\n";
  constexpr int kDepth = 3000;
  for (int i = 0; i < kDepth; ++i) {
    g += "r" + std::to_string(i) + ": ( r" + std::to_string(i + 1) + " ) ;\n";
  }
  g += "r" + std::to_string(kDepth) + ": 1 ;\n";
  LoadOptions o = Options(g, 2);
  o.queries_per_thread = 1;
  LoadResult r = LoadEngine(o).Run();
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_FALSE(r.fatal) << r.fatal->Describe();
  EXPECT_EQ(r.summary.statements, 2u);
}

TEST_F(LoadEngineServerTest, BrokenGrammarIsAnEnvironmentFailure) {
  LoadOptions o = Options("query: SELECT { die 'boom' } ;", 2);
  o.duration = 10s;
  LoadResult r = LoadEngine(o).Run();
  EXPECT_EQ(r.status, Status::kEnvironment);
  ASSERT_TRUE(r.fatal);
  EXPECT_NE(r.fatal->message.find("boom"), std::string::npos) << r.fatal->Describe();
}

TEST(LoadEngineCrash, SigkillOfTheServerEndsTheRunWithin5Seconds) {
  RANDSYNC_SKIP_WITHOUT_MARIADB();
  server::ThrowawayServer s(testsupport::TestServerOptions("load-crash"));
  s.Start();
  LoadOptions o;
  o.threads = 3;
  o.duration = 60s;
  o.program = Compile(kGrammar);
  o.values = Values();
  o.dsn = db::ParseDsn(s.Dsn("test"), nullptr);
  LoadEngine engine(o);
  engine.Start();
  std::this_thread::sleep_for(1s);
  ASSERT_GT(engine.Live().statements, 0u);
  s.Kill();
  const auto killed = Clock::now();
  LoadResult r = engine.Wait();
  const auto took = Clock::now() - killed;
  std::cerr << r.summary.ToText();
  EXPECT_LT(took, 5s);
  EXPECT_EQ(r.status, Status::kServerCrashed);
  EXPECT_EQ(ExitCode(r.status), 101);
  EXPECT_EQ(r.reason, StopReason::kFatal);
  ASSERT_TRUE(r.fatal);
  std::cerr << r.fatal->Describe() << "\n";
  EXPECT_EQ(r.fatal->outcome, Outcome::kServerGone);
  EXPECT_TRUE(std::set<unsigned>({2002, 2003, 2006, 2013, 2055, 1927, 1053})
                  .count(r.fatal->error_number))
      << r.fatal->error_number;
  EXPECT_FALSE(r.fatal->sql.empty());
  EXPECT_EQ(OutcomeSum(r.summary), r.summary.statements);
}

TEST(LoadEngineCrash, ExpectedShutdownEndsTheRunQuietly) {
  RANDSYNC_SKIP_WITHOUT_MARIADB();
  server::ThrowawayServer s(testsupport::TestServerOptions("load-shutdown"));
  s.Start();
  LoadOptions o;
  o.threads = 2;
  o.duration = 60s;
  o.program = Compile(kGrammar);
  o.values = Values();
  o.dsn = db::ParseDsn(s.Dsn("test"), nullptr);
  LoadEngine engine(o);
  engine.Start();
  std::this_thread::sleep_for(500ms);
  engine.ExpectServerShutdown();
  const auto t0 = Clock::now();
  s.Shutdown();
  LoadResult r = engine.Wait();
  EXPECT_LT(Clock::now() - t0, 10s);
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.reason, StopReason::kServerShutdown);
  EXPECT_FALSE(r.fatal) << r.fatal->Describe();
}

// RQG's executor conventions are resolved before sending (and logging), and
// a compound-statement query string runs as one multi-statement.
TEST_F(LoadEngineServerTest, ExecutorCommentsAndMultiStatements) {
  LoadOptions o = Options(R"(
query: plain | proc ;
plain: SELECT 1 /*!!999999 + 1 */ /*!!100000 ! */ /*executor1 + 2 */ /*executor2 !! */ /*+postgres: !! */ ;
proc: DROP PROCEDURE IF EXISTS p ; CREATE PROCEDURE p() BEGIN SELECT 1 ; END ;
)", 1);
  o.queries_per_thread = 20;
  o.query_log_dir = LogDir("conventions");
  LoadResult r = LoadEngine(o).Run();
  std::cerr << r.summary.ToText();
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.summary.statements, 20u);
  EXPECT_EQ(r.summary.outcome(Outcome::kOk), 20u);
  std::ifstream in(QueryLogPath(o.query_log_dir, 1));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("SELECT 1  + 1   + 2"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("CREATE PROCEDURE p"), std::string::npos) << text.str();
  EXPECT_EQ(text.str().find("!"), std::string::npos) << text.str();
  EXPECT_EQ(sql().Query("SHOW PROCEDURE STATUS WHERE Db = '" + db_ + "' AND Name = 'p'").size(), 1u);
}

}  // namespace
}  // namespace randsync::load
