// Against the shared server: the same schema is created in two databases
// (sd_m_<test> as the master's side, sd_s_<test> as the slave's), one
// difference is planted in the slave's, and CompareSchemas must report
// exactly that object and kind (and nothing for identical schemas).
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/schema_diff.h"
#include "db/connection.h"
#include "db/dsn.h"
#include "tests/support/shared_server.h"

namespace randsync::checker {
namespace {

// Every kind of object once: tables with indexes, a check constraint, a
// foreign key, a trigger, a view, a procedure, a function and an event.
const std::vector<std::string> kSchema = {
    "CREATE TABLE t1 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, a INT NOT NULL,"
    " b INT NULL DEFAULT 7, s VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,"
    " g INT AS (a + 1) VIRTUAL, UNIQUE KEY k1 (a), KEY k2 (a, b), KEY k3 (s(5))) ENGINE=InnoDB",
    "CREATE TABLE t2 (c INT NOT NULL, d VARCHAR(10) NOT NULL DEFAULT 'x', e DATE NULL)"
    " ENGINE=InnoDB",
    "CREATE TABLE t4 (id INT PRIMARY KEY, q INT, CONSTRAINT chk CHECK (q >= 0))",
    "CREATE TABLE t3 (id INT PRIMARY KEY, p INT,"
    " CONSTRAINT fk FOREIGN KEY (p) REFERENCES t4 (id) ON DELETE CASCADE)",
    "CREATE TRIGGER trg BEFORE INSERT ON t1 FOR EACH ROW SET NEW.b = NEW.a + 1",
    "CREATE VIEW v1 AS SELECT a, b FROM t1 WHERE a > 0",
    "CREATE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT COUNT(*) INTO y FROM t1 WHERE a > x; END",
    "CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x + 1",
    "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t2 WHERE c < 0",
};

class SchemaDiffServerTest : public testsupport::SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    master_ = "sd_m_" + test;
    slave_ = "sd_s_" + test;
    for (const auto& db : {master_, slave_}) {
      Exec("DROP DATABASE IF EXISTS " + db);
      Exec("CREATE DATABASE " + db);
    }
    ready_ = true;
    conn_.emplace(db::ParseDsn(server().Dsn("test"), nullptr));
    // Events without STARTS start "now": fix the clock, as the binlog does
    // for a replicated CREATE EVENT.
    conn_->Execute("SET timestamp = 1900000000");
  }
  void TearDown() override {
    conn_.reset();
    if (!ready_) return;
    for (const auto& db : {master_, slave_}) Exec("DROP DATABASE IF EXISTS " + db);
  }

  void On(const std::string& db, const std::vector<std::string>& statements) {
    conn_->Execute("USE " + db);
    for (const auto& s : statements) conn_->Execute(s);
  }
  void OnBoth(const std::vector<std::string>& statements) {
    On(master_, statements);
    On(slave_, statements);
  }
  void OnSlave(const std::string& statement) { On(slave_, {statement}); }

  std::vector<SchemaDifference> Diff() {
    return CompareSchemas(*conn_, *conn_, {{master_, slave_}});
  }

  // "`sd_m_<test>`.`name`"
  std::string Obj(const std::string& name) { return "`" + master_ + "`.`" + name + "`"; }

  // The full schema on both sides, then `planted` on the slave's only: exactly
  // one difference, on `object`, of kind `what`, which is returned (empty if
  // there was not exactly one).
  SchemaDifference ExpectOnly(const std::vector<std::string>& planted, const std::string& object,
                              const std::string& what) {
    OnBoth(kSchema);
    EXPECT_TRUE(Diff().empty());
    On(slave_, planted);
    const auto diffs = Diff();
    std::string all;
    for (const auto& d : diffs) all += "\n  " + d.ToString();
    EXPECT_EQ(diffs.size(), 1u) << all;
    if (diffs.size() != 1) return {};
    EXPECT_EQ(diffs[0].object, object) << all;
    EXPECT_EQ(diffs[0].what, what) << all;
    return diffs[0];
  }
  SchemaDifference ExpectOnly(const std::string& planted, const std::string& object,
                              const std::string& what) {
    return ExpectOnly(std::vector<std::string>{planted}, object, what);
  }

  std::string master_, slave_;
  std::optional<db::Connection> conn_;
  bool ready_ = false;
};

