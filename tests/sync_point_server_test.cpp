// The sync point protocol on a real master and slave: under concurrent
// writes every snapshot on both sides sees the same data; the slave that
// cannot reach the point (a lock) or fails (a duplicate key) is reported
// with the right kind and its SHOW SLAVE STATUS, never waited on forever;
// replication runs again afterwards.
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "checker/sync_point.h"
#include "db/replication_status.h"
#include "tests/support/replication_pair.h"
#include "tests/support/writers.h"

namespace randsync::checker {
namespace {

using namespace std::chrono_literals;

class SyncPointServerTest : public testsupport::ReplicationPairTest {
 protected:
  void SetUp() override {
    ReplicationPairTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    db::Connection m = pair().Master();
    m.Execute("DROP TABLE IF EXISTS test.sp");
    m.Execute("CREATE TABLE test.sp (pk INT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB");
    m.Execute("INSERT INTO test.sp SELECT seq, 0 FROM seq_1_to_100");
    ASSERT_TRUE(pair().WaitForSlave());
  }


 public:
  // Every connection's view of test.sp: rows and a checksum of the values.
  static std::string View(db::Connection& c) {
    return c.QueryValue("SELECT CONCAT(COUNT(*), ':', SUM(v * pk)) FROM test.sp").value_or("?");
  }


 protected:
  SyncOptions Options(SyncMode mode) {
    SyncOptions o;
    o.mode = mode;
    o.connections = 3;
    o.timeout = 30s;
    return o;
  }
};

// Two writers committing to test.sp until destroyed.
class Writers : public testsupport::Writers {
 public:
  explicit Writers(const db::Dsn& dsn)
      : testsupport::Writers(dsn, 2, [](unsigned t, uint64_t i) {
          return "UPDATE test.sp SET v = v + 1 WHERE pk = " + std::to_string(1 + (i * 7 + t) % 100);
        }) {}
};

void ExpectSameViewEverywhere(SyncPoint& p) {
  ASSERT_EQ(p.master.size(), 3u);
  ASSERT_EQ(p.slaves[0].snapshots.size(), 3u);
  const std::string expected = SyncPointServerTest::View(p.master[0]);
  for (auto& c : p.master) EXPECT_EQ(SyncPointServerTest::View(c), expected);
  for (auto& c : p.slaves[0].snapshots) EXPECT_EQ(SyncPointServerTest::View(c), expected);
}

TEST_F(SyncPointServerTest, GtidPointUnderWritesGivesOneViewOnBothSides) {
  Writers writers(pair().MasterDsn());
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(200ms);
    SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), Options(SyncMode::kGtid));
    std::cout << "sync point: " << p.Describe() << "\n";
    EXPECT_EQ(p.mode, SyncMode::kGtid);
    EXPECT_FALSE(p.gtid.empty());
    ExpectSameViewEverywhere(p);
    // The snapshots stay put while the master moves on.
    const std::string before = SyncPointServerTest::View(p.slaves[0].snapshots[1]);
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(SyncPointServerTest::View(p.slaves[0].snapshots[1]), before);
  }
  EXPECT_GT(writers.commits(), 0u);
  db::Connection s = pair().Slave();
  std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(s);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->sql_running, "Yes") << "replication was not restarted";
}

TEST_F(SyncPointServerTest, PositionPointUnderWritesGivesOneViewOnBothSides) {
  Writers writers(pair().MasterDsn());
  std::this_thread::sleep_for(200ms);
  SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), Options(SyncMode::kPosition));
  std::cout << "sync point: " << p.Describe() << "\n";
  EXPECT_FALSE(p.binlog_file.empty());
  EXPECT_GT(p.binlog_pos, 0u);
  ExpectSameViewEverywhere(p);
}

// The fallback (commits blocked while the snapshots open) gives one view too
// and says how long it blocked.
TEST_F(SyncPointServerTest, BlockedFallbackUnderWritesGivesOneViewOnBothSides) {
  Writers writers(pair().MasterDsn());
  std::this_thread::sleep_for(200ms);
  SyncOptions o = Options(SyncMode::kGtid);
  o.snapshot_tries = 0;
  SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), o);
  std::cout << "sync point: " << p.Describe() << "\n";
  EXPECT_GT(p.commit_block.count(), 0);
  ExpectSameViewEverywhere(p);
}

