// `randsync explain` (runners/triage/explain.h) on results folders made by
// hand the way a run leaves them: each failure kind gets its class and
// the evidence a QA engineer needs, and a check report read back from its
// JSON is the one written. No server: the run-level tests
// (run_negative) explain real failures.
#include "runners/triage/explain.h"
#include "runners/triage/binlog_window.h"
#include "runners/triage/replication_filter.h"
#include "runners/triage/row_history.h"
#include "runners/triage/unsafe_statements.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "checker/check_report.h"
#include "engine/load/query_log.h"
#include "runners/scenario/run_failure.h"
#include "runners/scenario/run_report.h"
#include "runners/backup/binlog_rows.h"
#include "support/temp_dir.h"

namespace randsync::triage {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using scenario::FailureKind;
using scenario::RunFailure;

json FailedReport(const RunFailure& f) {
  return {{"status", ToString(f.status)}, {"exit_status", ExitCode(f.status)}, {"reason", f.reason},
          {"failure", f.ToJson()},        {"config", json::object()},           {"phases", json::array()}};
}

std::string AllEvidence(const Cause& c) {
  std::string out;
  for (const Evidence& e : c.evidence) out += e.what + ": " + e.text + " [" + e.file + "]\n";
  return out;
}

class ExplainTest : public ::testing::Test {
 protected:
  testsupport::TempDir tmp_;
};

TEST_F(ExplainTest, APassingRunHasNothingToExplain) {
  EXPECT_FALSE(Explain({{"status", "STATUS_OK"}, {"exit_status", 0}}, tmp_.path()));
}

TEST_F(ExplainTest, AMethodLimitNamesTheUncoveredTableAndItsReason) {
  json r = FailedReport({.status = Status::kMethodLimit,
                         .kind = FailureKind::kReplication,
                         .table = "test.CC",
                         .error_number = 1032,
                         .reason = "replication stopped on a table the method cannot make consistent"});
  r["backup_variant"] = "mariadb-backup --no-lock";
  r["uncovered_tables"] = {{{"table", "test.AA"}, {"engine", "MyISAM"}, {"reason", "no lock"}},
                           {{"table", "test.CC"}, {"engine", "Aria"}, {"reason", "copied without a lock"}}};
  const std::optional<Cause> c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kMethodLimitation);
  EXPECT_NE(c->summary.find("mariadb-backup --no-lock"), std::string::npos) << c->summary;
  ASSERT_EQ(c->evidence.size(), 1u) << AllEvidence(*c);
  EXPECT_EQ(c->evidence[0].text, "test.CC (Aria): copied without a lock");
}

TEST_F(ExplainTest, APositionContradictionIsAWrongPositionWithTheAuditsDetail) {
  json r = FailedReport({.status = Status::kPositionMismatch,
                         .kind = FailureKind::kPositionAudit,
                         .reason = "position audit: the slave's start is not where the data is"});
  r["backup_position"] = {{"audit",
                           {{"checks",
                             {{{"check", "GTID vs file/pos"}, {"verdict", "confirmed"}, {"detail", "agree"}},
                              {{"check", "restored data"}, {"verdict", "wrong"}, {"detail", "row pk=5 missing"}}}}}}};
  const std::optional<Cause> c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kWrongPosition);
  ASSERT_EQ(c->evidence.size(), 1u) << AllEvidence(*c);
  EXPECT_EQ(c->evidence[0].text, "restored data: row pk=5 missing");
}

TEST_F(ExplainTest, ANegativeControlIsSaidToBeOne) {
  json r = FailedReport({.status = Status::kDivergence, .kind = FailureKind::kDivergence, .reason = "differences"});
  r["config"]["test_position_skew"] = -3;
  std::optional<Cause> c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kWrongPosition);
  EXPECT_NE(c->summary.find("negative control: the run started the slave -3 transactions off"), std::string::npos)
      << c->summary;
  r["config"] = {{"unsafe_dump", true}};
  c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kWrongPosition);
  EXPECT_NE(c->summary.find("--test-unsafe-dump"), std::string::npos) << c->summary;
}

