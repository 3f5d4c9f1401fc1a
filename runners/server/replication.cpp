#include "runners/server/replication.h"

#include <fmt/format.h>

#include "db/replication_status.h"

namespace randsync::server {

void StartReplicaAtGtid(db::Connection& slave, const ReplicationSource& source,
                        std::string_view gtid_slave_pos) {
  slave.Execute("STOP SLAVE");
  slave.Execute("SET GLOBAL gtid_slave_pos = " + slave.Quote(gtid_slave_pos));
  slave.Execute(fmt::format(
      "CHANGE MASTER TO MASTER_HOST = {}, MASTER_PORT = {}, MASTER_USER = {}, MASTER_PASSWORD = {}, "
      "MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_DELAY = {}",
      slave.Quote(source.host), source.port, slave.Quote(source.user), slave.Quote(source.password),
      source.delay_s));
  slave.Execute("START SLAVE");
}

void StartReplicaAtPosition(db::Connection& slave, const ReplicationSource& source, std::string_view file,
                            uint64_t pos) {
  slave.Execute("STOP SLAVE");
  slave.Execute(fmt::format(
      "CHANGE MASTER TO MASTER_HOST = {}, MASTER_PORT = {}, MASTER_USER = {}, MASTER_PASSWORD = {}, "
      "MASTER_LOG_FILE = {}, MASTER_LOG_POS = {}, MASTER_USE_GTID = no, MASTER_CONNECT_RETRY = 1, "
      "MASTER_DELAY = {}",
      slave.Quote(source.host), source.port, slave.Quote(source.user), slave.Quote(source.password),
      slave.Quote(file), pos, source.delay_s));
  slave.Execute("START SLAVE");
}

bool WaitForPosition(db::Connection& slave, std::string_view file, uint64_t pos, std::chrono::seconds timeout) {
  // NULL: the SQL thread is not running (or not a replica); -1: timeout.
  auto result =
      slave.QueryValue(fmt::format("SELECT MASTER_POS_WAIT({}, {}, {})", slave.Quote(file), pos, timeout.count()));
  return result && *result != "-1";
}

bool WaitForGtid(db::Connection& slave, std::string_view gtid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string wait = fmt::format("SELECT MASTER_GTID_WAIT({}, 1)", slave.Quote(gtid));
  for (;;) {
    if (auto result = slave.QueryValue(wait); result && *result == "0") return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // A stopped thread with an error is final; a running IO thread's error
    // (reconnecting) is not.
    if (auto status = db::ReadSlaveStatus(slave);
        status && ((status->sql_stopped() && status->last_sql_errno != 0) ||
                   (status->io_running == "No" && status->last_io_errno != 0))) {
      return false;
    }
  }
}

std::vector<std::string> MasterOptions(std::string_view binlog_format) {
  return {"--log-bin=master-bin", "--server-id=1", fmt::format("--binlog-format={}", binlog_format)};
}

std::vector<std::string> SlaveOptions(unsigned id) {
  return {"--log-bin=slave-bin", fmt::format("--server-id={}", id), "--log-slave-updates"};
}

}  // namespace randsync::server
