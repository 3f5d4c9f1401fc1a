#include "db/pinned_session.h"

#include <cstdlib>

#include <fmt/format.h>

namespace randsync::db {
namespace {

std::string Unquoted(const char* value) {
  std::string v(value);
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
  return v;
}

// "0.000000" and "0" are one number; other values compare as text.
bool SameValue(const std::string& a, const std::string& b) {
  if (a == b) return true;
  char* end_a = nullptr;
  char* end_b = nullptr;
  const double x = std::strtod(a.c_str(), &end_a), y = std::strtod(b.c_str(), &end_b);
  return !a.empty() && !b.empty() && *end_a == '\0' && *end_b == '\0' && x == y;
}

}  // namespace

const std::vector<PinnedSetting>& PinnedSettings() {
  static const std::vector<PinnedSetting> kSettings = {
      // What a SELECT returns and how randsync's SQL parses.
      {"sql_mode", "''"},
      {"time_zone", "'+00:00'"},
      {"character_set_client", "'utf8mb4'"},  // what Connector/C was told at connect
      {"character_set_connection", "'utf8mb4'"},
      {"collation_connection", "'utf8mb4_general_ci'"},
      {"character_set_results", "'utf8mb4'"},
      {"sql_select_limit", "18446744073709551615"},
      {"sql_big_selects", "1"},
      {"sql_auto_is_null", "0"},
      {"max_sort_length", "1024"},
      {"sql_quote_show_create", "1"},
      // What may end a session that is reading.
      {"max_statement_time", "0"},
      {"net_read_timeout", "600"},
      {"net_write_timeout", "600"},
      {"wait_timeout", "28800"},
      {"autocommit", "1"},
  };
  return kSettings;
}

Overridden PinSession(Connection& c) {
  std::string read = "SELECT ", set = "SET ";
  for (const PinnedSetting& s : PinnedSettings()) {
    const char* sep = read.size() > 7 ? ", " : "";
    read += fmt::format("{}@@session.{}", sep, s.name);
    set += fmt::format("{}SESSION {} = {}", sep, s.name, s.value);
  }
  const RowSet before = c.QueryRows(read);
  c.Execute(set);
  Overridden out;
  const std::vector<PinnedSetting>& all = PinnedSettings();
  for (size_t i = 0; i < all.size() && !before.rows.empty(); ++i) {
    const std::string had = before.rows[0].at(i).value_or("NULL");
    if (!SameValue(had, Unquoted(all[i].value))) out[all[i].name] = had;
  }
  return out;
}

std::map<std::string, std::string> PinnedValues() {
  std::map<std::string, std::string> out;
  for (const PinnedSetting& s : PinnedSettings()) out[s.name] = Unquoted(s.value);
  return out;
}

}  // namespace randsync::db