TEST_F(ExplainTest, ACrashGivesTheQueryTheFramesAndTheStatementsInFlight) {
  json r = FailedReport({.status = Status::kServerCrashed,
                         .kind = FailureKind::kCrash,
                         .server = "master",
                         .detail = "signal 6 (Aborted)",
                         .reason = "mariadbd (master) exited: signal 6 (Aborted)"});
  r["crash"] = {{"server", "master"},
                {"error_log", "/r/master/master.err"},
                {"error_log_tail",
                 {"Thread pointer: 0x7f0", "Attempting backtrace. Include this output with the bug report.",
                  "stack_bottom = 0x7f1 thread_stack 0x49000",
                  "/usr/sbin/mariadbd(my_print_stacktrace+0x32)[0x55d]",
                  "/usr/sbin/mariadbd(handle_fatal_signal+0x4bd)[0x55e]",
                  "/lib/x86_64-linux-gnu/libc.so.6(+0x3c050)[0x7f2]",
                  "/usr/sbin/mariadbd(_ZN4JOIN8optimizeEv+0x1f)[0x55f]",
                  "Query (0x7f3): SELECT * FROM t1 JOIN t2 USING (a)", "Connection ID (thread ID): 12"}}};
  fs::create_directories(tmp_.path() / "queries");
  {
    load::QueryLog one, two;
    one.Open(load::QueryLogPath(tmp_.path() / "queries", 1));
    one.Statement("INSERT INTO t1 VALUES (1)");
    one.Statement("SELECT * FROM t1 JOIN t2 USING (a)");
    two.Open(load::QueryLogPath(tmp_.path() / "queries", 2));
    two.Statement("UPDATE t2 SET a = 2");
  }
  const std::optional<Cause> c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kBugCandidate);
  const std::string all = AllEvidence(*c);
  EXPECT_NE(all.find("crashing query: SELECT * FROM t1 JOIN t2 USING (a) [/r/master/master.err]"), std::string::npos)
      << all;
  EXPECT_NE(all.find("backtrace: /usr/sbin/mariadbd(_ZN4JOIN8optimizeEv+0x1f)[0x55f]"), std::string::npos) << all;
  EXPECT_EQ(all.find("my_print_stacktrace"), std::string::npos) << "the signal handler's own frames say nothing";
  EXPECT_NE(all.find("statement in flight: thread 1: SELECT * FROM t1 JOIN t2 USING (a) [queries/thread-1.sql "
                     "(statement 2)]"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("statement in flight: thread 2: UPDATE t2 SET a = 2"), std::string::npos) << all;
}

// A server report cut short before its frames (seen on SIGABRT: nothing
// after "stack_bottom"): the frames come from gdb's backtrace of the core,
// the crashing thread's only, the C library's raising of the signal left
// out; the top frames come first, then the statements in flight.
TEST_F(ExplainTest, ACrashWhoseReportStopsShortTakesTheCoresFrames) {
  json r = FailedReport({.status = Status::kServerCrashed,
                         .kind = FailureKind::kCrash,
                         .server = "master",
                         .reason = "mariadbd (master) exited unexpectedly: signal 6 (Aborted)"});
  const fs::path trace = tmp_.path() / "master" / "backtrace.txt";
  fs::create_directories(trace.parent_path());
  std::ofstream(trace) << "[New LWP 8416]\n"
                          "[Current thread is 1 (Thread 0x7fe7 (LWP 8416))]\n\n"
                          "Thread 2 (Thread 0x7fe8 (LWP 8394)):\n"
                          "#0  __futex_abstimed_wait_common64 () at futex-internal.c:57\n\n"
                          "Thread 1 (Thread 0x7fe7 (LWP 8416)):\n"
                          "#0  __pthread_kill_implementation (signo=6) at ./nptl/pthread_kill.c:44\n"
                          "#1  0x7fe1 in __pthread_kill_internal (signo=6) at ./nptl/pthread_kill.c:78\n"
                          "#2  0x7fe2 in __GI_raise (sig=6) at ../sysdeps/posix/raise.c:26\n"
                          "#3  0x7fe3 in __GI_abort () at ./stdlib/abort.c:79\n"
                          "#4  0x7fe4 in crash_at (args=<optimized out>) at crash_udf.cpp:27\n"
                          "#5  0x55d1 in Item_func_udf_int::val_int() ()\n"
                          "#6  0x55d2 in JOIN::exec() ()\n"
                          "#7  0x55d3 in mysql_select() ()\n\n"
                          "Thread 3 (Thread 0x7fe9 (LWP 8400)):\n"
                          "#0  poll () at poll.c:29\n";
  r["crash"] = {{"server", "master"},
                {"error_log", "/r/master/master.err"},
                {"backtrace", trace.string()},
                {"error_log_tail", {"Attempting backtrace.", "Thread pointer: 0x77e6", "stack_bottom = 0x7fe7"}}};
  fs::create_directories(tmp_.path() / "queries");
  {
    load::QueryLog one;
    one.Open(load::QueryLogPath(tmp_.path() / "queries", 1));
    one.Statement("SELECT crash_at( 7 )");
  }
  const std::optional<Cause> c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  std::vector<std::string> order;
  for (const Evidence& e : c->evidence) order.push_back(e.what + ": " + e.text.substr(0, 16));
  const std::vector<std::string> expected = {
      "backtrace: #3  0x7fe3 in __", "backtrace: #4  0x7fe4 in cr", "backtrace: #5  0x55d1 in It",
      "statement in flight: thread 1: SELECT", "backtrace: #6  0x55d2 in JO", "backtrace: #7  0x55d3 in my"};
  EXPECT_EQ(order, expected) << AllEvidence(*c);
  EXPECT_EQ(c->evidence.front().file, trace.string());
}

