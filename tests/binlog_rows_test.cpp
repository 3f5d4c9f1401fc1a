// The parser of mariadb-binlog's decoded text (runners/backup/binlog_rows.h),
// on output captured from MariaDB 10.11's mariadb-binlog --verbose.
#include "runners/backup/binlog_rows.h"

#include <gtest/gtest.h>

namespace randsync::backup {
namespace {

// Three transactions: an ANALYZE (flagged ddl, changes no row), an
// autocommit INSERT, and an UPDATE then DELETE of one row.
constexpr const char* kRows = R"(# at 1813
#261201 21:21:44 server id 1  end_log_pos 1855 CRC32 0x505880c5 	GTID 0-1-346808 ddl
/*M!100001 SET @@session.gtid_seq_no=346808*//*!*/;
# at 1855
#261201 21:21:44 server id 1  end_log_pos 1937 CRC32 0xa17811cf 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
SET TIMESTAMP=1796160104/*!*/;
analyze table t
/*!*/;
# at 1937
#261201 21:21:44 server id 1  end_log_pos 1979 CRC32 0x4ca86dee 	GTID 0-1-346809 trans
/*M!100001 SET @@session.gtid_seq_no=346809*//*!*/;
START TRANSACTION
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 2029 CRC32 0x5946d8f3 	Annotate_rows:
#Q> insert into t(v) values (1)
#261201 21:21:44 server id 1  end_log_pos 2074 CRC32 0x1a05d546 	Table_map: `test`.`t` mapped to number 27
#261201 21:21:44 server id 1  end_log_pos 2116 CRC32 0x5f1c95c5 	Write_rows: table id 27 flags: STMT_END_F
### INSERT INTO `test`.`t`
### SET
###   @1=173401
###   @2=-1 (4294967295)
# Number of rows: 1
#261201 21:21:44 server id 1  end_log_pos 2147 CRC32 0x9b9400d1 	Xid = 346952
COMMIT/*!*/;
#261201 21:12:45 server id 1  end_log_pos 1227 CRC32 0xb880680e 	GTID 0-1-346810 trans
### UPDATE `test`.`we``ird`
### WHERE
###   @1=5
###   @2='it's'
### SET
###   @1=5
###   @2=NULL
### DELETE FROM `test`.`we``ird`
### WHERE
###   @1=5
###   @2=NULL
#261201 21:12:45 server id 1  end_log_pos 1540 CRC32 0x4433dc5e 	Xid = 346942
COMMIT/*!*/;
)";

TEST(BinlogRows, TransactionsRowsAndImages) {
  const auto tx = ParseBinlogText(kRows);
  ASSERT_EQ(tx.size(), 3u);
  EXPECT_EQ(tx[0].gtid, "0-1-346808");
  EXPECT_TRUE(tx[0].RowsTellAll()) << "ANALYZE changes no row";
  EXPECT_TRUE(tx[0].rows.empty());
  ASSERT_EQ(tx[1].rows.size(), 1u);
  EXPECT_EQ(tx[1].rows[0].kind, RowChangeKind::kInsert);
  EXPECT_EQ(tx[1].rows[0].table, "t");
  EXPECT_EQ(tx[1].rows[0].statement, "insert into t(v) values (1)") << "the Annotate_rows statement";
  EXPECT_EQ(tx[2].rows[0].statement, "") << "a new transaction does not inherit the last one's statement";
  EXPECT_EQ(tx[1].rows[0].after.at(2), "-1 (4294967295)");
  EXPECT_TRUE(tx[1].RowsTellAll());
  EXPECT_FALSE(tx[1].one_phase) << "committed with an Xid";
  EXPECT_EQ(tx[1].end_pos, 2147u);
  ASSERT_EQ(tx[2].rows.size(), 2u);
  EXPECT_EQ(tx[2].rows[0].kind, RowChangeKind::kUpdate);
  EXPECT_EQ(tx[2].rows[0].table, "we`ird");
  EXPECT_EQ(tx[2].rows[0].before.at(2), "'it's'");
  EXPECT_EQ(tx[2].rows[0].after.at(2), "NULL");
  EXPECT_EQ(tx[2].rows[1].kind, RowChangeKind::kDelete);
  EXPECT_TRUE(tx[2].rows[1].after.empty());
}

TEST(BinlogRows, StatementsDdlAndXaAreMarked) {
  const auto tx = ParseBinlogText(R"(#261201 21:21:44 server id 1  end_log_pos 1 CRC32 0x1 	GTID 0-1-1 ddl
#261201 21:21:44 server id 1  end_log_pos 2 CRC32 0x2 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
use `test`/*!*/;
SET TIMESTAMP=1796160104/*!*/;
ALTER TABLE t ADD COLUMN c INT
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 3 CRC32 0x3 	GTID 0-1-2
#261201 21:21:44 server id 1  end_log_pos 4 CRC32 0x4 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
BEGIN
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 5 CRC32 0x5 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
/* E1 QNO 7 */ UPDATE t SET v = v + 1
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 6 CRC32 0x6 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
COMMIT
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 7 CRC32 0x7 	GTID 0-1-3
XA START X'31',X'',1
/*!*/;
)");
  ASSERT_EQ(tx.size(), 3u);
  EXPECT_TRUE(tx[1].one_phase) << "committed by a plain COMMIT";
  EXPECT_EQ(tx[1].end_pos, 6u);
  EXPECT_TRUE(tx[0].ddl);
  EXPECT_EQ(tx[0].first_statement, "ALTER TABLE t ADD COLUMN c INT");
  EXPECT_FALSE(tx[0].RowsTellAll());
  EXPECT_TRUE(tx[1].statements);
  EXPECT_EQ(tx[1].first_statement, "/* E1 QNO 7 */ UPDATE t SET v = v + 1");
  EXPECT_TRUE(tx[2].xa);
}

// An XA transaction's PREPARE group (with its rows) and its COMMIT or
// ROLLBACK groups, captured from 10.11 (XA START 'x1'; INSERT; XA END;
// XA PREPARE; XA COMMIT 'x1'; then 'xa' likewise, rolled back). The XID
// keeps its hex digits as logged.
TEST(BinlogRows, XaStepsAndTheirXidsAreRead) {
  const auto tx = ParseBinlogText(R"(#261202  3:04:08 server id 1  end_log_pos 698 CRC32 0x8fb81c87 	GTID 0-1-3 trans
/*M!100001 SET @@session.gtid_seq_no=3*//*!*/;
XA START X'7831',X'',1/*!*/;
# at 698
#261202  3:04:08 server id 1  end_log_pos 793 CRC32 0xf44bb2e6 	Table_map: `test`.`t` mapped to number 18
# at 793
#261202  3:04:08 server id 1  end_log_pos 831 CRC32 0xd6f034d6 	Write_rows: table id 18 flags: STMT_END_F
### INSERT INTO `test`.`t`
### SET
###   @1=1
# at 831
#261202  3:04:08 server id 1  end_log_pos 914 CRC32 0xee8246a0 	Query	thread_id=4	exec_time=0	error_code=0	xid=0
SET TIMESTAMP=1796180648/*!*/;
XA END X'7831',X'',1
/*!*/;
# at 914
#261202  3:04:08 server id 1  end_log_pos 952 CRC32 0xd63e2179 	XID = X'7831',X'',1
XA PREPARE X'7831',X'',1
/*!*/;
# at 952
#261202  3:04:08 server id 1  end_log_pos 996 CRC32 0x5462e56a 	GTID 0-1-4 trans
/*M!100001 SET @@session.gtid_seq_no=4*//*!*/;
# at 996
#261202  3:04:08 server id 1  end_log_pos 1082 CRC32 0xf8ab7597 	Query	thread_id=4	exec_time=0	error_code=0	xid=0
SET TIMESTAMP=1796180648/*!*/;
XA COMMIT X'7831',X'',1
/*!*/;
#261202  3:04:08 server id 1  end_log_pos 1632 CRC32 0xf38c0dc2 	GTID 0-1-7 trans
/*M!100001 SET @@session.gtid_seq_no=7*//*!*/;
#261202  3:04:08 server id 1  end_log_pos 1720 CRC32 0x79696d96 	Query	thread_id=4	exec_time=0	error_code=0	xid=0
SET TIMESTAMP=1796180648/*!*/;
XA ROLLBACK X'78ab',X'',1
/*!*/;
)");
  ASSERT_EQ(tx.size(), 3u);
  EXPECT_EQ(tx[0].xa_step, XaStep::kPrepare);
  EXPECT_EQ(tx[0].xid, "X'7831',X'',1");
  EXPECT_EQ(tx[0].rows.size(), 1u);
  EXPECT_FALSE(tx[0].one_phase);
  EXPECT_FALSE(tx[0].statements) << "XA END is not a statement of its own";
  EXPECT_EQ(tx[0].end_pos, 952u);
  EXPECT_EQ(tx[1].xa_step, XaStep::kCommit);
  EXPECT_EQ(tx[1].xid, "X'7831',X'',1");
  EXPECT_TRUE(tx[1].rows.empty());
  EXPECT_EQ(tx[2].xa_step, XaStep::kRollback);
  EXPECT_EQ(tx[2].xid, "X'78ab',X'',1");
}

// A transaction that changed a MEMORY table is logged with its InnoDB rows
// and the savepoints and rollbacks to them (captured from 10.11: BEGIN;
// INSERT i 20; SAVEPOINT a; INSERT m 21; INSERT i 22; SAVEPOINT b; INSERT i
// 23; ROLLBACK TO SAVEPOINT a; INSERT i 24; COMMIT). Rows 22 and 23 are
// undone on a transactional table; the MEMORY row went to its own event
// group before.
TEST(BinlogRows, ARollbackToASavepointMarksTheRowsItUndid) {
  const auto tx = ParseBinlogText(R"(#261202  0:00:07 server id 1  end_log_pos 658 CRC32 0xe4f5175b 	GTID 0-1-9
START TRANSACTION
/*!*/;
#261202  0:00:07 server id 1  end_log_pos 788 CRC32 0xae43e611 	Write_rows: table id 18 flags: STMT_END_F
### INSERT INTO `test`.`i`
### SET
###   @1=20
#261202  0:00:07 server id 1  end_log_pos 868 CRC32 0x8d904113 	Query	thread_id=6	exec_time=0	error_code=0	xid=0
SAVEPOINT `a`
/*!*/;
#261202  0:00:07 server id 1  end_log_pos 998 CRC32 0xfaf0c881 	Write_rows: table id 18 flags: STMT_END_F
### INSERT INTO `test`.`i`
### SET
###   @1=22
#261202  0:00:07 server id 1  end_log_pos 1078 CRC32 0x959d2ca1 	Query	thread_id=6	exec_time=0	error_code=0	xid=0
SAVEPOINT `b`
/*!*/;
#261202  0:00:07 server id 1  end_log_pos 1208 CRC32 0xcfc25ada 	Write_rows: table id 18 flags: STMT_END_F
### INSERT INTO `test`.`i`
### SET
###   @1=23
#261202  0:00:07 server id 1  end_log_pos 1290 CRC32 0xb3f566eb 	Query	thread_id=6	exec_time=0	error_code=0	xid=0
ROLLBACK TO `a`
/*!*/;
#261202  0:00:07 server id 1  end_log_pos 1420 CRC32 0x3c134245 	Write_rows: table id 18 flags: STMT_END_F
### INSERT INTO `test`.`i`
### SET
###   @1=24
#261202  0:00:07 server id 1  end_log_pos 1451 CRC32 0x6c6cb0ca 	Xid = 34
COMMIT/*!*/;
#261202  0:00:07 server id 1  end_log_pos 1500 CRC32 0x1 	GTID 0-1-10
START TRANSACTION
/*!*/;
### INSERT INTO `test`.`i`
### SET
###   @1=30
#261202  0:00:07 server id 1  end_log_pos 1600 CRC32 0x2 	Query	thread_id=6	exec_time=0	error_code=0	xid=0
ROLLBACK TO `b`
/*!*/;
#261202  0:00:07 server id 1  end_log_pos 1700 CRC32 0x3 	GTID 0-1-11
### INSERT INTO `test`.`tm`
### SET
###   @1=31
#261202  0:00:07 server id 1  end_log_pos 1800 CRC32 0x4 	Query	thread_id=6	exec_time=0	error_code=0	xid=0
ROLLBACK
/*!*/;
)");
  ASSERT_EQ(tx.size(), 3u);
  ASSERT_EQ(tx[0].rows.size(), 4u);
  EXPECT_TRUE(tx[0].RowsTellAll());
  EXPECT_FALSE(tx[0].rows[0].rolled_back) << "before savepoint a";
  EXPECT_TRUE(tx[0].rows[1].rolled_back) << "after a, before b";
  EXPECT_TRUE(tx[0].rows[2].rolled_back) << "after b";
  EXPECT_FALSE(tx[0].rows[3].rolled_back) << "after the rollback";
  // A savepoint this transaction's log does not show: what it undid is unknown.
  EXPECT_FALSE(tx[1].RowsTellAll());
  EXPECT_EQ(tx[1].first_statement, "ROLLBACK TO `b`");
  // A whole rollback logged (a temporary non-transactional table in it).
  ASSERT_EQ(tx[2].rows.size(), 1u);
  EXPECT_TRUE(tx[2].rows[0].rolled_back);
  EXPECT_TRUE(tx[2].RowsTellAll());
}

TEST(BinlogRows, StatementsThatChangeNoRowsAreTold) {
  EXPECT_TRUE(ChangesNoTableRows("ANALYZE TABLE t"));
  EXPECT_TRUE(ChangesNoTableRows("use `test`; ANALYZE TABLE `table100_aria_int_autoinc`"));  // SHOW BINLOG EVENTS
  EXPECT_FALSE(ChangesNoTableRows("use `test`; ALTER TABLE t ADD COLUMN c INT"));
  EXPECT_FALSE(ChangesNoTableRows("use `an; ALTER TABLE t FORCE"));
}

TEST(BinlogRows, TransactionControlIsToldFromStatements) {
  for (const char* s : {"BEGIN", "COMMIT", "ROLLBACK", "ROLLBACK TO `a`", "SAVEPOINT `a`", "release savepoint a",
                        "START TRANSACTION"}) {
    EXPECT_TRUE(IsTransactionControl(s)) << s;
  }
  for (const char* s : {"SAVEPOINTS", "UPDATE t SET v = 1", "BEGINNING"}) EXPECT_FALSE(IsTransactionControl(s)) << s;
}

// What a replay sends: each transaction's statements in log order, the
// Query events' with the database of their `use`, the row events' once
// per Annotate_rows (with the database of the rows), savepoints kept,
// BEGIN and COMMIT left to the replay.
TEST(BinlogRows, EachTransactionKeepsItsStatementsInLogOrder) {
  const auto tx = ParseBinlogText(R"(#261201 21:21:44 server id 1  end_log_pos 1 CRC32 0x1 	GTID 0-1-1 ddl
#261201 21:21:44 server id 1  end_log_pos 2 CRC32 0x2 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
use `db``1`/*!*/;
SET TIMESTAMP=1796160104/*!*/;
CREATE TABLE t (pk INT PRIMARY KEY, v INT)
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 3 CRC32 0x3 	GTID 0-1-2
#261201 21:21:44 server id 1  end_log_pos 4 CRC32 0x4 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
BEGIN
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 5 CRC32 0x5 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
UPDATE t SET v = UUID_SHORT()
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 6 CRC32 0x6 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
SAVEPOINT `A`
/*!*/;
#261201 21:21:44 server id 1  end_log_pos 7 CRC32 0x5946d8f3 	Annotate_rows:
#Q> insert into t values (1, 1),
#Q> (2, 2)
#261201 21:21:44 server id 1  end_log_pos 8 CRC32 0x1a05d546 	Table_map: `test`.`t` mapped to number 27
#261201 21:21:44 server id 1  end_log_pos 9 CRC32 0x5f1c95c5 	Write_rows: table id 27 flags: STMT_END_F
### INSERT INTO `test`.`t`
### SET
###   @1=1
###   @2=1
### INSERT INTO `test`.`t`
### SET
###   @1=2
###   @2=2
#261201 21:21:44 server id 1  end_log_pos 10 CRC32 0x6 	Query	thread_id=22	exec_time=0	error_code=0	xid=0
COMMIT
/*!*/;
)");
  ASSERT_EQ(tx.size(), 2u);
  ASSERT_EQ(tx[0].logged.size(), 1u);
  EXPECT_EQ(tx[0].logged[0].database, "db`1");
  EXPECT_EQ(tx[0].logged[0].text, "CREATE TABLE t (pk INT PRIMARY KEY, v INT)");
  ASSERT_EQ(tx[1].logged.size(), 3u) << "BEGIN and COMMIT are the replay's";
  EXPECT_EQ(tx[1].logged[0].text, "UPDATE t SET v = UUID_SHORT()");
  EXPECT_FALSE(tx[1].logged[0].row_events);
  EXPECT_EQ(tx[1].logged[1].text, "SAVEPOINT `A`");
  EXPECT_EQ(tx[1].logged[2].text, "insert into t values (1, 1),\n(2, 2)") << "once for its two rows";
  EXPECT_EQ(tx[1].logged[2].database, "test") << "the rows' database";
  EXPECT_TRUE(tx[1].logged[2].row_events);
}

// Read in pieces, a log gives the same transactions as read whole, and
// the last one begun stays until it ends.
TEST(BinlogRows, TakeFinishedLeavesTheTransactionInProgress) {
  BinlogTextParser p;
  std::vector<BinlogTransaction> got;
  std::string_view text = kRows;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    p.Line(text.substr(0, nl));
    for (BinlogTransaction& t : p.TakeFinished()) got.push_back(std::move(t));
    ASSERT_LE(p.transactions().size(), 1u);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  for (BinlogTransaction& t : p.Take()) got.push_back(std::move(t));
  const auto whole = ParseBinlogText(kRows);
  ASSERT_EQ(got.size(), whole.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].gtid, whole[i].gtid);
    ASSERT_EQ(got[i].rows.size(), whole[i].rows.size());
    for (size_t r = 0; r < got[i].rows.size(); ++r) EXPECT_EQ(got[i].rows[r].after, whole[i].rows[r].after);
  }
}

}  // namespace
}  // namespace randsync::backup
