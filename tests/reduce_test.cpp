// randsync reduce's parts that need no server (runners/reduce/): ddmin,
// the script's statements and JSON, the dump parser, the mtr test's text
// and the report's round trip. tests/run_reduce_test.sh reduces real runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "runners/reduce/columns.h"
#include "runners/reduce/ddmin.h"
#include "runners/reduce/literals.h"
#include "runners/reduce/reduced_test.h"
#include "runners/reduce/reducer.h"
#include "runners/reduce/relevance.h"
#include "runners/reduce/script.h"
#include "runners/reduce/setup_snapshot.h"
#include "runners/reduce/target.h"
#include "runners/reduce/window_script.h"

namespace randsync::reduce {
namespace {

bool Contains(const Candidate& c, std::size_t x) { return std::find(c.begin(), c.end(), x) != c.end(); }

Candidate Iota(std::size_t n) {
  Candidate c(n);
  for (std::size_t i = 0; i < n; ++i) c[i] = i;
  return c;
}

// The failure needs items 3, 41 and 77 together: ddmin finds exactly them.
TEST(Ddmin, FindsTheItemsThatTogetherFail) {
  int tests = 0;
  const BatchTest test = [&](const std::vector<Candidate>& batch) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      ++tests;
      if (Contains(batch[i], 3) && Contains(batch[i], 41) && Contains(batch[i], 77)) return static_cast<int>(i);
    }
    return -1;
  };
  const Candidate got = Ddmin(Iota(100), test, [] { return false; });
  EXPECT_EQ(got, (Candidate{3, 41, 77}));
  EXPECT_LT(tests, 200) << "ddmin, not one test per subset";
}

TEST(Ddmin, ALoneItemThatIsNotNeededGoes) {
  const BatchTest always = [](const std::vector<Candidate>&) { return 0; };
  EXPECT_TRUE(Ddmin(Iota(8), always, [] { return false; }).empty());
}

TEST(Ddmin, StopsWhenOutOfTimeWithAFailingSubset) {
  int calls = 0;
  const BatchTest test = [&](const std::vector<Candidate>& batch) {
    ++calls;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (Contains(batch[i], 5)) return static_cast<int>(i);
    }
    return -1;
  };
  const Candidate got = Ddmin(Iota(64), test, [&] { return calls >= 2; });
  EXPECT_TRUE(Contains(got, 5)) << "what it returns still fails";
  EXPECT_GT(got.size(), 1u) << "and the budget stopped it early";
}

Script Sample() {
  Script s;
  s.setup.push_back({"test", "t", "CREATE TABLE `t` (pk INT PRIMARY KEY)", {"INSERT INTO `t` VALUES (1)"}});
  s.setup.push_back({"db`2", "u", "CREATE TABLE `u` (a INT)", {}});
  s.window.push_back({"0-1-5", true, {{"test", "UPDATE t SET pk = 2"}, {"test", "DELETE FROM t"}}});
  s.window.push_back({"0-1-6", false, {{"db`2", "ALTER TABLE u ADD b INT"}}});
  return s;
}

TEST(Script, StatementsInOrderWithDatabasesAndTransactions) {
  const Script s = Sample();
  EXPECT_EQ(SetupStatements(s),
            (std::vector<std::string>{"CREATE DATABASE IF NOT EXISTS `test`", "USE `test`",
                                      "CREATE TABLE `t` (pk INT PRIMARY KEY)", "INSERT INTO `t` VALUES (1)",
                                      "CREATE DATABASE IF NOT EXISTS `db``2`", "USE `db``2`",
                                      "CREATE TABLE `u` (a INT)"}));
  EXPECT_EQ(WindowStatements(s),
            (std::vector<std::string>{"BEGIN", "USE `test`", "UPDATE t SET pk = 2", "DELETE FROM t", "COMMIT",
                                      "USE `db``2`", "ALTER TABLE u ADD b INT"}));
  EXPECT_EQ(s.Statements(), 2u + 1u + 3u);
  const Script back = ScriptFromJson(ToJson(s));
  EXPECT_EQ(SetupStatements(back), SetupStatements(s));
  EXPECT_EQ(WindowStatements(back), WindowStatements(s));
}

