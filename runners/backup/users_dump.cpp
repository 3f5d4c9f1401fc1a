#include "runners/backup/users_dump.h"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "db/db_error.h"
#include "runners/backup/mariabackup.h"

namespace randsync::backup {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

// The privilege tables of MariaDB 10.4 and later, each with a User column.
constexpr const char* kPrivilegeTables[] = {"global_priv", "db",           "tables_priv",  "columns_priv",
                                            "procs_priv",  "proxies_priv", "roles_mapping"};

}  // namespace

UsersDump DumpUsers(db::Connection& c, const UsersDumpOptions& o) {
  UsersDump d;
  std::string skip;
  for (const std::string& u : o.skip_users) skip += (skip.empty() ? "" : ", ") + c.Quote(u);
  std::string sql;
  for (const char* table : kPrivilegeTables) {
    db::RowSet rs = c.QueryRows(fmt::format("SELECT * FROM mysql.{} WHERE User NOT IN ({})", table, skip));
    if (rs.rows.empty()) continue;
    std::string columns;
    for (const std::string& col : rs.columns) columns += (columns.empty() ? "`" : ", `") + col + "`";
    for (const db::Row& r : rs.rows) {
      std::string values;
      for (const auto& v : r) values += (values.empty() ? "" : ", ") + (v ? c.Quote(*v) : std::string("NULL"));
      sql += fmt::format("REPLACE INTO mysql.{} ({}) VALUES ({});\n", table, columns, values);
      ++d.rows;
      if (std::string_view(table) == "global_priv") ++d.accounts;
    }
  }
  sql += "FLUSH PRIVILEGES;\n";
  std::error_code ec;
  std::filesystem::create_directories(o.users_file.parent_path(), ec);
  std::ofstream out(o.users_file);
  out << sql;
  out.close();
  if (!out) throw BackupError("cannot write " + o.users_file.string());
  return d;
}

bool IsAccountStatement(std::string_view s) {
  std::string u = Upper(s);
  if (u.rfind("USE ", 0) == 0) {
    const auto semi = u.find("; ");
    u = semi == std::string::npos ? "" : u.substr(semi + 2);
  }
  for (const char* p : {"CREATE USER", "DROP USER", "RENAME USER", "ALTER USER", "GRANT ", "REVOKE ", "CREATE ROLE",
                        "DROP ROLE", "SET PASSWORD", "SET DEFAULT ROLE", "CREATE OR REPLACE USER",
                        "CREATE OR REPLACE ROLE"}) {
    if (u.rfind(p, 0) == 0) return true;
  }
  return false;
}

}  // namespace randsync::backup