checker::CheckReport DivergentCheck() {
  checker::CheckReport check;
  check.status = Status::kDivergence;
  check.gtid = "0-1-40";
  checker::TableCheck t;
  t.ref = {"test", "t", "InnoDB"};
  t.outcome = checker::TableCheck::Outcome::kDifferent;
  t.key_name = "PRIMARY";
  t.different = 1;
  t.missing = 1;
  checker::RowDifference d;
  d.kind = checker::RowDiffKind::kDifferent;
  d.key_columns = {"pk"};
  d.key_values = {"7"};
  d.columns = {{"a", "x", std::nullopt}};
  t.rows.push_back(d);
  checker::RowDifference m;
  m.kind = checker::RowDiffKind::kMissingOnSlave;
  m.key_columns = {"pk"};
  m.key_values = {"9"};
  t.rows.push_back(m);
  check.tables.push_back(t);
  checker::TableCheck equal;
  equal.ref = {"test", "u", "InnoDB"};
  check.tables.push_back(equal);
  return check;
}

TEST_F(ExplainTest, ACheckReportReadsBackAsWritten) {
  const checker::CheckReport back = checker::CheckReportFromJson(checker::ToJson(DivergentCheck()));
  EXPECT_EQ(back.status, Status::kDivergence);
  EXPECT_EQ(back.gtid, "0-1-40");
  ASSERT_EQ(back.tables.size(), 2u);
  const checker::TableCheck& t = back.tables[0];
  EXPECT_EQ(t.ref.table, "t");
  EXPECT_EQ(t.outcome, checker::TableCheck::Outcome::kDifferent);
  EXPECT_EQ(t.missing, 1u);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].key_values[0], "7");
  ASSERT_EQ(t.rows[0].columns.size(), 1u);
  EXPECT_EQ(t.rows[0].columns[0].master, "x");
  EXPECT_EQ(t.rows[0].columns[0].slave, std::nullopt) << "NULL stays NULL, not the text null";
  EXPECT_EQ(t.rows[1].kind, checker::RowDiffKind::kMissingOnSlave);
  EXPECT_EQ(back.tables[1].outcome, checker::TableCheck::Outcome::kEqual);
}

