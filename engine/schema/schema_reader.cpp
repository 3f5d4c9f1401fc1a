#include "engine/schema/schema_reader.h"

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "db/connection.h"
#include "engine/schema/column_types.h"

#include "base/text_util.h"

namespace randsync {

namespace {

// RQG's metadata query (Executor/MySQL.pm getSchemaMetaData) joins TABLES,
// COLUMNS and STATISTICS in SQL. The server evaluates that join by refilling
// the information_schema tables row by row (36 s for a server with 240
// tables), so the three are read with simple queries and joined here; the
// result is the same. The DUMMY filter is RQG's, compared in
// information_schema's case-insensitive collation like there, and lets the
// server skip opening those tables. Classification happens below, in one
// place shared with spec-derived snapshots.
constexpr std::string_view kTablesQuery =
    "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
    " WHERE TABLE_NAME <> 'DUMMY'";
constexpr std::string_view kColumnsQuery =
    "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, COLUMN_KEY"
    " FROM information_schema.COLUMNS WHERE TABLE_NAME <> 'DUMMY'";
// Only base tables have indexes; a condition on TABLE_SCHEMA/TABLE_NAME alone
// is checked before the server opens a table, so the schemas without base
// tables (information_schema) cost nothing. The schema list is appended.
constexpr std::string_view kStatisticsQuery =
    "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, INDEX_NAME FROM information_schema.STATISTICS"
    " WHERE TABLE_NAME <> 'DUMMY' AND TABLE_SCHEMA IN (";

constexpr std::string_view kCollationsQuery =
    "SELECT COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATIONS";

struct TableAccumulator {
  bool is_view = false;
  std::map<std::string, Column> columns;
};

// What TABLES says about one table, and where its columns went.
struct TableEntry {
  enum class Kind { kBase, kView, kOther } kind = Kind::kOther;
  TableAccumulator* accumulator = nullptr;  // set by its first column
};

// Key of a table in the hash maps: names compared byte for byte. ('\0'
// cannot occur in identifiers.)
std::string TableKey(std::string_view schema, std::string_view table) {
  std::string key;
  key.reserve(schema.size() + 1 + table.size());
  key.append(schema).push_back('\0');
  key.append(table);
  return key;
}

}  // namespace

Schema ReadSchemaFromServer(const db::Dsn& dsn) {
  db::Connection connection(dsn);
  return ReadSchemaFromServer(connection, dsn.database.empty() ? "test" : dsn.database);
}

Schema ReadSchemaFromServer(db::Connection& connection, const std::string& default_database) {
  std::unordered_map<std::string, TableEntry> entries;
  {
    db::Result rows = connection.Query(kTablesQuery);
    while (rows.Next()) {
      std::string_view type = rows.Value(2);
      TableEntry e;
      if (type == "BASE TABLE") {
        e.kind = TableEntry::Kind::kBase;
      } else if (type == "VIEW" || type == "SYSTEM VIEW") {  // system views count as views
        e.kind = TableEntry::Kind::kView;
      }
      entries.emplace(TableKey(rows.Value(0), rows.Value(1)), e);
    }
  }

  // schema -> table -> columns. As with RQG's inner join, a schema is listed
  // when one of its tables of any type has a column, so schemas whose tables
  // are all of other types (sequences, ...) are still listed; a table needs
  // both a TABLES and a COLUMNS row.
  std::map<std::string, std::map<std::string, TableAccumulator>> found;
  std::set<std::string> schemas_with_base_tables;
  {
    db::Result rows = connection.Query(kColumnsQuery);
    std::string key;
    while (rows.Next()) {
      key.assign(rows.Value(0)).push_back('\0');
      key.append(rows.Value(1));
      auto entry = entries.find(key);
      if (entry == entries.end()) continue;  // created after TABLES was read
      std::string schema_name(rows.Value(0));
      // RQG's workaround for MySQL bug 49708.
      if (EqualsNoCase(schema_name, "information_schema")) schema_name = "INFORMATION_SCHEMA";
      auto& tables = found[schema_name];
      TableEntry& e = entry->second;
      if (e.kind == TableEntry::Kind::kOther) continue;  // RQG's 'misc': never picked
      if (e.accumulator == nullptr) {
        e.accumulator = &tables[std::string(rows.Value(1))];
        e.accumulator->is_view = e.kind == TableEntry::Kind::kView;
        if (e.kind == TableEntry::Kind::kBase) {
          schemas_with_base_tables.emplace(rows.Value(0));
        }
      }
      auto [it, inserted] = e.accumulator->columns.try_emplace(std::string(rows.Value(2)));
      Column& column = it->second;
      if (inserted) {
        column.name = it->first;
        column.type_class = TypeClassOf(rows.Value(3));
        column.column_type = std::string(rows.Value(4));
      }
      std::string_view column_key = rows.Value(5);
      const bool primary = column_key == "PRI";
      column.primary = column.primary || primary;
      column.indexed = column.indexed || primary || column_key == "MUL" || column_key == "UNI";
    }
  }

  if (!schemas_with_base_tables.empty()) {
    std::string query(kStatisticsQuery);
    bool first = true;
    for (const std::string& name : schemas_with_base_tables) {
      if (!first) query += ", ";
      first = false;
      query += connection.Quote(name);
    }
    query += ")";
    db::Result rows = connection.Query(query);
    std::string key;
    while (rows.Next()) {
      if (rows.IsNull(2)) continue;  // an index on an expression: no column
      key.assign(rows.Value(0)).push_back('\0');
      key.append(rows.Value(1));
      auto entry = entries.find(key);
      if (entry == entries.end() || entry->second.accumulator == nullptr) continue;
      auto& columns = entry->second.accumulator->columns;
      auto column = columns.find(std::string(rows.Value(2)));
      if (column == columns.end()) continue;
      // Any index makes the column indexed; the one named PRIMARY, primary.
      column->second.indexed = true;
      if (rows.Value(3) == "PRIMARY") column->second.primary = true;
    }
  }

  Schema schema;
  for (auto& [schema_name, tables] : found) {
    Database db{schema_name, {}};
    for (auto& [table_name, acc] : tables) {
      Table table{table_name, acc.is_view, {}};
      for (auto& [name, column] : acc.columns) table.columns.push_back(std::move(column));
      db.tables.push_back(std::move(table));
    }
    schema.databases.push_back(std::move(db));
  }

  db::Result collations = connection.Query(kCollationsQuery);
  while (collations.Next()) {
    if (!collations.IsNull(0)) schema.collations.emplace_back(collations.Value(0));
    // MariaDB 10.10+ lists charset-independent uca1400 collations with a
    // NULL charset; RQG would offer that as an empty _charset.
    if (!collations.IsNull(1)) schema.charsets.emplace_back(collations.Value(1));
  }
  schema.default_database = default_database;
  schema.Normalize();
  return schema;
}

}  // namespace randsync
