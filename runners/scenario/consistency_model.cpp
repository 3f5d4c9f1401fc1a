#include "runners/scenario/consistency_model.h"

#include <algorithm>

#include <fmt/format.h>

#include "runners/server/server_options.h"

namespace randsync::scenario {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return s;
}

// Why `engine` is not covered, or "".
std::string Reason(const ProvisionRunOptions& o, const std::string& engine, bool sequence) {
  const std::string e = Lower(engine);
  if (o.backup_method == "mariabackup" && !UnlockedCopy(o)) {
    return e == "memory" ? "a MEMORY table's rows are in no file: the slave's copy is empty" : "";
  }
  if (o.backup_method == "mariabackup") {
    return e == "innodb" ? "" : "copied without locks while it was written, at no binlog position";
  }
  if (LockingOf(o) == backup::DumpLocking::kGlobalReadLock) {
    if (!sequence || o.backup_method != "mydumper") return "";
    return "a sequence's value is not in mydumper's snapshot, and mydumper reads it after its lock ends";
  }
  if (sequence) return "a sequence's value changes outside transactions: dumped at another moment than the point";
  return e == "innodb" ? ""
                       : "read outside the dump's snapshot: its rows are of another moment than the point";
}

// What a table list says in one line: "test.a (Aria), test.b (MyISAM) and 3 more".
std::string Few(const std::vector<UncoveredTable>& tables) {
  constexpr size_t kNamed = 3;
  std::string out;
  for (size_t i = 0; i < tables.size() && i < kNamed; ++i) {
    out += fmt::format("{}{} ({})", i ? ", " : "", tables[i].table, tables[i].engine);
  }
  if (tables.size() > kNamed) out += fmt::format(" and {} more", tables.size() - kNamed);
  return out;
}

}  // namespace

bool UnlockedCopy(const ProvisionRunOptions& o) {
  return o.backup_method == "mariabackup" &&
         std::any_of(o.backup_options.begin(), o.backup_options.end(),
                     [](const std::string& x) { return server::OptionName(x) == "no-lock"; });
}

backup::DumpLocking LockingOf(const ProvisionRunOptions& o) {
  if (o.unsafe_dump) return backup::DumpLocking::kNone;
  return o.dump_locking.value_or(backup::DumpLocking::kSnapshot);
}

std::string ChooseDumpLocking(db::Connection& m, const std::vector<std::string>& databases,
                              ProvisionRunOptions& o) {
  if (o.backup_method == "mariabackup" || o.unsafe_dump || o.dump_locking) return "";
  ProvisionRunOptions locked = o;
  locked.dump_locking = backup::DumpLocking::kGlobalReadLock;
  o.dump_locking = backup::DumpLocking::kSnapshot;
  const std::vector<UncoveredTable> left = UncoveredTables(m, databases, o);
  if (UncoveredTables(m, databases, locked).size() >= left.size()) return "";
  o.dump_locking = locked.dump_locking;
  return fmt::format("{} {} no snapshot holds ({}): {} takes them under a global read lock, so the load's "
                     "writers wait while {}; --backup-option={} keeps the load running and leaves them inconsistent",
                     left.size(), left.size() == 1 ? "table" : "tables", Few(left), MethodVariant(o),
                     o.backup_method == "mydumper" ? "they are dumped" : "the dump runs",
                     o.backup_method == "mydumper" ? "--trx-consistency-only" : "--single-transaction");
}

bool Covers(const ProvisionRunOptions& o, const std::string& engine) { return Reason(o, engine, false).empty(); }

std::string MethodVariant(const ProvisionRunOptions& o) {
  if (o.backup_method == "mariabackup") return UnlockedCopy(o) ? "mariabackup --no-lock" : "mariabackup";
  const backup::DumpLocking l = LockingOf(o);
  if (o.backup_method == "mariadb-dump") {
    return l == backup::DumpLocking::kNone       ? "mariadb-dump without --single-transaction"
           : l == backup::DumpLocking::kSnapshot ? "mariadb-dump --single-transaction"
                                                 : "mariadb-dump --lock-all-tables";
  }
  return l == backup::DumpLocking::kSnapshot ? "mydumper --trx-consistency-only" : "mydumper";
}

std::vector<UncoveredTable> UncoveredTables(db::Connection& m, const std::vector<std::string>& databases,
                                            const ProvisionRunOptions& o) {
  std::vector<UncoveredTable> out;
  if (databases.empty()) return out;
  std::string in;
  for (const std::string& d : databases) in += (in.empty() ? "" : ", ") + m.Quote(d);
  db::RowSet rs = m.QueryRows(
      "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (" +
      in + ") AND TABLE_TYPE IN ('BASE TABLE', 'SEQUENCE') ORDER BY TABLE_SCHEMA, TABLE_NAME");
  for (const db::Row& r : rs.rows) {
    const std::string engine = r.at(2).value_or("");
    const std::string reason = Reason(o, engine, r.at(3).value_or("") == "SEQUENCE");
    if (!reason.empty()) out.push_back({r.at(0).value_or("") + "." + r.at(1).value_or(""), engine, reason});
  }
  return out;
}

std::string UnlockedOnePhaseLimit() {
  return "mariabackup --no-lock cannot place a copy in the binary log when transactions also use an engine without "
         "two-phase commit (Aria, MyISAM, MEMORY): InnoDB records no position for such a one-phase commit, nor need "
         "one reach InnoDB in the log's order";
}

nlohmann::json ToJson(const std::vector<UncoveredTable>& tables) {
  nlohmann::json j = nlohmann::json::array();
  for (const UncoveredTable& t : tables) j.push_back({{"table", t.table}, {"engine", t.engine}, {"reason", t.reason}});
  return j;
}

}  // namespace randsync::scenario