TEST_F(ExplainTest, ADivergenceListsItsRowsAndWindow) {
  fs::create_directories(tmp_.path() / "checks");
  std::ofstream(tmp_.path() / "checks" / "sync-point-2.json") << checker::ToJson(DivergentCheck()).dump();
  json r = FailedReport({.status = Status::kDivergence,
                         .kind = FailureKind::kDivergence,
                         .where = "sync-point-2",
                         .table = "`test`.`t`",
                         .gtid = "0-1-40",
                         .reason = "sync-point-2 found differences"});
  r["divergence"] = {{"first_seen_by", "sync-point-2"}, {"at", "0-1-40"}, {"clean_until", "sync-point-1 at 0-1-20"}};
  r["master"] = {{"binlog_format", "MIXED"}};
  const std::optional<Cause> c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kBugCandidate);
  EXPECT_NE(c->summary.find("sync-point-2 found 2 differing row(s) in 1 table(s), first `test`.`t`"),
            std::string::npos)
      << c->summary;
  const std::string all = AllEvidence(*c);
  EXPECT_NE(all.find("differing row: `test`.`t` pk='7': different; a master 'x', slave NULL"), std::string::npos)
      << all;
  EXPECT_NE(all.find("differing row: `test`.`t` pk='9': missing on slave"), std::string::npos) << all;
  EXPECT_NE(all.find("window: the data was equal at sync-point-1 at 0-1-20; different at 0-1-40"), std::string::npos)
      << all;
  EXPECT_NE(all.find("statement writes: the master's binary log is not in the results"), std::string::npos)
      << "a MIXED master's statement writes are looked for, and what stops it is said: " << all;
  EXPECT_EQ(all.find("`u`"), std::string::npos) << "an equal table is no evidence";
}

TEST_F(ExplainTest, AReplicationErrorSaysWhetherTheMethodCoversTheTable) {
  json r = FailedReport({.status = Status::kReplicationFailure,
                         .kind = FailureKind::kReplication,
                         .server = "slave",
                         .table = "test.C",
                         .gtid = "0-1-55",
                         .error_number = 1032,
                         .detail = "SQL thread",
                         .reason = "replication failed: Could not execute Update_rows_v1 event on table test.C"});
  r["backup_variant"] = "mariadb-backup";
  r["replication_failure"] = {{"thread", "SQL"}, {"error_number", 1032}, {"error", "Can't find record in 'C'"},
                              {"gtid", "0-1-55"}, {"event_position", "master-bin.000001:1234"}};
  const std::optional<Cause> c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kBugCandidate);
  const std::string all = AllEvidence(*c);
  EXPECT_NE(all.find("replication error: SQL thread, error 1032: Can't find record in 'C'"), std::string::npos) << all;
  EXPECT_NE(all.find("failing transaction: GTID 0-1-55, master log position master-bin.000001:1234"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("coverage: mariadb-backup covers test.C"), std::string::npos) << all;
}

TEST_F(ExplainTest, RandsyncsOwnErrorsAreToldFromTheEnvironments) {
  std::optional<Cause> c = Explain(
      FailedReport({.status = Status::kEnvironment, .kind = FailureKind::kEnvironment, .reason = "stoull"}),
      tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kRandsyncFault);
  c = Explain(FailedReport({.status = Status::kEnvironment,
                            .kind = FailureKind::kEnvironment,
                            .reason = "results/x/report.json: No space left on device"}),
              tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kEnvironment);
}

TEST_F(ExplainTest, TheCauseReadsBackAndTheSummaryShowsIt) {
  const Cause c{CauseClass::kWrongPosition, "the start is off", {{"position audit", "row 5 missing", "report.json"}}};
  const Cause back = Cause::FromJson(c.ToJson());
  EXPECT_EQ(back.klass, c.klass);
  EXPECT_EQ(back.summary, c.summary);
  ASSERT_EQ(back.evidence.size(), 1u);
  EXPECT_EQ(back.evidence[0].file, "report.json");
  json r = FailedReport({.status = Status::kPositionMismatch, .kind = FailureKind::kPositionAudit, .reason = "x"});
  r["cause"] = c.ToJson();
  const std::string s = scenario::SummaryText(r, "/results/run7");
  EXPECT_NE(s.find("\ncause: wrong-backup-position: the start is off\n  position audit: row 5 missing [report.json]\n"),
            std::string::npos)
      << s;
}

