// Campaign specs, the trial draw, shards, failure signatures, the worst
// status, merging, and the bisect mapping: no server needed (the end-to-end
// campaign is tests/campaign_cli_test.sh).
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runners/campaign/campaign_report.h"
#include "runners/campaign/campaign_spec.h"
#include "runners/campaign/signature.h"
#include "runners/scenario/run_failure.h"
#include "runners/cli/bisect_exit.h"
#include "tests/support/temp_dir.h"

namespace randsync::campaign {
namespace {

const char* kSpec = R"({
  "name": "t", "seed": 7, "trials": 20, "parallel": 2,
  "args": ["--duration", "5"],
  "dimensions": {
    "--grammar": ["a.yy", "b.yy"],
    "--backup": ["mariabackup", "mariadb-dump", "mydumper"],
    "--master-option": [[], ["--x=1", "--y=2"]],
    "--test-unsafe-dump": [false, true]
  }
})";

std::string Message(const std::string& text) {
  try {
    ParseCampaignSpec(text, "spec.json");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(CampaignSpec, ReadsDimensionsInTheFilesOrderWithTheirArguments) {
  const CampaignSpec s = ParseCampaignSpec(kSpec, "spec.json");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.parallel, 2u);
  ASSERT_EQ(s.dimensions.size(), 4u);
  EXPECT_EQ(s.dimensions[0].option, "--grammar");
  EXPECT_EQ(s.dimensions[1].option, "--backup");
  EXPECT_EQ(s.dimensions[2].values[0], std::vector<std::string>{});
  EXPECT_EQ(s.dimensions[2].values[1], (std::vector<std::string>{"--master-option", "--x=1", "--master-option", "--y=2"}));
  EXPECT_EQ(s.dimensions[3].values[0], std::vector<std::string>{});
  EXPECT_EQ(s.dimensions[3].values[1], std::vector<std::string>{"--test-unsafe-dump"});
}

TEST(CampaignSpec, BadSpecsNameFileAndCause) {
  EXPECT_NE(Message("{").find("spec.json: not valid JSON"), std::string::npos);
  EXPECT_NE(Message(R"({"trails": 3})").find("unknown key \"trails\""), std::string::npos);
  EXPECT_NE(Message(R"({"dimensions": {"backup": ["x"]}})").find("not a `randsync run` option"), std::string::npos);
  EXPECT_NE(Message(R"({"dimensions": {"--seed": ["1"]}})").find("sets it for every trial"), std::string::npos);
  EXPECT_NE(Message(R"({"dimensions": {"--backup": []}})").find("non-empty list"), std::string::npos);
  EXPECT_NE(Message(R"({"dimensions": {"--backup": [{"a": 1}]}})").find("value 1 is not"), std::string::npos);
  EXPECT_NE(Message(R"({"parallel": 0})").find("parallel"), std::string::npos);
  EXPECT_NE(Message(R"({"args": ["--results", "x"]})").find("--results"), std::string::npos);
}

TEST(DrawTrials, RandomDrawsAreAPureFunctionOfTheSpec) {
  const CampaignSpec s = ParseCampaignSpec(kSpec, "spec.json");
  const auto a = DrawTrials(s), b = DrawTrials(s);
  ASSERT_EQ(a.size(), 20u);
  std::set<std::string> grammars, seeds;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].index, i + 1);
    EXPECT_EQ(a[i].args, b[i].args);
    EXPECT_EQ(a[i].seed, b[i].seed);
    EXPECT_EQ(std::vector<std::string>(a[i].args.begin(), a[i].args.begin() + 2),
              (std::vector<std::string>{"--duration", "5"}));
    grammars.insert(a[i].choice[0]);
    seeds.insert(std::to_string(a[i].seed));
  }
  EXPECT_EQ(grammars.size(), 2u) << "20 draws should see both grammars";
  EXPECT_EQ(seeds.size(), 20u) << "every trial its own seed";
  CampaignSpec other = s;
  other.seed = 8;
  EXPECT_NE(DrawTrials(other)[0].seed, a[0].seed);
}

