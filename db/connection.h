// One client connection to a MariaDB server (RAII over Connector/C's MYSQL).
//
// A Connection is used by one thread at a time; open one per thread. It does
// not reconnect by itself: a lost server must surface as an error (2006,
// 2013) so that the load engine can classify it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/db_error.h"
#include "db/dsn.h"
#include "db/result.h"

struct st_mysql;  // MYSQL, kept out of this header

namespace randsync::db {

struct ConnectOptions {
  unsigned connect_timeout_s = 10;
  // 0 = no limit. Off by default because a legitimately long statement (a big
  // ALTER, a checksum of a large chunk) sends nothing until it finishes and
  // must not look like a lost server; callers that need it set it.
  unsigned read_timeout_s = 0;
  unsigned write_timeout_s = 0;
  // Several ';'-separated statements in one Execute()/Query() call.
  bool multi_statements = false;

  // Connecting and every read and write bounded by `seconds`: for the short
  // control and status statements that must not freeze on a server that
  // stops answering.
  static ConnectOptions Bounded(unsigned seconds) {
    ConnectOptions o;
    o.connect_timeout_s = seconds;
    o.read_timeout_s = seconds;
    o.write_timeout_s = seconds;
    return o;
  }
};

// A small result held in memory: NULL is nullopt, never "" or "NULL".
using Row = std::vector<std::optional<std::string>>;
struct RowSet {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

class Connection {
 public:
  // Connects with charset utf8mb4 and CLIENT_MULTI_RESULTS (so CALL works).
  // Throws DbError ("connect to <redacted dsn>: ERROR ...").
  explicit Connection(const Dsn& dsn, const ConnectOptions& options = {});
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` and reads and discards every result it produces. Returns the
  // affected rows of the last statement that returned no result set. Throws
  // DbError on the first failing statement.
  uint64_t Execute(std::string_view sql);

  // Runs `sql` and streams its (first) result set row by row without
  // buffering it (mysql_use_result). The connection cannot run anything
  // else until the Result is exhausted or destroyed.
  Result Query(std::string_view sql);

  // Runs `sql` and returns its whole result; for small results.
  RowSet QueryRows(std::string_view sql);

  // First column of the first row; nullopt when there is no row or it is NULL.
  std::optional<std::string> QueryValue(std::string_view sql);

  // `text` as a quoted SQL string literal, escaped for this connection.
  std::string Quote(std::string_view text);

  uint64_t thread_id() const;        // CONNECTION_ID() of this session
  std::string server_version() const;  // e.g. "10.11.6-MariaDB-0+deb12u1"
  const Dsn& dsn() const { return dsn_; }
  st_mysql* native() { return mysql_; }  // escape hatch for rare calls

 private:
  void Close() noexcept;

  st_mysql* mysql_ = nullptr;
  Dsn dsn_;
};

}  // namespace randsync::db
