// Against the shared server: chunks planned once (on database rs_hash_a) and
// hashed on two databases holding the same table; planted differences must
// show up in exactly the chunk that holds the row, and the same rows stored
// in another order must not show up at all.
#include <sys/resource.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/chunk_plan.h"
#include "checker/row_hash.h"
#include "checker/table_hasher.h"
#include "db/connection.h"
#include "db/dsn.h"
#include "tests/support/shared_server.h"

namespace randsync::checker {
namespace {

constexpr int kRows = 100;
constexpr uint64_t kChunkSize = 10;

// pk 1..100 with chunk size 10: boundaries 11, 21, ..., 91; the first and
// last chunks are open-ended.
size_t ChunkOfPk(int pk) {
  if (pk <= 0) return 0;
  if (pk > kRows) return kRows / kChunkSize - 1;
  return static_cast<size_t>((pk - 1) / 10);
}

class TableHashServerTest : public testsupport::SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    for (const char* db : {"rs_hash_a", "rs_hash_b"}) {
      Exec(std::string("DROP DATABASE IF EXISTS ") + db);
      Exec(std::string("CREATE DATABASE ") + db);
    }
    ready_ = true;
    conn_.emplace(db::ParseDsn(server().Dsn("test"), nullptr));
  }
  void TearDown() override {
    conn_.reset();
    if (!ready_) return;
    for (const char* db : {"rs_hash_a", "rs_hash_b"}) Exec(std::string("DROP DATABASE IF EXISTS ") + db);
  }

  // The main table in both databases: rows 1..100 inserted ascending in a,
  // descending in b.
  void CreateMainTable() {
    const std::string ddl =
        " (pk INT NOT NULL PRIMARY KEY, s1 VARCHAR(20) NULL, s2 VARCHAR(20) NULL,"
        " v VARCHAR(20) NULL, d DOUBLE NULL, m DECIMAL(20,10) NULL,"
        " ci VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL,"
        " b LONGBLOB NULL) ENGINE=InnoDB";
    Exec("CREATE TABLE rs_hash_a.t" + ddl);
    Exec("CREATE TABLE rs_hash_b.t" + ddl);
    std::vector<std::string> rows;
    for (int pk = 1; pk <= kRows; ++pk) {
      const std::string p = std::to_string(pk);
      rows.push_back("(" + p + ", 's" + p + "', 't', 'v', " + p + "/3e0, " + p +
                     "/7, 'abc', REPEAT('b', " + p + "))");
    }
    InsertRows("rs_hash_a.t", rows, false);
    InsertRows("rs_hash_b.t", rows, true);
    // The plan's equal-width ranges come from the row estimate; a background
    // statistics update may still leave it at 101 or 110 (one more chunk).
    // ANALYZE reads every page of so small a table: the estimate is exact.
    Exec("ANALYZE TABLE rs_hash_a.t");
  }

  void InsertRows(const std::string& table, const std::vector<std::string>& rows, bool reverse) {
    std::string sql = "INSERT INTO " + table + " VALUES ";
    for (size_t i = 0; i < rows.size(); ++i) {
      sql += (i ? ", " : "") + rows[reverse ? rows.size() - 1 - i : i];
    }
    Exec(sql);
  }

  TablePlan Plan(const std::string& table, uint64_t chunk_size = kChunkSize) {
    return PlanTable(*conn_, "rs_hash_a", table, chunk_size);
  }

  std::vector<size_t> DifferingChunks(const TablePlan& plan) {
    std::vector<size_t> out;
    std::vector<ChunkDigest> a, b;
    for (size_t i = 0; i < plan.chunks.size(); ++i) {
      a.push_back(HashChunk(*conn_, plan, i, "rs_hash_a"));
      b.push_back(HashChunk(*conn_, plan, i, "rs_hash_b"));
      if (a.back() != b.back()) out.push_back(i);
    }
    // An integer-keyed table can also be read in runs of chunks cut apart
    // by the client (what the check does): every planted difference must
    // land in the same chunks that way.
    if (!plan.integer_key_columns().empty()) {
      ExpectRunsMatch(plan, "rs_hash_a", a);
      ExpectRunsMatch(plan, "rs_hash_b", b);
    }
    return out;
  }

