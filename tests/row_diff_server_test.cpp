// Against the shared server: two databases stand for master (rs_diff_m) and
// slave (rs_diff_s); the same table in both, a planted difference in the
// slave. The plan is made once on the master and DiffChunk runs over every
// chunk; the exact kind, key and differing columns (both values) are
// checked. Then the fix SQL is applied to the slave and a new diff must find
// nothing: that proves the literals round-trip exactly (BLOBs, DOUBLEs,
// NULLs, every type in ManyTypesRoundTrip).
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/chunk_plan.h"
#include "checker/fix_sql.h"
#include "checker/row_diff.h"
#include "db/connection.h"
#include "db/dsn.h"
#include "tests/support/shared_server.h"

namespace randsync::checker {
namespace {

constexpr char kMaster[] = "rs_diff_m";
constexpr char kSlave[] = "rs_diff_s";
constexpr int kRows = 100;
constexpr uint64_t kChunkSize = 10;

using Value = std::optional<std::string>;
using Fields = std::vector<Value>;

std::string Show(const Value& v) { return v ? "'" + *v + "'" : "NULL"; }

std::string Describe(const ChunkDiff& d) {
  std::string out = "missing=" + std::to_string(d.missing) + " extra=" + std::to_string(d.extra) +
                    " different=" + std::to_string(d.different) + "\n";
  for (const RowDifference& r : d.rows) {
    out += std::string("  ") + ToString(r.kind) + " key";
    for (const Value& k : r.key_values) out += " " + TruncateForDisplay(k, 40);
    for (const ColumnDifference& c : r.columns) {
      out += " | " + c.column + ": " + TruncateForDisplay(c.master, 40) + " -> " +
             TruncateForDisplay(c.slave, 40);
    }
    out += "\n";
  }
  return out;
}

class RowDiffServerTest : public testsupport::SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    for (const char* db : {kMaster, kSlave}) {
      Exec(std::string("DROP DATABASE IF EXISTS ") + db);
      Exec(std::string("CREATE DATABASE ") + db);
    }
    ready_ = true;
    master_.emplace(db::ParseDsn(server().Dsn("test"), nullptr));
    slave_.emplace(db::ParseDsn(server().Dsn("test"), nullptr));
  }
  void TearDown() override {
    master_.reset();
    slave_.reset();
    if (!ready_) return;
    for (const char* db : {kMaster, kSlave}) Exec(std::string("DROP DATABASE IF EXISTS ") + db);
  }

  void CreateBoth(const std::string& table, const std::string& ddl) {
    Exec(std::string("CREATE TABLE ") + kMaster + "." + table + ddl);
    Exec(std::string("CREATE TABLE ") + kSlave + "." + table + ddl);
  }

  // `rows` into the master ascending and the slave descending: another
  // physical history, the same rows.
  void InsertBoth(const std::string& table, const std::vector<std::string>& rows) {
    std::string asc, desc;
    for (size_t i = 0; i < rows.size(); ++i) {
      asc += (i ? ", " : "") + rows[i];
      desc += (i ? ", " : "") + rows[rows.size() - 1 - i];
    }
    Exec(std::string("INSERT INTO ") + kMaster + "." + table + " VALUES " + asc);
    Exec(std::string("INSERT INTO ") + kSlave + "." + table + " VALUES " + desc);
  }

  // pk 1..100; chunk size 10 makes 10 chunks.
  void CreateMainTable() {
    CreateBoth("t",
               " (pk INT NOT NULL PRIMARY KEY, s1 VARCHAR(20) NULL, s2 VARCHAR(20) NULL,"
               " v VARCHAR(20) NULL, d DOUBLE NULL, m DECIMAL(20,10) NULL,"
               " ci VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,"
               " b LONGBLOB NULL) ENGINE=InnoDB");
    std::vector<std::string> rows;
    for (int pk = 1; pk <= kRows; ++pk) {
      const std::string p = std::to_string(pk);
      rows.push_back("(" + p + ", 's" + p + "', 't', 'v', " + p + "/3e0, " + p + "/7, 'abc', REPEAT('b', " +
                     p + "))");
    }
    InsertBoth("t", rows);
    // The plan's equal-width ranges come from the row estimate; a background
    // statistics update may still leave it at 101 or 110 (one more chunk).
    // ANALYZE reads every page of so small a table: the estimate is exact.
    master_->Execute(std::string("ANALYZE TABLE ") + kMaster + ".t");
  }

