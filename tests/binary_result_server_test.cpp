// db::BinaryResult against the shared server: every column type yields its
// documented canonical bytes, the smallest change of a value changes them,
// and long values arrive whole through piecewise reads.
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/row_hash.h"
#include "db/binary_result.h"
#include "db/raw_row_stream.h"
#include "db/connection.h"
#include "db/dsn.h"
#include "tests/support/shared_server.h"

namespace randsync::db {
namespace {

class BinaryResultServerTest : public testsupport::SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    conn_.emplace(ParseDsn(server().Dsn("test"), nullptr));
    conn_->Execute("SET time_zone = '+00:00'");
  }

  // The canonical bytes of `expr` (one value) as BinaryResult returns them.
  std::optional<std::string> Bytes(const std::string& type, const std::string& literal) {
    conn_->Execute("DROP TABLE IF EXISTS test.br");
    conn_->Execute("CREATE TABLE test.br (c " + type + ")");
    conn_->Execute("INSERT INTO test.br VALUES (" + literal + ")");
    BinaryResult r(*conn_, "SELECT c FROM test.br");
    EXPECT_EQ(r.field_count(), 1u);
    EXPECT_TRUE(r.Next());
    std::optional<std::string> v = r.Get(0);
    if (v) {
      EXPECT_EQ(v->size(), r.Length(0));
    }
    EXPECT_FALSE(r.Next());
    return v;
  }

  std::optional<Connection> conn_;
};

std::string Le(uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>(v >> (8 * i));
  return out;
}

TEST_F(BinaryResultServerTest, IntegersAreEightBytesLittleEndian) {
  EXPECT_EQ(Bytes("TINYINT", "-1"), Le(~0ULL, 8));
  EXPECT_EQ(Bytes("BIGINT UNSIGNED", "18446744073709551615"), Le(~0ULL, 8));
  EXPECT_EQ(Bytes("INT", "258"), Le(258, 8));
  EXPECT_EQ(Bytes("YEAR", "2024"), Le(2024, 8));
  EXPECT_EQ(Bytes("INT", "NULL"), std::nullopt);
}

TEST_F(BinaryResultServerTest, FloatingPointIsItsExactBits) {
  const double d = 0.1 + 0.2;  // 0.30000000000000004
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  EXPECT_EQ(Bytes("DOUBLE", "0.30000000000000004"), Le(bits, 8));
  EXPECT_NE(Bytes("DOUBLE", "0.30000000000000004"), Bytes("DOUBLE", "0.3"));
  const float f = 1.5f;
  uint32_t fbits;
  std::memcpy(&fbits, &f, 4);
  EXPECT_EQ(Bytes("FLOAT", "1.5"), Le(fbits, 4));
}

TEST_F(BinaryResultServerTest, DecimalIsEveryDigit) {
  EXPECT_EQ(Bytes("DECIMAL(20,10)", "1.5"), "1.5000000000");
  EXPECT_NE(Bytes("DECIMAL(20,10)", "1.0000000001"), Bytes("DECIMAL(20,10)", "1.0000000002"));
}

TEST_F(BinaryResultServerTest, TemporalsArePackedFields) {
  std::string dt = Le(2024, 4) + '\x02' + '\x1d' + Le(13, 4) + '\x2a' + '\x07' + Le(123456, 3) + '\0';
  EXPECT_EQ(Bytes("DATETIME(6)", "'2024-02-29 13:42:07.123456'"), dt);
  EXPECT_NE(Bytes("DATETIME(6)", "'2024-02-29 13:42:07.123456'"),
            Bytes("DATETIME(6)", "'2024-02-29 13:42:07.123457'"));
  // A negative TIME differs from the positive one only in the sign byte.
  std::optional<std::string> neg = Bytes("TIME(6)", "'-838:59:59.000001'");
  std::optional<std::string> pos = Bytes("TIME(6)", "'838:59:59.000001'");
  ASSERT_TRUE(neg && pos);
  EXPECT_EQ(neg->substr(0, 15), pos->substr(0, 15));
  EXPECT_EQ((*neg)[15], 1);
  EXPECT_EQ((*pos)[15], 0);
  EXPECT_NE(Bytes("DATE", "'2024-01-01'"), Bytes("DATE", "'2024-01-02'"));
  EXPECT_NE(Bytes("TIMESTAMP(3) NULL", "'2024-01-01 00:00:00.001'"),
            Bytes("TIMESTAMP(3) NULL", "'2024-01-01 00:00:00.002'"));
}