// A differing row's key is found in the row images by the table's column
// order, as mariadb-binlog prints the values (quoted, unsigned twice).
TEST_F(ExplainTest, TheWritesOfARowAreFoundByItsKeyInTheImages) {
  const auto txs = backup::ParseBinlogText(R"(#261201 21:21:44 server id 1  end_log_pos 1979 	GTID 0-1-10 trans
#261201 21:21:44 server id 1  end_log_pos 2029 	Annotate_rows:
#Q> INSERT INTO t VALUES (7, 'x', -1)
#261201 21:21:44 server id 1  end_log_pos 2116 	Write_rows: table id 27 flags: STMT_END_F
### INSERT INTO `test`.`t`
### SET
###   @1=7
###   @2='x'
###   @3=-1 (4294967295)
#261201 21:21:44 server id 1  end_log_pos 2147 	Xid = 1
#261201 21:21:44 server id 1  end_log_pos 2179 	GTID 0-1-11 trans
#261201 21:21:44 server id 1  end_log_pos 2229 	Annotate_rows:
#Q> UPDATE t SET b = 'y'
#Q>   WHERE a = 7
#261201 21:21:44 server id 1  end_log_pos 2316 	Update_rows: table id 27 flags: STMT_END_F
### UPDATE `test`.`t`
### WHERE
###   @1=7
###   @2='x'
###   @3=-1 (4294967295)
### SET
###   @1=7
###   @2='y'
###   @3=-1 (4294967295)
### UPDATE `test`.`t`
### WHERE
###   @1=8
###   @2='x'
###   @3=1
### SET
###   @1=8
###   @2='y'
###   @3=1
#261201 21:21:44 server id 1  end_log_pos 2347 	Xid = 2
#261201 21:21:44 server id 1  end_log_pos 2379 	GTID 0-1-12 trans
#261201 21:21:44 server id 1  end_log_pos 2429 	Annotate_rows:
#Q> DELETE FROM u
#261201 21:21:44 server id 1  end_log_pos 2516 	Delete_rows: table id 28 flags: STMT_END_F
### DELETE FROM `test`.`u`
### WHERE
###   @1=7
#261201 21:21:44 server id 1  end_log_pos 2547 	Xid = 3
)");
  checker::TableCheck t;
  t.ref = {"test", "t", "InnoDB"};
  t.columns = {"a", "b", "c"};
  checker::RowDifference d;
  d.key_columns = {"a"};
  d.key_values = {"7"};
  std::vector<RowWrite> w = WritesOfRow(txs, t, d);
  ASSERT_EQ(w.size(), 2u) << "the insert and the update of a=7; not a=8, not table u";
  EXPECT_EQ(w[0].gtid, "0-1-10");
  EXPECT_EQ(w[0].event, "Write_rows");
  EXPECT_EQ(w[0].statement, "INSERT INTO t VALUES (7, 'x', -1)");
  EXPECT_EQ(w[1].gtid, "0-1-11");
  EXPECT_EQ(w[1].event, "Update_rows");
  EXPECT_EQ(w[1].statement, "UPDATE t SET b = 'y'\n  WHERE a = 7");
  // A two-column key, one of them an unsigned value printed twice.
  d.key_columns = {"a", "c"};
  d.key_values = {"7", "4294967295"};
  EXPECT_EQ(WritesOfRow(txs, t, d).size(), 2u);
  d.key_values = {"7", "1"};
  EXPECT_TRUE(WritesOfRow(txs, t, d).empty());
  d.key_columns = {"b"};
  d.key_values = {"y"};
  EXPECT_EQ(WritesOfRow(txs, t, d).size(), 2u) << "the after image of both updates";
  EXPECT_EQ(ParseGtidPosition("0-1-20,1-2-5"), (std::map<unsigned, unsigned long long>{{0, 20}, {1, 5}}));
}

