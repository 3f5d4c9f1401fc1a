// Internal to db/: turning Connector/C's last error into a DbError.
#pragma once

#include <string>

#include "db/db_error.h"

struct st_mysql;

namespace randsync::db {

// Throws the error currently recorded on `mysql` (mysql_errno/sqlstate/error).
[[noreturn]] void ThrowLastError(st_mysql* mysql, const std::string& context);

}  // namespace randsync::db
