// The master position a replica's backup recorded (--slave-info), read as
// mariadb-backup writes it (both forms seen on 10.11: a slave using GTID
// and one at a file position).
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "runners/backup/mariabackup.h"
#include "tests/support/temp_dir.h"

namespace randsync::backup {
namespace {

void Write(const testsupport::TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.path() / name) << text;
}

TEST(SlaveInfo, AGtidSlaveGivesItsSlavePos) {
  testsupport::TempDir dir;
  Write(dir, "xtrabackup_slave_info",
        "SET GLOBAL gtid_slave_pos = '0-1-16270';\nCHANGE MASTER TO master_use_gtid = slave_pos;\n");
  const std::optional<BackupPosition> p = ReadSlaveInfo(dir.path());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->gtid, "0-1-16270");
  EXPECT_TRUE(p->binlog_file.empty());
}

TEST(SlaveInfo, AFilePositionSlaveGivesTheMastersFileAndPosition) {
  testsupport::TempDir dir;
  Write(dir, "mariadb_backup_slave_info", "CHANGE MASTER TO MASTER_LOG_FILE='master-bin.000002', MASTER_LOG_POS=4567;\n");
  const std::optional<BackupPosition> p = ReadSlaveInfo(dir.path());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->binlog_file, "master-bin.000002");
  EXPECT_EQ(p->binlog_pos, 4567u);
  EXPECT_TRUE(p->gtid.empty());
}

TEST(SlaveInfo, NoFileIsNoPositionAndAFileWithoutOneIsAnError) {
  testsupport::TempDir dir;
  EXPECT_FALSE(ReadSlaveInfo(dir.path()));
  Write(dir, "xtrabackup_slave_info", "CHANGE MASTER TO MASTER_HOST='x';\n");
  EXPECT_THROW(ReadSlaveInfo(dir.path()), BackupError);
}

}  // namespace
}  // namespace randsync::backup
