// mydumper's metadata file, as 0.10 writes it (captured from real runs
// against MariaDB 10.11), and the --regex that selects the databases.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"
#include "runners/backup/mydumper.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;

using testsupport::TempDir;

class MydumperMetadata : public ::testing::Test {
 protected:
  backup::BackupPosition Read(const std::string& text) {
    std::ofstream(dir_.path() / "metadata") << text;
    return backup::ReadMydumperMetadata(dir_.path());
  }
  // The message of the BackupError that reading `text` throws.
  std::string ErrorOf(const std::string& text) {
    try {
      Read(text);
    } catch (const backup::BackupError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no BackupError for:\n" << text;
    return "";
  }
  TempDir dir_;
};

TEST_F(MydumperMetadata, ReadsTheMasterBlock) {
  const auto p = Read(
      "Started dump at: 2026-11-24 21:33:51\n"
      "SHOW MASTER STATUS:\n"
      "\tLog: master-bin.000001\n"
      "\tPos: 2249\n"
      "\tGTID:0-1-10\n"
      "\n"
      "Finished dump at: 2026-11-24 21:33:51\n");
  EXPECT_EQ(p.binlog_file, "master-bin.000001");
  EXPECT_EQ(p.binlog_pos, 2249u);
  EXPECT_EQ(p.gtid, "0-1-10");
}

TEST_F(MydumperMetadata, AcceptsASpaceOrATabAfterGtidAndSeveralDomains) {
  auto p = Read("SHOW MASTER STATUS:\n\tLog: m-bin.000002\n\tPos: 515940121\n\tGTID: 0-1-24596,1-3-7\n");
  EXPECT_EQ(p.binlog_file, "m-bin.000002");
  EXPECT_EQ(p.binlog_pos, 515940121u);
  EXPECT_EQ(p.gtid, "0-1-24596,1-3-7");
  p = Read("SHOW MASTER STATUS:\r\n  Log:\tm-bin.000003\r\n  Pos:\t4\r\n  GTID:\t0-1-5\r\n");
  EXPECT_EQ(p.binlog_file, "m-bin.000003");
  EXPECT_EQ(p.binlog_pos, 4u);
  EXPECT_EQ(p.gtid, "0-1-5");
}

// A master that has logged nothing yet (as 0.10 writes it).
TEST_F(MydumperMetadata, AcceptsAnEmptyGtid) {
  const auto p = Read(
      "Started dump at: 2026-11-24 21:34:35\n"
      "SHOW MASTER STATUS:\n"
      "\tLog: nb.000001\n"
      "\tPos: 321\n"
      "\tGTID:\n"
      "\n"
      "Finished dump at: 2026-11-24 21:34:35\n");
  EXPECT_EQ(p.binlog_file, "nb.000001");
  EXPECT_EQ(p.binlog_pos, 321u);
  EXPECT_EQ(p.gtid, "");
}

// Dumped from a replica: the SHOW MASTER STATUS block is its own
// position, the SHOW SLAVE STATUS block its master's, whichever comes first.
TEST_F(MydumperMetadata, TheMasterBlockIsItsOwnAndTheSlaveBlockItsMasters) {
  const std::string master =
      "SHOW MASTER STATUS:\n"
      "\tLog: slave-bin.000001\n"
      "\tPos: 1149\n"
      "\tGTID:0-1-15\n"
      "\n";
  const std::string slave =
      "SHOW SLAVE STATUS:\n"
      "\tConnection name: \n"
      "\tHost: 127.0.0.1\n"
      "\tLog: master-bin.000001\n"
      "\tPos: 3070\n"
      "\tGTID:0-1-99\n"
      "\n";
  for (const std::string& text : {"Started dump at: x\n" + master + slave + "Finished dump at: x\n",
                                   "Started dump at: x\n" + slave + master + "Finished dump at: x\n"}) {
    const auto p = Read(text);
    EXPECT_EQ(p.binlog_file, "slave-bin.000001") << text;
    EXPECT_EQ(p.binlog_pos, 1149u) << text;
    EXPECT_EQ(p.gtid, "0-1-15") << text;
    // The slave block, read on its own: where the replica was in its
    // master's binary log (a backup of a replica).
    const std::optional<backup::BackupPosition> source = backup::ReadMydumperSlaveStatus(dir_.path());
    ASSERT_TRUE(source) << text;
    EXPECT_EQ(source->binlog_file, "master-bin.000001");
    EXPECT_EQ(source->binlog_pos, 3070u);
    EXPECT_EQ(source->gtid, "0-1-99");
  }
  // A dump of a server that is no replica has none.
  Read("Started dump at: x\n" + master + "Finished dump at: x\n");
  EXPECT_FALSE(backup::ReadMydumperSlaveStatus(dir_.path()));
}

TEST_F(MydumperMetadata, AMissingFileIsAnErrorNamingIt) {
  try {
    backup::ReadMydumperMetadata(dir_.path());
    FAIL() << "no error";
  } catch (const backup::BackupError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_.path() / "metadata").string()), std::string::npos) << e.what();
  }
}

TEST_F(MydumperMetadata, NoMasterBlockIsAnErrorNamingTheFile) {
  const std::string file = (dir_.path() / "metadata").string();
  // A source without a binary log.
  std::string what = ErrorOf("Started dump at: x\nFinished dump at: x\n");
  EXPECT_NE(what.find(file), std::string::npos) << what;
  // Only a slave block.
  what = ErrorOf("SHOW SLAVE STATUS:\n\tHost: h\n\tLog: master-bin.000001\n\tPos: 3070\n\tGTID:0-1-9\n\n");
  EXPECT_NE(what.find(file), std::string::npos) << what;
  // A truncated master block, a garbled position.
  what = ErrorOf("SHOW MASTER STATUS:\n\tLog: master-bin.000001\n");
  EXPECT_NE(what.find(file), std::string::npos) << what;
  what = ErrorOf("SHOW MASTER STATUS:\n\tLog: master-bin.000001\n\tPos: 12x\n\tGTID:0-1-1\n");
  EXPECT_NE(what.find(file), std::string::npos) << what;
}

TEST(MydumperRegex, SelectsExactlyTheGivenDatabases) {
  EXPECT_EQ(backup::MydumperRegex({"test"}), R"(^(test)\.)");
  EXPECT_EQ(backup::MydumperRegex({"test", "d2", "a$b"}), R"(^(test|d2|a\$b)\.)");
  EXPECT_EQ(backup::MydumperRegex({}), R"(^(?!(mysql|sys|performance_schema|information_schema)\.))");
  EXPECT_THROW(backup::MydumperRegex({"mysql"}), backup::BackupError);
  EXPECT_THROW(backup::MydumperRegex({"test", "Information_Schema"}), backup::BackupError);
  EXPECT_THROW(backup::MydumperRegex({"we.ird"}), backup::BackupError);
  EXPECT_THROW(backup::MydumperRegex({""}), backup::BackupError);
}

}  // namespace
}  // namespace randsync
