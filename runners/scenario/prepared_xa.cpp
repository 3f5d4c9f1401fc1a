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

// XA RECOVER's rows as the binary log writes an XID: X'gtrid',X'bqual',formatID.
std::vector<std::string> PreparedXids(db::Connection& slave) {
  slave.Execute("SET NAMES binary");
  std::vector<std::string> out;
  // Columns: formatID, gtrid_length, bqual_length, data (gtrid then bqual).
  for (const db::Row& r : slave.QueryRows("XA RECOVER").rows) {
    const std::string data = r.at(3).value_or("");
    const size_t gtrid = std::stoul(r.at(1).value_or("0"));
    out.push_back(fmt::format("X'{}',X'{}',{}", Hex(data.substr(0, gtrid)), Hex(data.substr(gtrid)),
                              r.at(0).value_or("1")));
  }
  slave.Execute("SET NAMES utf8mb4");
  return out;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The position after the leading XA COMMIT/ROLLBACK groups at `start`
// whose transactions `prepared` does not hold; nullopt when there is none.
std::optional<uint64_t> PastCommittedXaEnds(db::Connection& master, const backup::BackupPosition& start,
                                            const backup::BackupPosition& copy_end,
                                            const std::set<std::string>& prepared, unsigned& skipped) {
  std::optional<uint64_t> past;
  bool first = true, ends_unprepared_xa = false;
  ForEachBinlogEvent(master, start, copy_end, 100000, [&](const BinlogEvent& e) {
    if (e.file != start.binlog_file) return false;  // keep to one file: a rotation ends the search
    if (e.type == "Gtid") {
      if (!first) {
        if (!ends_unprepared_xa) return false;
        past = e.pos;
        ++skipped;
      }
      first = false;
      ends_unprepared_xa = false;
      return true;
    }
    if (e.type == "Query" && (StartsWith(e.info, "XA COMMIT ") || StartsWith(e.info, "XA ROLLBACK "))) {
      const std::string xid = e.info.substr(e.info.find(' ', 3) + 1);
      ends_unprepared_xa = prepared.count(xid) == 0;
    } else if (e.type != "Gtid_list" && e.type != "Binlog_checkpoint") {
      ends_unprepared_xa = false;  // rows, or anything else: a transaction of its own
    }
    return true;
  });
  return past;
}

}  // namespace

PreparedXa ResolvePreparedXa(db::Connection& master, db::Connection& slave, const backup::BackupPosition& start_in,
                             const backup::BackupPosition& copy_end) {
  PreparedXa out;
  const std::vector<std::string> xids = PreparedXids(slave);
  const std::set<std::string> prepared(xids.begin(), xids.end());
  backup::BackupPosition start = start_in;
  if (auto past = PastCommittedXaEnds(master, start, copy_end, prepared, out.xa_ends_skipped)) {
    start.binlog_pos = *past;
    start.gtid = GtidAt(master, start.binlog_file, start.binlog_pos);
    out.start = start;
  }
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
