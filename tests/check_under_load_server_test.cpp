// The checker's reason to exist: master and slave under 8 threads of write
// load (the shipped default grammar: transactions, DML, table rebuilds) for 60 s,
// checked at 10 GTID sync points during the load, report no difference;
// neither does the final check once the load stopped and the slave caught
// up. A false alarm here would make every campaign result worthless. The
// grammar is default.yy with ddl_rebuild.yy: ALTER TABLE and OPTIMIZE TABLE
// racing the sync points.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "checker/check_report.h"
#include "checker/check_run.h"
#include "engine/gendata/gendata.h"
#include "engine/grammar/parser.h"
#include "engine/load/load_engine.h"
#include "engine/schema/schema_reader.h"
#include "tests/support/replication_pair.h"

namespace randsync::checker {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CheckUnderLoadServerTest : public testsupport::ReplicationPairTest {};

// Statements and transactions on the master waiting 3 s or more: printed at
// each sync point, so that a load that stops committing shows what it waits
// for in the test's output.
void PrintLongWaits(const db::Dsn& master) {
  db::Connection c(master);
  for (const db::Row& row :
       c.QueryRows("SELECT ID, TIME, STATE, LEFT(INFO, 120) FROM information_schema.PROCESSLIST "
                   "WHERE COMMAND = 'Query' AND TIME >= 3 AND ID <> CONNECTION_ID()").rows) {
    std::cout << "  waiting:";
    for (const auto& v : row) std::cout << " | " << v.value_or("NULL");
    std::cout << "\n";
  }
  for (const db::Row& row :
       c.QueryRows("SELECT trx_mysql_thread_id, trx_state, trx_started, trx_rows_locked, LEFT(trx_query, 120) "
                   "FROM information_schema.INNODB_TRX WHERE trx_started < NOW() - INTERVAL 3 SECOND").rows) {
    std::cout << "  long transaction:";
    for (const auto& v : row) std::cout << " | " << v.value_or("NULL");
    std::cout << "\n";
  }
}

TEST_F(CheckUnderLoadServerTest, TenSyncPointsDuringSixtySecondsOfLoadFindNothing) {
  const db::Dsn master = pair().MasterDsn("test");
  // The grammar's OPTIMIZE/ALTER inside other sessions' transactions can
  // close a cycle of metadata and row locks that only the lock wait timeouts
  // break: innodb_lock_wait_timeout (50 s by default) for row locks and
  // lock_wait_timeout (a day) for metadata locks. Once in about 15 runs the
  // load froze for the whole minute, ALTERs of two tables waiting. MariaDB's
  // own RQG runs use short ones too (10 s and 5 s).
  db::Connection(master).Execute("SET GLOBAL innodb_lock_wait_timeout = 2, GLOBAL lock_wait_timeout = 5");
  Generate(master, SimpleData{}, GendataOptions{});
  ASSERT_TRUE(pair().WaitForSlave());

  auto values = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  load::LoadOptions lo;
  lo.threads = 8;
  lo.duration = 60s;
  lo.seed = 7;
  lo.program = std::make_shared<Program>(
      grammar::ParseGrammarFiles((fs::path(RANDSYNC_SOURCE_DIR) / "grammars/default.yy").string(),
                                 {(fs::path(RANDSYNC_SOURCE_DIR) / "grammars/ddl_rebuild.yy").string()}),
      *values);
  lo.values = values;
  lo.schema = std::make_shared<Schema>(ReadSchemaFromServer(master));
  lo.dsn = master;
  load::LoadEngine engine(lo);

  CheckOptions co;
  co.master = pair().MasterDsn("");
  co.slaves = {pair().SlaveDsn("")};
  co.filters.databases = {"test"};
  co.threads = 2;
  co.chunk_size = 50;
  co.sync_timeout = 60s;

  const auto start = std::chrono::steady_clock::now();
  engine.Start();
  int checks = 0;
  std::set<std::string> gtids;  // distinct points: the load really moved on
  for (int k = 1; k <= 10; ++k) {
    std::this_thread::sleep_until(start + k * 5s);
    CheckReport r = RunCheck(co);
    ++checks;
    std::cout << "sync point " << k << ": " << r.sync_description << "; " << r.master_rows << " rows, "
              << Label(r.status) << "\n";
    EXPECT_EQ(r.status, Status::kOk) << Summary(r);
    EXPECT_FALSE(r.gtid.empty());
    PrintLongWaits(master);
    gtids.insert(r.gtid);
    EXPECT_GT(r.master_rows, 0u);
  }
  load::LoadResult lr = engine.Wait();
  EXPECT_EQ(lr.status, Status::kOk) << (lr.fatal ? lr.fatal->Describe() : "");
  EXPECT_GE(gtids.size(), 5u) << "the load hardly committed between sync points";
  std::cout << lr.summary.ToText();
  EXPECT_EQ(checks, 10);

  ASSERT_TRUE(pair().WaitForSlave());
  co.quiesced = true;
  CheckReport final_check = RunCheck(co);
  EXPECT_EQ(final_check.status, Status::kOk) << Summary(final_check);
  std::cout << Summary(final_check);
}

}  // namespace
}  // namespace randsync::checker