TEST(ReplicationFilter, IgnoreRulesMatchAndDoRulesLeaveTheRestOut) {
  EXPECT_EQ(FilteringOption({"--replicate-wild-ignore-table=test.A%"}, "test", "AA"),
            "--replicate-wild-ignore-table=test.A%");
  EXPECT_EQ(FilteringOption({"--replicate-wild-ignore-table=test.A%"}, "test", "BA"), "");
  EXPECT_EQ(FilteringOption({"--replicate_ignore_table=test.t"}, "test", "t"), "--replicate_ignore_table=test.t");
  EXPECT_EQ(FilteringOption({"--replicate-ignore-table=test.t"}, "test", "t2"), "");
  EXPECT_EQ(FilteringOption({"--replicate-ignore-db=other"}, "test", "t"), "");
  EXPECT_EQ(FilteringOption({"--replicate-ignore-db=test"}, "test", "t"), "--replicate-ignore-db=test");
  EXPECT_EQ(FilteringOption({"--replicate-do-db=app"}, "test", "t"), "--replicate-do-db=app");
  EXPECT_EQ(FilteringOption({"--replicate-do-db=app", "--replicate-do-db=test"}, "test", "t"), "");
  EXPECT_EQ(FilteringOption({"--replicate-wild-do-table=test.t_"}, "test", "t1"), "");
  EXPECT_EQ(FilteringOption({"--replicate-wild-do-table=test.t_"}, "test", "t10"), "--replicate-wild-do-table=test.t_");
  EXPECT_EQ(FilteringOption({"--slave-parallel-threads=4"}, "test", "t"), "");
  EXPECT_TRUE(LikeMatch("a_b", "a\\_b"));
  EXPECT_FALSE(LikeMatch("axb", "a\\_b"));
  EXPECT_TRUE(LikeMatch("abc", "%"));
  EXPECT_TRUE(LikeMatch("", "%"));
  EXPECT_FALSE(LikeMatch("abc", "a%d"));
}

TEST_F(ExplainTest, ADifferenceInATableTheSlaveFiltersIsTheSettings) {
  fs::create_directories(tmp_.path() / "checks");
  std::ofstream(tmp_.path() / "checks" / "sync-point-1.json") << checker::ToJson(DivergentCheck()).dump();
  json r = FailedReport({.status = Status::kDivergence,
                         .kind = FailureKind::kDivergence,
                         .where = "sync-point-1",
                         .table = "`test`.`t`",
                         .reason = "sync-point-1 found differences"});
  r["config"]["slave_options"] = {"--replicate-wild-ignore-table=test.t"};
  const std::optional<Cause> c = Explain(r, tmp_.path());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->klass, CauseClass::kEnvironment);
  EXPECT_NE(c->summary.find("the slave was started with --replicate-wild-ignore-table=test.t, which leaves "
                            "`test`.`t` out of replication"),
            std::string::npos)
      << c->summary;
}

// The error log's unsafe-statement notes (as MariaDB 10.11 writes them),
// and the shape that matches a logged statement to a noted one whatever
// its literals and table.
TEST(UnsafeStatements, NotesAndShapes) {
  const std::vector<UnsafeNote> notes = ParseUnsafeNotes(
      {"2026-12-02 15:28:22 9 [Warning] Unsafe statement written to the binary log using statement format since "
       "BINLOG_FORMAT = STATEMENT. Statement is unsafe because it uses a system function that may return a different "
       "value on the slave. Statement: UPDATE `D` SET col_int_nokey = UUID_SHORT() % 1000 WHERE pk = 1",
       "2026-12-02 15:28:22 0 [Note] InnoDB: Buffer pool(s) load completed"});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].reason, "it uses a system function that may return a different value on the slave");
  EXPECT_EQ(notes[0].statement, "UPDATE `D` SET col_int_nokey = UUID_SHORT() % 1000 WHERE pk = 1");
  EXPECT_EQ(StatementShape(notes[0].statement), "update ? set col_int_nokey = uuid_short() % ? where pk = ?");
  EXPECT_EQ(StatementShape("UPDATE  `BB` SET col_int_nokey = UUID_SHORT() % 1000 WHERE pk = 4"),
            StatementShape(notes[0].statement));
  EXPECT_NE(StatementShape("UPDATE `BB` SET col_int_nokey = 5 WHERE pk = 4"), StatementShape(notes[0].statement));
  EXPECT_EQ(StatementShape("INSERT INTO t2 VALUES ('it''s', \"a\\\"b\", 1.5e3)"), "insert into t2 values (?, ?, ?)");
}

}  // namespace
}  // namespace randsync::triage