  TablePlan Plan(const std::string& table, uint64_t chunk_size = kChunkSize) {
    return PlanTable(*master_, kMaster, table, chunk_size);
  }

  // DiffChunk over every chunk, merged (chunks are in key order, so the
  // merged list is in key order chunk by chunk).
  ChunkDiff DiffAll(const TablePlan& plan, const DiffOptions& options = {}) {
    ChunkDiff all;
    for (size_t i = 0; i < plan.chunks.size(); ++i) {
      ChunkDiff d = DiffChunk(*master_, kMaster, *slave_, kSlave, plan, i, options);
      all.missing += d.missing;
      all.extra += d.extra;
      all.different += d.different;
      for (auto& r : d.rows) all.rows.push_back(std::move(r));
    }
    return all;
  }

  // Diffs, applies the fix SQL to the slave, and repeats until no chunk
  // differs; returns the number of rounds that found differences (fails
  // after 10).
  int FixUntilClean(const TablePlan& plan, const DiffOptions& options = {}) {
    for (int round = 0; round < 10; ++round) {
      bool found = false;
      for (size_t i = 0; i < plan.chunks.size(); ++i) {
        const ChunkDiff d = DiffChunk(*master_, kMaster, *slave_, kSlave, plan, i, options);
        if (d.empty()) continue;
        found = true;
        for (const std::string& sql : FixStatements(plan, kSlave, d)) {
          SCOPED_TRACE(sql.size() > 2000 ? sql.substr(0, 2000) + "..." : sql);
          const uint64_t affected = slave_->Execute(sql);
          EXPECT_GE(affected, 1u) << "fix statement changed nothing";
        }
      }
      if (!found) return round;
    }
    ADD_FAILURE() << "fix SQL did not converge: " << Describe(DiffAll(plan));
    return -1;
  }

  // Applies the statements (either may be empty) to the main table and
  // expects exactly one different row, `pk`, with exactly `columns`
  // differing; then fixes it.
  void ExpectDifferentColumns(int pk, const std::string& on_master, const std::string& on_slave,
                              const std::vector<ColumnDifference>& columns) {
    CreateMainTable();
    const TablePlan plan = Plan("t");
    ASSERT_EQ(plan.chunks.size(), 10u);
    ASSERT_TRUE(DiffAll(plan).empty());
    if (!on_master.empty()) Exec(on_master);
    if (!on_slave.empty()) Exec(on_slave);
    const ChunkDiff d = DiffAll(plan);
    SCOPED_TRACE(Describe(d));
    EXPECT_EQ(d.different, 1u);
    EXPECT_EQ(d.missing + d.extra, 0u);
    ASSERT_EQ(d.rows.size(), 1u);
    const RowDifference& r = d.rows[0];
    EXPECT_EQ(r.kind, RowDiffKind::kDifferent);
    EXPECT_EQ(r.key_columns, std::vector<std::string>{"pk"});
    EXPECT_EQ(r.key_values, Fields{std::to_string(pk)});
    ASSERT_EQ(r.columns.size(), columns.size());
    for (size_t i = 0; i < columns.size(); ++i) {
      EXPECT_EQ(r.columns[i].column, columns[i].column);
      EXPECT_EQ(r.columns[i].master, columns[i].master) << Show(r.columns[i].master);
      EXPECT_EQ(r.columns[i].slave, columns[i].slave) << Show(r.columns[i].slave);
    }
    EXPECT_EQ(r.master_row.size(), plan.columns.size());
    EXPECT_EQ(r.slave_row.size(), plan.columns.size());
    EXPECT_EQ(FixUntilClean(plan), 1);
  }

  std::optional<db::Connection> master_, slave_;
  bool ready_ = false;
};