TEST_F(BinaryResultServerTest, StringsAndBitsAreTheirBytes) {
  EXPECT_EQ(Bytes("VARCHAR(10)", "'ab '"), "ab ");
  EXPECT_EQ(Bytes("VARCHAR(10)", "''"), "");
  EXPECT_EQ(Bytes("ENUM('x','y')", "'y'"), "y");
  EXPECT_EQ(Bytes("SET('x','y')", "'x,y'"), "x,y");
  EXPECT_EQ(Bytes("VARBINARY(4)", "X'00FF'"), std::string("\0\xff", 2));
  EXPECT_NE(Bytes("BIT(12)", "b'000000000001'"), Bytes("BIT(12)", "b'000000000010'"));
}

TEST_F(BinaryResultServerTest, LongValueArrivesWholeInPieces) {
  std::optional<std::string> v = Bytes("LONGBLOB", "CONCAT(REPEAT('a', 999999), 'Z', REPEAT('b', 300000))");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->size(), 1300000u);
  EXPECT_EQ((*v)[999998], 'a');
  EXPECT_EQ((*v)[999999], 'Z');
  EXPECT_EQ((*v)[1000000], 'b');
  EXPECT_EQ(v->back(), 'b');
}

TEST_F(BinaryResultServerTest, ManyRowsStreamInOrderAndEndCleanly) {
  BinaryResult r(*conn_, "SELECT seq, CONCAT('r', seq) FROM seq_1_to_5000");
  uint64_t expected = 1;
  while (r.Next()) {
    ASSERT_EQ(r.Get(0), Le(expected, 8));
    ASSERT_EQ(r.Get(1), "r" + std::to_string(expected));
    ++expected;
  }
  EXPECT_EQ(expected, 5001u);
  // The connection is usable again once the result is gone.
}

TEST_F(BinaryResultServerTest, ErrorsAreDbErrorsWithTheirNumber) {
  try {
    BinaryResult r(*conn_, "SELECT * FROM test.no_such_table");
    FAIL() << "no error";
  } catch (const DbError& e) {
    EXPECT_EQ(e.error_number(), 1146u);
  }
}

using checker::RowHasher;

// The one-shot path (every value in memory) and the streaming path (a BLOB
// read in pieces) must give a row the same hash: master and slave may take
// different paths for the same row when their column buffers differ.

// RawRowStream: the image of one row of `values` in a table of `types`.
class RawRowStreamServerTest : public BinaryResultServerTest {
 protected:
  std::string Image(const std::string& types, const std::string& values) {
    conn_->Execute("DROP TABLE IF EXISTS test.rr");
    conn_->Execute("CREATE TABLE test.rr (" + types + ")");
    conn_->Execute("INSERT INTO test.rr VALUES (" + values + ")");
    RawRowStream r(*conn_, "SELECT * FROM test.rr");
    EXPECT_TRUE(r.Next());
    std::string image(r.row());
    EXPECT_FALSE(r.Next());
    return image;
  }
};

TEST_F(RawRowStreamServerTest, ImagesTellApartWhatMustDiffer) {
  const std::string two = "a VARCHAR(10), b VARCHAR(10)";
  EXPECT_NE(Image(two, "NULL, 'x'"), Image(two, "'', 'x'"));
  EXPECT_NE(Image(two, "NULL, 'x'"), Image(two, "'NULL', 'x'"));
  EXPECT_NE(Image(two, "'', 'x'"), Image(two, "'NULL', 'x'"));
  EXPECT_NE(Image(two, "'ab', 'c'"), Image(two, "'a', 'bc'"));
  EXPECT_NE(Image(two, "'a', 'x'"), Image(two, "'a ', 'x'"));
  EXPECT_NE(Image("d DOUBLE", "0.3"), Image("d DOUBLE", "0.1e0 + 0.2e0"));
  EXPECT_NE(Image("m DECIMAL(20,10)", "1.0000000001"), Image("m DECIMAL(20,10)", "1.0000000002"));
  EXPECT_NE(Image("t DATETIME(6)", "'2024-01-01 00:00:00'"), Image("t DATETIME(6)", "'2024-01-01 00:00:00.000001'"));
  EXPECT_NE(Image("i INT, j INT", "1, NULL"), Image("i INT, j INT", "NULL, 1"));
  EXPECT_NE(Image("c VARCHAR(5) COLLATE utf8mb4_general_ci", "'abc'"),
            Image("c VARCHAR(5) COLLATE utf8mb4_general_ci", "'ABC'"));
}