// When the master's hook says DDL changed what it read (here: a table
// created between tables_to_lock and the point), the snapshots are opened
// again inside the commit block, where the hook reads once more.
TEST_F(SyncPointServerTest, DdlDuringTheUnblockedPointRetakesItBlocked) {
  Writers writers(pair().MasterDsn());
  SyncOptions o = Options(SyncMode::kGtid);
  int calls = 0;
  db::Connection ddl = pair().Master();
  o.tables_to_lock = [&](db::Connection&) {
    ddl.Execute("CREATE OR REPLACE TABLE test.created_meanwhile (i INT) ENGINE=MyISAM");
    return std::vector<std::string>{"`test`.`sp`"};
  };
  o.on_master_frozen = [&](db::Connection& c) {
    ++calls;
    return c.QueryValue("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='test' AND "
                        "TABLE_NAME='created_meanwhile'") == "0";
  };
  SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), o);
  std::cout << "sync point: " << p.Describe() << "\n";
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(p.ddl_during_point);
  EXPECT_GT(p.commit_block.count(), 0);
  EXPECT_EQ(p.locked_tables, std::vector<std::string>{"`test`.`sp`"});
  ExpectSameViewEverywhere(p);
  p = SyncPoint{};
  ddl.Execute("DROP TABLE test.created_meanwhile");
  EXPECT_TRUE(pair().WaitForSlave());
}

// A session holding a write lock on a non-transactional table (what a long
// MyISAM or Aria statement does) does not hold the sync point: the
// snapshots need no BACKUP STAGE, so they neither wait for it nor block the
// master's commits meanwhile. (BACKUP STAGE BLOCK_DDL would wait here for
// the lock's end, up to the sync timeout.)
TEST_F(SyncPointServerTest, NonTransactionalWriteLockDoesNotHoldThePoint) {
  db::Connection m = pair().Master();
  m.Execute("CREATE OR REPLACE TABLE test.myi (i INT) ENGINE=MyISAM");
  m.Execute("CREATE OR REPLACE TABLE test.aria (i INT) ENGINE=Aria");
  ASSERT_TRUE(pair().WaitForSlave());
  db::Connection holder = pair().Master();
  holder.Execute("LOCK TABLES test.myi WRITE, test.aria WRITE");
  holder.Execute("INSERT INTO test.myi VALUES (1)");
  Writers writers(pair().MasterDsn());
  SyncOptions o = Options(SyncMode::kGtid);
  o.timeout = 5s;
  o.tables_to_lock = [](db::Connection&) { return std::vector<std::string>{"`test`.`sp`"}; };
  const auto t0 = std::chrono::steady_clock::now();
  SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), o);
  std::cout << "sync point: " << p.Describe() << " in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()
            << " ms\n";
  EXPECT_EQ(p.commit_block.count(), 0) << p.Describe();
  EXPECT_GE(p.snapshot_tries, 1);
  EXPECT_EQ(p.locked_tables, std::vector<std::string>{"`test`.`sp`"});
  ExpectSameViewEverywhere(p);
  p = SyncPoint{};
  holder.Execute("UNLOCK TABLES");
  m.Execute("DROP TABLE test.myi, test.aria");
  EXPECT_TRUE(pair().WaitForSlave());
}

// MariaDB checks a position UNTIL before applying the next event, so a slave
// that has applied everything up to the point keeps running when the master
// writes nothing after it (the load has ended). The point is still reached,
// in either mode.
TEST_F(SyncPointServerTest, PointWithNothingWrittenAfterItIsReached) {
  for (SyncMode mode : {SyncMode::kPosition, SyncMode::kGtid}) {
    SCOPED_TRACE(ToString(mode));
    db::Connection s = pair().Slave();
    s.Execute("STOP SLAVE SQL_THREAD");
    db::Connection m = pair().Master();
    for (int i = 1; i <= 20; ++i) m.Execute("UPDATE test.sp SET v = v + 1 WHERE pk = " + std::to_string(i));
    SyncOptions o = Options(mode);
    o.timeout = 10s;
    SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), o);
    std::cout << "sync point: " << p.Describe() << "\n";
    ExpectSameViewEverywhere(p);
    EXPECT_EQ(View(p.slaves[0].snapshots[0]), mode == SyncMode::kPosition ? "100:210" : "100:420");
  }
}

