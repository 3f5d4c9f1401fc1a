// `randsync check` end to end on a real master and slave: every divergence
// of the list, planted on the slave, is found and located to its
// table and row (or schema object); equal data stored differently is never
// reported; a check at a GTID sync point under write load sees no
// difference.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/check_report.h"
#include "checker/check_run.h"
#include "db/connection.h"
#include "tests/support/replication_pair.h"

namespace randsync::checker {
namespace {

class CheckServerTest : public testsupport::ReplicationPairTest {
 protected:
  void SetUp() override {
    ReplicationPairTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    master_.emplace(pair().Master());
    slave_.emplace(pair().Slave());
    M("DROP DATABASE IF EXISTS chk");
    M("CREATE DATABASE chk");
    M("CREATE TABLE chk.t (pk INT NOT NULL PRIMARY KEY, a VARCHAR(20), b VARCHAR(20),"
      " d DOUBLE, m DECIMAL(20,10), ci VARCHAR(20) COLLATE utf8mb4_general_ci, blb LONGBLOB,"
      " KEY k_a (a)) ENGINE=InnoDB");
    M("INSERT INTO chk.t SELECT seq, CONCAT('a', seq), 'b', seq / 3e0, seq / 7, 'abc', REPEAT('x', seq)"
      " FROM seq_1_to_100");
    M("CREATE TABLE chk.nokey (v INT, s VARCHAR(10)) ENGINE=InnoDB");
    M("INSERT INTO chk.nokey VALUES (1, 'x'), (2, 'y'), (2, 'y'), (3, NULL)");
    M("CREATE VIEW chk.v AS SELECT pk, a FROM chk.t");
    M("CREATE TRIGGER chk.trg BEFORE INSERT ON chk.t FOR EACH ROW SET NEW.b = COALESCE(NEW.b, 'b')");
    ASSERT_TRUE(pair().WaitForSlave());
  }

  void M(const std::string& sql) { master_->Execute(sql); }
  void S(const std::string& sql) { slave_->Execute(sql); }

  CheckReport Check(SyncMode sync = SyncMode::kGtid, bool quiesced = false) {
    CheckOptions o;
    o.master = pair().MasterDsn("");
    o.slaves = {pair().SlaveDsn("")};
    o.filters.databases = {"chk"};
    o.threads = 2;
    o.chunk_size = 10;
    o.sync = sync;
    o.sync_timeout = std::chrono::seconds(30);
    o.quiesced = quiesced;
    o.fix_sql = true;
    CheckReport r = RunCheck(o);
    if (r.status != Status::kOk) std::cout << Summary(r);
    return r;
  }

  static const TableCheck* Table(const CheckReport& r, const std::string& name) {
    for (const TableCheck& t : r.tables) {
      if (t.ref.table == name) return &t;
    }
    return nullptr;
  }

  // Expects exactly one differing row in chk.t: `kind` at pk `pk`, and for
  // kDifferent exactly `column` with both values.
  void ExpectOneRow(const CheckReport& r, RowDiffKind kind, const std::string& pk, const std::string& column = "",
                    const std::optional<std::string>& master = {}, const std::optional<std::string>& slave = {}) {
    ASSERT_EQ(r.status, Status::kDivergence) << r.error;
    EXPECT_TRUE(r.schema.empty());
    const TableCheck* t = Table(r, "t");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->outcome, TableCheck::Outcome::kDifferent);
    EXPECT_EQ(t->differing_ranges.size(), 1u);
    ASSERT_EQ(t->rows.size(), 1u);
    const RowDifference& d = t->rows[0];
    EXPECT_EQ(d.kind, kind);
    ASSERT_EQ(d.key_values.size(), 1u);
    EXPECT_EQ(d.key_values[0], pk);
    if (kind == RowDiffKind::kDifferent) {
      ASSERT_EQ(d.columns.size(), 1u);
      EXPECT_EQ(d.columns[0].column, column);
      EXPECT_EQ(d.columns[0].master, master);
      EXPECT_EQ(d.columns[0].slave, slave);
    }
    for (const TableCheck& other : r.tables) {
      if (other.ref.table != "t") {
        EXPECT_EQ(other.outcome, TableCheck::Outcome::kEqual) << other.ref.table;
      }
    }
  }