TEST_F(SchemaDiffServerTest, IdenticalSchemas) {
  OnBoth(kSchema);
  const auto diffs = Diff();
  for (const auto& d : diffs) ADD_FAILURE() << d.ToString();
  // The view body names its database: normalised, so it matched above.
  conn_->Execute("USE test");
  EXPECT_NE(conn_->QueryValue("SELECT VIEW_DEFINITION FROM information_schema.VIEWS"
                              " WHERE TABLE_SCHEMA = '" + slave_ + "'")
                .value_or("")
                .find(slave_),
            std::string::npos);
}

// A logical dump recreates an Aria table with the default PAGE_CHECKSUM=1
// spelled out; that is no difference, PAGE_CHECKSUM=0 is.
TEST_F(SchemaDiffServerTest, AriaDefaultPageChecksumSpelledOutIsNoDifference) {
  On(master_, {"CREATE TABLE a (pk INT PRIMARY KEY) ENGINE=Aria TRANSACTIONAL=1"});
  OnSlave("CREATE TABLE a (pk INT PRIMARY KEY) ENGINE=Aria PAGE_CHECKSUM=1 TRANSACTIONAL=1");
  for (const auto& d : Diff()) ADD_FAILURE() << d.ToString();
  OnSlave("ALTER TABLE a PAGE_CHECKSUM=0");
  const auto diffs = Diff();
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_NE(diffs[0].ToString().find("page_checksum=0"), std::string::npos) << diffs[0].ToString();
}

TEST_F(SchemaDiffServerTest, AutoIncrementCounterIsNoDifference) {
  OnBoth(kSchema);
  OnSlave("INSERT INTO t1 (a) VALUES (1), (2), (3)");
  OnSlave("DELETE FROM t1");
  conn_->Execute("ANALYZE TABLE " + slave_ + ".t1");
  EXPECT_NE(conn_->QueryValue("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE"
                              " TABLE_SCHEMA = '" + slave_ + "' AND TABLE_NAME = 't1'"),
            conn_->QueryValue("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE"
                              " TABLE_SCHEMA = '" + master_ + "' AND TABLE_NAME = 't1'"));
  for (const auto& d : Diff()) ADD_FAILURE() << d.ToString();
}

TEST_F(SchemaDiffServerTest, MissingTable) {
  // t1's columns, indexes and trigger go with it: one difference (the view
  // and the procedure still name t1, but their definitions are unchanged).
  auto d = ExpectOnly("DROP TABLE t1", Obj("t1"), "missing on slave");
  EXPECT_EQ(d.slave, "");
  EXPECT_EQ(d.master, "BASE TABLE ENGINE=InnoDB");
}

TEST_F(SchemaDiffServerTest, ExtraTable) {
  ExpectOnly("CREATE TABLE t5 (x INT PRIMARY KEY, KEY kx (x))", Obj("t5"), "extra on slave");
}

TEST_F(SchemaDiffServerTest, MissingColumnIsNoOrderChange) {
  ExpectOnly("ALTER TABLE t2 DROP COLUMN c", Obj("t2") + ".`c`", "missing on slave");
}

TEST_F(SchemaDiffServerTest, ColumnOrder) {
  auto d = ExpectOnly("ALTER TABLE t2 MODIFY e DATE NULL FIRST", Obj("t2"), "column order");
  EXPECT_EQ(d.master, "c, d, e");
  EXPECT_EQ(d.slave, "e, c, d");
}

TEST_F(SchemaDiffServerTest, ColumnType) {
  auto d = ExpectOnly("ALTER TABLE t2 MODIFY c BIGINT NOT NULL", Obj("t2") + ".`c`", "column type");
  EXPECT_EQ(d.master, "int(11)");
  EXPECT_EQ(d.slave, "bigint(20)");
}

TEST_F(SchemaDiffServerTest, Nullability) {
  // (NOT NULL to NULL without a default would add an implicit DEFAULT NULL.)
  auto d = ExpectOnly("ALTER TABLE t1 MODIFY b INT NOT NULL DEFAULT 7", Obj("t1") + ".`b`",
                      "nullability");
  EXPECT_EQ(d.master, "NULL");
  EXPECT_EQ(d.slave, "NOT NULL");
}

TEST_F(SchemaDiffServerTest, Default) {
  auto d = ExpectOnly("ALTER TABLE t2 ALTER d SET DEFAULT 'y'", Obj("t2") + ".`d`", "default");
  EXPECT_EQ(d.master, "'x'");
  EXPECT_EQ(d.slave, "'y'");
}