  // HashChunk of every chunk of `plan` in `database`, in order.
  std::vector<ChunkDigest> HashEveryChunk(const TablePlan& plan, const std::string& database) {
    std::vector<ChunkDigest> out;
    for (size_t i = 0; i < plan.chunks.size(); ++i) out.push_back(HashChunk(*conn_, plan, i, database));
    return out;
  }

  static uint64_t TotalRows(const std::vector<ChunkDigest>& digests) {
    uint64_t total = 0;
    for (const ChunkDigest& d : digests) total += d.rows;
    return total;
  }

  // HashChunkRun over the whole table and over two runs split in the middle
  // gives chunk for chunk the digests of `expected` (HashChunk's).
  void ExpectRunsMatch(const TablePlan& plan, const std::string& database,
                       const std::vector<ChunkDigest>& expected) {
    RowHasher hasher;
    const size_t n = plan.chunks.size();
    std::vector<ChunkDigest> reported;  // by the progress callback, as each chunk ends
    EXPECT_EQ(HashChunkRun(*conn_, plan, 0, n, database, hasher,
                           [&](const ChunkDigest& d) { reported.push_back(d); }),
              expected)
        << database << " as one run";
    EXPECT_EQ(reported, expected) << database << ": chunk_done once per chunk, in order";
    if (n < 3) return;
    std::vector<ChunkDigest> split = HashChunkRun(*conn_, plan, 0, n / 2, database, hasher);
    for (const ChunkDigest& d : HashChunkRun(*conn_, plan, n / 2, n, database, hasher)) split.push_back(d);
    EXPECT_EQ(split, expected) << database << " as two runs";
  }

  // Applies `on_a` to a and `on_b` to b (either may be empty), then expects
  // exactly chunk ChunkOfPk(pk) of the main table to differ.
  void ExpectOnlyChunkOfPk(int pk, const std::string& on_a, const std::string& on_b) {
    CreateMainTable();
    const TablePlan plan = Plan("t");
    ASSERT_EQ(plan.chunks.size(), 10u);
    ASSERT_TRUE(DifferingChunks(plan).empty());
    if (!on_a.empty()) Exec(on_a);
    if (!on_b.empty()) Exec(on_b);
    EXPECT_EQ(DifferingChunks(plan), std::vector<size_t>{ChunkOfPk(pk)});
  }

  std::optional<db::Connection> conn_;
  bool ready_ = false;
};

TEST_F(TableHashServerTest, PlanCoversEveryRowOnceInKeyRanges) {
  CreateMainTable();
  const TablePlan plan = Plan("t");
  EXPECT_EQ(plan.key_name, "PRIMARY");
  EXPECT_EQ(plan.key, std::vector<std::string>{"pk"});
  ASSERT_EQ(plan.columns.size(), 8u);
  EXPECT_EQ(plan.columns[4].data_type, "double");
  ASSERT_EQ(plan.chunks.size(), 10u);
  EXPECT_TRUE(plan.chunks.front().lower.empty());
  EXPECT_TRUE(plan.chunks.back().upper.empty());
  EXPECT_EQ(plan.chunks[1].lower, std::vector<std::string>{"11"});
  uint64_t total = 0;
  for (size_t i = 0; i < plan.chunks.size(); ++i) {
    const ChunkDigest d = HashChunk(*conn_, plan, i);
    EXPECT_EQ(d.rows, kChunkSize) << "chunk " << i << ": " << plan.SelectSql(i);
    total += d.rows;
  }
  EXPECT_EQ(total, static_cast<uint64_t>(kRows));
}