  std::optional<db::Connection> master_, slave_;
};

TEST_F(CheckServerTest, EqualServersAreEqual) {
  CheckReport r = Check();
  EXPECT_EQ(r.status, Status::kOk) << Summary(r);
  EXPECT_TRUE(r.schema.empty());
  ASSERT_EQ(r.tables.size(), 2u);
  EXPECT_EQ(Table(r, "t")->master_rows, 100u);
  EXPECT_EQ(Table(r, "t")->slave_rows, 100u);
  EXPECT_EQ(Table(r, "nokey")->slave_rows, 4u);
  EXPECT_GE(Table(r, "t")->chunks, 5u);
}

TEST_F(CheckServerTest, SameRowsInAnotherPhysicalOrderAreEqual) {
  S("CREATE TABLE chk.tmp AS SELECT * FROM chk.t");
  S("DELETE FROM chk.t");
  S("INSERT INTO chk.t SELECT * FROM chk.tmp ORDER BY pk DESC");
  S("DROP TABLE chk.tmp");
  S("ALTER TABLE chk.t FORCE");
  S("ALTER TABLE chk.nokey FORCE");
  EXPECT_EQ(Check().status, Status::kOk);
}

TEST_F(CheckServerTest, RowMissingOnSlave) {
  S("DELETE FROM chk.t WHERE pk = 42");
  ExpectOneRow(Check(), RowDiffKind::kMissingOnSlave, "42");
}

TEST_F(CheckServerTest, ExtraRowOnSlave) {
  S("INSERT INTO chk.t (pk, a) VALUES (1000, 'extra')");
  ExpectOneRow(Check(), RowDiffKind::kExtraOnSlave, "1000");
}

TEST_F(CheckServerTest, OneColumnChanged) {
  S("UPDATE chk.t SET a = 'changed' WHERE pk = 7");
  ExpectOneRow(Check(), RowDiffKind::kDifferent, "7", "a", "a7", "changed");
}

TEST_F(CheckServerTest, NullVersusEmptyString) {
  M("UPDATE chk.t SET a = NULL WHERE pk = 8");
  ASSERT_TRUE(pair().WaitForSlave());
  S("UPDATE chk.t SET a = '' WHERE pk = 8");
  ExpectOneRow(Check(), RowDiffKind::kDifferent, "8", "a", std::nullopt, "");
}

TEST_F(CheckServerTest, NullVersusTheWordNull) {
  M("UPDATE chk.t SET a = NULL WHERE pk = 9");
  ASSERT_TRUE(pair().WaitForSlave());
  S("UPDATE chk.t SET a = 'NULL' WHERE pk = 9");
  ExpectOneRow(Check(), RowDiffKind::kDifferent, "9", "a", std::nullopt, "NULL");
}

TEST_F(CheckServerTest, BytesShiftedAcrossAColumnBoundary) {
  M("UPDATE chk.t SET a = 'ab', b = 'c' WHERE pk = 10");
  ASSERT_TRUE(pair().WaitForSlave());
  S("UPDATE chk.t SET a = 'a', b = 'bc' WHERE pk = 10");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  const TableCheck* t = Table(r, "t");
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0].key_values[0], "10");
  EXPECT_EQ(t->rows[0].columns.size(), 2u);
}

TEST_F(CheckServerTest, TrailingSpaceInAVarchar) {
  S("UPDATE chk.t SET a = 'a11 ' WHERE pk = 11");
  ExpectOneRow(Check(), RowDiffKind::kDifferent, "11", "a", "a11", "a11 ");
}

TEST_F(CheckServerTest, LastBitOfADouble) {
  M("UPDATE chk.t SET d = 0.3 WHERE pk = 12");
  ASSERT_TRUE(pair().WaitForSlave());
  S("UPDATE chk.t SET d = 0.1e0 + 0.2e0 WHERE pk = 12");  // double arithmetic, not DECIMAL
  ExpectOneRow(Check(), RowDiffKind::kDifferent, "12", "d", "0.3", "0.30000000000000004");
}

TEST_F(CheckServerTest, LastDigitOfADecimal) {
  M("UPDATE chk.t SET m = 1.0000000001 WHERE pk = 13");
  ASSERT_TRUE(pair().WaitForSlave());
  S("UPDATE chk.t SET m = m + 0.0000000001 WHERE pk = 13");
  ExpectOneRow(Check(), RowDiffKind::kDifferent, "13", "m", "1.0000000001", "1.0000000002");
}

