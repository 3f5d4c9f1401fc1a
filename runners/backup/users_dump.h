// Accounts, roles and grants for a logical provisioning. A dump of the user
// databases leaves out mysql.*, so a slave loaded from it lacks the
// master's users, and the first GRANT, REVOKE or change to mysql.* it
// replicates fails (1133, 1032). This copies the rows of the privilege
// tables (global_priv, db, tables_priv, columns_priv, procs_priv,
// proxies_priv, roles_mapping) as REPLACE statements and ends with FLUSH
// PRIVILEGES: the slave then holds what a physical copy would, row for
// row, so that row events on mysql.* find their rows too. Statements made
// from SHOW GRANTS (mariadb-dump --system=users) give the server's
// in-memory privileges instead, which differ from the tables after direct
// DML on them (seen: 1032 on mysql.tables_priv); mariadb-dump also stops at
// the first account it cannot show (a host-name account on a server with
// --skip-name-resolve, 1133), and mydumper 0.10 has nothing for it. Read
// on one connection, so that a caller's lock makes it a point.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"

namespace randsync::backup {

struct UsersDumpOptions {
  std::filesystem::path users_file;  // where the statements go
  // Accounts left out: the slave's own administrator (randsync reaches the
  // slave as root with no password; the master's root may have one) and
  // the server's system account, which every server has already.
  std::vector<std::string> skip_users = {"root", "mariadb.sys"};
};

struct UsersDump {
  unsigned accounts = 0;  // rows of global_priv: users and roles
  unsigned rows = 0;      // rows of every privilege table
};

// Writes `source`'s privilege rows, but those of options.skip_users, to
// options.users_file. Throws BackupError when the file cannot be written,
// db::DbError when the server fails.
UsersDump DumpUsers(db::Connection& source, const UsersDumpOptions& options);

// Whether a statement changes accounts or privileges (CREATE/DROP/RENAME/
// ALTER USER, GRANT, REVOKE, CREATE/DROP ROLE, SET PASSWORD, SET DEFAULT
// ROLE), with or without a leading "use `db`; ".
bool IsAccountStatement(std::string_view statement);

}  // namespace randsync::backup
