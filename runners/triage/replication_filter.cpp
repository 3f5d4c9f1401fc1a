#include "runners/triage/replication_filter.h"

#include <algorithm>
#include <utility>

namespace randsync::triage {
namespace {

struct Rule {
  std::string name;   // "replicate-wild-ignore-table", '_' spelled '-'
  std::string value;
  std::string given;  // the option as given
};

std::vector<Rule> Rules(const std::vector<std::string>& options) {
  std::vector<Rule> out;
  for (const std::string& o : options) {
    const auto eq = o.find('=');
    if (o.rfind("--", 0) != 0 || eq == std::string::npos) continue;
    std::string name = o.substr(2, eq - 2);
    std::replace(name.begin(), name.end(), '_', '-');
    if (name.rfind("replicate-", 0) != 0) continue;
    out.push_back({name, o.substr(eq + 1), o});
  }
  return out;
}

bool MatchesTable(const Rule& r, const std::string& qualified) {
  const bool wild = r.name.find("-wild-") != std::string::npos;
  return wild ? LikeMatch(qualified, r.value) : r.value == qualified;
}

}  // namespace

bool LikeMatch(const std::string& text, const std::string& pattern) {
  // Iterative wildcard match with one backtrack point (the last %).
  size_t t = 0, p = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '\\' && p + 1 < pattern.size() && pattern[p + 1] == text[t]) {
      p += 2;
      ++t;
    } else if (p < pattern.size() && (pattern[p] == '_' || (pattern[p] == text[t] && pattern[p] != '%'))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      mark = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

std::string FilteringOption(const std::vector<std::string>& slave_options, const std::string& db,
                            const std::string& table) {
  const std::string qualified = db + "." + table;
  const std::vector<Rule> rules = Rules(slave_options);
  std::string do_db, do_table;  // the first do rule of each kind, when none matched
  bool db_listed = false, table_listed = false;
  for (const Rule& r : rules) {
    if (r.name == "replicate-ignore-db" && r.value == db) return r.given;
    if ((r.name == "replicate-ignore-table" || r.name == "replicate-wild-ignore-table") && MatchesTable(r, qualified)) {
      return r.given;
    }
    if (r.name == "replicate-do-db") {
      if (do_db.empty()) do_db = r.given;
      db_listed = db_listed || r.value == db;
    }
    if (r.name == "replicate-do-table" || r.name == "replicate-wild-do-table") {
      if (do_table.empty()) do_table = r.given;
      table_listed = table_listed || MatchesTable(r, qualified);
    }
  }
  if (!do_db.empty() && !db_listed) return do_db;
  if (!do_table.empty() && !table_listed) return do_table;
  return "";
}

}  // namespace randsync::triage
