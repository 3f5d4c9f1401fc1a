// The main job's core, end to end on real servers (issue 5's first slice):
// a master under 4 threads of load is backed up with mariadb-backup, the
// backup is prepared, a slave is started on it and replicates from the GTID
// the backup recorded, and the checker finds master and slave equal at a
// sync point during the load and after it. A backup tool that fails is
// reported with its log.
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"
#include "checker/check_report.h"
#include "checker/check_run.h"
#include "db/connection.h"
#include "engine/gendata/gendata.h"
#include "engine/grammar/parser.h"
#include "engine/load/load_engine.h"
#include "engine/schema/schema_reader.h"
#include "runners/backup/mariabackup.h"
#include "runners/server/replication.h"
#include "runners/server/throwaway_server.h"
#include "tests/support/shared_server.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using testsupport::TempDir;

// "0-1-100" moved by `skew` transactions: "0-1-105".
std::string SkewGtid(const std::string& gtid, int skew) {
  const size_t dash = gtid.rfind('-');
  return gtid.substr(0, dash + 1) + std::to_string(std::stoll(gtid.substr(dash + 1)) + skew);
}

// Runs the scenario with the slave started `skew` transactions after the
// backup's GTID (0: exactly at it); returns the first check that was not ok
// (a divergence seen during the load can be overwritten by later writes
// before the final check), else the final check's report.
checker::CheckReport ProvisionAndCheck(int skew, std::chrono::seconds load_time) {
  TempDir tmp;
  server::ServerOptions mo = testsupport::TestServerOptions("master");
  mo.extra_options = server::MasterOptions("ROW");
  mo.extra_options.push_back("--innodb-lock-wait-timeout=2");
  server::ThrowawayServer master(mo);
  master.Start();
  const db::Dsn mdsn = db::ParseDsn(master.Dsn("test"), nullptr);
  Generate(mdsn, SimpleData{}, GendataOptions{});

  auto values = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  load::LoadOptions lo;
  lo.threads = 4;
  lo.duration = load_time;
  lo.seed = 11;
  lo.program = std::make_shared<Program>(
      grammar::ParseGrammarFiles((fs::path(RANDSYNC_SOURCE_DIR) / "grammars/default.yy").string(),
                                 {(fs::path(RANDSYNC_SOURCE_DIR) / "grammars/ddl_rebuild.yy").string()}), *values);
  lo.values = values;
  lo.schema = std::make_shared<Schema>(ReadSchemaFromServer(mdsn));
  lo.dsn = mdsn;
  load::LoadEngine engine(lo);
  engine.Start();
  std::this_thread::sleep_for(2s);

  // The backup, taken while the load runs.
  backup::MariabackupOptions bo;
  bo.target_dir = tmp.path() / "backup";
  bo.log_dir = tmp.path() / "logs";
  bo.timeout = 300s;
  const auto t0 = std::chrono::steady_clock::now();
  backup::BackupPosition at = backup::BackupAndPrepare(master.Admin(""), bo);
  std::cout << "backup + prepare: " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
            << " s, position " << at.binlog_file << ":" << at.binlog_pos << " GTID " << at.gtid << "\n";
  EXPECT_FALSE(at.gtid.empty());
  EXPECT_GT(at.binlog_pos, 0u);

  // The slave, started on the prepared backup, replicating from its GTID.
  server::ServerOptions so = testsupport::TestServerOptions("slave");
  so.extra_options = server::SlaveOptions(2);
  so.datadir = bo.target_dir;
  server::ThrowawayServer slave(so);
  slave.Start();
  {
    db::Connection s(db::ParseDsn(slave.Dsn(""), nullptr));
    server::ReplicationSource source;
    source.port = master.port();
    server::StartReplicaAtGtid(s, source, skew == 0 ? at.gtid : SkewGtid(at.gtid, skew));
  }

  checker::CheckOptions co;
  co.master = db::ParseDsn(master.Dsn(""), nullptr);
  co.slaves = {db::ParseDsn(slave.Dsn(""), nullptr)};
  co.filters.databases = {"test"};
  co.threads = 2;
  co.chunk_size = 100;
  co.sync_timeout = 120s;
  // A sync point while the load still runs and the slave catches up.
  checker::CheckReport during = checker::RunCheck(co);
  std::cout << checker::Summary(during);
  if (skew == 0) {
    EXPECT_EQ(during.status, Status::kOk) << checker::Summary(during);
  }

  load::LoadResult lr = engine.Wait();
  EXPECT_EQ(lr.status, Status::kOk) << (lr.fatal ? lr.fatal->Describe() : "");
  if (skew == 0) {
    db::Connection m(db::ParseDsn(master.Dsn(""), nullptr));
    db::Connection s(db::ParseDsn(slave.Dsn(""), nullptr));
    const std::string gtid = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
    EXPECT_TRUE(server::WaitForGtid(s, gtid, 120s)) << "slave did not catch up to " << gtid;
  }
  co.quiesced = true;
  co.sync_timeout = 30s;
  checker::CheckReport final_check = checker::RunCheck(co);
  std::cout << checker::Summary(final_check);
  slave.Stop();
  master.Stop();
  return during.status != Status::kOk ? during : final_check;
}

