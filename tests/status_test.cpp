// The one status module: every status has its own number, STATUS_ name and
// bisect name, they read back, and the campaign's ranking orders them as
// documented (a crash is the worst, a method's known limit barely a
// failure, an unknown number counts as environment).
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "base/status.h"

namespace randsync {
namespace {

TEST(StatusTest, NumbersAndNamesAreUniqueAndReadBack) {
  std::set<int> numbers;
  std::set<std::string> names, bisect_names;
  for (Status s : kAllStatuses) {
    EXPECT_TRUE(numbers.insert(ExitCode(s)).second) << ExitCode(s);
    EXPECT_TRUE(names.insert(ToString(s)).second) << ToString(s);
    EXPECT_TRUE(bisect_names.insert(BisectName(s)).second) << BisectName(s);
    EXPECT_EQ(StatusFromExitCode(ExitCode(s)), s);
    EXPECT_EQ(StatusFromName(ToString(s)), s);
    EXPECT_EQ(StatusFromName(BisectName(s)), s);
    EXPECT_EQ(std::string(ToString(s)).rfind("STATUS_", 0), 0u);
  }
  EXPECT_FALSE(StatusFromExitCode(1));
  EXPECT_FALSE(StatusFromName("STATUS_NONSENSE"));
}

TEST(StatusTest, RqgNumbersAreKept) {
  EXPECT_EQ(ExitCode(Status::kServerCrashed), 101);
  EXPECT_EQ(ExitCode(Status::kReplicationFailure), 103);
  EXPECT_EQ(ExitCode(Status::kDatabaseCorruption), 106);
  EXPECT_STREQ(ToString(Status::kServerHung), "STATUS_SERVER_DEADLOCKED");  // RQG's 107
  EXPECT_EQ(ExitCode(Status::kEnvironment), 110);
}

TEST(StatusTest, CampaignRankOrdersBySeverity) {
  const Status order[] = {Status::kOk,           Status::kMethodLimit,     Status::kEnvironment,
                          Status::kBackupFailure, Status::kPositionMismatch, Status::kCatchupTimeout,
                          Status::kReplicationFailure, Status::kDivergence, Status::kDatabaseCorruption,
                          Status::kServerHung,   Status::kServerCrashed};
  for (size_t i = 1; i < std::size(order); ++i) {
    EXPECT_LT(Rank(ExitCode(order[i - 1])), Rank(ExitCode(order[i]))) << ToString(order[i]);
  }
  EXPECT_EQ(Rank(77), Rank(ExitCode(Status::kEnvironment)));
}

}  // namespace
}  // namespace randsync
