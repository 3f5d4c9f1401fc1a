#include "runners/scenario/consistency_model.h"

#include <fmt/format.h>

namespace randsync::scenario {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return s;
}

}  // namespace

std::string ChooseMethodVariant(db::Connection& m, const std::vector<std::string>& databases,
                                ProvisionRunOptions& o) {
  std::optional<BackupMethod::Choice> choice = o.backup->ChooseLocking(m, databases);
  if (!choice) return "";
  o.backup = choice->method;
  return choice->why;
}

bool Covers(const BackupMethod& method, const std::string& engine) {
  return method.UncoveredReason(Lower(engine), false).empty();
}

std::vector<UncoveredTable> UncoveredTables(db::Connection& m, const std::vector<std::string>& databases,
                                            const BackupMethod& method) {
  std::vector<UncoveredTable> out;
  if (databases.empty()) return out;
  std::string in;
  for (const std::string& d : databases) in += (in.empty() ? "" : ", ") + m.Quote(d);
  db::RowSet rs = m.QueryRows(
      "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (" +
      in + ") AND TABLE_TYPE IN ('BASE TABLE', 'SEQUENCE') ORDER BY TABLE_SCHEMA, TABLE_NAME");
  for (const db::Row& r : rs.rows) {
    const std::string engine = r.at(2).value_or("");
    const std::string reason = method.UncoveredReason(Lower(engine), r.at(3).value_or("") == "SEQUENCE");
    if (!reason.empty()) out.push_back({r.at(0).value_or("") + "." + r.at(1).value_or(""), engine, reason});
  }
  return out;
}

std::string UnlockedOnePhaseLimit() {
  return "mariabackup --no-lock cannot place a copy in the binary log when transactions also use an engine without "
         "two-phase commit (Aria, MyISAM, MEMORY): InnoDB records no position for such a one-phase commit, nor need "
         "one reach InnoDB in the log's order";
}

std::string UnlockedDdlLimit() {
  return "mariabackup --no-lock does not hold DDL while it copies: a table created, dropped, renamed or altered during "
         "the copy may be missing on the slave, or have a definition (.frm) of one moment and InnoDB data of another";
}

nlohmann::json ToJson(const std::vector<UncoveredTable>& tables) {
  nlohmann::json j = nlohmann::json::array();
  for (const UncoveredTable& t : tables) j.push_back({{"table", t.table}, {"engine", t.engine}, {"reason", t.reason}});
  return j;
}

}  // namespace randsync::scenario
