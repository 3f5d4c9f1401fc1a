// Which logged statements change accounts or privileges
// (runners/backup/users_dump.h): what the accounts dump's point is checked
// against.
#include "runners/backup/users_dump.h"

#include <gtest/gtest.h>

namespace randsync::backup {
namespace {

TEST(IsAccountStatement, AccountStatementsWithOrWithoutADefaultDatabase) {
  for (const char* s : {"GRANT SELECT ON test.* TO 'u'@'%'", "use `test`; grant insert on t to u",
                        "CREATE USER IF NOT EXISTS 'u'@'%'", "DROP USER IF EXISTS u", "REVOKE ALL ON *.* FROM u",
                        "CREATE ROLE r", "SET PASSWORD FOR u = PASSWORD('x')", "alter user u account lock",
                        "RENAME USER a TO b", "SET DEFAULT ROLE r FOR u"}) {
    EXPECT_TRUE(IsAccountStatement(s)) << s;
  }
  for (const char* s : {"INSERT INTO grants VALUES (1)", "use `test`; UPDATE t SET v = 1", "BEGIN",
                        "CREATE TABLE users (a INT)", "DELETE FROM mysql.tables_priv"}) {
    EXPECT_FALSE(IsAccountStatement(s)) << s;
  }
}

}  // namespace
}  // namespace randsync::backup