TEST(DrawTrials, AllCombinationsInOdometerOrder) {
  CampaignSpec s = ParseCampaignSpec(kSpec, "spec.json");
  s.all_combinations = true;
  const auto t = DrawTrials(s);
  ASSERT_EQ(t.size(), 2u * 3u * 2u * 2u);
  EXPECT_EQ(t[0].choice, (std::vector<std::string>{"a.yy", "mariabackup", "[]", "false"}));
  EXPECT_EQ(t[1].choice, (std::vector<std::string>{"a.yy", "mariabackup", "[]", "true"}));
  EXPECT_EQ(t.back().choice, (std::vector<std::string>{"b.yy", "mydumper", "[\"--x=1\",\"--y=2\"]", "true"}));
  std::set<std::vector<std::string>> distinct;
  for (const auto& x : t) distinct.insert(x.choice);
  EXPECT_EQ(distinct.size(), t.size());
}

TEST(Shard, ShardsPartitionTheTrialList) {
  const auto all = DrawTrials(ParseCampaignSpec(kSpec, "spec.json"));
  for (unsigned n : {1u, 2u, 3u, 7u, 25u}) {
    std::vector<unsigned> seen;
    for (unsigned i = 1; i <= n; ++i) {
      for (const auto& t : Shard(all, i, n)) seen.push_back(t.index);
    }
    std::sort(seen.begin(), seen.end());
    ASSERT_EQ(seen.size(), all.size()) << n << " shards";
    for (size_t k = 0; k < seen.size(); ++k) EXPECT_EQ(seen[k], k + 1);
  }
  EXPECT_EQ(ParseShard("2/4"), std::make_pair(2u, 4u));
  for (const char* bad : {"0/2", "3/2", "1", "1/0", "a/b", "1/2x"}) {
    EXPECT_THROW(ParseShard(bad), std::invalid_argument) << bad;
  }
}

TEST(Signature, GroupsWhatIsTheSameAndLeavesOutWhatVaries) {
  const nlohmann::json a = {{"status", "STATUS_REPLICATION_FAILURE"},
                            {"reason", "sync-point-1: ... Last_SQL_Errno=1062 Last_SQL_Error=Could not execute "
                                       "Write_rows_v1 event on table test.AA; Duplicate entry '2' for key 'PRIMARY'"}};
  EXPECT_EQ(FailureSignature(a, "/nonexistent"), "STATUS_REPLICATION_FAILURE: Last_SQL_Errno=1062 on table test.AA");
  const nlohmann::json c = {{"status", "STATUS_SERVER_CRASHED"},
                            {"reason", "mariadbd (slave) exited unexpectedly: signal 9 (Killed); error log /r/x/slave.err: y"}};
  EXPECT_EQ(FailureSignature(c, "/nonexistent"), "STATUS_SERVER_CRASHED: mariadbd (slave) signal 9 (Killed)");
  const nlohmann::json b1 = {{"status", "STATUS_BACKUP_FAILURE"},
                             {"reason", "mariadb-backup --backup failed (exit code 1): [00] 2026-12-02 03:36:53 Error: cannot open "
                                        "./test/t1.ibd (log /tmp/a/run-1/backup-logs/backup.log)"}};
  nlohmann::json b2 = b1;
  b2["reason"] = "mariadb-backup --backup failed (exit code 1): [00] 2026-12-02 04:01:02 Error: cannot open "
                 "./test/t1.ibd (log /tmp/b/run-22/backup-logs/backup.log)";
  EXPECT_EQ(FailureSignature(b1, "/x"), FailureSignature(b2, "/y"));
}