TEST_F(RowDiffServerTest, RowMissingOnSlave) {
  CreateMainTable();
  const TablePlan plan = Plan("t");
  Exec(std::string("DELETE FROM ") + kSlave + ".t WHERE pk = 37");
  const ChunkDiff d = DiffAll(plan);
  SCOPED_TRACE(Describe(d));
  EXPECT_EQ(d.missing, 1u);
  EXPECT_EQ(d.extra + d.different, 0u);
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.rows[0].kind, RowDiffKind::kMissingOnSlave);
  EXPECT_EQ(d.rows[0].key_values, Fields{"37"});
  ASSERT_EQ(d.rows[0].master_row.size(), 8u);
  EXPECT_EQ(d.rows[0].master_row[1], "s37");
  EXPECT_TRUE(d.rows[0].slave_row.empty());
  EXPECT_TRUE(d.rows[0].columns.empty());
  EXPECT_EQ(FixStatement(plan, kSlave, d.rows[0]).rfind("INSERT INTO `rs_diff_s`.`t` (`pk`, ", 0), 0u);
  EXPECT_EQ(FixUntilClean(plan), 1);
}

TEST_F(RowDiffServerTest, ExtraRowsOnSlaveBelowAndAboveEveryKey) {
  CreateMainTable();
  const TablePlan plan = Plan("t");
  Exec(std::string("INSERT INTO ") + kSlave + ".t (pk, s1) VALUES (1000, 'new'), (-5, NULL)");
  const ChunkDiff d = DiffAll(plan);
  SCOPED_TRACE(Describe(d));
  EXPECT_EQ(d.extra, 2u);
  EXPECT_EQ(d.missing + d.different, 0u);
  ASSERT_EQ(d.rows.size(), 2u);
  // -5 lands in the first chunk, 1000 in the last.
  EXPECT_EQ(d.rows[0].kind, RowDiffKind::kExtraOnSlave);
  EXPECT_EQ(d.rows[0].key_values, Fields{"-5"});
  EXPECT_EQ(d.rows[1].key_values, Fields{"1000"});
  ASSERT_EQ(d.rows[1].slave_row.size(), 8u);
  EXPECT_EQ(d.rows[1].slave_row[1], "new");
  EXPECT_TRUE(d.rows[1].master_row.empty());
  EXPECT_EQ(FixStatement(plan, kSlave, d.rows[0]), "DELETE FROM `rs_diff_s`.`t` WHERE `pk` = -5 LIMIT 1");
  EXPECT_EQ(FixUntilClean(plan), 1);
}

TEST_F(RowDiffServerTest, OneColumnChanged) {
  ExpectDifferentColumns(55, "", std::string("UPDATE ") + kSlave + ".t SET s1 = 'changed' WHERE pk = 55",
                         {{"s1", "s55", "changed"}});
}

TEST_F(RowDiffServerTest, NullVersusEmptyString) {
  ExpectDifferentColumns(12, std::string("UPDATE ") + kMaster + ".t SET s1 = NULL WHERE pk = 12",
                         std::string("UPDATE ") + kSlave + ".t SET s1 = '' WHERE pk = 12",
                         {{"s1", std::nullopt, ""}});
}

TEST_F(RowDiffServerTest, NullVersusTheWordNull) {
  ExpectDifferentColumns(23, std::string("UPDATE ") + kMaster + ".t SET s1 = NULL WHERE pk = 23",
                         std::string("UPDATE ") + kSlave + ".t SET s1 = 'NULL' WHERE pk = 23",
                         {{"s1", std::nullopt, "NULL"}});
}

TEST_F(RowDiffServerTest, BytesShiftedAcrossAColumnBoundary) {
  ExpectDifferentColumns(34, std::string("UPDATE ") + kMaster + ".t SET s1 = 'ab', s2 = 'c' WHERE pk = 34",
                         std::string("UPDATE ") + kSlave + ".t SET s1 = 'a', s2 = 'bc' WHERE pk = 34",
                         {{"s1", "ab", "a"}, {"s2", "c", "bc"}});
}

TEST_F(RowDiffServerTest, TrailingSpaceInVarchar) {
  ExpectDifferentColumns(45, std::string("UPDATE ") + kMaster + ".t SET v = 'x' WHERE pk = 45",
                         std::string("UPDATE ") + kSlave + ".t SET v = 'x ' WHERE pk = 45",
                         {{"v", "x", "x "}});
}

TEST_F(RowDiffServerTest, LastBitOfADouble) {
  ExpectDifferentColumns(66, std::string("UPDATE ") + kMaster + ".t SET d = 0.3e0 WHERE pk = 66",
                         std::string("UPDATE ") + kSlave + ".t SET d = 0.1e0 + 0.2e0 WHERE pk = 66",
                         {{"d", "0.3", "0.30000000000000004"}});
}