// Single integer keys are planned from MIN/MAX and the row estimate when
// dense, by the keyset walk when sparse; either way every row is in exactly
// one chunk and chunks stay near the requested size.
TEST_F(TableHashServerTest, IntegerKeysDenseAndSparseCoverEveryRowOnce) {
  struct Case {
    const char* name;
    const char* key_expr;  // of seq 1..5000
  };
  for (const Case& c : {Case{"dense", "seq * 2"}, Case{"sparse", "seq * seq * 1000"},
                        Case{"negative", "CAST(seq AS SIGNED) - 2500"}}) {
    SCOPED_TRACE(c.name);
    const std::string table = std::string("int_") + c.name;
    Exec("CREATE TABLE rs_hash_a." + table + " (k BIGINT NOT NULL PRIMARY KEY, v INT)");
    Exec("INSERT INTO rs_hash_a." + table + " SELECT " + c.key_expr + ", seq FROM seq_1_to_5000");
    Exec("ANALYZE TABLE rs_hash_a." + table);
    TablePlan plan = PlanTable(*conn_, "rs_hash_a", table, 500);
    EXPECT_GE(plan.chunks.size(), 5u);
    EXPECT_LE(plan.chunks.size(), 30u);
    uint64_t total = 0;
    for (size_t i = 0; i < plan.chunks.size(); ++i) {
      const ChunkDigest d = HashChunk(*conn_, plan, i);
      EXPECT_LE(d.rows, 2000u) << plan.SelectSql(i);
      total += d.rows;
    }
    EXPECT_EQ(total, 5000u);
    // Rows outside the planned span still land in the open first/last chunk.
    Exec("INSERT INTO rs_hash_a." + table + " VALUES (-99999999, 0), (99999999999, 0)");
    total = 0;
    for (size_t i = 0; i < plan.chunks.size(); ++i) total += HashChunk(*conn_, plan, i).rows;
    EXPECT_EQ(total, 5002u);
  }
}

// Runs of chunks read as one key-ordered stream and cut by the client give
// HashChunk's digests, for every integer width and signedness (the binary
// protocol sends each in its own width; MEDIUMINT travels as 4 bytes),
// negative keys, unsigned keys above INT64_MAX, and keys outside the planned
// span, which belong to the open first and last chunks.
TEST_F(TableHashServerTest, IntegerKeyRunsGiveEveryChunksDigest) {
  struct Case {
    const char* type;
    const char* key_expr;  // of seq 1..N
    int rows;
  };
  const Case cases[] = {
      {"TINYINT", "CAST(seq AS SIGNED) - 120", 240},
      {"SMALLINT UNSIGNED", "seq * 250", 260},
      {"MEDIUMINT", "(CAST(seq AS SIGNED) - 500) * 16000", 1000},
      {"INT", "seq * seq", 1000},
      {"BIGINT", "(CAST(seq AS SIGNED) - 500) * 18014398509481", 1000},
      {"BIGINT UNSIGNED", "18446744073709551615 - seq * 1000003", 1000},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    const std::string table = "ik" + std::to_string(n++);
    Exec("CREATE TABLE rs_hash_a." + table + " (k " + c.type + " NOT NULL PRIMARY KEY, v VARCHAR(20))");
    Exec("INSERT INTO rs_hash_a." + table + " SELECT " + c.key_expr + ", CONCAT('v', seq) FROM seq_1_to_" +
         std::to_string(c.rows));
    Exec("ANALYZE TABLE rs_hash_a." + table);
    const TablePlan plan = PlanTable(*conn_, "rs_hash_a", table, 64);
    ASSERT_FALSE(plan.integer_key_columns().empty());
    ASSERT_GE(plan.chunks.size(), 3u);
    const std::vector<ChunkDigest> chunks = HashEveryChunk(plan, "rs_hash_a");
    EXPECT_EQ(TotalRows(chunks), static_cast<uint64_t>(c.rows));
    ExpectRunsMatch(plan, "rs_hash_a", chunks);
  }
  // Keys below and above the plan: the open chunks take them on both paths.
  const TablePlan plan = PlanTable(*conn_, "rs_hash_a", "ik3", 64);
  const std::vector<ChunkDigest> before = HashEveryChunk(plan, "rs_hash_a");
  Exec("INSERT INTO rs_hash_a.ik3 VALUES (-2147483648, 'low'), (2147483647, 'high')");
  const std::vector<ChunkDigest> after = HashEveryChunk(plan, "rs_hash_a");
  EXPECT_EQ(after.front().rows, before.front().rows + 1);
  EXPECT_EQ(after.back().rows, before.back().rows + 1);
  ExpectRunsMatch(plan, "rs_hash_a", after);
  // A key with a column that is not an integer has no runs.
  Exec("CREATE TABLE rs_hash_a.sk (k VARCHAR(10) NOT NULL PRIMARY KEY)");
  EXPECT_TRUE(PlanTable(*conn_, "rs_hash_a", "sk", 64).integer_key_columns().empty());
  Exec("CREATE TABLE rs_hash_a.mk (a INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (a, d))");
  EXPECT_TRUE(PlanTable(*conn_, "rs_hash_a", "mk", 64).integer_key_columns().empty());
}

