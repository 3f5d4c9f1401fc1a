// The position audit (runners/scenario/position_audit.h) on a real master
// and slave: the slave is stopped at a GTID G while the master goes on, so
// its data is the master's at G. Started at G the audit confirms it; started
// a few transactions before or after G it finds a row that contradicts it
// and names the transaction. Keys of several kinds (unsigned integers shown
// as "-1 (4294967295)", strings, a key an update moves) are read back.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "runners/scenario/binlog_events.h"
#include "runners/scenario/unpositioned_commits.h"
#include "runners/scenario/position_audit.h"
#include "runners/scenario/provision_slave.h"
#include "tests/support/replication_pair.h"

namespace randsync::scenario {
namespace {

// The master's file/position now (no GTID).
backup::BackupPosition FilePositionNow(db::Connection& m) {
  db::RowSet st = m.QueryRows("SHOW MASTER STATUS");
  return {st.rows.at(0).at(0).value_or(""), std::stoull(st.rows.at(0).at(1).value_or("0")), ""};
}

class PositionAuditServerTest : public testsupport::ReplicationPairTest {
 protected:
  void SetUp() override {
    ReplicationPairTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    db::Connection m = pair().Master();
    m.Execute("DROP TABLE IF EXISTS test.pa, test.pa_s, test.pa_aria, test.pa_mem");
    m.Execute("CREATE TABLE test.pa (pk INT UNSIGNED PRIMARY KEY, v INT, w BIGINT UNSIGNED) ENGINE=InnoDB");
    m.Execute("CREATE TABLE test.pa_s (k VARCHAR(10) PRIMARY KEY, v INT) ENGINE=InnoDB CHARSET=latin1");
    m.Execute("CREATE TABLE test.pa_aria (pk INT PRIMARY KEY, v INT) ENGINE=Aria");
    m.Execute("CREATE TABLE test.pa_mem (pk INT PRIMARY KEY) ENGINE=MEMORY");
    m.Execute("INSERT INTO test.pa SELECT seq, seq, 18446744073709551615 FROM seq_1_to_20");
    m.Execute("INSERT INTO test.pa VALUES (4294967295, 1, 0)");
    m.Execute("INSERT INTO test.pa_s VALUES ('a', 1), ('b', 2), ('it''s', 3)");
    // Twelve transactions before the point, each with a row of its own.
    for (int i = 1; i <= 12; ++i) m.Execute("UPDATE test.pa SET v = v + 100 WHERE pk = " + std::to_string(i));
    // The last one writes a MEMORY table too, so that its InnoDB rows are
    // logged with the rollback to the savepoint that undid some of them:
    // row 300 is in the log, not in the data.
    for (const char* q : {"START TRANSACTION", "UPDATE test.pa SET v = v + 1 WHERE pk = 20", "SAVEPOINT sp1",
                          "INSERT INTO test.pa_mem VALUES (1)", "INSERT INTO test.pa VALUES (300, 1, 1)",
                          "DELETE FROM test.pa WHERE pk = 19", "ROLLBACK TO SAVEPOINT sp1", "COMMIT"}) {
      m.Execute(q);
    }
    ASSERT_TRUE(pair().WaitForSlave());
    db::Connection s = pair().Slave();
    s.Execute("STOP SLAVE");
    point_ = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
    // Twelve after it, of every kind.
    m.Execute("INSERT INTO test.pa VALUES (100, 1, 1)");
    m.Execute("UPDATE test.pa SET v = -5 WHERE pk = 4294967295");
    m.Execute("DELETE FROM test.pa WHERE pk = 13");
    m.Execute("UPDATE test.pa SET pk = 200 WHERE pk = 14");
    m.Execute("UPDATE test.pa_s SET v = 30 WHERE k = 'it''s'");
    m.Execute("INSERT INTO test.pa_s VALUES ('c', 4)");
    m.Execute("INSERT INTO test.pa_aria VALUES (1, 1)");
    for (int i = 15; i <= 19; ++i) m.Execute("UPDATE test.pa SET v = v + 100 WHERE pk = " + std::to_string(i));
  }
  void TearDown() override {
    if (!IsSkipped()) {
      db::Connection s = pair().Slave();
      s.Execute("START SLAVE");
      pair().WaitForSlave();
    }
  }

  PositionCheck Audit(int skew) {
    db::Connection m = pair().Master(), s = pair().Slave();
    backup::BackupPosition start;
    start.gtid = SkewGtid(point_, skew);
    DataAuditOptions o;
    o.transactions = 10;
    o.covered = [](const std::string& engine) { return engine == "innodb"; };
    return CheckDataAtPosition(pair().master().Admin(""), m, s, start, true, o);
  }

