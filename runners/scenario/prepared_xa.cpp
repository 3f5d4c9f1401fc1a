#include "runners/scenario/prepared_xa.h"

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

}  // namespace randsync::scenario