// A primary key of several integer columns is read in runs too: the client
// orders key tuples column by column, as the index does, with each column's
// width and signedness; the key's columns need not be the table's first
// ones nor in table order.
TEST_F(TableHashServerTest, CompositeIntegerKeyRunsGiveEveryChunksDigest) {
  Exec("CREATE TABLE rs_hash_a.ck (v VARCHAR(20), b BIGINT UNSIGNED NOT NULL, a TINYINT NOT NULL, "
       "c MEDIUMINT NOT NULL, PRIMARY KEY (a, b, c))");
  // a takes 11 values around 0, b 4 values up to 2^64 - 1, c 30 values
  // of both signs: chunks of 64 rows begin in the middle of a's and b's
  // groups, so the bounds differ in every column.
  Exec("INSERT INTO rs_hash_a.ck SELECT CONCAT('v', seq), 18446744073709551615 - (seq DIV 30) % 4 * 1000003, "
       "CAST(seq DIV 120 AS SIGNED) - 5, (CAST(seq % 30 AS SIGNED) - 15) * 300000 FROM seq_0_to_1319");
  Exec("ANALYZE TABLE rs_hash_a.ck");
  const TablePlan plan = PlanTable(*conn_, "rs_hash_a", "ck", 64);
  EXPECT_EQ(plan.integer_key_columns(), (std::vector<size_t>{2, 1, 3}));
  ASSERT_GE(plan.chunks.size(), 10u);
  const std::vector<ChunkDigest> chunks = HashEveryChunk(plan, "rs_hash_a");
  EXPECT_EQ(TotalRows(chunks), 1320u);
  // The server reads the clustered key in order: it sorts nothing.
  auto sorted_rows = [&] {
    return std::stoull(conn_->QueryRows("SHOW SESSION STATUS LIKE 'Sort_rows'").rows.at(0).at(1).value_or("0"));
  };
  const uint64_t sorted_before = sorted_rows();
  ExpectRunsMatch(plan, "rs_hash_a", chunks);
  EXPECT_EQ(sorted_rows(), sorted_before);
  // The planted differences of a drill-down land in the same chunk both ways.
  Exec("CREATE TABLE rs_hash_b.ck LIKE rs_hash_a.ck");
  Exec("INSERT INTO rs_hash_b.ck SELECT * FROM rs_hash_a.ck");
  Exec("UPDATE rs_hash_b.ck SET v = 'changed' WHERE a = 0 AND c = 0 AND b = 18446744073709551615");
  const std::vector<ChunkDigest> b = HashEveryChunk(plan, "rs_hash_b");
  size_t differing = 0;
  for (size_t i = 0; i < b.size(); ++i) differing += b[i] != chunks[i];
  EXPECT_EQ(differing, 1u);
  ExpectRunsMatch(plan, "rs_hash_b", b);
}

