// The files a run leaves for people and CI (summary.txt, junit.xml) and the
// load-rate-during-backup figure, from hand-made report documents and
// timelines: no server needed.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runners/scenario/result_file.h"
#include "runners/scenario/run_failure.h"
#include "runners/scenario/run_report.h"
#include "runners/scenario/timeline.h"

namespace randsync::scenario {
namespace {

using nlohmann::json;

json PassingReport() {
  return {{"phases", json::array({{{"phase", "backup"}, {"seconds", 2.5}},
                                  {{"phase", "sync-point-1"}, {"seconds", 1.0}, {"result", "ok"}, {"gtid", "0-1-9"}}})},
          {"status", "STATUS_OK"},
          {"exit_status", 0},
          {"reason", ""},
          {"seconds", 30.0}};
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

TEST(JUnit, APassingRunHasOneCasePerPhaseAndNoFailure) {
  const std::string x = JUnitXml(PassingReport(), "run1");
  EXPECT_NE(x.find("tests=\"3\" failures=\"0\""), std::string::npos) << x;
  EXPECT_EQ(Count(x, "<testcase "), 3u) << x;
  EXPECT_EQ(Count(x, "<failure"), 0u) << x;
  EXPECT_NE(x.find("name=\"sync-point-1\""), std::string::npos) << x;
}

TEST(JUnit, AFailedCheckAndTheStatusAreFailuresWithEscapedText) {
  json r = PassingReport();
  r["phases"].push_back({{"phase", "final-check"}, {"seconds", 1.0}, {"result", "divergence"}, {"gtid", "0-1-20"}});
  r["status"] = "STATUS_DIVERGENCE";
  r["exit_status"] = 111;
  r["reason"] = "rows <differ> in `t` & \"u\"\x01";
  const std::string x = JUnitXml(r, "run2");
  EXPECT_NE(x.find("failures=\"2\""), std::string::npos) << x;
  EXPECT_NE(x.find("message=\"divergence at GTID 0-1-20\""), std::string::npos) << x;
  EXPECT_NE(x.find("rows &lt;differ&gt; in `t` &amp; &quot;u&quot; "), std::string::npos) << x;
  EXPECT_EQ(x.find('\x01'), std::string::npos);
  EXPECT_NE(x.find("type=\"STATUS_DIVERGENCE\""), std::string::npos) << x;
}

TEST(Summary, NamesPhasesLoadRateStatusAndCrashTail) {
  json r = PassingReport();
  r["load_rate"] = {{"during_backup_per_s", 500.0}, {"before_backup_per_s", 1000.0}, {"after_backup_per_s", 800.0},
                    {"after_backup_seconds", 12.0}, {"slave_replicating", true}, {"ratio", 0.5}};
  r["status"] = "STATUS_SERVER_CRASHED";
  r["exit_status"] = 101;
  r["reason"] = "mariadbd (slave) exited unexpectedly";
  r["crash"] = {{"server", "slave"}, {"error_log", "/r/slave/slave.err"}, {"error_log_tail", {"line a", "line b"}}};
  const std::string s = SummaryText(r, "/results/run3");
  EXPECT_NE(s.find("sync-point-1"), std::string::npos) << s;
  EXPECT_NE(s.find("GTID 0-1-9"), std::string::npos) << s;
  EXPECT_NE(s.find("500 statements/s vs 1000 before it (50%); 800 after it"), std::string::npos) << s;
  EXPECT_NE(s.find("status: STATUS_SERVER_CRASHED (exit 101): mariadbd (slave)"), std::string::npos) << s;
  EXPECT_NE(s.find("slave error log /r/slave/slave.err ends:\n  line a\n  line b\n"), std::string::npos) << s;
  // No slave ever replicated: the rate after the backup is not said to be with one.
  r["load_rate"]["slave_replicating"] = false;
  EXPECT_NE(SummaryText(r, "/results/run3").find("; 800 after it (no slave replicating)\n"), std::string::npos);
  // The load ended with the backup: no figure after it at all.
  r["load_rate"]["after_backup_seconds"] = 0.0;
  EXPECT_NE(SummaryText(r, "/results/run3").find("before it (50%)\n"), std::string::npos);
}

// The first failure's typed fields, as report.json holds them
// (run_failure.h), are said in both files under the sentence.
TEST(Summary, TheFailuresTypedFieldsFollowTheStatus) {
  json r = PassingReport();
  r["status"] = "STATUS_REPLICATION_FAILURE";
  r["exit_status"] = 103;
  r["reason"] = "replication failed: Could not execute Update_rows_v1 event on table test.C";
  const RunFailure f{.status = Status::kReplicationFailure,
                     .kind = FailureKind::kReplication,
                     .where = "replication",
                     .server = "slave",
                     .table = "test.C",
                     .gtid = "0-1-55",
                     .error_number = 1032,
                     .detail = "SQL thread",
                     .reason = r["reason"]};
  r["failure"] = f.ToJson();
  const std::string s = SummaryText(r, "/results/run6");
  EXPECT_NE(s.find("status: STATUS_REPLICATION_FAILURE (exit 103): replication failed: Could not execute"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("\nfailure: kind replication, where replication, server slave, table test.C, GTID 0-1-55, error "
                   "1032 (ER_KEY_NOT_FOUND), SQL thread\n"),
            std::string::npos)
      << s;
  const std::string x = JUnitXml(r, "run6");
  EXPECT_NE(x.find("message=\"replication failed: Could not execute Update_rows_v1 event on table test.C\">kind "
                   "replication, where replication, server slave, table test.C, GTID 0-1-55, error 1032 "
                   "(ER_KEY_NOT_FOUND), SQL thread</failure>"),
            std::string::npos)
      << x;
  // Read back from its JSON, the failure says the same.
  EXPECT_EQ(RunFailure::FromJson(f.ToJson()).Fields(), f.Fields());
  // A failure with no typed detail still says its kind, nothing empty.
  EXPECT_EQ((RunFailure{.kind = FailureKind::kEnvironment, .reason = "disk full"}).Fields(), "kind environment");
}

TEST(Summary, WarningsComeBeforeTheStatus) {
  json r = PassingReport();
  r["warnings"] = {"gendata left out `test`.`t_myisam`: CREATE TABLE: ERROR 1911 (HY000): ..."};
  const std::string s = SummaryText(r, "/results/run4");
  EXPECT_NE(s.find("warning: gendata left out `test`.`t_myisam`: CREATE TABLE: ERROR 1911 (HY000): ...\nstatus: "
                   "STATUS_OK"),
            std::string::npos)
      << s;
  EXPECT_EQ(Count(SummaryText(PassingReport(), "/results/run5"), "warning:"), 0u);
}

TimelineSample At(unsigned second, uint64_t statements) {
  TimelineSample s;
  s.second = second;
  s.statements = statements;
  return s;
}

TEST(LoadRateInWindow, SplitsWholeLoadSecondsBeforeDuringAndAfter) {
  // Load from 1.0 to 9.0 s; backup from 3.5 to 6.0 s.
  std::vector<TimelineSample> t;
  for (unsigned sec = 1; sec <= 10; ++sec) t.push_back(At(sec, sec <= 3 ? 100 : sec <= 6 ? 50 : 80));
  const LoadRate r = RateInWindow(t, 3.5, 6.0, 1.0, 9.0);
  // During: (4,5] and (5,6]; (3,4] straddles the start and is left out.
  EXPECT_EQ(r.during_s, 2u);
  EXPECT_DOUBLE_EQ(r.during, 50);
  // Before: (1,2], (2,3]; (0,1] is not load.
  EXPECT_EQ(r.before_s, 2u);
  EXPECT_DOUBLE_EQ(r.before, 100);
  // After: (6,7], (7,8], (8,9]; (9,10] is not load.
  EXPECT_EQ(r.after_s, 3u);
  EXPECT_DOUBLE_EQ(r.after, 80);
}

TEST(LoadRateInWindow, ABackupShorterThanASecondHasNoFigure) {
  std::vector<TimelineSample> t;
  for (unsigned sec = 1; sec <= 10; ++sec) t.push_back(At(sec, 100));
  EXPECT_EQ(RateInWindow(t, 4.2, 4.6, 1.0, 9.0).during_s, 0u);
}

TEST(ResultFile, AFullDiskIsAnErrorNamingTheFile) {
  // /dev/full: every write fails with ENOSPC, as on a full results disk.
  try {
    WriteResultFile("/dev/full", std::string(1 << 16, 'x'));
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write /dev/full: No space left on device"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(WriteResultFile("/nonexistent/dir/report.json", "x"), std::runtime_error);
}

}  // namespace
}  // namespace randsync::scenario