TEST_F(SyncPointServerTest, SchemaHooksRunWhileBothSidesAreAtThePoint) {
  bool master_hook = false, slave_hook = false;
  SyncOptions o = Options(SyncMode::kGtid);
  o.tables_to_lock = [&](db::Connection&) { return std::vector<std::string>{"`test`.`sp`", "`test`.`nope`"}; };
  o.on_master_frozen = [&](db::Connection& c) {
    master_hook = true;
    EXPECT_TRUE(c.QueryValue("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='test'"));
    return true;
  };
  o.on_slave_at_point = [&](size_t, db::Connection& c) {
    slave_hook = true;
    std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(c);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->sql_running, "No");  // stopped exactly at the point
  };
  SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), o);
  EXPECT_TRUE(master_hook);
  EXPECT_TRUE(slave_hook);
  // The missing table is not locked; the existing one is, on both sides.
  EXPECT_EQ(p.locked_tables, std::vector<std::string>{"`test`.`sp`"});
}

// A table whose metadata lock DDL awaits at the sync point is left out at
// once instead of holding the master's commits (or deadlocking the check).
TEST_F(SyncPointServerTest, TableHeldByDdlIsLeftOutWithoutWaiting) {
  db::Connection m = pair().Master();
  m.Execute("CREATE TABLE IF NOT EXISTS test.held (i INT PRIMARY KEY) ENGINE=InnoDB");
  ASSERT_TRUE(pair().WaitForSlave());
  db::Connection holder = pair().Master();
  holder.Execute("BEGIN");
  holder.Execute("SELECT * FROM test.held");  // shared metadata lock until COMMIT
  db::Connection alter = pair().Master();
  std::thread ddl([&] {
    try {
      alter.Execute("ALTER TABLE test.held ADD COLUMN j INT");  // waits for `holder`
    } catch (const std::exception&) {
    }
  });
  std::this_thread::sleep_for(300ms);  // the ALTER now awaits an exclusive lock
  SyncOptions o = Options(SyncMode::kGtid);
  o.tables_to_lock = [](db::Connection&) { return std::vector<std::string>{"`test`.`sp`", "`test`.`held`"}; };
  SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), o);
  EXPECT_EQ(p.locked_tables, std::vector<std::string>{"`test`.`sp`"});
  EXPECT_LT(p.commit_block, std::chrono::microseconds(2s));
  p = SyncPoint{};
  holder.Execute("COMMIT");
  ddl.join();
  m.Execute("DROP TABLE test.held");
  EXPECT_TRUE(pair().WaitForSlave());
}