TEST_F(RawRowStreamServerTest, EqualValuesGiveEqualImages) {
  const std::string types =
      "i INT, b BIGINT UNSIGNED, f FLOAT, d DOUBLE, m DECIMAL(10,3), s VARCHAR(20), t TEXT, bl BLOB,"
      " dt DATETIME(6), da DATE, tm TIME(3), y YEAR, e ENUM('x','y'), st SET('p','q'), bt BIT(9), j JSON";
  const std::string values =
      "-5, 18446744073709551615, 1.5, 2.25, -3.125, 'ab c', 'text', X'00FF10', '2024-02-29 13:42:07.5',"
      " '2024-01-01', '-12:00:01.5', 2024, 'y', 'p,q', b'100000001', '{\"a\": 1}'";
  const std::string a = Image(types, values);
  EXPECT_EQ(a, Image(types, values));
  EXPECT_FALSE(a.empty());
  // Every column NULL: an image too (empty), equal for equal rows.
  EXPECT_EQ(Image("i INT, s TEXT", "NULL, NULL"), Image("i INT, s TEXT", "NULL, NULL"));
  EXPECT_NE(Image("i INT, s TEXT", "NULL, NULL"), Image("i INT, s TEXT", "NULL, ''"));
}

TEST_F(RawRowStreamServerTest, LongValueIsInTheImageWhole) {
  const std::string a = Image("i INT, b LONGBLOB, z INT", "1, CONCAT(REPEAT('a', 999999), 'Z', REPEAT('b', 99999)), 7");
  const std::string b = Image("i INT, b LONGBLOB, z INT", "1, CONCAT(REPEAT('a', 999999), 'Y', REPEAT('b', 99999)), 7");
  EXPECT_GT(a.size(), 1100000u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), b.size());
}

TEST_F(RawRowStreamServerTest, StreamsManyRowsAndReportsErrors) {
  RawRowStream r(*conn_, "SELECT seq, CONCAT('r', seq) FROM seq_1_to_5000");
  size_t n = 0;
  std::string previous;
  while (r.Next()) {
    ++n;
    EXPECT_NE(std::string(r.row()), previous);
    previous = std::string(r.row());
  }
  EXPECT_EQ(n, 5000u);
  try {
    RawRowStream bad(*conn_, "SELECT * FROM test.no_such_table");
    FAIL() << "no error";
  } catch (const DbError& e) {
    EXPECT_EQ(e.error_number(), 1146u);
  }
}

TEST_F(BinaryResultServerTest, InlineAndStreamedRowsHashAlike) {
  for (const char* blob : {"'short'", "REPEAT('z', 300000)"}) {
    SCOPED_TRACE(blob);
    conn_->Execute("DROP TABLE IF EXISTS test.hr");
    conn_->Execute("CREATE TABLE test.hr (i INT, d DOUBLE, s VARCHAR(10), n DECIMAL(5,2), b LONGBLOB, z INT)");
    conn_->Execute(std::string("INSERT INTO test.hr VALUES (1, 0.5, 'x', 1.25, ") + blob + ", NULL)");
    BinaryResult r(*conn_, "SELECT * FROM test.hr");
    ASSERT_TRUE(r.Next());
    std::vector<std::optional<std::string>> values;
    for (size_t i = 0; i < r.field_count(); ++i) values.push_back(r.Get(i));
    std::vector<std::optional<std::string_view>> views(values.begin(), values.end());
    RowHasher a, b;
    EXPECT_EQ(a.Hash(r), b.Hash(views.data(), views.size()));
  }
}

}  // namespace
}  // namespace randsync::db