// The typed failure fields decide, not the sentence: where and when a bug
// showed (a sync point or the replication watch, its GTID) do not split a
// group; the error number, table and server do.
TEST(Signature, TypedFailureFieldsGroupTheSameBug) {
  scenario::RunFailure f{.status = Status::kReplicationFailure,
                         .kind = scenario::FailureKind::kReplication,
                         .where = "sync-point-1",
                         .server = "slave",
                         .table = "test.AA",
                         .gtid = "0-1-20",
                         .error_number = 1062,
                         .reason = "sync-point-1: replication failed ..."};
  const nlohmann::json a = {{"status", "STATUS_REPLICATION_FAILURE"}, {"failure", f.ToJson()}};
  EXPECT_EQ(FailureSignature(a, "/x"), "STATUS_REPLICATION_FAILURE: replication ER_DUP_ENTRY (1062) on table test.AA on the slave");
  scenario::RunFailure g = f;
  g.where = "replication";
  g.gtid = "0-1-999";
  g.reason = "replication failed: other words";
  EXPECT_EQ(FailureSignature({{"failure", g.ToJson()}}, "/y"), FailureSignature(a, "/x"));
  g.table = "test.BB";
  EXPECT_NE(FailureSignature({{"failure", g.ToJson()}}, "/y"), FailureSignature(a, "/x"));
  g.table = "test.AA";
  g.error_number = 1032;
  EXPECT_NE(FailureSignature({{"failure", g.ToJson()}}, "/y"), FailureSignature(a, "/x"));
  // Read back by the same code.
  const scenario::RunFailure back = scenario::RunFailure::FromJson(f.ToJson());
  EXPECT_EQ(back.status, f.status);
  EXPECT_EQ(back.kind, f.kind);
  EXPECT_EQ(back.table, f.table);
  EXPECT_EQ(back.error_number, f.error_number);
  EXPECT_EQ(f.ToJson()["error_name"], "ER_DUP_ENTRY");
  // A crash is told by its server and signal.
  scenario::RunFailure crash{.status = Status::kServerCrashed,
                             .kind = scenario::FailureKind::kCrash,
                             .server = "slave",
                             .detail = "signal 9 (Killed)",
                             .reason = "mariadbd (slave) exited unexpectedly: signal 9 (Killed); error log /r/x"};
  EXPECT_EQ(FailureSignature({{"failure", crash.ToJson()}}, "/x"),
            "STATUS_SERVER_CRASHED: crash on the slave: signal 9 (Killed)");
}

TEST(Signature, ADivergenceIsNamedByItsFirstDifferingTable) {
  testsupport::TempDir dir("randsync-signature");
  std::filesystem::create_directories(dir.path() / "checks");
  std::ofstream(dir.path() / "checks" / "sync-point-2.json")
      << R"({"tables": [{"database": "test", "table": "A", "outcome": "equal"},
                        {"database": "test", "table": "B", "outcome": "different"}]})";
  const nlohmann::json r = {{"status", "STATUS_DIVERGENCE"},
                            {"reason", "sync-point-2 found differences at 0-1-5"},
                            {"divergence", {{"first_seen_by", "sync-point-2"}}}};
  EXPECT_EQ(FailureSignature(r, dir.path()), "STATUS_DIVERGENCE: first differing table `test`.`B`");
}

TrialResult Result(unsigned index, int exit_status, const std::string& status, const std::string& signature = "") {
  TrialResult r;
  r.trial.index = index;
  r.exit_status = exit_status;
  r.status = status;
  r.signature = signature;
  return r;
}

TEST(CampaignReport, WorstStatusPrefersFindings) {
  EXPECT_EQ(WorstExitStatus({}), 0);
  EXPECT_EQ(WorstExitStatus({Result(1, 0, "STATUS_OK")}), 0);
  EXPECT_EQ(WorstExitStatus({Result(1, 110, "E"), Result(2, 111, "D"), Result(3, 0, "OK")}), 111);
  EXPECT_EQ(WorstExitStatus({Result(1, 111, "D"), Result(2, 101, "C")}), 101);
  EXPECT_EQ(WorstExitStatus({Result(1, 108, "B"), Result(2, 110, "E")}), 108);
}