  std::string point_;
};

TEST_F(PositionAuditServerTest, TheRightStartIsConfirmed) {
  const PositionCheck c = Audit(0);
  EXPECT_EQ(c.verdict, AuditVerdict::kConfirmed) << c.detail;
  EXPECT_NE(c.detail.find("10 transactions before the start and the 10 after it"), std::string::npos) << c.detail;
}

TEST_F(PositionAuditServerTest, AStartTooFarBackFindsItsRowsAlreadyThere) {
  for (int skew : {-1, -3}) {
    const PositionCheck c = Audit(skew);
    EXPECT_EQ(c.verdict, AuditVerdict::kWrong) << "skew " << skew << ": " << c.detail;
    EXPECT_NE(c.detail.find("test.pa row (pk="), std::string::npos) << c.detail;
  }
}

TEST_F(PositionAuditServerTest, AStartTooFarAheadFindsTheSkippedRows) {
  for (int skew : {1, 2, 4}) {
    const PositionCheck c = Audit(skew);
    EXPECT_EQ(c.verdict, AuditVerdict::kWrong) << "skew " << skew << ": " << c.detail;
    EXPECT_NE(c.detail.find("before the start"), std::string::npos) << c.detail;
  }
}

// A row the data holds otherwise than the event's before image says is
// found through an unsigned key printed as "-1 (4294967295)" and through a
// string key with a quote in it; a row of a table the method does not
// cover (Aria here) is not looked at.
TEST_F(PositionAuditServerTest, ARowUnlikeTheBeforeImageIsNamed) {
  db::Connection s = pair().Slave();
  s.Execute("SET SESSION sql_log_bin = 0");
  s.Execute("INSERT INTO test.pa_aria VALUES (1, 1)");  // would contradict, but Aria is not covered
  EXPECT_EQ(Audit(0).verdict, AuditVerdict::kConfirmed);
  s.Execute("UPDATE test.pa SET v = 2 WHERE pk = 4294967295");
  PositionCheck c = Audit(0);
  EXPECT_EQ(c.verdict, AuditVerdict::kWrong);
  EXPECT_NE(c.detail.find("updates test.pa row (pk=4294967295) whose column v the restored data holds as '2' and "
                          "the event's before image as '1'"),
            std::string::npos)
      << c.detail;
  s.Execute("UPDATE test.pa SET v = 1 WHERE pk = 4294967295");
  s.Execute("UPDATE test.pa_s SET v = 0 WHERE k = 'it''s'");
  c = Audit(0);
  EXPECT_EQ(c.verdict, AuditVerdict::kWrong);
  EXPECT_NE(c.detail.find("test.pa_s row (k=it's)"), std::string::npos) << c.detail;
  // As it was, so that replication goes on.
  s.Execute("UPDATE test.pa_s SET v = 3 WHERE k = 'it''s'");
  s.Execute("DELETE FROM test.pa_aria");
}

TEST_F(PositionAuditServerTest, GtidSourcesAgreeWithTheirFilePosition) {
  db::Connection m = pair().Master();
  db::RowSet st = m.QueryRows("SHOW MASTER STATUS");
  PositionSource src{"test", {st.rows.at(0).at(0).value_or(""), std::stoull(st.rows.at(0).at(1).value_or("0")),
                              m.QueryValue("SELECT @@gtid_binlog_pos").value_or("")}};
  EXPECT_EQ(CheckGtidAgreesWithFilePos(m, src).verdict, AuditVerdict::kConfirmed);
  src.at.gtid = SkewGtid(src.at.gtid, -1);
  const PositionCheck wrong = CheckGtidAgreesWithFilePos(m, src);
  EXPECT_EQ(wrong.verdict, AuditVerdict::kWrong) << wrong.detail;
  EXPECT_NE(wrong.detail.find("but the master logged"), std::string::npos) << wrong.detail;
}

// A locked copy's InnoDB position may lie before the info file's when the
// events between change no InnoDB row for good, or commit in one phase:
// here a group that also wrote a MEMORY table logs an InnoDB insert and
// the ROLLBACK TO SAVEPOINT that undid it, and a transaction that read an
// Aria table commits an InnoDB insert without an XID (InnoDB records no
// position for it). An InnoDB insert committed with an XID is named.
TEST_F(PositionAuditServerTest, InnodbChangesUndoneOrCommittedInOnePhaseLeaveTheInnodbPositionBehind) {
  db::Connection m = pair().Master();
  auto now = [&m] { return FilePositionNow(m); };
  const backup::BackupPosition innodb = now();
  for (const char* q : {"START TRANSACTION", "INSERT INTO test.pa_mem VALUES (2)", "SAVEPOINT sp1",
                        "INSERT INTO test.pa VALUES (400, 1, 1)", "ROLLBACK TO SAVEPOINT sp1", "COMMIT"}) {
    m.Execute(q);
  }
  const PositionCheck undone = CheckInnodbWithinLockedCopy(m, innodb, now());
  EXPECT_EQ(undone.verdict, AuditVerdict::kConfirmed) << undone.detail;
  for (const char* q : {"START TRANSACTION", "SELECT COUNT(*) FROM test.pa_aria", "INSERT INTO test.pa VALUES (402, 1, 1)",
                        "COMMIT"}) {
    m.Execute(q);
  }
  const PositionCheck one_phase = CheckInnodbWithinLockedCopy(m, innodb, now());
  EXPECT_EQ(one_phase.verdict, AuditVerdict::kConfirmed) << one_phase.detail;
  EXPECT_NE(one_phase.detail.find("(1 one-phase commits of transactions"), std::string::npos) << one_phase.detail;
  m.Execute("INSERT INTO test.pa VALUES (401, 1, 1)");
  const PositionCheck committed = CheckInnodbWithinLockedCopy(m, innodb, now());
  EXPECT_EQ(committed.verdict, AuditVerdict::kWrong) << committed.detail;
  EXPECT_NE(committed.detail.find("changed InnoDB table test.pa"), std::string::npos) << committed.detail;
}

// A copy beyond its InnoDB position by one-phase commits (unpositioned_commits.h):
// the slave, standing in for the copy, holds two transactions that read an
// Aria table and wrote InnoDB (logged with a plain COMMIT) after the start;
// the start moves past both, and not past the two-phase one after them.
TEST_F(PositionAuditServerTest, TheStartMovesPastOnePhaseCommitsTheCopyHolds) {
  db::Connection m = pair().Master(), s = pair().Slave();
  auto slave_until = [&](const std::string& gtid) {
    s.Execute("STOP SLAVE");
    s.Execute("START SLAVE UNTIL MASTER_GTID_POS = " + s.Quote(gtid));
    for (int i = 0; i < 300 && s.QueryValue("SELECT @@gtid_slave_pos").value_or("") != gtid; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(s.QueryValue("SELECT @@gtid_slave_pos").value_or(""), gtid);
  };
  const std::string before = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  slave_until(before);
  backup::BackupPosition start = FilePositionNow(m);
  start.gtid = before;
  for (int pk : {500, 501}) {
    for (const std::string& q : {std::string("START TRANSACTION"), std::string("SELECT COUNT(*) FROM test.pa_aria"),
                                "INSERT INTO test.pa VALUES (" + std::to_string(pk) + ", 1, 1)", std::string("COMMIT")}) {
      m.Execute(q);
    }
  }
  const std::string held = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  m.Execute("INSERT INTO test.pa VALUES (502, 1, 1)");  // two-phase
  DataAuditOptions o;
  o.covered = [](const std::string& engine) { return engine == "innodb"; };
  const HeldUnpositionedCommits none = SkipHeldUnpositionedCommits(pair().master().Admin(""), m, s, start, o, {});
  EXPECT_EQ(none.one_phase, 0u) << "the slave holds none of them yet";
  EXPECT_FALSE(none.start);
  slave_until(held);
  const HeldUnpositionedCommits two = SkipHeldUnpositionedCommits(pair().master().Admin(""), m, s, start, o, {});
  EXPECT_EQ(two.one_phase, 2u);
  EXPECT_EQ(two.Describe(), "2 one-phase commit(s) (transactions that also used Aria)");
  ASSERT_TRUE(two.start.has_value());
  EXPECT_EQ(two.start->gtid, held);
  EXPECT_EQ(two.start->binlog_file, start.binlog_file);
}

// The group a slave stopped on, told one-phase (a plain COMMIT: the
// transaction also read Aria) or two-phase (an Xid) from the master's log.
TEST_F(PositionAuditServerTest, AGroupsCommitIsToldOnePhaseOrTwoPhase) {
  db::Connection m = pair().Master();
  auto now = [&m] { return FilePositionNow(m); };
  const backup::BackupPosition one = now();
  for (const char* q : {"START TRANSACTION", "SELECT COUNT(*) FROM test.pa_aria", "INSERT INTO test.pa VALUES (600, 1, 1)",
                        "COMMIT"}) {
    m.Execute(q);
  }
  const backup::BackupPosition two = now();
  m.Execute("INSERT INTO test.pa VALUES (601, 1, 1)");
  EXPECT_EQ(CommitsInOnePhase(m, one), std::optional<bool>(true));
  EXPECT_EQ(CommitsInOnePhase(m, two), std::optional<bool>(false));
}

TEST(GtidBefore, EveryDomainMovesBack) {
  EXPECT_EQ(GtidBefore("0-1-100", 10).value_or("?"), "0-1-90");
  EXPECT_EQ(GtidBefore("0-1-100,1-2-50", 50).value_or("?"), "0-1-50,1-2-0");
  EXPECT_FALSE(GtidBefore("0-1-3", 10));
}

}  // namespace
}  // namespace randsync::scenario
