// RQG's money-conserving workload under load: 8 threads x 30 s of
// conf/transactions/transactions.yy on its .zz data, then the invariant of
// RQG's DatabaseConsistency validator must hold for every table:
// AVG(col_int_key) + AVG(col_int) = 200 (every row starts at 100 + 100 and
// every statement moves amounts between the two columns of a row).
//
// RQG's validator rolls a transaction back after any failed statement, so
// that a statement-level rollback (lock wait timeout) never commits half a
// transfer; the server option innodb_rollback_on_timeout does the same here.
#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>

#include "db/connection.h"
#include "db/dsn.h"
#include "engine/gendata/gendata.h"
#include "engine/grammar/parser.h"
#include "engine/load/load_engine.h"
#include "engine/schema/schema_reader.h"
#include "runners/server/throwaway_server.h"
#include "tests/support/shared_server.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;

TEST(TransactionsInvariant, EightThreadsThirtySeconds) {
  RANDSYNC_SKIP_WITHOUT_MARIADB();
  fs::path conf = fs::path(RANDSYNC_CORPUS_DIR) / "conf/transactions";
  server::ServerOptions so = testsupport::TestServerOptions("invariant");
  so.extra_options.push_back("--innodb-rollback-on-timeout=ON");
  so.extra_options.push_back("--innodb-lock-wait-timeout=2");
  server::ThrowawayServer server(so);
  server.Start();
  db::Dsn dsn = db::ParseDsn(server.Dsn("test"));

  GendataResult data = Generate(dsn, DataSpecFile{(conf / "transactions.zz").string()}, GendataOptions{});
  ASSERT_EQ(data.tables.size(), 2u);  // rows 10 and 100

  auto values = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  load::LoadOptions lo;
  lo.threads = 8;
  lo.duration = std::chrono::seconds(30);
  lo.seed = 1;
  lo.program = std::make_shared<Program>(
      grammar::ParseGrammarFiles((conf / "transactions.yy").string(), {}), *values);
  lo.values = values;
  lo.schema = std::make_shared<Schema>(ReadSchemaFromServer(dsn));
  lo.dsn = dsn;
  load::LoadResult r = load::LoadEngine(lo).Run();

  EXPECT_EQ(r.status, Status::kOk) << (r.fatal ? r.fatal->Describe() : "");
  EXPECT_FALSE(r.fatal.has_value());
  EXPECT_GT(r.summary.statements, 1000u) << r.summary.ToText();
  EXPECT_EQ(r.summary.outcome(load::Outcome::kSyntax), 0u) << r.summary.ToText();
  std::cout << r.summary.ToText();

  db::Connection c(dsn);
  for (const auto& row : c.QueryRows("SHOW TABLES").rows) {
    const std::string table = *row[0];
    auto res = c.QueryRows("SELECT AVG(`col_int_key`) + AVG(`col_int`), "
                           "(SUM(`col_int_key`) + SUM(`col_int`)) / COUNT(*), COUNT(*) FROM `" +
                           table + "`");
    ASSERT_EQ(res.rows.size(), 1u);
    const auto& v = res.rows[0];
    if (*v[2] == "0") continue;  // every row deleted: nothing to conserve
    EXPECT_EQ(v[0].value_or("NULL"), "200.0000") << table << " has " << *v[2] << " rows";
    EXPECT_EQ(v[1].value_or("NULL"), "200.0000") << table;
  }
  EXPECT_EQ(server.Stop(), server::StopOutcome::kClean);
}

}  // namespace
}  // namespace randsync
