#include "db/send_buffer.h"

#include <mysql.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "db/connection.h"
#include "db/db_error.h"
#include "db/native_error.h"

namespace randsync::db {

size_t WidenServerSendBuffer(Connection& conn, size_t bytes) {
  constexpr size_t kMinimum = 64 * 1024;
  const std::optional<std::string> limit = conn.QueryValue("SELECT @@SESSION.max_allowed_packet");
  const size_t allowed = limit ? std::stoull(*limit) : 0;
  static const std::string padding(size_t{1} << 20, '\0');  // shared: the lanes only read it
  bytes = std::min({bytes, allowed / 2, padding.size()});
  if (bytes < kMinimum) return 0;

  MYSQL* mysql = conn.native();
  std::unique_ptr<MYSQL_STMT, decltype(&mysql_stmt_close)> stmt(mysql_stmt_init(mysql), &mysql_stmt_close);
  if (!stmt) throw DbError(2008, "HY000", "out of memory", "mysql_stmt_init");
  static constexpr char kSql[] = "DO ?";
  if (mysql_stmt_prepare(stmt.get(), kSql, sizeof kSql - 1) != 0) {
    ThrowStatementError(stmt.get(), mysql, "prepare");
  }
  MYSQL_BIND param{};
  param.buffer_type = MYSQL_TYPE_BLOB;
  if (mysql_stmt_bind_param(stmt.get(), &param) != 0) ThrowStatementError(stmt.get(), mysql, "bind");
  // The server answers nothing to long data; a failure would surface at
  // execute, which never comes: the statement is closed unexecuted.
  if (mysql_stmt_send_long_data(stmt.get(), 0, padding.data(), bytes) != 0) {
    ThrowStatementError(stmt.get(), mysql, "send long data");
  }
  return bytes;
}

}  // namespace randsync::db