TEST_F(SchemaDiffServerTest, ColumnCharset) {
  // The collation changes with the charset: reported once, as the charset.
  auto d = ExpectOnly("ALTER TABLE t1 MODIFY s VARCHAR(20) CHARACTER SET latin1",
                      Obj("t1") + ".`s`", "charset");
  EXPECT_EQ(d.slave, "latin1");
}

TEST_F(SchemaDiffServerTest, ColumnCollation) {
  auto d = ExpectOnly("ALTER TABLE t1 MODIFY s VARCHAR(20) COLLATE utf8mb4_bin", Obj("t1") + ".`s`",
                      "collation");
  EXPECT_EQ(d.slave, "utf8mb4_bin");
}

TEST_F(SchemaDiffServerTest, TableCollation) {
  ExpectOnly("ALTER TABLE t2 COLLATE utf8mb4_bin", Obj("t2"), "collation");
}

TEST_F(SchemaDiffServerTest, MissingIndex) {
  auto d = ExpectOnly("DROP INDEX k1 ON t1", "index " + Obj("t1") + ".`k1`", "missing on slave");
  EXPECT_EQ(d.master, "UNIQUE BTREE (`a`)");
}

TEST_F(SchemaDiffServerTest, IndexColumnOrder) {
  auto d = ExpectOnly("ALTER TABLE t1 DROP INDEX k2, ADD INDEX k2 (b, a)",
                      "index " + Obj("t1") + ".`k2`", "index definition");
  EXPECT_EQ(d.master, "BTREE (`a`, `b`)");
  EXPECT_EQ(d.slave, "BTREE (`b`, `a`)");
}

TEST_F(SchemaDiffServerTest, IndexPrefixLength) {
  ExpectOnly("ALTER TABLE t1 DROP INDEX k3, ADD INDEX k3 (s(6))", "index " + Obj("t1") + ".`k3`",
             "index definition");
}

TEST_F(SchemaDiffServerTest, ChangedCheckConstraint) {
  ExpectOnly("ALTER TABLE t4 DROP CONSTRAINT chk, ADD CONSTRAINT chk CHECK (q > 0)",
             "check " + Obj("t4") + ".`chk`", "check definition");
}

TEST_F(SchemaDiffServerTest, MissingForeignKey) {
  // The index the foreign key created stays.
  auto d = ExpectOnly("ALTER TABLE t3 DROP FOREIGN KEY fk", "foreign key " + Obj("t3") + ".`fk`",
                      "missing on slave");
  EXPECT_EQ(d.master,
            "(`p`) REFERENCES " + Obj("t4") + " (`id`) ON UPDATE RESTRICT ON DELETE CASCADE");
}

TEST_F(SchemaDiffServerTest, ChangedForeignKeyRule) {
  // (InnoDB cannot drop and add a foreign key of one name in one ALTER.)
  const std::vector<std::string> planted = {
      "ALTER TABLE t3 DROP FOREIGN KEY fk",
      "ALTER TABLE t3 ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES t4 (id) ON DELETE SET NULL"};
  ExpectOnly(planted, "foreign key " + Obj("t3") + ".`fk`", "foreign key definition");
}

TEST_F(SchemaDiffServerTest, MissingTrigger) {
  ExpectOnly("DROP TRIGGER trg", "trigger " + Obj("trg"), "missing on slave");
}

TEST_F(SchemaDiffServerTest, ChangedTriggerBody) {
  ExpectOnly("CREATE OR REPLACE TRIGGER trg BEFORE INSERT ON t1 FOR EACH ROW SET NEW.b = NEW.a + 2",
             "trigger " + Obj("trg"), "trigger definition");
}

TEST_F(SchemaDiffServerTest, MissingView) {
  ExpectOnly("DROP VIEW v1", "view " + Obj("v1"), "missing on slave");
}

TEST_F(SchemaDiffServerTest, ChangedView) {
  ExpectOnly("CREATE OR REPLACE VIEW v1 AS SELECT a, b FROM t1 WHERE a > 1", "view " + Obj("v1"),
             "view definition");
}

TEST_F(SchemaDiffServerTest, MissingProcedure) {
  ExpectOnly("DROP PROCEDURE p", "procedure " + Obj("p"), "missing on slave");
}

