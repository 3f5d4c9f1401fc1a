// Against a real server: the schema snapshot read the way RQG's executor
// reads it, and the db/ connection layer it is built on.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "db/dsn.h"
#include "engine/schema/schema.h"
#include "engine/schema/schema_reader.h"
#include "tests/support/shared_server.h"

namespace randsync {
namespace {

std::vector<std::string> ColumnSummary(const Table& t) {
  std::vector<std::string> out;
  for (const Column& c : t.columns) {
    out.push_back(c.name + " " + c.type_class + " " + c.column_type + " " +
                  (c.primary ? "primary" : c.indexed ? "indexed" : "ordinary"));
  }
  return out;
}

class SchemaReaderServerTest : public testsupport::SharedServerTest {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    Exec("DROP DATABASE IF EXISTS rs_reader");
    Exec("CREATE DATABASE rs_reader");
    ready_ = true;
  }
  void TearDown() override {
    if (ready_) Exec("DROP DATABASE IF EXISTS rs_reader");
  }
  db::Dsn ReaderDsn() { return db::ParseDsn(server().Dsn("rs_reader"), nullptr); }

  bool ready_ = false;

  // GendataSimple's table (no options).
  void CreateGendataSimpleTable(const std::string& name) {
    Exec("CREATE TABLE rs_reader." + name +
         " (pk INTEGER AUTO_INCREMENT, col_int_nokey INTEGER, col_int_key INTEGER,"
         " col_date_key DATE, col_date_nokey DATE, col_time_key TIME, col_time_nokey TIME,"
         " col_datetime_key DATETIME, col_datetime_nokey DATETIME,"
         " col_varchar_key VARCHAR(1), col_varchar_nokey VARCHAR(1),"
         " PRIMARY KEY (pk), KEY (col_int_key), KEY (col_date_key), KEY (col_time_key),"
         " KEY (col_datetime_key), KEY (col_varchar_key, col_int_key))");
  }
};

TEST_F(SchemaReaderServerTest, GendataSimpleTablesMatchTheDefaultSchema) {
  for (const char* name : {"A", "AA"}) CreateGendataSimpleTable(name);
  Exec("CREATE TABLE rs_reader.DUMMY (I INTEGER)");
  Schema s = ReadSchemaFromServer(ReaderDsn());
  EXPECT_EQ(s.default_database, "rs_reader");
  const Database* db = s.FindDatabase("rs_reader");
  ASSERT_NE(db, nullptr);
  ASSERT_EQ(db->tables.size(), 2u);  // DUMMY is never listed
  Schema expected = DefaultSchema();
  for (const Table& t : db->tables) {
    EXPECT_EQ(ColumnSummary(t), ColumnSummary(*expected.FindTable("test", t.name))) << t.name;
  }
}

TEST_F(SchemaReaderServerTest, SchemasViewsKeysAndOtherTableTypes) {
  Exec("CREATE TABLE rs_reader.t (a INT, b INT, c VARCHAR(5), d DATETIME(3), e TEXT,"
       " PRIMARY KEY (a, b), KEY (c, d))");
  Exec("CREATE TABLE rs_reader.u (u INT NOT NULL, v BIGINT UNSIGNED, UNIQUE (u), UNIQUE (v))");
  Exec("CREATE VIEW rs_reader.view_t AS SELECT * FROM rs_reader.t");
  Exec("CREATE SEQUENCE rs_reader.s1");
  Schema s = ReadSchemaFromServer(ReaderDsn());

  const Database* db = s.FindDatabase("rs_reader");
  ASSERT_NE(db, nullptr);
  std::vector<std::string> names;
  for (const Table& t : db->tables) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"t", "u", "view_t"}));  // no sequence

  EXPECT_EQ(ColumnSummary(*db->FindTable("t")),
            (std::vector<std::string>{"a int int(11) primary", "b int int(11) primary",
                                      "c char varchar(5) indexed",
                                      "d timestamp datetime(3) indexed",  // 2nd key part
                                      "e text text ordinary"}));
  // Without a primary key the first UNIQUE NOT NULL key reports as PRI.
  EXPECT_EQ(ColumnSummary(*db->FindTable("u")),
            (std::vector<std::string>{"u int int(11) primary",
                                      "v int bigint(20) unsigned indexed"}));
  const Table* view = db->FindTable("view_t");
  ASSERT_NE(view, nullptr);
  EXPECT_TRUE(view->is_view);
  for (const Column& c : view->columns) EXPECT_FALSE(c.indexed) << c.name;

  // System schemas are listed as RQG lists them.
  for (const char* name : {"INFORMATION_SCHEMA", "mysql", "performance_schema"}) {
    EXPECT_NE(s.FindDatabase(name), nullptr) << name;
  }
  EXPECT_EQ(s.FindDatabase("information_schema"), nullptr);
  const Table* tables = s.FindTable("INFORMATION_SCHEMA", "TABLES");
  ASSERT_NE(tables, nullptr);
  EXPECT_TRUE(tables->is_view);  // SYSTEM VIEW

  EXPECT_TRUE(std::binary_search(s.collations.begin(), s.collations.end(), "utf8mb4_general_ci"));
  EXPECT_TRUE(std::binary_search(s.charsets.begin(), s.charsets.end(), "utf8mb4"));
  EXPECT_FALSE(std::binary_search(s.charsets.begin(), s.charsets.end(), ""));
}