// A failure that matched a known-bugs entry is listed apart from the new
// ones, by the entry's id; the label survives campaign.json.
TEST(CampaignReport, KnownFailuresAreListedApartFromNewOnes) {
  CampaignResults r;
  r.name = "k";
  r.spec = nlohmann::ordered_json::parse(kSpec);
  r.planned = 3;
  TrialResult known = Result(2, 108, "STATUS_BACKUP_FAILURE", "B: assertion");
  known.known_bug = "MDEV-22250";
  r.trials = {Result(1, 111, "STATUS_DIVERGENCE", "D: `test`.`t`"), known, Result(3, 0, "STATUS_OK")};
  const std::string summary = SummaryTable(r);
  EXPECT_NE(summary.find("new failures by signature:\n     1x  D: `test`.`t`  (trials 1)\n"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("known failures (known-bugs):\n     1x  MDEV-22250  (trials 2)\n"), std::string::npos)
      << summary;
  EXPECT_EQ(summary.find("B: assertion"), std::string::npos) << "a known failure is not counted as new";
  EXPECT_EQ(TrialResult::FromJson(known.ToJson()).known_bug, "MDEV-22250");
  r.trials = {known};
  EXPECT_NE(SummaryTable(r).find("no new failures\n"), std::string::npos) << SummaryTable(r);
}

TEST(CampaignReport, SummaryCountsAndGroupsAndMergeRoundTrips) {
  testsupport::TempDir dir("randsync-campaign");
  CampaignResults whole;
  whole.name = "t";
  whole.spec = nlohmann::ordered_json::parse(kSpec);
  whole.planned = 4;
  whole.trials = {Result(1, 0, "STATUS_OK"), Result(2, 108, "STATUS_BACKUP_FAILURE", "B: x"),
                  Result(3, 0, "STATUS_OK"), Result(4, 108, "STATUS_BACKUP_FAILURE", "B: x")};
  const std::string summary = SummaryTable(whole);
  EXPECT_NE(summary.find("4 of 4 trials finished"), std::string::npos) << summary;
  EXPECT_NE(summary.find("STATUS_OK                          2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("   2x  B: x  (trials 2,4)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("exit status: 108"), std::string::npos) << summary;
  const std::string xml = JUnitXml(whole);
  EXPECT_NE(xml.find("tests=\"4\" failures=\"2\""), std::string::npos) << xml;

  // Two shards written out and merged give the whole campaign's summary.
  CampaignResults s1 = whole, s2 = whole;
  s1.shard = 1, s2.shard = 2, s1.shards = s2.shards = 2, s1.planned = s2.planned = 2;
  s1.trials = {whole.trials[0], whole.trials[2]};
  s2.trials = {whole.trials[1], whole.trials[3]};
  WriteCampaignFiles(s1, dir.path() / "s1");
  WriteCampaignFiles(s2, dir.path() / "s2");
  const CampaignResults merged = MergeCampaigns({dir.path() / "s1", dir.path() / "s2" / "campaign.json"});
  EXPECT_EQ(SummaryTable(merged), summary);
  EXPECT_THROW(MergeCampaigns({dir.path() / "s1", dir.path() / "s1"}), std::invalid_argument);
  CampaignResults other = s2;
  other.spec["seed"] = 8;
  WriteCampaignFiles(other, dir.path() / "other");
  EXPECT_THROW(MergeCampaigns({dir.path() / "s1", dir.path() / "other"}), std::invalid_argument);
}

TEST(BisectExit, MapsStatusesToGoodBadSkip) {
  cli::BisectOptions o;
  EXPECT_EQ(cli::BisectExit(o, 111), 111) << "off by default";
  o.enabled = true;
  EXPECT_EQ(cli::BisectExit(o, 0), 0);
  EXPECT_EQ(cli::BisectExit(o, 111), 1);
  EXPECT_EQ(cli::BisectExit(o, 101), 1);
  EXPECT_EQ(cli::BisectExit(o, 110), 125);
  o.bad = "divergence";
  EXPECT_EQ(cli::BisectExit(o, 111), 1);
  EXPECT_EQ(cli::BisectExit(o, 103), 125) << "a status not under investigation is a skip";
  o.bad = "101,replication";
  EXPECT_EQ(cli::BisectExit(o, 101), 1);
  EXPECT_EQ(cli::BisectExit(o, 103), 1);
  EXPECT_THROW(cli::ParseBadStatuses("divergnce"), std::invalid_argument);
  EXPECT_THROW(cli::ParseBadStatuses(""), std::invalid_argument);
}

}  // namespace
}  // namespace randsync::campaign