TEST_F(RowDiffServerTest, LastDigitOfADecimal) {
  ExpectDifferentColumns(77, std::string("UPDATE ") + kMaster + ".t SET m = 1234567890.0000000001 WHERE pk = 77",
                         std::string("UPDATE ") + kSlave + ".t SET m = 1234567890.0000000002 WHERE pk = 77",
                         {{"m", "1234567890.0000000001", "1234567890.0000000002"}});
}

TEST_F(RowDiffServerTest, CaseOnlyChangeInACaseInsensitiveColumn) {
  ExpectDifferentColumns(88, "", std::string("UPDATE ") + kSlave + ".t SET ci = 'ABC' WHERE pk = 88",
                         {{"ci", "abc", "ABC"}});
}

TEST_F(RowDiffServerTest, TwoMegabyteBlobDifferingAtByteOneMillion) {
  CreateMainTable();
  const TablePlan plan = Plan("t");
  Exec(std::string("UPDATE ") + kMaster + ".t SET b = REPEAT('x', 2000000) WHERE pk = 5");
  Exec(std::string("UPDATE ") + kSlave + ".t SET b = INSERT(REPEAT('x', 2000000), 1000000, 1, 'y') WHERE pk = 5");
  const ChunkDiff d = DiffAll(plan);
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.different, 1u);
  EXPECT_EQ(d.rows[0].key_values, Fields{"5"});
  ASSERT_EQ(d.rows[0].columns.size(), 1u);
  const ColumnDifference& c = d.rows[0].columns[0];
  EXPECT_EQ(c.column, "b");
  ASSERT_TRUE(c.master && c.slave);
  // Full values are kept...
  ASSERT_EQ(c.master->size(), 2000000u);
  ASSERT_EQ(c.slave->size(), 2000000u);
  EXPECT_EQ(c.master->find_first_not_of('x'), std::string::npos);
  EXPECT_EQ(c.slave->find_first_not_of('x'), 999999u);
  EXPECT_EQ((*c.slave)[999999], 'y');
  // ...and shown cut.
  EXPECT_EQ(TruncateForDisplay(c.master, 64), "'" + std::string(64, 'x') + "'\u2026(2000000 bytes)");
  EXPECT_EQ(FixUntilClean(plan), 1);
}

TEST_F(RowDiffServerTest, DuplicatedRowInATableWithoutKey) {
  CreateBoth("nk", " (x INT, y VARCHAR(10)) ENGINE=InnoDB");
  std::vector<std::string> rows;
  for (int i = 0; i < 20; ++i) rows.push_back("(" + std::to_string(i % 7) + ", 'r" + std::to_string(i) + "')");
  InsertBoth("nk", rows);
  const TablePlan plan = Plan("nk", 5);
  ASSERT_TRUE(plan.key.empty());
  ASSERT_TRUE(DiffAll(plan).empty());
  Exec(std::string("INSERT INTO ") + kSlave + ".nk VALUES (3, 'r3')");
  const ChunkDiff d = DiffAll(plan);
  SCOPED_TRACE(Describe(d));
  EXPECT_EQ(d.extra, 1u);
  EXPECT_EQ(d.missing + d.different, 0u);
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.rows[0].kind, RowDiffKind::kExtraOnSlave);
  EXPECT_EQ(d.rows[0].count, 1u);
  EXPECT_EQ(d.rows[0].key_columns, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(d.rows[0].key_values, (Fields{"3", "r3"}));
  EXPECT_EQ(d.rows[0].slave_row, (Fields{"3", "r3"}));
  EXPECT_EQ(FixStatement(plan, kSlave, d.rows[0]),
            "DELETE FROM `rs_diff_s`.`nk` WHERE `x` = 3 AND `y` = _utf8mb4'r3' COLLATE utf8mb4_nopad_bin LIMIT 1");
  EXPECT_EQ(FixUntilClean(plan), 1);
}