TEST(ProvisionFromBackup, SlaveFromAMariabackupTakenUnderLoadIsEqual) {
  RANDSYNC_SKIP_WITHOUT_MARIADB();
  if (!fs::exists("/usr/bin/mariadb-backup") && !fs::exists("/usr/bin/mariabackup")) {
    GTEST_SKIP() << "mariadb-backup is not installed";
  }
  checker::CheckReport r = ProvisionAndCheck(0, 20s);
  EXPECT_EQ(r.status, Status::kOk) << checker::Summary(r);
  EXPECT_GT(r.master_rows, 0u);
}

// Negative control: the same slave started 10 transactions past the
// position the backup recorded misses them; the check must not call that
// equal (it sees the rows, or replication breaks on them first). Ten, not
// one: many of the grammar's transactions change nothing (a DELETE of a
// missing key, a rollback to a savepoint, ALTER ... ENGINE=InnoDB).
TEST(ProvisionFromBackup, SlaveStartedAFewTransactionsOffIsCaught) {
  RANDSYNC_SKIP_WITHOUT_MARIADB();
  if (!fs::exists("/usr/bin/mariadb-backup") && !fs::exists("/usr/bin/mariabackup")) {
    GTEST_SKIP() << "mariadb-backup is not installed";
  }
  checker::CheckReport r = ProvisionAndCheck(10, 8s);
  EXPECT_TRUE(r.status == Status::kDivergence ||
              r.status == Status::kReplicationFailure)
      << checker::Summary(r);
}

TEST(ProvisionFromBackup, AFailingBackupToolIsReportedWithItsLog) {
  RANDSYNC_SKIP_WITHOUT_MARIADB();
  TempDir tmp;
  const fs::path fake = tmp.path() / "fake-backup";
  {
    std::ofstream f(fake);
    f << "#!/bin/sh\necho 'simulated failure: cannot read redo log' >&2\nexit 3\n";
  }
  fs::permissions(fake, fs::perms::owner_all);
  backup::MariabackupOptions bo;
  bo.binary = fake;
  bo.target_dir = tmp.path() / "backup";
  bo.log_dir = tmp.path() / "logs";
  server::AdminTarget target;
  target.port = 1;
  try {
    backup::BackupAndPrepare(target, bo);
    FAIL() << "no error";
  } catch (const backup::BackupError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exit code 3"), std::string::npos) << what;
    EXPECT_NE(what.find("simulated failure: cannot read redo log"), std::string::npos) << what;
  }
}

TEST(ProvisionFromBackup, BinlogInfoOfBothNamingsIsRead) {
  TempDir tmp;
  {
    std::ofstream f(tmp.path() / "xtrabackup_binlog_info");
    f << "master-bin.000003\t4242\t0-1-17\n";
  }
  backup::BackupPosition p = backup::ReadBinlogInfo(tmp.path());
  EXPECT_EQ(p.binlog_file, "master-bin.000003");
  EXPECT_EQ(p.binlog_pos, 4242u);
  EXPECT_EQ(p.gtid, "0-1-17");
  {
    std::ofstream f(tmp.path() / "mariadb_backup_binlog_info");
    f << "mb.000009\t77\n";
  }
  p = backup::ReadBinlogInfo(tmp.path());  // the newer name wins
  EXPECT_EQ(p.binlog_file, "mb.000009");
  EXPECT_EQ(p.gtid, "");
  TempDir empty;
  EXPECT_THROW(backup::ReadBinlogInfo(empty.path()), backup::BackupError);
}

}  // namespace
}  // namespace randsync
