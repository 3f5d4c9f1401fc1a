// Internal to db/: turning Connector/C's last error into a DbError.
#pragma once

#include <string>

#include "db/db_error.h"

struct st_mysql;
struct st_mysql_stmt;

namespace randsync::db {

// Throws the error currently recorded on `mysql` (mysql_errno/sqlstate/error).
[[noreturn]] void ThrowLastError(st_mysql* mysql, const std::string& context);

// Throws the error of a prepared statement. Some failures (a stream broken
// while fetching) are recorded on the connection, not on the statement; a
// failure recorded nowhere is reported as a lost connection.
[[noreturn]] void ThrowStatementError(st_mysql_stmt* stmt, st_mysql* mysql, const std::string& context);

}  // namespace randsync::db
