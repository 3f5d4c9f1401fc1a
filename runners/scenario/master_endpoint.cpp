#include "runners/scenario/master_endpoint.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "db/connection.h"

namespace randsync::scenario {
namespace {

std::runtime_error Refused(const db::Dsn& dsn, const std::string& why) {
  return std::runtime_error(fmt::format("--master {}: {}", dsn.Redacted(), why));
}

}  // namespace

MasterEndpoint EndpointOf(const server::ThrowawayServer& master, const std::string& binlog_format) {
  MasterEndpoint m;
  m.dsn = db::ParseDsn(master.Dsn(""), nullptr);
  m.admin = master.Admin("");
  m.source.port = master.port();
  m.binlog_format = binlog_format;
  m.description = fmt::format("throwaway master on 127.0.0.1:{}", master.port());
  return m;
}

MasterEndpoint ExternalMaster(const db::Dsn& given, const std::string& backup_method) {
  MasterEndpoint m;
  m.external = true;
  m.dsn = given;
  if (!given.database.empty()) m.data_database = given.database;
  m.dsn.database.clear();
  db::ConnectOptions co;
  co.connect_timeout_s = 10;
  co.read_timeout_s = 30;
  db::Connection c = [&] {
    try {
      return db::Connection(m.dsn, co);
    } catch (const std::exception& e) {
      throw Refused(given, e.what());
    }
  }();
  const auto value = [&c](const char* sql) { return c.QueryValue(sql).value_or(""); };
  if (value("SELECT @@log_bin") != "1") {
    throw Refused(given, "the binary log is off; start the master with --log-bin (and a --server-id)");
  }
  if (value("SELECT @@version").find("MariaDB") == std::string::npos) {
    throw Refused(given, "not a MariaDB server (GTID replication and BACKUP STAGE need MariaDB)");
  }
  m.server_id = static_cast<unsigned>(std::stoul(value("SELECT @@server_id")));
  m.binlog_format = value("SELECT @@binlog_format");
  const std::string port = value("SELECT @@port");
  if (backup_method == "mariabackup") {
    // mariadb-backup copies the datadir's files: the master must be here.
    const std::string datadir = value("SELECT @@datadir");
    if (::access(datadir.c_str(), R_OK | X_OK) != 0) {
      throw Refused(given, fmt::format("its datadir {} is not readable on this machine; mariadb-backup copies "
                                       "files, so use --backup mariadb-dump or mydumper for a remote master",
                                       datadir));
    }
  }
  // The slave connects over TCP as the DSN's user.
  m.source.host = given.socket.empty() ? given.host : "127.0.0.1";
  if (m.source.host == "localhost") m.source.host = "127.0.0.1";
  m.source.port = given.socket.empty() ? static_cast<uint16_t>(given.port) : static_cast<uint16_t>(std::stoul(port));
  m.source.user = given.user;
  m.source.password = given.password.value_or("");
  m.admin.user = given.user;
  m.admin.password = given.password.value_or("");
  if (!given.socket.empty()) {
    m.admin.socket = given.socket;
  } else {
    m.admin.host = given.host;
    m.admin.port = static_cast<uint16_t>(given.port);
  }
  m.description = "master " + given.Redacted();
  return m;
}

}  // namespace randsync::scenario