TEST_F(CheckServerTest, BlobDifferingAtByteOneMillion) {
  M("UPDATE chk.t SET blb = REPEAT('x', 2000000) WHERE pk = 14");
  ASSERT_TRUE(pair().WaitForSlave());
  S("UPDATE chk.t SET blb = CONCAT(REPEAT('x', 999999), 'y', REPEAT('x', 1000000)) WHERE pk = 14");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  const TableCheck* t = Table(r, "t");
  ASSERT_EQ(t->rows.size(), 1u);
  ASSERT_EQ(t->rows[0].columns.size(), 1u);
  EXPECT_EQ(t->rows[0].columns[0].column, "blb");
  ASSERT_TRUE(t->rows[0].columns[0].slave);
  EXPECT_EQ(t->rows[0].columns[0].slave->at(999999), 'y');
  EXPECT_LT(Summary(r).size(), 10000u);  // long values are truncated in the summary
}

TEST_F(CheckServerTest, DuplicatedRowInATableWithoutKey) {
  S("INSERT INTO chk.nokey VALUES (1, 'x')");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  const TableCheck* t = Table(r, "nokey");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->outcome, TableCheck::Outcome::kDifferent);
  EXPECT_EQ(t->extra, 1u);
  EXPECT_EQ(t->missing, 0u);
  EXPECT_EQ(Table(r, "t")->outcome, TableCheck::Outcome::kEqual);
}

TEST_F(CheckServerTest, CaseOnlyChangeInACaseInsensitiveColumn) {
  S("UPDATE chk.t SET ci = 'ABC' WHERE pk = 15");
  ExpectOneRow(Check(), RowDiffKind::kDifferent, "15", "ci", "abc", "ABC");
}

// Schema differences: found, named, and not mistaken for data differences.
TEST_F(CheckServerTest, TableMissingOnSlave) {
  S("DROP TABLE chk.nokey");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  ASSERT_EQ(r.schema.size(), 1u) << Summary(r);
  EXPECT_EQ(r.schema[0].object, "`chk`.`nokey`");
  EXPECT_EQ(r.schema[0].what, "missing on slave");
  EXPECT_EQ(Table(r, "nokey")->outcome, TableCheck::Outcome::kSkipped);
  EXPECT_EQ(Table(r, "t")->outcome, TableCheck::Outcome::kEqual);
}

TEST_F(CheckServerTest, ExtraTableOnSlave) {
  S("CREATE TABLE chk.only_slave (i INT)");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  ASSERT_EQ(r.schema.size(), 1u) << Summary(r);
  EXPECT_EQ(r.schema[0].object, "`chk`.`only_slave`");
  EXPECT_EQ(r.schema[0].what, "extra on slave");
}

TEST_F(CheckServerTest, ColumnTypeChange) {
  S("ALTER TABLE chk.nokey MODIFY v BIGINT");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  ASSERT_FALSE(r.schema.empty());
  EXPECT_EQ(r.schema[0].object, "`chk`.`nokey`.`v`");
  EXPECT_EQ(r.schema[0].what, "column type");
}

TEST_F(CheckServerTest, MissingIndex) {
  S("ALTER TABLE chk.t DROP INDEX k_a");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  ASSERT_EQ(r.schema.size(), 1u) << Summary(r);
  EXPECT_EQ(r.schema[0].object, "index `chk`.`t`.`k_a`");
  EXPECT_EQ(r.schema[0].what, "missing on slave");
  EXPECT_EQ(Table(r, "t")->outcome, TableCheck::Outcome::kEqual);
}

TEST_F(CheckServerTest, MissingTriggerAndView) {
  S("DROP TRIGGER chk.trg");
  S("DROP VIEW chk.v");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  ASSERT_EQ(r.schema.size(), 2u) << Summary(r);
  EXPECT_EQ(r.schema[0].object, "trigger `chk`.`trg`");
  EXPECT_EQ(r.schema[1].object, "view `chk`.`v`");
}

