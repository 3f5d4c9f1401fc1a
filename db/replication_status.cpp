#include "db/replication_status.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "db/connection.h"
#include "base/errors.h"

namespace randsync::db {
namespace {

template <class T>
T Number(const std::optional<std::string>& text) {
  T v{};
  if (text) std::from_chars(text->data(), text->data() + text->size(), v);
  return v;
}

template <class T>
bool ParseNumber(std::string_view text, T& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

std::string SlaveStatus::failing_table() const {
  static constexpr std::string_view kOnTable = " on table ";
  const size_t at = last_sql_error.find(kOnTable);
  if (at == std::string::npos) return "";
  const size_t from = at + kOnTable.size();
  const size_t end = last_sql_error.find_first_of(" ;,", from);
  return last_sql_error.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

std::string SlaveStatus::Describe() const {
  std::string out = fmt::format("Slave_IO_Running={} Slave_SQL_Running={}", io_running, sql_running);
  if (last_io_errno != 0) out += fmt::format(" Last_IO_Errno={} Last_IO_Error={}", last_io_errno, last_io_error);
  if (last_sql_errno != 0) {
    out += fmt::format(" Last_SQL_Errno={} Last_SQL_Error={}", last_sql_errno, last_sql_error);
  }
  return out;
}

std::optional<SlaveStatus> ReadSlaveStatus(Connection& conn) {
  RowSet rs = conn.QueryRows("SHOW SLAVE STATUS");
  if (rs.rows.empty()) return std::nullopt;
  const Row& row = rs.rows.front();
  auto col = [&](std::string_view name) -> std::optional<std::string> {
    for (size_t i = 0; i < rs.columns.size(); ++i) {
      if (rs.columns[i] == name) return row[i];
    }
    return std::nullopt;
  };
  SlaveStatus s;
  s.io_running = col("Slave_IO_Running").value_or("");
  s.sql_running = col("Slave_SQL_Running").value_or("");
  s.last_io_errno = Number<unsigned>(col("Last_IO_Errno"));
  s.last_io_error = col("Last_IO_Error").value_or("");
  s.last_sql_errno = Number<unsigned>(col("Last_SQL_Errno"));
  s.last_sql_error = col("Last_SQL_Error").value_or("");
  if (auto behind = col("Seconds_Behind_Master")) s.seconds_behind = Number<uint64_t>(behind);
  s.master_log_file = col("Master_Log_File").value_or("");
  s.read_master_log_pos = Number<uint64_t>(col("Read_Master_Log_Pos"));
  s.relay_master_log_file = col("Relay_Master_Log_File").value_or("");
  s.exec_master_log_pos = Number<uint64_t>(col("Exec_Master_Log_Pos"));
  s.gtid_io_pos = col("Gtid_IO_Pos").value_or("");
  s.using_gtid = col("Using_Gtid").value_or("");
  return s;
}

GtidPos GtidPos::Parse(std::string_view text) {
  GtidPos pos;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\n')) item.remove_prefix(1);
    if (item.empty()) continue;
    size_t d1 = item.find('-');
    size_t d2 = d1 == std::string_view::npos ? d1 : item.find('-', d1 + 1);
    uint32_t domain = 0;
    Entry e;
    if (d2 == std::string_view::npos || !ParseNumber(item.substr(0, d1), domain) ||
        !ParseNumber(item.substr(d1 + 1, d2 - d1 - 1), e.server_id) ||
        !ParseNumber(item.substr(d2 + 1), e.seq_no)) {
      throw InputError(fmt::format("GTID position: '{}' is not domain-server-sequence", item));
    }
    pos.domains[domain] = e;
  }
  return pos;
}

std::string GtidPos::ToString() const {
  std::string out;
  for (const auto& [domain, e] : domains) {
    out += fmt::format("{}{}-{}-{}", out.empty() ? "" : ",", domain, e.server_id, e.seq_no);
  }
  return out;
}

bool GtidPos::At(const GtidPos& target) const {
  for (const auto& [domain, e] : target.domains) {
    auto it = domains.find(domain);
    if (it == domains.end() || it->second.seq_no != e.seq_no) return false;
  }
  return true;
}

bool GtidPos::Past(const GtidPos& target) const {
  for (const auto& [domain, e] : target.domains) {
    auto it = domains.find(domain);
    if (it != domains.end() && it->second.seq_no > e.seq_no) return true;
  }
  return false;
}

}  // namespace randsync::db