// mariadb-dump --compact --skip-extended-insert, as 10.11 writes it.
TEST(SetupSnapshot, ADumpBecomesTablesWithTheirRows) {
  const auto tables = ParseTableDump("test", R"(/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8 */;
CREATE TABLE `A` (
  `pk` int(11) NOT NULL,
  PRIMARY KEY (`pk`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
INSERT INTO `A` VALUES (1);
INSERT INTO `A` VALUES (2);
CREATE TABLE `we``ird` (
  `v` varchar(3) DEFAULT NULL
) ENGINE=MyISAM;
INSERT INTO `we``ird` VALUES ('a;b');
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER tr BEFORE INSERT ON `A` FOR EACH ROW SET NEW.pk = NEW.pk + 1 */;;
DELIMITER ;
/*!50001 CREATE VIEW `v1` AS select 1 AS `1` */;
DELIMITER ;;
CREATE DEFINER=`root`@`localhost` PROCEDURE `p1`()
BEGIN
  SELECT 1;
END ;;
DELIMITER ;
)");
  ASSERT_EQ(tables.size(), 5u);
  EXPECT_EQ(tables[2].name, "") << "a trigger is an object of the setup";
  EXPECT_EQ(tables[2].create.rfind("/*!50003 CREATE*/ /*!50017 DEFINER", 0), 0u) << tables[2].create;
  EXPECT_EQ(tables[2].create.back(), '/') << "without its delimiter: " << tables[2].create;
  EXPECT_EQ(tables[3].create, "/*!50001 CREATE VIEW `v1` AS select 1 AS `1` */");
  EXPECT_EQ(tables[4].create, "CREATE DEFINER=`root`@`localhost` PROCEDURE `p1`()\nBEGIN\n  SELECT 1;\nEND");
  EXPECT_TRUE(DroppableColumns(tables[4]).empty());
  EXPECT_EQ(tables[0].name, "A");
  EXPECT_EQ(tables[0].rows, (std::vector<std::string>{"INSERT INTO `A` VALUES (1)", "INSERT INTO `A` VALUES (2)"}));
  EXPECT_EQ(tables[0].create.rfind("CREATE TABLE `A` (", 0), 0u);
  EXPECT_EQ(tables[1].name, "we`ird");
  EXPECT_EQ(tables[1].rows, (std::vector<std::string>{"INSERT INTO `we``ird` VALUES ('a;b')"}));
}

SetupTable ThreeColumns() {
  return {"test",
          "t",
          "CREATE TABLE `t` (\n"
          "  `pk` int(11) NOT NULL AUTO_INCREMENT,\n"
          "  `col_int` int(11) DEFAULT NULL,\n"
          "  `col_char` varchar(10) DEFAULT NULL,\n"
          "  PRIMARY KEY (`pk`),\n"
          "  KEY `col_int` (`col_int`)\n"
          ") ENGINE=InnoDB DEFAULT CHARSET=latin1",
          {"INSERT INTO `t` VALUES (1,5,'a,(b')", "INSERT INTO `t` VALUES (2,NULL,'it\\'s')"}};
}

TEST(Columns, AllButThePrimaryKeysMayGo) {
  EXPECT_EQ(DroppableColumns(ThreeColumns()), (std::vector<std::string>{"col_int", "col_char"}));
}

TEST(Columns, AColumnGoesWithItsKeysAndItsValueInEveryRow) {
  const std::optional<SetupTable> t = WithoutColumns(ThreeColumns(), {"col_int"});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->create,
            "CREATE TABLE `t` (\n"
            "  `pk` int(11) NOT NULL AUTO_INCREMENT,\n"
            "  `col_char` varchar(10) DEFAULT NULL,\n"
            "  PRIMARY KEY (`pk`)\n"
            ") ENGINE=InnoDB DEFAULT CHARSET=latin1");
  EXPECT_EQ(t->rows, (std::vector<std::string>{"INSERT INTO `t` VALUES (1,'a,(b')", "INSERT INTO `t` VALUES (2,'it\\'s')"}));
  const std::optional<SetupTable> both = WithoutColumns(ThreeColumns(), {"col_int", "col_char"});
  ASSERT_TRUE(both);
  EXPECT_EQ(both->rows, (std::vector<std::string>{"INSERT INTO `t` VALUES (1)", "INSERT INTO `t` VALUES (2)"}));
}

TEST(Columns, ARowOfAnotherShapeLeavesTheTableAsItIs) {
  SetupTable t = ThreeColumns();
  t.rows.push_back("INSERT INTO `t` VALUES (3,4)");
  EXPECT_FALSE(WithoutColumns(t, {"col_int"}));
  EXPECT_FALSE(WithoutColumns(ThreeColumns(), {"no_such"}));
}

// A setup of the shapes mariadb-dump --compact writes: tables, a view of
// `A` (as the dump writes it, in versioned comments), a trigger on `B`, a
// procedure that writes `C`, and an unrelated table `D`.
Script RelevanceSetup(const std::string& window_statement) {
  Script s;
  auto table = [](const std::string& name) {
    return SetupTable{"test", name,
                      "CREATE TABLE `" + name + "` (\n  `pk` int(11) NOT NULL,\n  `col_int` int(11) DEFAULT NULL,\n"
                      "  `col_char` char(1) DEFAULT NULL,\n  PRIMARY KEY (`pk`)\n) ENGINE=InnoDB",
                      {}};
  };
  for (const char* name : {"A", "B", "C", "D"}) s.setup.push_back(table(name));
  // The view's stand-in, dropped before the view is created.
  s.setup.push_back({"test", "", "/*!50001 CREATE VIEW `v_a` AS SELECT\n NULL AS `pk`,\n NULL AS `col_char` */", {}});
  s.setup.push_back({"test", "", "/*!50001 DROP VIEW IF EXISTS `v_a`*/", {}});
  s.setup.push_back({"test", "",
                     "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`127.0.0.1` SQL SECURITY "
                     "DEFINER */\n/*!50001 VIEW `v_a` AS select `A`.`pk` AS `pk`,`A`.`col_char` AS `col_char` from `A` */",
                     {}});
  s.setup.push_back({"test", "",
                     "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`%`*/ /*!50003 TRIGGER `tr_b` BEFORE INSERT ON `B` "
                     "FOR EACH ROW SET NEW.col_int = 1 */",
                     {}});
  s.setup.push_back({"test", "", "CREATE DEFINER=`root`@`%` PROCEDURE `p_c`()\nBEGIN\n  DELETE FROM C;\nEND", {}});
  s.window.push_back({"0-1-9", true, {{"test", window_statement}}});
  return s;
}

TEST(Relevance, TheSetupTheWindowNamesWithWhatThatNames) {
  // A statement through the view needs it and its table.
  EXPECT_EQ(SetupTheWindowNames(RelevanceSetup("UPDATE v_a SET col_char = 'x' WHERE pk = 1")), (Candidate{0, 4, 5, 6}));
  // A table keeps its triggers; names are compared without case or quotes.
  EXPECT_EQ(SetupTheWindowNames(RelevanceSetup("INSERT INTO `b` (pk) VALUES (2)")), (Candidate{1, 7}));
  // A call keeps the procedure and what its body names; words in a
  // string literal (a PREPARE's text) count.
  EXPECT_EQ(SetupTheWindowNames(RelevanceSetup("CALL p_c()")), (Candidate{2, 8}));
  EXPECT_EQ(SetupTheWindowNames(RelevanceSetup("PREPARE st FROM 'DELETE FROM D'")), (Candidate{3}));
  EXPECT_TRUE(SetupTheWindowNames(RelevanceSetup("SELECT 1")).empty());
}

TEST(Relevance, ColumnsAViewNamesStayAndTheWindowsColumnsAreTheGuess) {
  const Script s = RelevanceSetup("UPDATE `A` SET `COL_INT` = 3 WHERE pk = 1");
  EXPECT_TRUE(ADefinitionNames(s, {0, "col_char"}));   // the view selects A.col_char
  EXPECT_FALSE(ADefinitionNames(s, {0, "col_int"}));
  EXPECT_FALSE(ADefinitionNames(s, {3, "col_char"}));  // no view of D
  const std::vector<SetupColumn> columns{{0, "col_int"}, {0, "col_char"}, {3, "col_int"}, {3, "col_char"}};
  EXPECT_EQ(ColumnsTheWindowNames(s, columns), (Candidate{0, 2}));
  EXPECT_EQ(Identifiers("SELECT `a``b`, 'x y' FROM t1"), (std::set<std::string>{"select", "a`b", "x", "y", "from", "t1"}));
}

TEST(Relevance, TheEndAndTheDdlThatDefinesWhatItNames) {
  Script s;
  auto tx = [&](const std::string& sql) { s.window.push_back({"", true, {{"test", sql}}}); };
  tx("CREATE FUNCTION IF NOT EXISTS crash_at RETURNS INTEGER SONAME 'crash_udf.so'");  // 0: defines crash_at
  tx("INSERT INTO t1 VALUES (1)");                                                        // 1
  tx("CREATE TABLE t2 (a int)");                                                          // 2: not named
  tx("ALTER TABLE `T1` ADD COLUMN b int");                                                // 3: changes t1
  tx("SELECT crash_at(3)");                                                               // 4
  tx("UPDATE t1 SET a = crash_at(7)");                                                    // 5
  EXPECT_EQ(TheEndAndWhatDefinesItsNames(s, 2), (Candidate{0, 3, 4, 5}));
  EXPECT_EQ(TheEndAndWhatDefinesItsNames(s, 1), (Candidate{0, 3, 5}));
  EXPECT_EQ(TheEndAndWhatDefinesItsNames(s, 9), (Candidate{0, 1, 2, 3, 4, 5}));
}

TEST(Target, ReproducesOnlyTheSameFailure) {
  Target t;
  t.shape = FailureShape::kDivergence;
  t.tables = {"test.A", "test.B"};
  TrialOutcome o;
  o.shape = FailureShape::kDivergence;
  o.differing_tables = {"test.B"};
  EXPECT_TRUE(Reproduces(t, o));
  o.differing_tables = {"test.C"};
  EXPECT_FALSE(Reproduces(t, o)) << "another table's difference is another failure";
  o.shape = FailureShape::kReplicationError;
  EXPECT_FALSE(Reproduces(t, o));
  Target r;
  r.shape = FailureShape::kReplicationError;
  r.error_number = 1032;
  o.error_number = 1062;
  EXPECT_FALSE(Reproduces(r, o));
  o.error_number = 1032;
  EXPECT_TRUE(Reproduces(r, o));
}

TEST(ReducedTest, TheMtrTestLoadsBothSidesAndComparesTheDifferingTables) {
  const Script s = Sample();
  TrialOutcome out;
  out.shape = FailureShape::kDivergence;
  out.statement_errors = {{3, 1146}};
  PairSettings settings;
  settings.binlog_format = "STATEMENT";
  ReduceReport report;
  report.target.shape = FailureShape::kDivergence;
  report.tables = {"test.t"};
  report.summary = "A difference in `test`.`t`";
  const std::string t = MtrTest({s, out, settings, report, "/r", ""});
  for (const char* needed :
       {"--source include/have_binlog_format_statement.inc", "--source include/master-slave.inc",
        "connection slave;\nSET SESSION sql_log_bin= 0;", "sync_slave_with_master;",
        "let $diff_tables= master:test.t, slave:test.t;\n--source include/diff_tables.inc",
        "--error 0,1146\nDELETE FROM t;", "--source include/rpl_end.inc"}) {
    EXPECT_NE(t.find(needed), std::string::npos) << needed << "\n" << t;
  }
  EXPECT_LT(t.find("connection slave;"), t.find("UPDATE t SET pk = 2")) << "the setup comes first";
}

std::vector<std::string> LiteralTexts(const std::string& sql) {
  std::vector<std::string> out;
  for (const Literal& l : FindLiterals(sql)) out.push_back((l.string ? "s:" : "n:") + sql.substr(l.begin, l.end - l.begin));
  return out;
}

TEST(Literals, StringsAndNumbersButNotNamesCommentsOrTypedForms) {
  EXPECT_EQ(LiteralTexts("UPDATE `t1` SET col_int_nokey = 42, c = 'it''s', d = \"x\\\"y\" WHERE pk = -3.5e2"),
            (std::vector<std::string>{"n:42", "s:'it''s'", "s:\"x\\\"y\"", "n:3.5e2"}));
  EXPECT_EQ(LiteralTexts("SELECT 0x1F, X'ab', _latin1'q', b'101', `a 7`, t2.c3 /* 9 */ -- 8\n# 7\n, .5"),
            (std::vector<std::string>{"n:.5"}));
  EXPECT_EQ(LiteralTexts("INSERT INTO 1st_table VALUES (1)"), (std::vector<std::string>{"n:1"}));
}

TEST(Literals, SimplerFormsAreSimplestFirstAndEndAtTheLiteralsOwn) {
  EXPECT_EQ(SimplerForms("42", false), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(SimplerForms("1", false), (std::vector<std::string>{"0"}));
  EXPECT_TRUE(SimplerForms("0", false).empty());
  EXPECT_EQ(SimplerForms("'abc'", true), (std::vector<std::string>{"''", "'a'"}));
  EXPECT_TRUE(SimplerForms("''", true).empty());
}

// A loadable function lives in mysql.func, outside the dropped databases:
// mariadb-test-run fails a test that leaves one, so the clean-up drops it
// on both sides, after the slave caught up (else it arrives after the drop).
TEST(ReducedTest, TheMtrTestDropsTheLoadableFunctionsTheWindowCreated) {
  Script s;
  s.window.push_back({"", false, {{"test", "CREATE FUNCTION IF NOT EXISTS crash_at RETURNS INTEGER SONAME 'x.so'"}}});
  s.window.push_back({"", false, {{"test", "SELECT crash_at(7)"}}});
  ReduceReport report;
  report.target.shape = FailureShape::kMasterCrash;
  const std::string t = MtrTest({s, TrialOutcome{}, PairSettings{}, report, "/r", ""});
  const std::size_t sync = t.find("sync_slave_with_master;");
  const std::size_t first = t.find("DROP FUNCTION IF EXISTS crash_at;");
  ASSERT_NE(first, std::string::npos) << t;
  EXPECT_NE(t.find("DROP FUNCTION IF EXISTS crash_at;", first + 1), std::string::npos) << "on both sides\n" << t;
  EXPECT_LT(sync, first) << t;
  EXPECT_EQ(t.find("diff_tables"), std::string::npos) << "a crash compares nothing\n" << t;
}

// An XA transaction is replayed as XA: prepared in its group, committed
// in the later one, with other transactions between as the log has them.
TEST(WindowScript, XaGroupsReplayAsXa) {
  backup::BinlogTransaction prepare;
  prepare.gtid = "0-1-5";
  prepare.xa = true;
  prepare.xa_step = backup::XaStep::kPrepare;
  prepare.xid = "X'7831',X'',1";
  prepare.logged = {{"test", "INSERT INTO t VALUES (1)", true}};
  backup::BinlogTransaction commit;
  commit.xa = true;
  commit.xa_step = backup::XaStep::kCommit;
  commit.xid = prepare.xid;
  backup::BinlogTransaction plain;
  plain.logged = {{"test", "UPDATE t SET a = 2", true}};
  const ScriptTransaction p = ScriptTransactionOf(prepare), c = ScriptTransactionOf(commit), o = ScriptTransactionOf(plain);
  std::vector<std::string> texts;
  for (const auto& st : p.statements) texts.push_back(st.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"XA START X'7831',X'',1", "INSERT INTO t VALUES (1)",
                                             "XA END X'7831',X'',1", "XA PREPARE X'7831',X'',1"}));
  EXPECT_FALSE(p.wrap) << "XA START opens the transaction, not BEGIN";
  ASSERT_EQ(c.statements.size(), 1u);
  EXPECT_EQ(c.statements[0].text, "XA COMMIT X'7831',X'',1");
  EXPECT_TRUE(o.wrap);
  EXPECT_EQ(UnendedXids({p, o}), (std::vector<std::string>{"X'7831',X'',1"}));
  EXPECT_TRUE(UnendedXids({p, o, c}).empty());

  Script s;
  s.window = {p, o};
  ReduceReport report;
  report.target.shape = FailureShape::kDivergence;
  report.tables = {"test.t"};
  const std::string t = MtrTest({s, TrialOutcome{}, PairSettings{}, report, "/r", ""});
  EXPECT_NE(t.find("--error 0,1397\nXA ROLLBACK X'7831',X'',1;"), std::string::npos) << t;
  EXPECT_LT(t.find("XA ROLLBACK"), t.find("DROP DATABASE")) << t;
}