TEST_F(CheckServerTest, AutoIncrementCounterIsNoDifference) {
  M("CREATE TABLE chk.ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
  M("INSERT INTO chk.ai (v) VALUES (1), (2)");
  ASSERT_TRUE(pair().WaitForSlave());
  S("INSERT INTO chk.ai (v) VALUES (3)");
  S("DELETE FROM chk.ai WHERE v = 3");
  EXPECT_EQ(Check().status, Status::kOk);
}

TEST_F(CheckServerTest, NonTransactionalTablesNeedQuiesced) {
  M("CREATE TABLE chk.aria (pk INT PRIMARY KEY, v INT) ENGINE=Aria");
  M("INSERT INTO chk.aria VALUES (1, 1), (2, 2)");
  ASSERT_TRUE(pair().WaitForSlave());
  S("UPDATE chk.aria SET v = 5 WHERE pk = 2");
  CheckReport r = Check();
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(Table(r, "aria")->outcome, TableCheck::Outcome::kSkipped);
  r = Check(SyncMode::kGtid, /*quiesced=*/true);
  EXPECT_EQ(r.status, Status::kDivergence);
  EXPECT_EQ(Table(r, "aria")->outcome, TableCheck::Outcome::kDifferent);
}

// A sequence's one row changes outside transactions: while writers run it
// is skipped with the reason; quiesced it is compared, equal after NEXTVALs
// replicated, different after a SETVAL on the slave alone.
TEST_F(CheckServerTest, SequencesAreComparedWhenQuiesced) {
  M("CREATE SEQUENCE chk.sq CACHE 2");
  for (int i = 0; i < 5; ++i) M("DO NEXTVAL(chk.sq)");
  ASSERT_TRUE(pair().WaitForSlave());
  CheckReport r = Check(SyncMode::kGtid, /*quiesced=*/true);
  EXPECT_EQ(r.status, Status::kOk);
  ASSERT_NE(Table(r, "sq"), nullptr) << "the sequence was not listed";
  EXPECT_EQ(Table(r, "sq")->outcome, TableCheck::Outcome::kEqual);
  EXPECT_EQ(Table(r, "sq")->master_rows, 1u);
  S("DO SETVAL(chk.sq, 500)");
  r = Check();
  EXPECT_EQ(r.status, Status::kOk);
  EXPECT_EQ(Table(r, "sq")->outcome, TableCheck::Outcome::kSkipped);
  EXPECT_NE(Table(r, "sq")->note.find("a sequence's value is not transactional"), std::string::npos)
      << Table(r, "sq")->note;
  r = Check(SyncMode::kGtid, /*quiesced=*/true);
  EXPECT_EQ(r.status, Status::kDivergence);
  EXPECT_EQ(Table(r, "sq")->outcome, TableCheck::Outcome::kDifferent);
}

TEST_F(CheckServerTest, FixSqlMakesTheSlaveMatch) {
  S("DELETE FROM chk.t WHERE pk IN (3, 50)");
  S("INSERT INTO chk.t (pk, a) VALUES (500, 'x')");
  S("UPDATE chk.t SET d = d + 1, blb = NULL WHERE pk = 77");
  S("INSERT INTO chk.nokey VALUES (2, 'y')");
  CheckReport r = Check();
  ASSERT_EQ(r.status, Status::kDivergence);
  db::Connection fix = pair().Slave();
  fix.Execute("SET SESSION time_zone = '+00:00'");
  for (const TableCheck& t : r.tables) {
    for (const std::string& s : t.fix_sql) fix.Execute(s);
  }
  EXPECT_EQ(Check().status, Status::kOk);
}

TEST_F(CheckServerTest, JsonReportNamesTheRow) {
  S("UPDATE chk.t SET a = 'changed' WHERE pk = 21");
  nlohmann::json j = ToJson(Check());
  EXPECT_EQ(j["status"], 111);
  bool found = false;
  for (const auto& t : j["tables"]) {
    if (t["table"] != "t") continue;
    ASSERT_EQ(t["rows"].size(), 1u);
    EXPECT_EQ(t["rows"][0]["key"]["pk"], "21");
    EXPECT_EQ(t["rows"][0]["columns"][0]["column"], "a");
    found = true;
  }
  EXPECT_TRUE(found) << j.dump(2);
}

TEST_F(CheckServerTest, CommandLineExitStatusAndJson) {
  S("DELETE FROM chk.t WHERE pk = 30");
  const std::string json = ::testing::TempDir() + "check_cli.json";
  const std::string cmd = fmt::format("{} check --quiet --master {} --slave {} --databases chk --threads 2 "
                                      "--json {} > /dev/null",
                                      RANDSYNC_BINARY, pair().master().Dsn(""), pair().slave().Dsn(""), json);
  int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 111);
  std::ifstream in(json);
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["result"], "divergence");
  S("INSERT INTO chk.t (pk, a, b, d, m, ci, blb) SELECT pk, a, b, d, m, ci, blb FROM chk.t WHERE FALSE");
  // A bad DSN is a one-line environment error (110), not a crash.
  rc = std::system((std::string(RANDSYNC_BINARY) +
                    " check --quiet --master mysql://root@127.0.0.1:1/ --slave mysql://root@127.0.0.1:1/ "
                    "> /dev/null 2>&1").c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 110);
}

}  // namespace
}  // namespace randsync::checker
