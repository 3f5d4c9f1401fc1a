// The position a mariadb-dump --master-data=2 --gtid dump records: binlog
// coordinates in the header, the GTID in the header of small dumps and at
// the very end of big ones (10.11 prints it "later in the file").
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "runners/backup/logical_dump.h"
#include "tests/support/temp_dir.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;

class DumpPosition : public ::testing::Test {
 protected:
  fs::path Write(const std::string& text) {
    const fs::path f = tmp_.path() / "dump.sql";
    std::ofstream(f) << text;
    return f;
  }
  static std::string Header() {
    return "-- MariaDB dump 10.19\n"
           "-- Position to start replication or point-in-time recovery from (the master of this slave)\n"
           "-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;\n"
           "-- A corresponding to the above master-data CHANGE-MASTER settings to the slave gtid state is "
           "printed later in the file.\n"
           "-- CHANGE MASTER TO MASTER_LOG_FILE='master-bin.000001', MASTER_LOG_POS=2168595;\n";
  }
  static std::string TableData(int lines) {
    std::string s;
    for (int i = 0; i < lines; ++i) s += "INSERT INTO `t` VALUES (" + std::to_string(i) + ",'x');\n";
    return s;
  }
  testsupport::TempDir tmp_{"randsync-dump"};
};

TEST_F(DumpPosition, GtidInTheHeader) {
  const auto p = backup::ReadDumpPosition(Write(Header() + "-- SET GLOBAL gtid_slave_pos='0-1-6673';\n" + TableData(10)));
  EXPECT_EQ(p.binlog_file, "master-bin.000001");
  EXPECT_EQ(p.binlog_pos, 2168595u);
  EXPECT_EQ(p.gtid, "0-1-6673");
}

TEST_F(DumpPosition, GtidAtTheEndOfABigDump) {
  // Far past the header scan.
  const auto p = backup::ReadDumpPosition(
      Write(Header() + TableData(5000) + "-- SET GLOBAL gtid_slave_pos='0-1-6673';\n-- Dump completed\n"));
  EXPECT_EQ(p.gtid, "0-1-6673");
  EXPECT_EQ(p.binlog_pos, 2168595u);
}

TEST_F(DumpPosition, NoGtidIsEmptyNotAnError) {
  const auto p = backup::ReadDumpPosition(Write(Header() + TableData(300)));
  EXPECT_EQ(p.binlog_file, "master-bin.000001");
  EXPECT_EQ(p.gtid, "");
}

TEST_F(DumpPosition, ADumpOfAReplicaHasItsMastersPositionUnderItsConnectionName) {
  // mariadb-dump --dump-slave=2 --gtid of a replica (10.11's header).
  const auto p = backup::ReadDumpPosition(
      Write("-- MariaDB dump 10.19\n"
            "-- Position to start replication or point-in-time recovery from (the master of this slave)\n"
            "-- CHANGE MASTER '' TO MASTER_LOG_FILE='master-bin.000002', MASTER_LOG_POS=9317;\n"
            "-- SET GLOBAL gtid_slave_pos='0-1-77';\n" +
            TableData(10)));
  EXPECT_EQ(p.binlog_file, "master-bin.000002");
  EXPECT_EQ(p.binlog_pos, 9317u);
  EXPECT_EQ(p.gtid, "0-1-77");
}

TEST_F(DumpPosition, AReplicaThatAppliedNothingSinceItsStartHasOnlyItsGtid) {
  const auto p = backup::ReadDumpPosition(
      Write("-- CHANGE MASTER '' TO MASTER_USE_GTID=slave_pos;\n"
            "-- CHANGE MASTER '' TO MASTER_LOG_FILE='', MASTER_LOG_POS=4;\n" +
            TableData(10) + "-- SET GLOBAL gtid_slave_pos='0-1-3873';\n"));
  EXPECT_EQ(p.binlog_file, "");
  EXPECT_EQ(p.binlog_pos, 0u);
  EXPECT_EQ(p.gtid, "0-1-3873");
}

TEST_F(DumpPosition, NoCoordinatesIsABackupError) {
  try {
    backup::ReadDumpPosition(Write("-- MariaDB dump 10.19\n" + TableData(5)));
    FAIL() << "no error";
  } catch (const backup::BackupError& e) {
    EXPECT_NE(std::string(e.what()).find("recorded no binlog position"), std::string::npos) << e.what();
  }
  EXPECT_THROW(backup::ReadDumpPosition(tmp_.path() / "missing.sql"), backup::BackupError);
}

}  // namespace
}  // namespace randsync