// A routine's body holds ';': mariadb-test-run and the client read it
// whole between delimiter changes.
TEST(ReducedTest, ABodyWithSemicolonsGoesBetweenDelimiters) {
  Script s;
  s.setup.push_back({"test", "", "CREATE PROCEDURE p1()\nBEGIN\n  SELECT 1;\nEND", {}});
  s.window.push_back({"", false, {{"test", "CALL p1()"}}});
  ReduceReport report;
  report.target.shape = FailureShape::kDivergence;
  const std::string t = MtrTest({s, TrialOutcome{}, PairSettings{}, report, "/r", ""});
  EXPECT_NE(t.find("delimiter |;\nCREATE PROCEDURE p1()\nBEGIN\n  SELECT 1;\nEND|\ndelimiter ;|\n"), std::string::npos)
      << t;
  EXPECT_NE(t.find("\nCALL p1();\n"), std::string::npos) << t;
}

TEST(ReduceReport, RoundTrips) {
  ReduceReport r;
  r.target.shape = FailureShape::kReplicationError;
  r.target.error_number = 1032;
  r.tables = {"test.A"};
  r.statements_before = 12000;
  r.statements_after = 3;
  r.pairs = 50;
  r.reproduced = 3;
  r.verify_runs = 3;
  r.mtr = "failed as the run did";
  r.mtr_reproduced = true;
  const ReduceReport back = ReduceReport::FromJson(r.ToJson());
  EXPECT_EQ(back.ToJson(), r.ToJson());
  EXPECT_EQ(back.target.shape, FailureShape::kReplicationError);
}

}  // namespace
}  // namespace randsync::reduce
