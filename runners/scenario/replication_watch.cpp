#include "runners/scenario/replication_watch.h"

#include <fmt/format.h>

#include "db/db_error.h"
#include "db/replication_status.h"

namespace randsync::scenario {
namespace {

db::ConnectOptions ShortTimeouts() { return db::ConnectOptions::Bounded(5); }

}  // namespace

std::string ReplicationStop::Describe() const {
  std::string where;
  if (!gtid.empty()) where = fmt::format(" at GTID {}", gtid);
  if (!event_position.empty()) where += fmt::format(" (master {})", event_position);
  return fmt::format("the slave's {} thread stopped{}: {}", thread, where, status);
}

nlohmann::json ReplicationStop::ToJson() const {
  return {{"thread", thread}, {"error_number", error_number}, {"error", error}, {"table", table},
          {"gtid", gtid},     {"event_position", event_position}, {"slave_status", status}};
}

ReplicationWatch::ReplicationWatch(const db::Dsn& master, const db::Dsn& slave)
    : master_dsn_(master), slave_dsn_(slave) {}

std::optional<ReplicationStop> ReplicationWatch::Poll() {
  std::optional<db::SlaveStatus> st;
  try {
    if (!slave_) slave_.emplace(slave_dsn_, ShortTimeouts());
    st = db::ReadSlaveStatus(*slave_);
  } catch (const db::DbError&) {
    slave_.reset();
    return std::nullopt;
  }
  if (!st) return std::nullopt;
  ReplicationStop stop;
  if (st->sql_running == "No") {
    stop.thread = "SQL";
    stop.error_number = st->last_sql_errno;
    stop.error = st->last_sql_error;
    stop.table = st->failing_table();
    // Exec_Master_Log_Pos is where the SQL thread would go on: the start of
    // the transaction it failed on (the first of them with parallel apply).
    stop.event_position = fmt::format("{}:{}", st->relay_master_log_file, st->exec_master_log_pos);
    stop.gtid = EventGtid(st->relay_master_log_file, st->exec_master_log_pos);
  } else if (st->io_running == "No") {
    stop.thread = "IO";
    stop.error_number = st->last_io_errno;
    stop.error = st->last_io_error;
  } else {
    return std::nullopt;
  }
  stop.status = st->Describe();
  return stop;
}

// The GTID of the transaction that starts at file:pos of the master's
// binary log: its first event is a Gtid_log_event ("BEGIN GTID 0-1-7").
std::string ReplicationWatch::EventGtid(const std::string& file, uint64_t pos) {
  if (file.empty() || pos == 0) return "";
  try {
    if (!master_) master_.emplace(master_dsn_, ShortTimeouts());
    db::RowSet rs = master_->QueryRows(
        fmt::format("SHOW BINLOG EVENTS IN {} FROM {} LIMIT 1", master_->Quote(file), pos));
    for (size_t i = 0; i < rs.columns.size() && !rs.rows.empty(); ++i) {
      if (rs.columns[i] != "Info") continue;
      const std::string info = rs.rows[0][i].value_or("");
      const auto at = info.find("GTID ");
      if (at == std::string::npos) return "";
      const auto end = info.find(' ', at + 5);
      return info.substr(at + 5, end == std::string::npos ? std::string::npos : end - at - 5);
    }
  } catch (const db::DbError&) {
    master_.reset();
  }
  return "";
}

}  // namespace randsync::scenario