// The plan comes from the master; the slave's table may differ in schema
// (reported as such). A run on a side where a key column is not an integer,
// or that lacks the primary key, still gives every chunk's digest there.
TEST_F(TableHashServerTest, RunsOnASideWithAnotherKeyGiveEveryChunksDigest) {
  Exec("CREATE TABLE rs_hash_a.rk1 (k INT NOT NULL PRIMARY KEY, v VARCHAR(20))");
  Exec("CREATE TABLE rs_hash_a.rk2 (k INT NOT NULL PRIMARY KEY, v VARCHAR(20))");
  Exec("CREATE TABLE rs_hash_b.rk1 (k VARCHAR(20) NOT NULL PRIMARY KEY, v VARCHAR(20))");
  Exec("CREATE TABLE rs_hash_b.rk2 (k INT NOT NULL, v VARCHAR(20), KEY (k))");
  // Two integer key columns on the master; the slave's second is a string.
  Exec("CREATE TABLE rs_hash_a.rk3 (k INT NOT NULL, v VARCHAR(20), j INT NOT NULL, PRIMARY KEY (k, j))");
  Exec("CREATE TABLE rs_hash_b.rk3 (k INT NOT NULL, v VARCHAR(20), j VARCHAR(20) NOT NULL, PRIMARY KEY (k, j))");
  for (const char* t : {"rs_hash_a.rk1", "rs_hash_a.rk2", "rs_hash_b.rk1", "rs_hash_b.rk2"}) {
    Exec(std::string("INSERT INTO ") + t + " SELECT seq * 3, CONCAT('v', seq) FROM seq_1_to_200");
  }
  for (const char* t : {"rs_hash_a.rk3", "rs_hash_b.rk3"}) {
    Exec(std::string("INSERT INTO ") + t + " SELECT seq DIV 10, CONCAT('v', seq), seq % 10 * 7 FROM seq_1_to_200");
  }
  for (const char* table : {"rk1", "rk2", "rk3"}) {
    SCOPED_TRACE(table);
    Exec(std::string("ANALYZE TABLE rs_hash_a.") + table);
    const TablePlan plan = PlanTable(*conn_, "rs_hash_a", table, 25);
    ASSERT_FALSE(plan.integer_key_columns().empty());
    ASSERT_GE(plan.chunks.size(), 3u);
    ExpectRunsMatch(plan, "rs_hash_b", HashEveryChunk(plan, "rs_hash_b"));
  }
  // A slave whose key column is nullable and holds a NULL: the run keeps
  // that row (in the first chunk, where NULL sorts) instead of failing.
  Exec("ALTER TABLE rs_hash_b.rk2 MODIFY k INT NULL");
  Exec("INSERT INTO rs_hash_b.rk2 VALUES (NULL, 'null key')");
  const TablePlan plan = PlanTable(*conn_, "rs_hash_a", "rk2", 25);
  RowHasher hasher;
  const std::vector<ChunkDigest> run = HashChunkRun(*conn_, plan, 0, plan.chunks.size(), "rs_hash_b", hasher);
  EXPECT_EQ(TotalRows(run), 201u);
  EXPECT_EQ(run.front().rows, HashChunk(*conn_, plan, 0, "rs_hash_b").rows + 1);
}

TEST_F(TableHashServerTest, SameRowsInAnotherOrderHashEqual) {
  CreateMainTable();
  // Rebuild b as well: another physical history, same rows.
  Exec("ALTER TABLE rs_hash_b.t FORCE");
  EXPECT_TRUE(DifferingChunks(Plan("t")).empty());
  EXPECT_TRUE(DifferingChunks(Plan("t", 1)).empty());
  EXPECT_TRUE(DifferingChunks(Plan("t", 1000)).empty());
}

TEST_F(TableHashServerTest, MissingRow) {
  ExpectOnlyChunkOfPk(37, "", "DELETE FROM rs_hash_b.t WHERE pk = 37");
}

TEST_F(TableHashServerTest, ExtraRowAboveAndBelowEveryKey) {
  ExpectOnlyChunkOfPk(1000, "", "INSERT INTO rs_hash_b.t (pk) VALUES (1000)");
  Exec("DELETE FROM rs_hash_b.t WHERE pk = 1000");
  const TablePlan plan = Plan("t");
  Exec("INSERT INTO rs_hash_b.t (pk) VALUES (-5)");
  EXPECT_EQ(DifferingChunks(plan), std::vector<size_t>{0});
}

TEST_F(TableHashServerTest, ExtraRowInsideARange) {
  ExpectOnlyChunkOfPk(50, "DELETE FROM rs_hash_a.t WHERE pk = 50", "");
}

TEST_F(TableHashServerTest, ChangedColumn) {
  ExpectOnlyChunkOfPk(55, "", "UPDATE rs_hash_b.t SET s1 = 'changed' WHERE pk = 55");
}

TEST_F(TableHashServerTest, NullVersusEmptyString) {
  ExpectOnlyChunkOfPk(12, "UPDATE rs_hash_a.t SET s1 = NULL WHERE pk = 12",
                      "UPDATE rs_hash_b.t SET s1 = '' WHERE pk = 12");
}

TEST_F(TableHashServerTest, NullVersusTheWordNull) {
  ExpectOnlyChunkOfPk(23, "UPDATE rs_hash_a.t SET s1 = NULL WHERE pk = 23",
                      "UPDATE rs_hash_b.t SET s1 = 'NULL' WHERE pk = 23");
}

TEST_F(TableHashServerTest, BytesShiftedAcrossAColumnBoundary) {
  ExpectOnlyChunkOfPk(34, "UPDATE rs_hash_a.t SET s1 = 'ab', s2 = 'c' WHERE pk = 34",
                      "UPDATE rs_hash_b.t SET s1 = 'a', s2 = 'bc' WHERE pk = 34");
}

