#include "runners/scenario/partial_backup.h"

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace randsync::scenario {

std::string BackupSelection::Describe() const {
  std::string out;
  if (!databases.empty()) out = fmt::format("--databases {}", fmt::join(databases, ","));
  if (!tables_regex.empty()) out += fmt::format("{}--tables '{}'", out.empty() ? "" : " ", tables_regex);
  return out;
}

std::vector<std::string> SelectedTables(db::Connection& m, const std::vector<std::string>& user_databases,
                                        const BackupSelection& s) {
  std::regex pattern;
  try {
    pattern = std::regex(s.tables_regex.empty() ? ".*" : s.tables_regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw std::runtime_error(fmt::format("--tables '{}': not a regular expression: {}", s.tables_regex, e.what()));
  }
  for (const std::string& d : s.databases) {
    if (std::find(user_databases.begin(), user_databases.end(), d) == user_databases.end()) {
      throw std::runtime_error(fmt::format("--databases: the master has no user database `{}`", d));
    }
  }
  const std::vector<std::string>& in = s.databases.empty() ? user_databases : s.databases;
  std::vector<std::string> out;
  for (const std::string& d : in) {
    const db::RowSet rs = m.QueryRows(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN ('BASE TABLE', 'SEQUENCE') AND "
        "TABLE_SCHEMA = " + m.Quote(d) + " ORDER BY TABLE_NAME");
    for (const db::Row& r : rs.rows) {
      const std::string name = d + "." + r.at(0).value_or("");
      // As mariabackup's --tables: a search, not a whole match.
      if (std::regex_search(name, pattern)) out.push_back(name);
    }
  }
  if (out.empty()) throw std::runtime_error(fmt::format("{} takes no table of the master", s.Describe()));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> ReplicationFilterFor(const std::vector<std::string>& tables) {
  std::vector<std::string> out;
  for (const std::string& t : tables) out.push_back("--replicate-do-table=" + t);
  return out;
}

std::vector<std::string> DatabasesOf(const std::vector<std::string>& tables) {
  std::set<std::string> dbs;
  for (const std::string& t : tables) dbs.insert(t.substr(0, t.find('.')));
  return {dbs.begin(), dbs.end()};
}

}  // namespace randsync::scenario
