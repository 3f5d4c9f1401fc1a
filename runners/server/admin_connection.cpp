#include "runners/server/admin_connection.h"

#include <mysql.h>

#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "runners/server/server_error.h"

namespace randsync::server {

namespace {

// mysql_library_init is not thread-safe; mysql_init calls it implicitly, so
// the first call must be serialised.
void LibraryInit() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

std::string Where(const AdminTarget& t) {
  return t.socket.empty() ? fmt::format("{}:{}", t.host, t.port) : t.socket;
}

// Connects `m`; on failure returns the client error text (and number).
std::optional<std::string> Connect(MYSQL* m, const AdminTarget& t, unsigned* errnum = nullptr) {
  unsigned timeout = static_cast<unsigned>(t.connect_timeout.count());
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  unsigned protocol = t.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
  const char* host = t.socket.empty() ? t.host.c_str() : "localhost";
  const char* db = t.database.empty() ? nullptr : t.database.c_str();
  if (mysql_real_connect(m, host, t.user.c_str(), t.password.c_str(), db, t.port,
                         t.socket.empty() ? nullptr : t.socket.c_str(), 0) == nullptr) {
    if (errnum) *errnum = mysql_errno(m);
    return fmt::format("{} ({})", mysql_error(m), mysql_errno(m));
  }
  return std::nullopt;
}

}  // namespace

AdminConnection::AdminConnection(const AdminTarget& target) {
  LibraryInit();
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) throw ServerError(ServerErrorKind::kSql, "mysql_init: out of memory");
  if (auto err = Connect(mysql_, target)) {
    mysql_close(mysql_);
    mysql_ = nullptr;
    throw ServerError(ServerErrorKind::kSql,
                      fmt::format("cannot connect to {}: {}", Where(target), *err));
  }
}

std::optional<AdminConnection> AdminConnection::TryConnect(const AdminTarget& target,
                                                          std::string* error, unsigned* errnum) {
  LibraryInit();
  AdminConnection c;
  c.mysql_ = mysql_init(nullptr);
  if (c.mysql_ == nullptr) {
    if (error) *error = "mysql_init: out of memory";
    return std::nullopt;
  }
  if (auto err = Connect(c.mysql_, target, errnum)) {
    if (error) *error = *err;
    return std::nullopt;
  }
  return c;
}

AdminConnection::AdminConnection(AdminConnection&& other) noexcept
    : mysql_(std::exchange(other.mysql_, nullptr)) {}

AdminConnection& AdminConnection::operator=(AdminConnection&& other) noexcept {
  if (this != &other) {
    if (mysql_) mysql_close(mysql_);
    mysql_ = std::exchange(other.mysql_, nullptr);
  }
  return *this;
}

AdminConnection::~AdminConnection() {
  if (mysql_) mysql_close(mysql_);
}

void AdminConnection::Fail(std::string_view sql) {
  throw ServerError(ServerErrorKind::kSql,
                    fmt::format("{}: {} ({}) {}", sql, mysql_errno(mysql_),
                                mysql_sqlstate(mysql_), mysql_error(mysql_)));
}

void AdminConnection::Exec(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) Fail(sql);
  if (MYSQL_RES* res = mysql_store_result(mysql_)) mysql_free_result(res);
  if (mysql_errno(mysql_) != 0) Fail(sql);
}

std::vector<AdminConnection::Row> AdminConnection::Query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) Fail(sql);
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (res == nullptr) {
    if (mysql_errno(mysql_) != 0) Fail(sql);
    return {};  // not a SELECT
  }
  std::vector<Row> rows;
  unsigned n = mysql_num_fields(res);
  while (MYSQL_ROW r = mysql_fetch_row(res)) {
    unsigned long* len = mysql_fetch_lengths(res);
    Row row;
    row.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      if (r[i] == nullptr) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(r[i], len[i]));
      }
    }
    rows.push_back(std::move(row));
  }
  mysql_free_result(res);
  return rows;
}

std::optional<std::string> AdminConnection::QueryValue(std::string_view sql) {
  auto rows = Query(sql);
  if (rows.empty() || rows.front().empty()) return std::nullopt;
  return rows.front().front();
}

}  // namespace randsync::server
