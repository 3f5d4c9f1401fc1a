// The global read lock of a logical dump's accounts step
// (runners/scenario/accounts_at_point.h) on a real master: released as soon
// as the tool's snapshot is open, while the tool still runs; held to the
// tool's end under kHoldUntilToolEnds. A stand-in tool opens a snapshot (or
// none) and, while it "dumps", a writer tries the master.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "db/db_error.h"
#include "runners/scenario/accounts_at_point.h"
#include "tests/support/replication_pair.h"
#include "tests/support/temp_dir.h"

namespace randsync::scenario {
namespace {

using Clock = std::chrono::steady_clock;

backup::BackupPosition PositionNow(db::Connection& c) {
  db::RowSet st = c.QueryRows("SHOW MASTER STATUS");
  return {st.rows.at(0).at(0).value_or(""), std::stoull(st.rows.at(0).at(1).value_or("0")), ""};
}

class AccountsAtPointServerTest : public testsupport::ReplicationPairTest {
 protected:
  void SetUp() override {
    ReplicationPairTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    pair().Master().Execute("CREATE TABLE IF NOT EXISTS test.aap (pk INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB");
    endpoint_.dsn = pair().MasterDsn("");
    endpoint_.admin = pair().master().Admin("");
    users_.users_file = dir_.path() / "users.sql";
  }

  // A write on the master, given `seconds` to get past a global read lock:
  // how long it took, or nullopt when it could not.
  std::optional<double> TryWrite(int seconds) {
    db::Connection w = pair().Master();
    w.Execute("SET SESSION lock_wait_timeout = " + std::to_string(seconds));
    const auto t0 = Clock::now();
    try {
      w.Execute("INSERT INTO test.aap VALUES (NULL)");
    } catch (const db::DbError&) {
      return std::nullopt;
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
  }

  MasterEndpoint endpoint_;
  backup::UsersDumpOptions users_;
  testsupport::TempDir dir_;
};

TEST_F(AccountsAtPointServerTest, TheLockEndsOnceTheToolsSnapshotIsOpen) {
  std::optional<double> write;
  PositionCheck check;
  auto tool = [&] {
    db::Connection t = pair().Master();
    t.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    const backup::BackupPosition at = PositionNow(t);
    write = TryWrite(3);  // the tool "dumps" on while the load writes
    t.Execute("COMMIT");
    return at;
  };
  DumpWithAccounts(endpoint_, db::ConnectOptions::Bounded(10), users_, 1, tool, check);
  EXPECT_EQ(check.verdict, AuditVerdict::kConfirmed) << check.detail;
  ASSERT_TRUE(write.has_value()) << "the writer waited for the lock until the tool ended";
  EXPECT_LT(*write, 2.0);
}

TEST_F(AccountsAtPointServerTest, HeldUntilTheToolEndsWhenItOpensNoSnapshot) {
  std::optional<double> write = 0.0;
  PositionCheck check;
  auto tool = [&] {
    db::Connection t = pair().Master();
    const backup::BackupPosition at = PositionNow(t);
    write = TryWrite(1);
    return at;
  };
  DumpWithAccounts(endpoint_, db::ConnectOptions::Bounded(10), users_, kHoldUntilToolEnds, tool, check);
  EXPECT_FALSE(write.has_value()) << "a write got past the lock after " << *write << " s";
}

}  // namespace
}  // namespace randsync::scenario
