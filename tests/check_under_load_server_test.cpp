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

TEST_F(CheckUnderLoadServerTest, TenSyncPointsDuringSixtySecondsOfLoadFindNothing) {
  const db::Dsn master = pair().MasterDsn("test");
  // The grammar's OPTIMIZE/ALTER inside other sessions' transactions can
  // close a cycle of metadata and row locks that only innodb_lock_wait_timeout
  // breaks (50 s by default, a frozen load); RQG runs use a short one too.
  db::Connection(master).Execute("SET GLOBAL innodb_lock_wait_timeout = 2");
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
  co.slave = pair().SlaveDsn("");
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
              << ToString(r.status) << "\n";
    EXPECT_EQ(r.status, CheckStatus::kOk) << Summary(r);
    EXPECT_FALSE(r.gtid.empty());
    gtids.insert(r.gtid);
    EXPECT_GT(r.master_rows, 0u);
  }
  load::LoadResult lr = engine.Wait();
  EXPECT_EQ(lr.status, load::RunStatus::kOk) << (lr.fatal ? lr.fatal->Describe() : "");
  EXPECT_GE(gtids.size(), 5u) << "the load hardly committed between sync points";
  std::cout << lr.summary.ToText();
  EXPECT_EQ(checks, 10);

  ASSERT_TRUE(pair().WaitForSlave());
  co.quiesced = true;
  CheckReport final_check = RunCheck(co);
  EXPECT_EQ(final_check.status, CheckStatus::kOk) << Summary(final_check);
  std::cout << Summary(final_check);
}

}  // namespace
}  // namespace randsync::checker
