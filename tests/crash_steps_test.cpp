// --crash ROLE@SECONDS[:SIGNAL] (runners/scenario/crash_steps.h): what a
// step says, its one-line errors, and the durable settings a killed role
// gets. tests/run_crash_test.sh kills and restarts real servers.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "runners/scenario/crash_steps.h"

namespace randsync::scenario {
namespace {

TEST(CrashStep, RoleSecondsAndSignal) {
  const CrashStep a = ParseCrashStep("slave@12");
  EXPECT_EQ(a.role, CrashRole::kSlave);
  EXPECT_DOUBLE_EQ(a.at_s, 12);
  EXPECT_EQ(a.signal, CrashSignal::kKill);
  EXPECT_EQ(a.Describe(), "slave@12:KILL");
  const CrashStep b = ParseCrashStep("master@7.5:TERM");
  EXPECT_EQ(b.role, CrashRole::kMaster);
  EXPECT_DOUBLE_EQ(b.at_s, 7.5);
  EXPECT_EQ(b.signal, CrashSignal::kTerm);
  EXPECT_EQ(ParseCrashStep("slave@0:ABRT").Describe(), "slave@0:ABRT");
}

TEST(CrashStep, ABadStepIsOneLineNamingIt) {
  for (const char* bad : {"slave", "backup@3", "slave@", "slave@-1", "slave@3s", "slave@3:HUP", "@3"}) {
    try {
      ParseCrashStep(bad);
      ADD_FAILURE() << bad << " was taken";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(std::string("--crash ") + bad + ": ", 0), 0u) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
}

TEST(CrashStep, DurableUnlessTheRolesOptionsSayOtherwise) {
  EXPECT_EQ(DurableOptions({}), (std::vector<std::string>{"--sync-binlog=1", "--innodb-flush-log-at-trx-commit=1"}));
  // The user's own setting, in either spelling, wins: the negative control.
  EXPECT_EQ(DurableOptions({"--sync_binlog=0", "--log-bin"}),
            (std::vector<std::string>{"--innodb-flush-log-at-trx-commit=1"}));
  EXPECT_TRUE(DurableOptions({"--sync-binlog=0", "--innodb_flush_log_at_trx_commit=2"}).empty());
}

}  // namespace
}  // namespace randsync::scenario
