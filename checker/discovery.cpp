#include "checker/discovery.h"

#include <algorithm>

#include "db/connection.h"

namespace randsync::checker {
namespace {

bool TableSelected(const Filters& f, const std::string& db, const std::string& table) {
  if (f.tables.empty()) return true;
  for (const std::string& t : f.tables) {
    if (t == table || t == db + "." + table) return true;
  }
  return false;
}

bool TransactionalEngine(const std::string& engine) {
  return engine == "InnoDB" || engine == "RocksDB" || engine == "TokuDB";
}

}  // namespace

bool IsSystemDatabase(const std::string& name) {
  return name == "mysql" || name == "information_schema" || name == "performance_schema" ||
         name == "sys";
}

std::vector<std::string> ListDatabases(db::Connection& conn, const Filters& filters) {
  std::vector<std::string> out;
  for (const db::Row& row : conn.QueryRows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA").rows) {
    const std::string name = row[0].value_or("");
    const bool wanted = filters.databases.empty()
                            ? !IsSystemDatabase(name)
                            : std::find(filters.databases.begin(), filters.databases.end(), name) !=
                                  filters.databases.end();
    if (wanted) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<TableRef> ListTables(db::Connection& conn, const std::vector<std::string>& databases,
                                 const Filters& filters) {
  std::vector<TableRef> out;
  if (databases.empty()) return out;
  std::string in;
  for (const std::string& d : databases) in += (in.empty() ? "" : ", ") + conn.Quote(d);
  db::RowSet rs = conn.QueryRows(
      "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_ROWS, TABLE_TYPE FROM information_schema.TABLES "
      "WHERE TABLE_SCHEMA IN (" + in + ") AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE') "
      "ORDER BY TABLE_SCHEMA, TABLE_NAME");
  for (const db::Row& row : rs.rows) {
    TableRef t;
    t.database = row[0].value_or("");
    t.table = row[1].value_or("");
    if (!TableSelected(filters, t.database, t.table)) continue;
    t.engine = row[2].value_or("");
    t.busy = !row[2].has_value();
    t.estimated_rows = row[3] ? std::stoull(*row[3]) : 0;
    t.sequence = row[4].value_or("") == "SEQUENCE";
    t.transactional = TransactionalEngine(t.engine) && !t.sequence;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace randsync::checker
