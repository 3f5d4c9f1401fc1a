#include "db/connection.h"

#include <mysql.h>

#include <mutex>
#include <utility>

#include "db/native_error.h"

namespace randsync::db {

namespace {

// mysql_init() initialises the library on first use, which is not thread
// safe; worker threads connect concurrently, so do it once up front.
void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

void SetOption(MYSQL* mysql, mysql_option option, const void* value, const char* what) {
  if (mysql_optionsv(mysql, option, value) != 0) {
    throw DbError(0, "", std::string("cannot set client option ") + what, "connect");
  }
}

void ApplyOptions(MYSQL* mysql, const Dsn& dsn, const ConnectOptions& options) {
  SetOption(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &options.connect_timeout_s, "connect timeout");
  if (options.read_timeout_s > 0) {
    SetOption(mysql, MYSQL_OPT_READ_TIMEOUT, &options.read_timeout_s, "read timeout");
  }
  if (options.write_timeout_s > 0) {
    SetOption(mysql, MYSQL_OPT_WRITE_TIMEOUT, &options.write_timeout_s, "write timeout");
  }
  SetOption(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4", "charset");
  const TlsOptions& tls = dsn.tls;
  if (tls.enabled) {
    my_bool on = 1;
    SetOption(mysql, MYSQL_OPT_SSL_ENFORCE, &on, "ssl");
    if (!tls.ca.empty()) SetOption(mysql, MYSQL_OPT_SSL_CA, tls.ca.c_str(), "ssl-ca");
    if (!tls.capath.empty()) {
      SetOption(mysql, MYSQL_OPT_SSL_CAPATH, tls.capath.c_str(), "ssl-capath");
    }
    if (!tls.cert.empty()) SetOption(mysql, MYSQL_OPT_SSL_CERT, tls.cert.c_str(), "ssl-cert");
    if (!tls.key.empty()) SetOption(mysql, MYSQL_OPT_SSL_KEY, tls.key.c_str(), "ssl-key");
    my_bool verify = tls.verify_server_cert ? 1 : 0;
    SetOption(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify, "ssl-verify-server-cert");
  }
}

}  // namespace

Connection::Connection(const Dsn& dsn, const ConnectOptions& options) : dsn_(dsn) {
  InitLibraryOnce();
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) throw DbError(2008, "HY000", "out of memory", "connect");
  const std::string context = "connect to " + dsn.Redacted();
  try {
    ApplyOptions(mysql_, dsn, options);
  } catch (...) {
    Close();
    throw;
  }
  unsigned long flags = CLIENT_MULTI_RESULTS;
  if (options.multi_statements) flags |= CLIENT_MULTI_STATEMENTS;
  // Connector/C uses the socket only for host "localhost"; dsn parsing
  // guarantees that pairing.
  if (mysql_real_connect(mysql_, dsn.host.c_str(), dsn.user.c_str(),
                         dsn.password ? dsn.password->c_str() : nullptr,
                         dsn.database.empty() ? nullptr : dsn.database.c_str(), dsn.port,
                         dsn.socket.empty() ? nullptr : dsn.socket.c_str(), flags) == nullptr) {
    DbError error(mysql_errno(mysql_), mysql_sqlstate(mysql_), mysql_error(mysql_), context);
    Close();
    throw error;
  }
}

Connection::~Connection() { Close(); }

Connection::Connection(Connection&& other) noexcept
    : mysql_(std::exchange(other.mysql_, nullptr)), dsn_(std::move(other.dsn_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    Close();
    mysql_ = std::exchange(other.mysql_, nullptr);
    dsn_ = std::move(other.dsn_);
  }
  return *this;
}

void Connection::Close() noexcept {
  if (mysql_ != nullptr) mysql_close(mysql_);
  mysql_ = nullptr;
}

uint64_t Connection::Execute(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) ThrowLastError(mysql_, "");
  uint64_t affected = 0;
  for (;;) {
    if (MYSQL_RES* res = mysql_use_result(mysql_)) {
      // Read the rows instead of just freeing them: an error met while
      // streaming (query killed, server gone) must not pass unnoticed.
      while (mysql_fetch_row(res) != nullptr) {
      }
      bool failed = mysql_errno(mysql_) != 0;
      if (failed) {
        DbError error(mysql_errno(mysql_), mysql_sqlstate(mysql_), mysql_error(mysql_), "");
        mysql_free_result(res);
        throw error;
      }
      mysql_free_result(res);
    } else if (mysql_field_count(mysql_) != 0) {
      ThrowLastError(mysql_, "");  // a result set was due but could not be read
    } else {
      affected = mysql_affected_rows(mysql_);
    }
    int next = mysql_next_result(mysql_);
    if (next > 0) ThrowLastError(mysql_, "");
    if (next < 0) break;
  }
  return affected;
}

Result Connection::Query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) ThrowLastError(mysql_, "");
  MYSQL_RES* res = mysql_use_result(mysql_);
  if (res == nullptr && mysql_field_count(mysql_) != 0) ThrowLastError(mysql_, "");
  return Result(mysql_, res);
}

RowSet Connection::QueryRows(std::string_view sql) {
  Result result = Query(sql);
  RowSet out;
  for (size_t i = 0; i < result.field_count(); ++i) out.columns.push_back(result.field_name(i));
  while (result.Next()) {
    Row row;
    row.reserve(result.field_count());
    for (size_t i = 0; i < result.field_count(); ++i) {
      if (result.IsNull(i)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(result.Value(i)));
      }
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::optional<std::string> Connection::QueryValue(std::string_view sql) {
  Result result = Query(sql);
  if (result.field_count() == 0 || !result.Next() || result.IsNull(0)) return std::nullopt;
  return std::string(result.Value(0));
}

std::string Connection::Quote(std::string_view text) {
  std::string out(text.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long n = mysql_real_escape_string(mysql_, out.data() + 1, text.data(), text.size());
  out.resize(n + 1);
  out += '\'';
  return out;
}

uint64_t Connection::thread_id() const { return mysql_thread_id(mysql_); }

std::string Connection::server_version() const {
  const char* version = mysql_get_server_info(mysql_);
  return version == nullptr ? std::string() : std::string(version);
}

}  // namespace randsync::db
