// Query logs read back exactly as written: what `randsync replay
// --from-query-logs` sends must be what the recorded run sent, byte for
// byte, whatever the statements hold (';' in stored program bodies, comment
// markers, several lines, empty strings).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/load/query_log.h"
#include "tests/support/temp_dir.h"

namespace randsync::load {
namespace {

TEST(QueryLogReader, ReadsBackEveryStatementExactly) {
  testsupport::TempDir dir("randsync-querylog");
  const std::vector<std::string> statements = {
      "SET AUTOCOMMIT = 1",
      "INSERT INTO `t` VALUES (1, 'a')",
      "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END",
      "SELECT 1 -- a trailing comment",
      "SELECT 2 # another",
      "SELECT 'x',\n  'y'\nFROM dual",
      "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET @a = '//'; SET @b = '$$'; END",
      "SELECT ''",
      "-- a statement that is only a comment",
  };
  {
    QueryLog log;
    log.Open(dir.path() / "thread-1.sql");
    log.Comment("randsync query log: thread 1 of 1");
    for (size_t i = 0; i < statements.size(); ++i) {
      log.Statement(statements[i]);
      if (i == 2) log.Comment("ERROR 1064 after this one");
    }
  }
  QueryLogReader reader(dir.path() / "thread-1.sql");
  std::vector<std::string> read;
  std::string s;
  while (reader.Next(s)) read.push_back(s);
  // The one statement a log cannot tell from a comment line is the one that
  // starts with "-- " at the beginning of a line: it is skipped.
  std::vector<std::string> expected(statements.begin(), statements.end() - 1);
  EXPECT_EQ(read, expected);
}

TEST(QueryLogReader, AMissingLogIsAnError) {
  EXPECT_THROW(QueryLogReader("/nonexistent/thread-1.sql"), std::runtime_error);
}

}  // namespace
}  // namespace randsync::load