TEST_F(TableHashServerTest, TrailingSpaceInVarchar) {
  ExpectOnlyChunkOfPk(45, "UPDATE rs_hash_a.t SET v = 'x' WHERE pk = 45",
                      "UPDATE rs_hash_b.t SET v = 'x ' WHERE pk = 45");
  // The server's own comparison (PAD SPACE) calls them equal.
  EXPECT_EQ(QueryValue("SELECT COUNT(*) FROM rs_hash_a.t a JOIN rs_hash_b.t b USING (pk)"
                       " WHERE pk = 45 AND a.v = b.v"),
            "1");
}

TEST_F(TableHashServerTest, LastBitOfADouble) {
  // 1.0 and the next double up (1 + 2^-52). The text protocol prints the
  // shortest round-trip form, so the two texts differ: that is what makes
  // plain-column hashing exact for DOUBLE (row_encoding.h).
  ExpectOnlyChunkOfPk(66, "UPDATE rs_hash_a.t SET d = 1.0e0 WHERE pk = 66",
                      "UPDATE rs_hash_b.t SET d = 1.0000000000000002e0 WHERE pk = 66");
  EXPECT_EQ(QueryValue("SELECT d FROM rs_hash_a.t WHERE pk = 66"), "1");
  EXPECT_EQ(QueryValue("SELECT d FROM rs_hash_b.t WHERE pk = 66"), "1.0000000000000002");
  EXPECT_EQ(QueryValue("SELECT d = 1e0 + POW(2, -52) FROM rs_hash_b.t WHERE pk = 66"), "1");
  // And a value with all 17 significant digits survives the round trip.
  EXPECT_EQ(QueryValue("SELECT 0.1e0 + 0.2e0"), "0.30000000000000004");
}

TEST_F(TableHashServerTest, LastDigitOfADecimal) {
  ExpectOnlyChunkOfPk(77, "UPDATE rs_hash_a.t SET m = 1.0000000001 WHERE pk = 77",
                      "UPDATE rs_hash_b.t SET m = 1.0000000002 WHERE pk = 77");
}

TEST_F(TableHashServerTest, CaseOnlyChangeInACaseInsensitiveColumn) {
  ExpectOnlyChunkOfPk(88, "", "UPDATE rs_hash_b.t SET ci = 'ABC' WHERE pk = 88");
  EXPECT_EQ(QueryValue("SELECT COUNT(*) FROM rs_hash_a.t a JOIN rs_hash_b.t b USING (pk)"
                       " WHERE pk = 88 AND a.ci = b.ci"),
            "1");
}

TEST_F(TableHashServerTest, BlobDifferingAtByteOneMillion) {
  ExpectOnlyChunkOfPk(
      5, "UPDATE rs_hash_a.t SET b = REPEAT('x', 4000000) WHERE pk = 5",
      "UPDATE rs_hash_b.t SET b = INSERT(REPEAT('x', 4000000), 1000000, 1, 'y') WHERE pk = 5");
}

TEST_F(TableHashServerTest, TableWithoutKeyIsOneMultisetChunk) {
  const std::string ddl = " (x INT, y VARCHAR(10)) ENGINE=InnoDB";
  Exec("CREATE TABLE rs_hash_a.nk" + ddl);
  Exec("CREATE TABLE rs_hash_b.nk" + ddl);
  std::vector<std::string> rows;
  for (int i = 0; i < 20; ++i) rows.push_back("(" + std::to_string(i % 7) + ", 'r" + std::to_string(i) + "')");
  InsertRows("rs_hash_a.nk", rows, false);
  InsertRows("rs_hash_b.nk", rows, true);
  const TablePlan plan = Plan("nk", 5);
  EXPECT_TRUE(plan.key.empty());
  ASSERT_EQ(plan.chunks.size(), 1u);
  EXPECT_EQ(plan.SelectSql(0, "rs_hash_b"), "SELECT `x`, `y` FROM `rs_hash_b`.`nk`");
  EXPECT_TRUE(DifferingChunks(plan).empty());

  // A duplicated row: invisible to an XOR checksum, seen by the sum.
  Exec("INSERT INTO rs_hash_b.nk VALUES (3, 'r3')");
  EXPECT_EQ(DifferingChunks(plan), std::vector<size_t>{0});
  EXPECT_EQ(HashChunk(*conn_, plan, 0, "rs_hash_b").rows, 21u);

  // Two more copies of one row on both sides, a third on b only vs a
  // different row on a: same count, still different.
  Exec("DELETE FROM rs_hash_b.nk WHERE x = 3 AND y = 'r3' LIMIT 1");
  ASSERT_TRUE(DifferingChunks(plan).empty());
  Exec("INSERT INTO rs_hash_a.nk VALUES (1, 'r1'), (1, 'r1')");
  Exec("INSERT INTO rs_hash_b.nk VALUES (2, 'r2'), (2, 'r2')");
  EXPECT_EQ(HashChunk(*conn_, plan, 0, "rs_hash_a").rows,
            HashChunk(*conn_, plan, 0, "rs_hash_b").rows);
  EXPECT_EQ(DifferingChunks(plan), std::vector<size_t>{0});
}

