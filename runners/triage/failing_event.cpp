#include "runners/triage/failing_event.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <optional>

#include <fmt/format.h>

#include "base/text_util.h"
#include "runners/triage/binlog_window.h"

namespace randsync::triage {
namespace {

struct TableName {
  std::string database, table;
};

TableName Split(std::string qualified) {
  std::erase(qualified, '`');
  const auto dot = qualified.find('.');
  if (dot == std::string::npos) return {"", qualified};
  return {qualified.substr(0, dot), qualified.substr(dot + 1)};
}

bool ContainsWordNoCase(const std::string& text, const std::string& word) {
  if (word.empty()) return false;
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string t = lower(text), w = lower(word);
  auto part_of_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (auto at = t.find(w); at != std::string::npos; at = t.find(w, at + 1)) {
    const bool starts = at == 0 || !part_of_name(t[at - 1]);
    const bool ends = at + w.size() == t.size() || !part_of_name(t[at + w.size()]);
    if (starts && ends) return true;
  }
  return false;
}

// Whether `tx` wrote `name`: a row event on it, or a statement naming it.
bool Writes(const backup::BinlogTransaction& tx, const TableName& name) {
  for (const backup::RowChange& r : tx.rows) {
    if (EqualsNoCase(r.table, name.table) && (name.database.empty() || r.database == name.database)) return true;
  }
  for (const backup::LoggedStatement& s : tx.logged) {
    if (!s.row_events && ContainsWordNoCase(s.text, name.table)) return true;
  }
  return false;
}

// "before the backup's position 0-1-60" or "after ...": where `gtid` is.
std::string RelativeToBackup(const std::string& gtid, const nlohmann::json& report) {
  const std::string backup = report.value("backup_position", nlohmann::json::object()).value("gtid", "");
  const auto at = ParseGtidPosition(gtid), position = ParseGtidPosition(backup);
  if (at.size() != 1 || position.empty()) return "the backup's position unknown";
  const auto& [domain, seq] = *at.begin();
  const auto p = position.find(domain);
  if (p == position.end() || seq > p->second) {
    return fmt::format("after the backup's position {}: the slave applied it", backup);
  }
  return fmt::format("at or before the backup's position {}: the backup holds it", backup);
}

std::string Statements(const backup::BinlogTransaction& tx) {
  std::string text;
  for (const backup::LoggedStatement& s : tx.logged) text += (text.empty() ? "" : "; ") + s.text;
  return Shorten(text, 300);
}

}  // namespace

void AddFailingTransaction(const std::filesystem::path& run_dir, const nlohmann::json& report,
                           const std::string& table, std::vector<Evidence>& out) {
  const std::string gtid = report.value("replication_failure", nlohmann::json::object()).value("gtid", "");
  if (gtid.empty()) return;
  const TableName name = Split(table);
  const nlohmann::json window = {{"divergence", {{"clean_gtid", ""}, {"at", gtid}}}};
  std::deque<backup::BinlogTransaction> earlier;  // the last writes to the table
  std::optional<backup::BinlogTransaction> failing;
  const std::string why = ForEachWindowTransaction(run_dir, window, [&](const auto& batch) {
    for (const backup::BinlogTransaction& tx : batch) {
      if (tx.gtid == gtid) {
        failing = tx;
      } else if (!name.table.empty() && Writes(tx, name)) {
        earlier.push_back(tx);
        if (earlier.size() > kMaxEarlierWrites) earlier.pop_front();
      }
    }
  });
  if (!why.empty()) {
    out.push_back({"failing statement", "not read: " + why, ""});
    return;
  }
  if (!failing) {
    out.push_back({"failing statement", fmt::format("the master's binary log holds no transaction {}", gtid), ""});
    return;
  }
  for (const backup::LoggedStatement& s : failing->logged) {
    out.push_back({"failing statement", fmt::format("GTID {}: {}", gtid, Shorten(s.text, 300)), "master binlog"});
  }
  for (const backup::BinlogTransaction& tx : earlier) {
    out.push_back({"earlier write",
                   fmt::format("GTID {} ({}): {}", tx.gtid, RelativeToBackup(tx.gtid, report), Statements(tx)),
                   "master binlog"});
  }
}

}  // namespace randsync::triage
