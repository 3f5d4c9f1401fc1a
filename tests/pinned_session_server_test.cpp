// No global setting of a server changes a check's verdict
// (db/pinned_session.h): a master and a slave holding equal data, each
// given unusual globals (sql_mode PAD_CHAR_TO_FULL_LENGTH, ORACLE,
// ANSI_QUOTES, NO_BACKSLASH_ESCAPES, EMPTY_STRING_IS_NULL; another default
// time zone, server character set and sql_select_limit), check equal; a
// change planted on the slave is still found, in its row. The data holds
// what those settings read or parse otherwise: CHAR values shorter than
// the column, '' and NULL, backslashes and quotes (also in a string key,
// so that chunk bounds are literals), TIMESTAMPs, multibyte text, a view
// and a trigger.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/check_report.h"
#include "checker/check_run.h"
#include "db/pinned_session.h"
#include "tests/support/replication_pair.h"

namespace randsync::checker {
namespace {

// Globals set on the master and on the slave for one case.
struct Globals {
  std::string name;
  std::vector<std::string> master, slave;
};

class PinnedSessionServerTest : public testsupport::ReplicationPairTest {
 protected:
  void SetUp() override {
    ReplicationPairTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    master_.emplace(pair().Master());
    slave_.emplace(pair().Slave());
    for (const char* q : {
             "DROP DATABASE IF EXISTS pin", "CREATE DATABASE pin",
             "CREATE TABLE pin.t (pk INT PRIMARY KEY, c CHAR(10), v VARCHAR(20), ts TIMESTAMP(6) NULL, "
             "txt TEXT) ENGINE=InnoDB",
             "INSERT INTO pin.t VALUES (1, 'a', '', '2026-01-02 03:04:05.123456', 'x\\\\y'), "
             "(2, '', NULL, '2026-06-30 23:59:59', 'it''s \"q\"'), (3, NULL, 'NULL', NULL, '\xc3\xbc\xe2\x82\xac'), "
             "(4, 'b  ', 'tail  ', '1999-12-31 12:00:00', ''), (5, 'c', 'd', '2030-03-03 03:03:03', NULL)",
             "CREATE TABLE pin.s (k VARCHAR(20) PRIMARY KEY, n INT) ENGINE=InnoDB",
             "INSERT INTO pin.s VALUES ('a\\\\b', 1), ('a''b', 2), ('a\"b', 3), ('', 4), ('z\\\\', 5), "
             "('\xc3\xa9t\xc3\xa9', 6), ('m', 7)",
             "CREATE VIEW pin.v AS SELECT pk, CONCAT(c, v) AS cv FROM pin.t",
             "CREATE TRIGGER pin.trg BEFORE INSERT ON pin.s FOR EACH ROW SET NEW.n = COALESCE(NEW.n, 0)"}) {
      master_->Execute(q);
    }
    ASSERT_TRUE(pair().WaitForSlave());
  }

  void TearDown() override {
    for (const auto& [c, names] : {std::pair{&master_, &master_set_}, {&slave_, &slave_set_}}) {
      if (!*c) continue;
      for (const std::string& n : *names) (*c)->Execute("SET GLOBAL " + n + " = DEFAULT");
    }
  }

  // Sets "name = value" globals on one server and remembers them for TearDown.
  void SetGlobals(db::Connection& c, std::vector<std::string>& names, const std::vector<std::string>& settings) {
    for (const std::string& s : settings) {
      c.Execute("SET GLOBAL " + s);
      names.push_back(s.substr(0, s.find(' ')));
    }
  }

  CheckReport Check() {
    CheckOptions o;
    o.master = pair().MasterDsn("");
    o.slaves = {pair().SlaveDsn("")};
    o.filters.databases = {"pin"};
    o.threads = 2;
    o.chunk_size = 2;  // several chunks per table: string bounds in the WHERE
    o.sync_timeout = std::chrono::seconds(30);
    CheckReport r = RunCheck(o);
    if (r.status != Status::kOk) std::cout << Summary(r);
    return r;
  }

  std::optional<db::Connection> master_, slave_;
  std::vector<std::string> master_set_, slave_set_;
};

TEST_F(PinnedSessionServerTest, UnusualGlobalsChangeNoVerdict) {
  const std::vector<Globals> cases = {
      {"PAD_CHAR_TO_FULL_LENGTH on the slave", {}, {"sql_mode = 'PAD_CHAR_TO_FULL_LENGTH'"}},
      {"ORACLE on the master, ANSI_QUOTES,NO_BACKSLASH_ESCAPES on the slave",
       {"sql_mode = 'ORACLE'"},
       {"sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'"}},
      {"EMPTY_STRING_IS_NULL on the slave, zones, character sets and a select limit",
       {"time_zone = '-03:00'", "character_set_server = 'latin1'", "collation_server = 'latin1_swedish_ci'"},
       {"sql_mode = 'EMPTY_STRING_IS_NULL,PAD_CHAR_TO_FULL_LENGTH'", "time_zone = '+05:30'",
        "sql_select_limit = 3", "character_set_server = 'utf16'", "collation_server = 'utf16_general_ci'"}},
  };
  for (const Globals& g : cases) {
    SCOPED_TRACE(g.name);
    SetGlobals(*master_, master_set_, g.master);
    SetGlobals(*slave_, slave_set_, g.slave);
    const CheckReport equal = Check();
    EXPECT_EQ(equal.status, Status::kOk) << equal.error;
    EXPECT_EQ(equal.tables.size(), 2u);
    EXPECT_EQ(equal.master_rows, 12u);
    EXPECT_EQ(equal.pinned_session.at("sql_mode"), "");
    if (!g.slave.empty() && g.slave[0].rfind("sql_mode", 0) == 0) {
      EXPECT_TRUE(equal.slave_session_overridden.count("sql_mode")) << "the slave's sql_mode is reported overridden";
    }
    // A planted change is still found, in its row (sql_log_bin off: the
    // slave's own change).
    slave_->Execute("SET SESSION sql_log_bin = 0");
    slave_->Execute("UPDATE pin.s SET n = 60 WHERE k = 'z\\\\'");
    const CheckReport planted = Check();
    slave_->Execute("UPDATE pin.s SET n = 5 WHERE k = 'z\\\\'");
    ASSERT_EQ(planted.status, Status::kDivergence) << planted.error;
    size_t differing = 0;
    for (const TableCheck& t : planted.tables) {
      if (t.outcome != TableCheck::Outcome::kDifferent) continue;
      ++differing;
      EXPECT_EQ(t.ref.table, "s");
      ASSERT_EQ(t.rows.size(), 1u);
      EXPECT_EQ(t.rows[0].key_values.at(0), std::optional<std::string>("z\\"));
    }
    EXPECT_EQ(differing, 1u);
    TearDown();
    master_set_.clear();
    slave_set_.clear();
  }
}

}  // namespace
}  // namespace randsync::checker
