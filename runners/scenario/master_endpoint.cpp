#include "runners/scenario/master_endpoint.h"

#include <unistd.h>

#include <filesystem>
#include <optional>
#include <random>
#include <utility>
#include <stdexcept>

#include <fmt/format.h>

#include "db/connection.h"

namespace randsync::scenario {
namespace {

std::runtime_error Refused(const db::Dsn& dsn, const std::string& why) {
  return std::runtime_error(fmt::format("--master {}: {}", dsn.Redacted(), why));
}

std::string RandomPassword() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, sizeof kChars - 2);
  std::string out;
  for (int i = 0; i < 24; ++i) out += kChars[pick(rd)];
  return out;
}

// Makes the slave's replication account on `c`'s master: name and
// password, or nullopt when the DSN's user may not (the error in `why`).
std::optional<std::pair<std::string, std::string>> CreateReplicationAccount(db::Connection& c, std::string& why) {
  const std::string name = fmt::format("randsync_repl_{}_{}", ::getpid(), RandomPassword().substr(0, 6));
  const std::string password = RandomPassword();
  try {
    try {
      c.Execute("SET SESSION sql_log_bin = 0");  // the account is this run's, not the load's
    } catch (const db::DbError&) {
      // Without the privilege it is logged, and replicates to the slave: harmless.
    }
    c.Execute(fmt::format("CREATE USER '{}'@'%' IDENTIFIED BY '{}'", name, password));
    c.Execute(fmt::format("GRANT REPLICATION SLAVE ON *.* TO '{}'@'%'", name));
  } catch (const db::DbError& e) {
    why = e.what();
    return std::nullopt;
  }
  return std::make_pair(name, password);
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

MasterEndpoint ExternalMaster(const db::Dsn& given, const BackupMethod& method, std::string& warning) {
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
  if (method.ReadsMasterFiles()) {
    // The method copies the datadir's files: the master must be here.
    const std::string datadir = value("SELECT @@datadir");
    if (::access(datadir.c_str(), R_OK | X_OK) != 0) {
      throw Refused(given, fmt::format("its datadir {} is not readable on this machine; {} copies files, so use "
                                       "a logical --backup (mariadb-dump, mydumper) for a remote master",
                                       datadir, method.name()));
    }
  }
  // The slave connects over TCP as the DSN's user.
  m.source.host = given.socket.empty() ? given.host : "127.0.0.1";
  if (m.source.host == "localhost") m.source.host = "127.0.0.1";
  m.source.port = given.socket.empty() ? static_cast<uint16_t>(given.port) : static_cast<uint16_t>(std::stoul(port));
  std::string why;
  if (auto account = CreateReplicationAccount(c, why)) {
    m.replication_account = account->first;
    m.source.user = account->first;
    m.source.password = account->second;
  } else {
    m.source.user = given.user;
    m.source.password = given.password.value_or("");
    warning = fmt::format("the slave replicates as {} ({} may not create a throwaway account: {}): the slave's "
                          "master.info holds that user's password in plain text",
                          given.user, given.user, why);
  }
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

void DropReplicationAccount(const MasterEndpoint& m) {
  if (m.replication_account.empty()) return;
  try {
    db::Connection c(m.dsn, db::ConnectOptions::Bounded(10));
    try {
      c.Execute("SET SESSION sql_log_bin = 0");
    } catch (const db::DbError&) {
    }
    c.Execute(fmt::format("DROP USER IF EXISTS '{}'@'%'", m.replication_account));
  } catch (const std::exception&) {
    // The master is gone or refuses: the account's name says whose it is.
  }
}

}  // namespace randsync::scenario
