#include "runners/scenario/binlog_events.h"

#include <vector>

#include <fmt/format.h>

namespace randsync::scenario {

int CompareBinlogFiles(const std::string& a, const std::string& b) {
  const auto da = a.rfind('.'), db = b.rfind('.');
  if (da != std::string::npos && db != std::string::npos && a.substr(0, da) == b.substr(0, db)) {
    try {
      const auto na = std::stoull(a.substr(da + 1)), nb = std::stoull(b.substr(db + 1));
      return na < nb ? -1 : na > nb ? 1 : 0;
    } catch (const std::exception&) {
    }
  }
  return a.compare(b);
}

int CompareBinlogPositions(const backup::BackupPosition& a, const backup::BackupPosition& b) {
  if (int c = CompareBinlogFiles(a.binlog_file, b.binlog_file)) return c;
  return a.binlog_pos < b.binlog_pos ? -1 : a.binlog_pos > b.binlog_pos ? 1 : 0;
}

bool ForEachBinlogEvent(db::Connection& master, const backup::BackupPosition& from, const backup::BackupPosition& to,
                        std::size_t max_events, const std::function<bool(const BinlogEvent&)>& fn) {
  std::vector<std::string> files;
  for (const db::Row& r : master.QueryRows("SHOW BINARY LOGS").rows) {
    const std::string f = r.at(0).value_or("");
    if (CompareBinlogFiles(f, from.binlog_file) >= 0 && CompareBinlogFiles(f, to.binlog_file) <= 0) files.push_back(f);
  }
  std::size_t seen = 0;
  for (const std::string& file : files) {
    const uint64_t start = file == from.binlog_file ? from.binlog_pos : 4;
    // Columns: Log_name, Pos, Event_type, Server_id, End_log_pos, Info.
    db::RowSet rs = master.QueryRows(fmt::format("SHOW BINLOG EVENTS IN {} FROM {} LIMIT {}", master.Quote(file),
                                                 start, max_events - seen + 1));
    for (const db::Row& r : rs.rows) {
      BinlogEvent e{file, std::stoull(r.at(1).value_or("0")), r.at(2).value_or(""), r.at(5).value_or("")};
      if (file == to.binlog_file && e.pos >= to.binlog_pos) return true;
      if (++seen > max_events || !fn(e)) return false;
    }
  }
  return true;
}

std::optional<bool> CommitsInOnePhase(db::Connection& master, const backup::BackupPosition& group) {
  db::RowSet st = master.QueryRows("SHOW MASTER STATUS");
  if (st.rows.empty()) return std::nullopt;
  const backup::BackupPosition end{st.rows[0].at(0).value_or(""), std::stoull(st.rows[0].at(1).value_or("0")), ""};
  std::optional<bool> one_phase;
  bool begun = false;
  ForEachBinlogEvent(master, group, end, 10000, [&](const BinlogEvent& e) {
    if (e.type == "Gtid") {
      if (begun) return false;  // the next group: this one ended without a commit event (a DDL)
      begun = true;
    } else if (e.type == "Xid" || e.type == "XA_prepare") {
      one_phase = false;
    } else if (e.type == "Query" && e.info == "COMMIT") {
      one_phase = true;
    }
    return !one_phase.has_value();
  });
  return one_phase;
}

}  // namespace randsync::scenario
