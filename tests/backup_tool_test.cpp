// A backup tool's failure is one line that holds the tool's own reason
// (runners/backup/backup_tool.h): shell scripts stand in for the tools and
// print what mydumper, mariadb-dump and mariadb-backup print when they fail.
#include "runners/backup/backup_tool.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace randsync::backup {
namespace {

// What RunTool throws for a script printing `output` and exiting `code`.
std::string FailureOf(const testsupport::TempDir& dir, const std::string& output, int code,
                      std::chrono::seconds timeout = std::chrono::seconds(10)) {
  const auto script = dir.path() / "tool.sh";
  std::ofstream(script) << "#!/bin/sh\ncat <<'END'\n" << output << "END\nexit " << code << "\n";
  ::chmod(script.c_str(), 0700);
  try {
    RunTool("the tool", {"/bin/sh", script.string()}, dir.path() / "tool.log", timeout);
  } catch (const BackupError& e) {
    return e.what();
  }
  return "no error";
}

TEST(RunTool, AFailureNamesTheToolsReasonOnOneLine) {
  testsupport::TempDir dir("randsync-tool");
  const std::string mydumper = FailureOf(dir,
                                         "** Message: 03:36:53.691: Thread 3 dumping schema for `test`.`seq1`\n\n"
                                         "** (mydumper:4560): CRITICAL **: 03:36:53.692: Error dumping schemas "
                                         "(test.seq1): Table 'test.seq1' doesn't exist\n"
                                         "** Message: 03:36:53.697: Thread 2 shutting down\n"
                                         "** Message: 03:36:53.699: Finished dump at: 2026-12-02 03:36:53\n",
                                         1);
  EXPECT_EQ(mydumper, "the tool failed (exit code 1): Error dumping schemas (test.seq1): Table 'test.seq1' "
                      "doesn't exist (log " + (dir.path() / "tool.log").string() + ")");
  const std::string dump = FailureOf(dir,
                                     "-- Connecting to 127.0.0.1...\n"
                                     "mariadb-dump: Couldn't execute 'show create table `t`': Table 'test.t' "
                                     "doesn't exist (1146)\n",
                                     2);
  EXPECT_NE(dump.find("failed (exit code 2): mariadb-dump: Couldn't execute 'show create table `t`': Table "
                      "'test.t' doesn't exist (1146) (log "),
            std::string::npos)
      << dump;
  const std::string backup = FailureOf(dir,
                                       "[00] 2026-12-02 03:00:01 Connecting to MariaDB server host: 127.0.0.1\n"
                                       "[00] 2026-12-02 03:00:02 Error: failed to open ./test/t1.ibd\n"
                                       "[00] 2026-12-02 03:00:02 Streaming ./test/t2.ibd\n",
                                       1);
  EXPECT_NE(backup.find(": [00] 2026-12-02 03:00:02 Error: failed to open ./test/t1.ibd (log "), std::string::npos)
      << backup;
  for (const std::string& m : {mydumper, dump, backup}) EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

TEST(RunTool, AToolPastItsDeadlineIsKilledAndItsLastLineNamed) {
  testsupport::TempDir dir("randsync-tool");
  const auto script = dir.path() / "slow.sh";
  std::ofstream(script) << "#!/bin/sh\necho 'copying ./test/t1.ibd'\nexec sleep 30\n";
  ::chmod(script.c_str(), 0700);
  std::string what = "no error";
  try {
    RunTool("the tool", {"/bin/sh", script.string()}, dir.path() / "slow.log", std::chrono::seconds(1));
  } catch (const BackupError& e) {
    what = e.what();
  }
  EXPECT_EQ(what.rfind("the tool did not finish within 1 s (killed); its last line: copying ./test/t1.ibd (log ", 0),
            0u)
      << what;
}

}  // namespace
}  // namespace randsync::backup