// Copies counted per row; the DELETE of a keyless row must hit only the
// exact bytes, not a row that is equal by collation (case, trailing space).
TEST_F(RowDiffServerTest, KeylessCopiesAndCollationEqualRows) {
  CreateBoth("nk", " (x INT, y VARCHAR(10) COLLATE utf8mb4_general_ci NULL) ENGINE=InnoDB");
  InsertBoth("nk", {"(1, 'r1')", "(2, 'r2')", "(4, 'r4')", "(5, NULL)"});
  const TablePlan plan = Plan("nk");
  Exec(std::string("INSERT INTO ") + kSlave + ".nk VALUES (1, 'r1'), (1, 'r1'), (1, 'r1'), (4, 'R4'), (4, 'r4 ')");
  Exec(std::string("DELETE FROM ") + kSlave + ".nk WHERE x = 5");
  const ChunkDiff d = DiffAll(plan);
  SCOPED_TRACE(Describe(d));
  EXPECT_EQ(d.extra, 5u);
  EXPECT_EQ(d.missing, 1u);
  ASSERT_EQ(d.rows.size(), 4u);
  // Key text order: ("1","r1") < ("4","R4") < ("4","r4 ") < ("5",NULL).
  EXPECT_EQ(d.rows[0].key_values, (Fields{"1", "r1"}));
  EXPECT_EQ(d.rows[0].count, 3u);
  EXPECT_EQ(d.rows[1].key_values, (Fields{"4", "R4"}));
  EXPECT_EQ(d.rows[2].key_values, (Fields{"4", "r4 "}));
  EXPECT_EQ(d.rows[3].kind, RowDiffKind::kMissingOnSlave);
  EXPECT_EQ(d.rows[3].key_values, (Fields{"5", std::nullopt}));
  EXPECT_EQ(FixUntilClean(plan), 1);
  EXPECT_EQ(QueryValue(std::string("SELECT COUNT(*) FROM ") + kSlave + ".nk WHERE BINARY y = 'r4'"), "1");
}

TEST_F(RowDiffServerTest, SameRowsInReverseOrderAndRebuiltShowNothing) {
  CreateMainTable();  // the slave's rows were inserted in reverse order
  Exec(std::string("ALTER TABLE ") + kSlave + ".t FORCE");
  for (uint64_t chunk_size : {uint64_t{1}, kChunkSize, uint64_t{1000}}) {
    const ChunkDiff d = DiffAll(Plan("t", chunk_size));
    EXPECT_TRUE(d.empty()) << Describe(d);
    EXPECT_TRUE(d.rows.empty());
  }
}

TEST_F(RowDiffServerTest, MaxRowsLimitsTheListNotTheCount) {
  CreateMainTable();
  const TablePlan plan = Plan("t");
  Exec(std::string("DELETE FROM ") + kSlave + ".t WHERE pk BETWEEN 41 AND 45");
  DiffOptions options;
  options.max_rows = 2;
  const ChunkDiff d = DiffChunk(*master_, kMaster, *slave_, kSlave, plan, 4, options);
  EXPECT_EQ(d.missing, 5u);
  ASSERT_EQ(d.rows.size(), 2u);
  EXPECT_EQ(d.rows[0].key_values, Fields{"41"});
  EXPECT_EQ(d.rows[1].key_values, Fields{"42"});
  EXPECT_EQ(DiffAll(plan, options).missing, 5u);
  // Two listed rows fixed per round: three rounds.
  EXPECT_EQ(FixUntilClean(plan, options), 3);
}