// The slave's SQL thread, started with UNTIL, runs into a row lock held on
// the slave: the wait for the point ends at the deadline with the slave's
// status, and replication runs again afterwards.
TEST_F(SyncPointServerTest, SlaveThatCannotReachThePointTimesOutWithItsStatus) {
  db::Connection admin = pair().Slave();
  admin.Execute("SET GLOBAL innodb_lock_wait_timeout = 1");  // read by the next SQL thread
  db::Connection blocker = pair().Slave();
  db::Connection m = pair().Master();
  SyncOptions o = Options(SyncMode::kGtid);
  o.timeout = 3s;
  // Runs after STOP SLAVE, before commits are blocked and G is read: G
  // includes the UPDATE, and the slave cannot apply it while `blocker`
  // holds the row.
  o.tables_to_lock = [&](db::Connection&) {
    blocker.Execute("BEGIN");
    blocker.Execute("SELECT * FROM test.sp WHERE pk = 5 FOR UPDATE");
    m.Execute("UPDATE test.sp SET v = 12345 WHERE pk = 5");
    return std::vector<std::string>{"`test`.`sp`"};
  };
  const auto t0 = std::chrono::steady_clock::now();
  try {
    TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), o);
    ADD_FAILURE() << "no timeout";
  } catch (const SyncError& e) {
    std::cout << e.what() << "\n";
    EXPECT_EQ(e.kind(), SyncError::Kind::kTimeout) << e.what();
    EXPECT_NE(std::string(e.what()).find("did not reach GTID"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Slave_SQL_Running"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);  // a deadline, not a hang
  blocker.Execute("ROLLBACK");
  admin.Execute("SET GLOBAL innodb_lock_wait_timeout = 50");
  EXPECT_TRUE(pair().WaitForSlave());  // replication was restarted
}

// A slave already stuck in a 50 s lock wait when the sync point starts must
// not hold the check past its deadline. (STOP SLAVE, which waits for the SQL
// thread's current transaction, interrupts a lock wait on 10.11; the
// client-side deadline covers a long event that it cannot interrupt.)
TEST_F(SyncPointServerTest, SlaveAlreadyStuckBehindALockEndsAtTheDeadline) {
  db::Connection blocker = pair().Slave();
  blocker.Execute("BEGIN");
  blocker.Execute("SELECT * FROM test.sp WHERE pk = 6 FOR UPDATE");
  db::Connection m = pair().Master();
  m.Execute("UPDATE test.sp SET v = 777 WHERE pk = 6");
  std::this_thread::sleep_for(300ms);  // the SQL thread is now waiting on the lock
  SyncOptions o = Options(SyncMode::kGtid);
  o.timeout = 2s;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), o);
    ADD_FAILURE() << "no timeout";
  } catch (const SyncError& e) {
    std::cout << e.what() << "\n";
    EXPECT_EQ(e.kind(), SyncError::Kind::kTimeout) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);
  blocker.Execute("ROLLBACK");
  // Either the STOP SLAVE ran into the deadline (replication then stops once
  // the transaction is done, and stays stopped, as the message says) or the
  // wait for the point did (replication was restarted). Restart it in the
  // first case, once it has stopped.
  db::Connection s = pair().Slave();
  const std::string target = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  for (int i = 0; i < 300; ++i) {
    std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(s);
    if (st && st->sql_stopped()) {
      s.Execute("START SLAVE");
      break;
    }
    if (db::GtidPos::Parse(s.QueryValue("SELECT @@gtid_slave_pos").value_or("")).At(db::GtidPos::Parse(target))) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(pair().WaitForSlave());
}

TEST_F(SyncPointServerTest, ReplicationErrorIsReportedWithLastSqlError) {
  db::Connection s = pair().Slave();
  s.Execute("INSERT INTO test.sp VALUES (1000, 1)");
  db::Connection m = pair().Master();
  m.Execute("INSERT INTO test.sp VALUES (1000, 2)");
  try {
    TakeSyncPoint(pair().MasterDsn(), pair().SlaveDsn(), Options(SyncMode::kGtid));
    ADD_FAILURE() << "no replication error";
  } catch (const SyncError& e) {
    EXPECT_EQ(e.kind(), SyncError::Kind::kReplication) << e.what();
    EXPECT_NE(std::string(e.what()).find("1062"), std::string::npos) << e.what();
  }
  // Repair: remove the slave's conflicting row and let it re-apply.
  s.Execute("DELETE FROM test.sp WHERE pk = 1000");
  s.Execute("START SLAVE");
  EXPECT_TRUE(pair().WaitForSlave());
}

TEST_F(SyncPointServerTest, AServerThatIsNotAReplicaIsASetupError) {
  try {
    TakeSyncPoint(pair().MasterDsn(), pair().MasterDsn(), Options(SyncMode::kGtid));
    ADD_FAILURE() << "no error";
  } catch (const SyncError& e) {
    EXPECT_EQ(e.kind(), SyncError::Kind::kSetup);
    EXPECT_NE(std::string(e.what()).find("is not a replica"), std::string::npos) << e.what();
  }
}

TEST_F(SyncPointServerTest, NoneModeJustOpensSnapshots) {
  SyncPoint p = TakeSyncPoint(pair().MasterDsn(), pair().MasterDsn(), Options(SyncMode::kNone));
  EXPECT_EQ(p.master.size(), 3u);
  EXPECT_EQ(View(p.master[0]), View(p.slaves[0].snapshots[0]));
}

}  // namespace
}  // namespace randsync::checker