TEST_F(SchemaReaderServerTest, SnapshotSurvivesJsonAndEmptyDsnDatabaseMeansTest) {
  CreateGendataSimpleTable("B");
  db::Dsn dsn = ReaderDsn();
  dsn.database.clear();
  Schema s = ReadSchemaFromServer(dsn);
  EXPECT_EQ(s.default_database, "test");
  EXPECT_EQ(Schema::FromJson(s.ToJson()).ToJson(), s.ToJson());
}

// ------------------------------------------------------- db::Connection

class ConnectionServerTest : public testsupport::SharedServerTest {
 protected:
  db::Dsn Dsn() { return db::ParseDsn(server().Dsn("test"), nullptr); }
};

TEST_F(ConnectionServerTest, NullEmptyAndBinaryValuesStayDistinct) {
  db::Connection c(Dsn());
  db::RowSet rows = c.QueryRows("SELECT NULL AS n, '' AS e, 'NULL' AS s, X'00FF00' AS b");
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"n", "e", "s", "b"}));
  ASSERT_EQ(rows.rows.size(), 1u);
  const db::Row& r = rows.rows[0];
  EXPECT_FALSE(r[0].has_value());
  EXPECT_EQ(r[1], std::optional<std::string>(""));
  EXPECT_EQ(r[2], std::optional<std::string>("NULL"));
  EXPECT_EQ(r[3], std::optional<std::string>(std::string("\0\xff\0", 3)));

  db::Result res = c.Query("SELECT NULL, X'00FF00'");
  ASSERT_TRUE(res.Next());
  EXPECT_TRUE(res.IsNull(0));
  EXPECT_FALSE(res.Get(0).has_value());
  EXPECT_EQ(res.Length(1), 3u);
  EXPECT_EQ(res.Value(1), std::string_view("\0\xff\0", 3));
  EXPECT_FALSE(res.Next());
}

TEST_F(ConnectionServerTest, StreamsLargeResultsAndStaysUsable) {
  db::Connection c(Dsn());
  db::Result res = c.Query("SELECT seq FROM seq_1_to_200000");
  uint64_t count = 0, sum = 0;
  while (res.Next()) {
    ++count;
    sum += std::stoull(std::string(res.Value(0)));
  }
  EXPECT_EQ(count, 200000u);
  EXPECT_EQ(sum, 200000ull * 200001ull / 2);
  // A result abandoned half way is drained when it goes away.
  {
    db::Result partial = c.Query("SELECT seq FROM seq_1_to_100000");
    ASSERT_TRUE(partial.Next());
  }
  EXPECT_EQ(c.QueryValue("SELECT 42"), std::optional<std::string>("42"));
}