TEST_F(RowDiffServerTest, CompositePrimaryKey) {
  CreateBoth("ck", " (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b)) ENGINE=InnoDB");
  std::vector<std::string> rows;
  for (int i = 0; i < 50; ++i) {
    rows.push_back("(" + std::to_string(i / 5) + ", 'k" + std::to_string(i % 5) + "', " + std::to_string(i) + ")");
  }
  InsertBoth("ck", rows);
  const TablePlan plan = Plan("ck", 7);
  ASSERT_EQ(plan.key, (std::vector<std::string>{"a", "b"}));
  Exec(std::string("UPDATE ") + kSlave + ".ck SET v = NULL WHERE a = 4 AND b = 'k3'");
  Exec(std::string("DELETE FROM ") + kSlave + ".ck WHERE a = 2 AND b = 'k1'");
  Exec(std::string("INSERT INTO ") + kSlave + ".ck VALUES (9, 'zz', 1)");
  const ChunkDiff d = DiffAll(plan);
  SCOPED_TRACE(Describe(d));
  EXPECT_EQ(d.missing, 1u);
  EXPECT_EQ(d.extra, 1u);
  EXPECT_EQ(d.different, 1u);
  ASSERT_EQ(d.rows.size(), 3u);
  EXPECT_EQ(d.rows[0].kind, RowDiffKind::kMissingOnSlave);
  EXPECT_EQ(d.rows[0].key_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.rows[0].key_values, (Fields{"2", "k1"}));
  EXPECT_EQ(d.rows[1].kind, RowDiffKind::kDifferent);
  EXPECT_EQ(d.rows[1].key_values, (Fields{"4", "k3"}));
  ASSERT_EQ(d.rows[1].columns.size(), 1u);
  EXPECT_EQ(d.rows[1].columns[0].column, "v");
  EXPECT_EQ(d.rows[1].columns[0].master, "23");
  EXPECT_EQ(d.rows[1].columns[0].slave, std::nullopt);
  EXPECT_EQ(FixStatement(plan, kSlave, d.rows[1]),
            "UPDATE `rs_diff_s`.`ck` SET `v` = 23 WHERE `a` = 4 AND `b` = 'k3' LIMIT 1");
  EXPECT_EQ(d.rows[2].kind, RowDiffKind::kExtraOnSlave);
  EXPECT_EQ(d.rows[2].key_values, (Fields{"9", "zz"}));
  EXPECT_EQ(FixUntilClean(plan), 1);
}

// Keys are compared as exact bytes: a case-only change of a key in a _ci
// column is one missing and one extra row; the fix (DELETE first) works.
TEST_F(RowDiffServerTest, CaseOnlyChangeOfACaseInsensitiveKey) {
  CreateBoth("ck", " (k VARCHAR(10) COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB");
  InsertBoth("ck", {"('abc', 1)", "('def', 2)", "('ghi', 3)"});
  const TablePlan plan = Plan("ck", 2);
  Exec(std::string("UPDATE ") + kSlave + ".ck SET k = 'ABC' WHERE k = 'abc'");
  const ChunkDiff d = DiffAll(plan);
  SCOPED_TRACE(Describe(d));
  EXPECT_EQ(d.missing, 1u);
  EXPECT_EQ(d.extra, 1u);
  EXPECT_EQ(d.different, 0u);
  ASSERT_EQ(d.rows.size(), 2u);
  EXPECT_EQ(d.rows[0].kind, RowDiffKind::kExtraOnSlave);  // 'ABC' < 'abc' as bytes
  EXPECT_EQ(d.rows[0].key_values, Fields{"ABC"});
  EXPECT_EQ(d.rows[1].kind, RowDiffKind::kMissingOnSlave);
  EXPECT_EQ(d.rows[1].key_values, Fields{"abc"});
  EXPECT_EQ(FixUntilClean(plan), 1);
}

