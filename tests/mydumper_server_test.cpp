// Provisioning with mydumper/myloader on real servers: the position the
// dump records is the master's, the load reproduces the data and the schema
// objects without writing the target's binary log, and the target then
// replicates from that position. A dumper that fails is a BackupError with
// its log, within the deadline.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"
#include "db/connection.h"
#include "db/dsn.h"
#include "runners/backup/mydumper.h"
#include "runners/server/admin_connection.h"
#include "runners/server/replication.h"
#include "runners/server/throwaway_server.h"
#include "tests/support/shared_server.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Rows = std::vector<server::AdminConnection::Row>;

using testsupport::TempDir;

bool MydumperInstalled() {
  return ::access("/usr/bin/mydumper", X_OK) == 0 && ::access("/usr/bin/myloader", X_OK) == 0;
}

void FillMaster(server::AdminConnection& m) {
  m.Exec("CREATE DATABASE shop");
  m.Exec("CREATE DATABASE nothing_yet");  // no tables: myloader alone would skip it
  m.Exec(
      "CREATE TABLE shop.item (id INT PRIMARY KEY, name VARCHAR(40) CHARACTER SET utf8mb4, price DECIMAL(10,2),"
      " note TEXT, raw BLOB) ENGINE=InnoDB");
  m.Exec(
      "INSERT INTO shop.item SELECT seq, CONCAT('item ', seq, IF(seq % 7 = 0, ' \\'q\\' \\\\ é😀', '')),"
      " seq / 4, IF(seq % 5 = 0, NULL, REPEAT('n', seq % 50)), UNHEX(SHA2(seq, 256)) FROM test.seq_1_to_300");
  m.Exec("CREATE TABLE shop.audit (id INT AUTO_INCREMENT PRIMARY KEY, item INT) ENGINE=InnoDB");
  m.Exec("CREATE TRIGGER shop.item_ai AFTER INSERT ON shop.item FOR EACH ROW INSERT INTO shop.audit (item) VALUES (NEW.id)");
  m.Exec("CREATE VIEW shop.cheap AS SELECT id, name FROM shop.item WHERE price < 10");
  m.Exec("CREATE FUNCTION shop.twice(x INT) RETURNS INT DETERMINISTIC RETURN 2 * x");
}

TEST(Mydumper, DumpsAtTheMastersPositionAndLoadsWithoutBinlogging) {
  RANDSYNC_SKIP_WITHOUT_MARIADB();
  ASSERT_TRUE(MydumperInstalled()) << "mydumper/myloader are missing: scripts/install-deps.sh installs them";
  TempDir tmp;
  server::ServerOptions mo = testsupport::TestServerOptions("master");
  mo.extra_options = server::MasterOptions("ROW");
  server::ThrowawayServer master(mo);
  master.Start();
  server::AdminConnection m(master.Admin(""));
  FillMaster(m);
  const Rows status = m.Query("SHOW MASTER STATUS");
  ASSERT_EQ(status.size(), 1u);
  const std::string gtid = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  ASSERT_FALSE(gtid.empty());

  backup::MydumperOptions o;
  o.output_dir = tmp.path() / "dump";
  o.log_dir = tmp.path() / "logs";
  o.databases = {"shop", "nothing_yet"};
  o.timeout = 60s;
  const backup::BackupPosition at = backup::DumpWithMydumper(master.Admin(""), o);
  EXPECT_EQ(at.binlog_file, status[0][0].value_or(""));
  EXPECT_EQ(std::to_string(at.binlog_pos), status[0][1].value_or(""));
  EXPECT_EQ(at.gtid, gtid);
  EXPECT_FALSE(fs::exists(o.output_dir / "mysql-schema-create.sql"));

  // A dump into a directory that holds files already is refused.
  {
    backup::MydumperOptions again = o;
    EXPECT_THROW(backup::DumpWithMydumper(master.Admin(""), again), backup::BackupError);
  }

  server::ServerOptions so = testsupport::TestServerOptions("slave");
  so.extra_options = server::SlaveOptions(2);
  server::ThrowawayServer slave(so);
  slave.Start();
  backup::LoadWithMyloader(slave.Admin(""), o);

  server::AdminConnection s(slave.Admin(""));
  EXPECT_EQ(s.QueryValue("SELECT @@gtid_binlog_pos").value_or("?"), "") << "the load was binlogged";
  const char* kItems = "SELECT id, name, price, note, HEX(raw) FROM shop.item ORDER BY id";
  EXPECT_EQ(s.QueryValue("SELECT COUNT(*) FROM shop.item").value_or(""), "300");
  EXPECT_EQ(s.Query(kItems), m.Query(kItems));
  EXPECT_EQ(s.Query("SELECT * FROM shop.cheap ORDER BY id"), m.Query("SELECT * FROM shop.cheap ORDER BY id"));
  EXPECT_EQ(s.QueryValue("SELECT shop.twice(21)").value_or(""), "42");
  EXPECT_EQ(s.QueryValue("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'shop'").value_or(""), "1");
  EXPECT_EQ(s.QueryValue("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'nothing_yet'").value_or(""), "1");

  // The point of it all: the target replicates from the recorded position.
  db::Connection sc(db::ParseDsn(slave.Dsn(""), nullptr));
  server::ReplicationSource source;
  source.port = master.port();
  server::StartReplicaAtGtid(sc, source, at.gtid);
  m.Exec("INSERT INTO shop.item (id, name, price) VALUES (1000, 'after the dump', 1)");
  const std::string after = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  ASSERT_TRUE(server::WaitForGtid(sc, after, 30s)) << "slave did not reach " << after;
  EXPECT_EQ(s.Query(kItems), m.Query(kItems));
  EXPECT_EQ(s.Query("SELECT * FROM shop.audit ORDER BY id"), m.Query("SELECT * FROM shop.audit ORDER BY id"));
}

TEST(Mydumper, AFailingDumperIsABackupErrorWithinTheTimeout) {
  TempDir tmp;
  backup::MydumperOptions o;
  o.dumper_binary = "/bin/false";
  o.output_dir = tmp.path() / "dump";
  o.log_dir = tmp.path() / "logs";
  o.databases = {"test"};
  o.timeout = 10s;
  server::AdminTarget nowhere;
  nowhere.port = 1;
  auto t0 = std::chrono::steady_clock::now();
  try {
    backup::DumpWithMydumper(nowhere, o);
    FAIL() << "no error";
  } catch (const backup::BackupError& e) {
    EXPECT_NE(std::string(e.what()).find("mydumper failed"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, o.timeout);

  // A hanging one is killed at the deadline.
  const fs::path hang = tmp.path() / "hang";
  std::ofstream(hang) << "#!/bin/sh\nexec sleep 60\n";
  fs::permissions(hang, fs::perms::owner_all);
  o.dumper_binary = hang;
  o.output_dir = tmp.path() / "dump2";
  o.timeout = 1s;
  t0 = std::chrono::steady_clock::now();
  try {
    backup::DumpWithMydumper(nowhere, o);
    FAIL() << "no error";
  } catch (const backup::BackupError& e) {
    EXPECT_NE(std::string(e.what()).find("did not finish within 1 s"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);

  // The real mydumper, nothing listening: its own complaint is in the error.
  if (!MydumperInstalled()) return;
  o.dumper_binary.clear();
  o.output_dir = tmp.path() / "dump3";
  o.timeout = 30s;
  try {
    backup::DumpWithMydumper(nowhere, o);
    FAIL() << "no error";
  } catch (const backup::BackupError& e) {
    EXPECT_NE(std::string(e.what()).find("Error connecting"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace randsync