TEST_F(ConnectionServerTest, ExecuteReportsAffectedRowsAndDrainsProcedureResults) {
  db::ConnectOptions options;
  options.multi_statements = true;
  db::Connection c(Dsn(), options);
  c.Execute("DROP TABLE IF EXISTS rs_conn; CREATE TABLE rs_conn (a INT); "
            "INSERT INTO rs_conn VALUES (1), (2), (3)");
  EXPECT_EQ(c.Execute("UPDATE rs_conn SET a = a + 1 WHERE a > 1"), 2u);
  c.Execute("DROP PROCEDURE IF EXISTS rs_proc");
  c.Execute("CREATE PROCEDURE rs_proc() BEGIN SELECT 1; SELECT a FROM rs_conn; END");
  c.Execute("CALL rs_proc()");
  {
    db::Result first = c.Query("CALL rs_proc()");
    ASSERT_TRUE(first.Next());
    EXPECT_EQ(first.Value(0), "1");
  }
  EXPECT_EQ(c.QueryValue("SELECT COUNT(*) FROM rs_conn"), std::optional<std::string>("3"));
  EXPECT_EQ(c.Quote("it's \\ \"x\""), "'it\\'s \\\\ \\\"x\\\"'");
  c.Execute("DROP PROCEDURE rs_proc; DROP TABLE rs_conn");
}

TEST_F(ConnectionServerTest, ErrorsCarryErrnoAndSqlstateOnOneLine) {
  db::Connection c(Dsn());
  try {
    c.Execute("SELECT * FROM no_such_table_here");
    FAIL() << "no error";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.error_number(), 1146u);
    EXPECT_EQ(e.sqlstate(), "42S02");
    EXPECT_NE(std::string(e.what()).find("ERROR 1146 (42S02): Table"), std::string::npos) << e.what();
  }
  try {
    c.QueryRows("SELEC 1\nFROM\ndual");
    FAIL() << "no error";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.error_number(), 1064u);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
  EXPECT_EQ(c.QueryValue("SELECT 'still usable'"), std::optional<std::string>("still usable"));
}

TEST_F(ConnectionServerTest, SocketPasswordAndConnectErrors) {
  Exec("CREATE USER IF NOT EXISTS rs_pw@'%' IDENTIFIED BY 'Sekr1t'");
  Exec("CREATE USER IF NOT EXISTS rs_pw@'localhost' IDENTIFIED BY 'Sekr1t'");
  const std::string port = std::to_string(server().port());
  db::Connection ok(db::ParseDsn("mysql://rs_pw:Sekr1t@127.0.0.1:" + port + "/", nullptr));
  EXPECT_EQ(ok.QueryValue("SELECT CURRENT_USER()").value_or("").rfind("rs_pw@", 0), 0u);

  db::Connection sock(db::ParseDsn("mysql://rs_pw@localhost/?socket=" + server().socket(), "Sekr1t"));
  EXPECT_EQ(sock.QueryValue("SELECT @@socket"), std::optional<std::string>(server().socket()));

  try {
    db::Connection bad(db::ParseDsn("mysql://rs_pw:WrongPass@127.0.0.1:" + port + "/", nullptr));
    FAIL() << "connected with a wrong password";
  } catch (const db::DbError& e) {
    std::string what = e.what();
    EXPECT_EQ(e.error_number(), 1045u);
    EXPECT_EQ(what.rfind("connect to mysql://rs_pw:***@127.0.0.1:" + port + "/: ERROR 1045", 0), 0u)
        << what;
    EXPECT_EQ(what.find("WrongPass"), std::string::npos) << what;
  }
  Exec("DROP USER rs_pw@'%'");
  Exec("DROP USER rs_pw@'localhost'");
}

}  // namespace
}  // namespace randsync