TEST_F(TableHashServerTest, CompositeKeyChunks) {
  const std::string ddl =
      " (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b)) ENGINE=InnoDB";
  Exec("CREATE TABLE rs_hash_a.ck" + ddl);
  Exec("CREATE TABLE rs_hash_b.ck" + ddl);
  std::vector<std::string> rows;
  for (int i = 0; i < 50; ++i) {
    rows.push_back("(" + std::to_string(i / 5) + ", 'k" + std::to_string(i % 5) + "', " +
                   std::to_string(i) + ")");
  }
  InsertRows("rs_hash_a.ck", rows, false);
  InsertRows("rs_hash_b.ck", rows, true);
  const TablePlan plan = Plan("ck", 7);
  EXPECT_EQ(plan.key, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(plan.chunks.size(), 8u);  // ceil(50 / 7)
  uint64_t total = 0;
  for (size_t i = 0; i < plan.chunks.size(); ++i) total += HashChunk(*conn_, plan, i).rows;
  EXPECT_EQ(total, 50u);
  EXPECT_TRUE(DifferingChunks(plan).empty());
  // Row 23 = (4, 'k3') is the 24th in key order: chunk 3 (rows 21..27).
  Exec("UPDATE rs_hash_b.ck SET v = -1 WHERE a = 4 AND b = 'k3'");
  EXPECT_EQ(DifferingChunks(plan), std::vector<size_t>{3});
}

TEST_F(TableHashServerTest, UniqueNotNullKeyIsUsedWhenThereIsNoPrimaryKey) {
  Exec("CREATE TABLE rs_hash_a.uk (id INT NOT NULL, n INT NULL, v INT,"
       " UNIQUE KEY a_nullable (n), UNIQUE KEY u_id (id))");
  Exec("CREATE TABLE rs_hash_a.un (n INT NULL, v INT, UNIQUE KEY a_nullable (n))");
  EXPECT_EQ(DescribeTable(*conn_, "rs_hash_a", "uk").key_name, "u_id");
  EXPECT_TRUE(DescribeTable(*conn_, "rs_hash_a", "un").key.empty());
  EXPECT_TRUE(DescribeTable(*conn_, "rs_hash_a", "no_such_table").columns.empty());
}

// Keys of types whose ORDER BY and WHERE comparisons could disagree if the
// boundaries were written carelessly: every row must land in exactly one
// chunk, chunks must be full, and a change must be found in one chunk.
TEST_F(TableHashServerTest, KeysOfManyTypesPartitionTheRows) {
  struct Case {
    const char* type;
    std::string (*value)(int);
  };
  const Case cases[] = {
      {nullptr,  // ENUM('v14',...,'v00'): index order is the reverse of string order
       [](int i) { return std::string("'v") + char('0' + i / 2 / 10) + char('0' + i / 2 % 10) + "'"; }},
      {"VARBINARY(8)", [](int i) { return "X'" + std::string(i % 2 ? "FF" : "00") + std::to_string(10 + i) + "'"; }},
      // Differ only in the last two of 30 digits: equal if compared as DOUBLE.
      {"DECIMAL(30,20)", [](int i) {
         return "1234567890.000000000000000000" + std::string(1, char('0' + i / 10)) + char('0' + i % 10);
       }},
      {"DATETIME(6)", [](int i) { return "'2024-01-01 00:00:00.0000" + std::to_string(10 + i) + "'"; }},
      {"VARCHAR(10) COLLATE utf8mb4_general_ci",
       [](int i) { return "'" + std::string(i % 2 ? "A" : "b") + std::to_string(i) + "'"; }},
      {"DOUBLE", [](int i) { return std::to_string(i) + "e-1 + 1e-17 * " + std::to_string(i % 3); }},
  };
  std::string enum_type = "ENUM(";
  for (int v = 14; v >= 0; --v) {
    enum_type += std::string(v == 14 ? "" : ",") + "'v" + char('0' + v / 10) + char('0' + v % 10) + "'";
  }
  enum_type += ")";
  int n = 0;
  for (const Case& c : cases) {
    const std::string table = "kt" + std::to_string(n++);
    const std::string type = c.type ? c.type : enum_type;
    SCOPED_TRACE(type);
    const std::string ddl = " (k1 INT NOT NULL, k2 " + type +
                            " NOT NULL, v INT, PRIMARY KEY (k1, k2))";
    Exec("CREATE TABLE rs_hash_a." + table + ddl);
    Exec("CREATE TABLE rs_hash_b." + table + ddl);
    std::vector<std::string> rows;
    // k1 in {0,1}: ranges on the second key part inside one value of the first.
    for (int i = 0; i < 30; ++i) {
      rows.push_back("(" + std::to_string(i % 2) + ", " + c.value(i) + ", " + std::to_string(i) + ")");
    }
    InsertRows("rs_hash_a." + table, rows, false);
    InsertRows("rs_hash_b." + table, rows, true);
    const TablePlan plan = Plan(table, 4);
    ASSERT_EQ(plan.chunks.size(), 8u);  // ceil(30 / 4)
    for (size_t i = 0; i < plan.chunks.size(); ++i) {
      EXPECT_EQ(HashChunk(*conn_, plan, i).rows, i + 1 < plan.chunks.size() ? 4u : 2u)
          << plan.SelectSql(i);
    }
    EXPECT_TRUE(DifferingChunks(plan).empty());
    Exec("UPDATE rs_hash_b." + table + " SET v = -1 WHERE v = 17");
    EXPECT_EQ(DifferingChunks(plan).size(), 1u);
  }
}

// A 64 MB BLOB row is hashed holding it once: the client's row buffer
// (mysql_use_result) and nothing else. Peak RSS must not grow by two copies.
TEST_F(TableHashServerTest, SixtyFourMegabyteBlobIsHeldOnce) {
  constexpr long kBlob = 64L * 1024 * 1024;
  const std::string old_packet = QueryValue("SELECT @@GLOBAL.max_allowed_packet").value_or("16777216");
  Exec("SET GLOBAL max_allowed_packet = 268435456");
  // Session max_allowed_packet is taken at connect: reconnect both clients.
  auto admin = testsupport::Connect(server(), "test");
  struct Restore {
    server::AdminConnection& c;
    std::string v;
    ~Restore() { c.Exec("SET GLOBAL max_allowed_packet = " + v); }
  } restore{admin, old_packet};
  conn_.emplace(db::ParseDsn(server().Dsn("test"), nullptr));
  const std::string ddl = " (pk INT PRIMARY KEY, b LONGBLOB)";
  admin.Exec("CREATE TABLE rs_hash_a.big" + ddl);
  admin.Exec("CREATE TABLE rs_hash_b.big" + ddl);
  admin.Exec("INSERT INTO rs_hash_a.big VALUES (1, 'x'), (2, REPEAT('x', " + std::to_string(kBlob) + "))");
  admin.Exec("INSERT INTO rs_hash_b.big VALUES (1, 'x'), (2, CONCAT(REPEAT('x', " +
             std::to_string(kBlob - 1) + "), 'y'))");
  ASSERT_EQ(admin.QueryValue("SELECT LENGTH(b) FROM rs_hash_b.big WHERE pk = 2"), std::to_string(kBlob));

  const TablePlan plan = Plan("big", 1);
  ASSERT_EQ(plan.chunks.size(), 2u);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  EXPECT_EQ(DifferingChunks(plan), std::vector<size_t>{1});
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  const long grown_mb = (after.ru_maxrss - before.ru_maxrss) / 1024;  // ru_maxrss is KiB
  RecordProperty("peak_rss_growth_mb", std::to_string(grown_mb));
  std::cout << "peak RSS growth while hashing a 64 MB row on both sides: " << grown_mb << " MB\n";
  EXPECT_LT(grown_mb, 64 + 64 / 2) << "the 64 MB value seems to be held more than once";
}

}  // namespace
}  // namespace randsync::checker
