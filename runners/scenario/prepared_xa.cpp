#include "runners/scenario/prepared_xa.h"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "runners/scenario/binlog_events.h"
#include "runners/scenario/position_audit.h"

namespace randsync::scenario {
namespace {

std::string Hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);  // as the binary log writes it
  return out;
}

}  // namespace

std::set<std::string> PreparedXids(db::Connection& slave) {
  slave.Execute("SET NAMES binary");
  std::set<std::string> out;
  // Columns: formatID, gtrid_length, bqual_length, data (gtrid then bqual).
  for (const db::Row& r : slave.QueryRows("XA RECOVER").rows) {
    const std::string data = r.at(3).value_or("");
    const size_t gtrid = std::stoul(r.at(1).value_or("0"));
    out.insert(fmt::format("X'{}',X'{}',{}", Hex(data.substr(0, gtrid)), Hex(data.substr(gtrid)),
                           r.at(0).value_or("1")));
  }
  slave.Execute("SET NAMES utf8mb4");
  return out;
}

PreparedXa ResolvePreparedXa(db::Connection& master, db::Connection& slave, const backup::BackupPosition& start,
                             const backup::BackupPosition& copy_end) {
  PreparedXa out;
  const std::set<std::string> xids = PreparedXids(slave);
  if (xids.empty()) return out;
  std::set<std::string> after_start;
  ForEachBinlogEvent(master, start, copy_end, 1000000, [&](const BinlogEvent& e) {
    if (e.type == "XA_prepare" && e.info.rfind("XA PREPARE ", 0) == 0) after_start.insert(e.info.substr(11));
    return true;
  });
  slave.Execute("SET SESSION sql_log_bin = 0");
  for (const std::string& xid : xids) {
    if (after_start.count(xid)) {
      slave.Execute("XA ROLLBACK " + xid);
      out.rolled_back.push_back(xid);
    } else {
      out.kept.push_back(xid);
    }
  }
  return out;
}

std::string XidEndedIn(const std::string& error) {
  static const std::regex ended(R"(XA (?:COMMIT|ROLLBACK) (X'[0-9a-fA-F]*',X'[0-9a-fA-F]*',[0-9]+))");
  std::smatch m;
  return std::regex_search(error, m, ended) ? m[1].str() : "";
}

bool PreparedBefore(db::Connection& source, const std::string& xid, const backup::BackupPosition& start) {
  if (start.binlog_file.empty() || xid.empty()) return false;
  const db::RowSet logs = source.QueryRows("SHOW BINARY LOGS");
  if (logs.rows.empty()) return false;
  const backup::BackupPosition first{logs.rows.front().at(0).value_or(""), 4, ""};
  bool prepared = false;
  ForEachBinlogEvent(source, first, start, 1000000, [&](const BinlogEvent& e) {
    prepared = e.type == "XA_prepare" && e.info == "XA PREPARE " + xid;
    return !prepared;
  });
  return prepared;
}

}  // namespace randsync::scenario