// Every literal round-trips: one row changed in every column, one missing,
// one extra; and the same rows in a keyless table, where the DELETE must
// match a row exactly by every column of every type.
TEST_F(RowDiffServerTest, ManyTypesRoundTrip) {
  const std::string cols =
      "f FLOAT, d DOUBLE, dec1 DECIMAL(30,20), ub BIGINT UNSIGNED, bt BIT(12), vb VARBINARY(20),"
      " bn BINARY(4), dt DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(3), dte DATE, yr YEAR,"
      " e ENUM('a','b','C'), st SET('x','y'), j JSON, tx TEXT CHARACTER SET utf8mb4,"
      " lat VARCHAR(20) CHARACTER SET latin1,"
      " g POINT NULL";
  const std::vector<std::string> values = {
      "0.1, 0.1e0 + 0.2e0, 1.00000000000000000001, 18446744073709551615, b'101010101010', X'00FF5C27',"
      " X'0102', '2024-02-29 23:59:59.000001', '2024-03-01 00:00:00.5', '-838:59:59.999', '2024-02-29', 2024,"
      " 'C', 'x,y', '{\"k\": [1, \"x\"]}',"
      // a\b'<newline>é<NUL>z: backslash, quote, control, non-ASCII
      " _utf8mb4 X'615C62270AC3A9007A', _utf8mb4 X'C3A9', ST_GeomFromText('POINT(1 2)')",
      "-3.4e38, -1.7976931348623157e308, -0.00000000000000000001, 0, b'0', X'', X'FFFFFFFF',"
      " '1000-01-01 00:00:00', NULL, '00:00:00', '1000-01-01', 1901, 'a', '', '[]', '', 'x', NULL",
      "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
  };
  CreateBoth("ty", " (pk INT NOT NULL PRIMARY KEY, " + cols + ") ENGINE=InnoDB");
  CreateBoth("tyk", " (" + cols + ") ENGINE=InnoDB");
  std::vector<std::string> keyed, keyless;
  for (size_t i = 0; i < values.size(); ++i) {
    keyed.push_back("(" + std::to_string(i + 1) + ", " + values[i] + ")");
    keyless.push_back("(" + values[i] + ")");
  }
  InsertBoth("ty", keyed);
  InsertBoth("tyk", keyless);
  const TablePlan plan = Plan("ty", 2);
  const TablePlan keyless_plan = Plan("tyk", 2);
  ASSERT_TRUE(DiffAll(plan).empty());
  ASSERT_TRUE(DiffAll(keyless_plan).empty());

  // Keyed: row 1 gets row 2's values everywhere, row 3 is deleted, row 4 is new.
  Exec(std::string("DELETE FROM ") + kSlave + ".ty WHERE pk IN (1, 3)");
  Exec(std::string("INSERT INTO ") + kSlave + ".ty VALUES (1, " + values[1] + "), (4, " + values[0] + ")");
  ChunkDiff d = DiffAll(plan);
  SCOPED_TRACE(Describe(d));
  EXPECT_EQ(d.different, 1u);
  EXPECT_EQ(d.missing, 1u);
  EXPECT_EQ(d.extra, 1u);
  ASSERT_FALSE(d.rows.empty());
  EXPECT_EQ(d.rows[0].columns.size(), 18u);  // every column but pk
  for (const ColumnDifference& c : d.rows[0].columns) {
    if (c.column == "tx") {
      EXPECT_EQ(c.master, std::string("a\\b'\n\xC3\xA9\0z", 9));
    } else if (c.column == "lat") {
      EXPECT_EQ(c.master, "\xC3\xA9");  // latin1 é, read as utf8mb4
    } else if (c.column == "f") {
      EXPECT_EQ(c.slave, "-3.4e38");
    }
  }
  const std::string update = FixStatement(plan, kSlave, d.rows[0]);
  EXPECT_NE(update.find("`tx` = _utf8mb4 X'615C62270AC3A9007A'"), std::string::npos) << update;
  EXPECT_NE(update.find("`bt` = X'0AAA'"), std::string::npos) << update;
  EXPECT_EQ(FixUntilClean(plan), 1);

  // Keyless: an extra copy of every row (each DELETE must match its row
  // exactly through every type) and one row missing.
  Exec(std::string("INSERT INTO ") + kSlave + ".tyk SELECT * FROM " + kMaster + ".tyk");
  Exec(std::string("DELETE FROM ") + kSlave + ".tyk WHERE f IS NULL LIMIT 2");
  d = DiffAll(keyless_plan);
  EXPECT_EQ(d.extra, 2u);
  EXPECT_EQ(d.missing, 1u);
  EXPECT_EQ(FixUntilClean(keyless_plan), 1);
}

TEST(RowDiffDisplay, TruncateForDisplay) {
  EXPECT_EQ(TruncateForDisplay(std::nullopt, 10), "NULL");
  EXPECT_EQ(TruncateForDisplay(std::string("NULL"), 10), "'NULL'");
  EXPECT_EQ(TruncateForDisplay(std::string(""), 10), "''");
  EXPECT_EQ(TruncateForDisplay(std::string("it's"), 10), "'it''s'");
  EXPECT_EQ(TruncateForDisplay(std::string("abcdef"), 4), "'abcd'\u2026(6 bytes)");
  // "é" is 2 bytes: a cut at 4 bytes of "aaaé" keeps whole characters only.
  EXPECT_EQ(TruncateForDisplay(std::string("aaa\u00e9b"), 4), "'aaa'\u2026(6 bytes)");
  EXPECT_EQ(TruncateForDisplay(std::string("\xff\x00\x01", 3), 64), "0xff0001");
  EXPECT_EQ(TruncateForDisplay(std::string("\xff\x00\x01\x02", 4), 4), "0xff00\u2026(4 bytes)");
}

}  // namespace
}  // namespace randsync::checker