TEST_F(SchemaDiffServerTest, ChangedProcedure) {
  ExpectOnly(
      "CREATE OR REPLACE PROCEDURE p(IN x INT, OUT y INT) BEGIN SELECT COUNT(*) INTO y FROM t1"
      " WHERE a >= x; END",
      "procedure " + Obj("p"), "routine definition");
}

TEST_F(SchemaDiffServerTest, ChangedProcedureParameters) {
  auto d = ExpectOnly(
      "CREATE OR REPLACE PROCEDURE p(IN x BIGINT, OUT y INT) BEGIN SELECT COUNT(*) INTO y FROM t1"
      " WHERE a > x; END",
      "procedure " + Obj("p"), "routine parameters");
  EXPECT_EQ(d.master, "IN `x` int(11), OUT `y` int(11)");
}

TEST_F(SchemaDiffServerTest, ChangedFunctionReturnType) {
  ExpectOnly("CREATE OR REPLACE FUNCTION f(x INT) RETURNS BIGINT DETERMINISTIC RETURN x + 1",
             "function " + Obj("f"), "return type");
}

TEST_F(SchemaDiffServerTest, MissingEvent) {
  ExpectOnly("DROP EVENT e", "event " + Obj("e"), "missing on slave");
}

TEST_F(SchemaDiffServerTest, ChangedEventSchedule) {
  ExpectOnly("ALTER EVENT e ON SCHEDULE EVERY 2 DAY", "event " + Obj("e"), "event schedule");
}

TEST_F(SchemaDiffServerTest, DisabledEventIsNoDifference) {
  // A replicated event is SLAVESIDE_DISABLED on the slave: not a difference.
  OnBoth(kSchema);
  OnSlave("ALTER EVENT e DISABLE");
  for (const auto& d : Diff()) ADD_FAILURE() << d.ToString();
}

TEST_F(SchemaDiffServerTest, Engine) {
  // Aria's TRANSACTIONAL=1 in CREATE_OPTIONS goes with the engine.
  auto d = ExpectOnly("ALTER TABLE t2 ENGINE=Aria", Obj("t2"), "engine");
  EXPECT_EQ(d.master, "InnoDB");
  EXPECT_EQ(d.slave, "Aria");
}

TEST_F(SchemaDiffServerTest, DatabaseMissingOnSlave) {
  OnBoth(kSchema);
  conn_->Execute("DROP DATABASE " + slave_);
  const auto diffs = Diff();
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].object, "database `" + master_ + "`");
  EXPECT_EQ(diffs[0].what, "missing on slave");
  EXPECT_EQ(diffs[0].ToString(),
            "database `" + master_ + "`: missing on slave: master database, slave (absent)");
}

TEST_F(SchemaDiffServerTest, DatabaseCharset) {
  OnBoth(kSchema);
  conn_->Execute("ALTER DATABASE " + slave_ + " CHARACTER SET ascii");
  const auto diffs = Diff();
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].object, "database `" + master_ + "`");
  EXPECT_EQ(diffs[0].what, "charset");
}

TEST_F(SchemaDiffServerTest, ManyTables) {
  constexpr int kTables = 300;
  for (const auto& db : {master_, slave_}) {
    conn_->Execute("USE " + db);
    for (int i = 0; i < kTables; ++i) {
      conn_->Execute("CREATE TABLE t" + std::to_string(i) +
                     " (id INT PRIMARY KEY, v VARCHAR(10), n BIGINT NOT NULL DEFAULT 0,"
                     " KEY kv (v, n)) ENGINE=InnoDB");
    }
  }
  OnSlave("ALTER TABLE t123 MODIFY n INT NOT NULL DEFAULT 0");
  const auto start = std::chrono::steady_clock::now();
  const auto diffs = Diff();
  std::cout << "compared " << kTables << " tables per side in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s\n";
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].object, Obj("t123") + ".`n`");
  EXPECT_EQ(diffs[0].what, "column type");
}

TEST(SchemaDifferenceTest, ToStringIsOneLine) {
  const SchemaDifference d{"view `d`.`v`", "view definition", "select 1\nfrom t", ""};
  EXPECT_EQ(d.ToString(),
            "view `d`.`v`: view definition: master select 1\\nfrom t, slave ''");
}

}  // namespace
}  // namespace randsync::checker
