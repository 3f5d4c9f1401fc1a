// A minimal client for the statements the lifecycle itself needs (readiness
// probe, CREATE DATABASE test) and for tests: raw Connector/C, no pooling,
// no streaming. The shared db/ layer is the real client; this stays small so
// the server lifecycle does not depend on its progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct st_mysql;  // MYSQL from <mysql.h>, kept out of this header

namespace randsync::server {

struct AdminTarget {
  std::string socket;  // unix socket; used when set, else host:port over TCP
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string user = "root";
  std::string password;
  std::string database;  // empty: none
  std::chrono::seconds connect_timeout{5};
};

class AdminConnection {
 public:
  using Row = std::vector<std::optional<std::string>>;  // nullopt is SQL NULL

  // Throws ServerError(kSql): "cannot connect to <where>: <client error>".
  explicit AdminConnection(const AdminTarget& target);
  // For polling: nullopt (and the client error in *error, its number in
  // *errnum) if it fails.
  static std::optional<AdminConnection> TryConnect(const AdminTarget& target,
                                                   std::string* error = nullptr,
                                                   unsigned* errnum = nullptr);

  AdminConnection(AdminConnection&& other) noexcept;
  AdminConnection& operator=(AdminConnection&& other) noexcept;
  AdminConnection(const AdminConnection&) = delete;
  AdminConnection& operator=(const AdminConnection&) = delete;
  ~AdminConnection();

  // Throws ServerError(kSql): "<sql>: <errno> (<sqlstate>) <message>".
  void Exec(std::string_view sql);
  std::vector<Row> Query(std::string_view sql);
  // First column of the first row; nullopt for NULL or no rows.
  std::optional<std::string> QueryValue(std::string_view sql);

 private:
  AdminConnection() = default;
  [[noreturn]] void Fail(std::string_view sql);

  st_mysql* mysql_ = nullptr;
};

}  // namespace randsync::server
