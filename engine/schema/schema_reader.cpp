#include "engine/schema/schema_reader.h"

#include <cctype>
#include <map>
#include <utility>

#include "db/connection.h"
#include "engine/schema/column_types.h"

namespace randsync {

namespace {

// RQG's metadata query (Executor/MySQL.pm getSchemaMetaData): one row per
// column and index it belongs to. The DUMMY filter is RQG's, compared in
// information_schema's case-insensitive collation like there. Classification
// happens below, in one place shared with spec-derived snapshots.
constexpr std::string_view kColumnsQuery =
    "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.TABLE_TYPE, c.COLUMN_NAME, c.DATA_TYPE,"
    " c.COLUMN_TYPE, c.COLUMN_KEY, s.INDEX_NAME, s.NON_UNIQUE"
    " FROM information_schema.TABLES AS t"
    " JOIN information_schema.COLUMNS AS c"
    "   ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME"
    " LEFT JOIN information_schema.STATISTICS AS s"
    "   ON s.TABLE_SCHEMA = c.TABLE_SCHEMA AND s.TABLE_NAME = c.TABLE_NAME"
    "  AND s.COLUMN_NAME = c.COLUMN_NAME"
    " WHERE t.TABLE_NAME <> 'DUMMY'";

constexpr std::string_view kCollationsQuery =
    "SELECT COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATIONS";

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

struct TableAccumulator {
  bool is_view = false;
  std::map<std::string, Column> columns;
};

}  // namespace

Schema ReadSchemaFromServer(const db::Dsn& dsn) {
  db::Connection connection(dsn);
  return ReadSchemaFromServer(connection, dsn.database.empty() ? "test" : dsn.database);
}

Schema ReadSchemaFromServer(db::Connection& connection, const std::string& default_database) {
  // schema -> table -> columns; schemas whose tables are all of other types
  // (sequences, ...) are still listed, as RQG lists them.
  std::map<std::string, std::map<std::string, TableAccumulator>> found;
  {
    db::Result rows = connection.Query(kColumnsQuery);
    while (rows.Next()) {
      std::string schema_name(rows.Value(0));
      // RQG's workaround for MySQL bug 49708.
      if (EqualsNoCase(schema_name, "information_schema")) schema_name = "INFORMATION_SCHEMA";
      auto& tables = found[schema_name];
      std::string_view type = rows.Value(2);
      bool is_view = type == "VIEW" || type == "SYSTEM VIEW";
      if (type != "BASE TABLE" && !is_view) continue;  // RQG's 'misc': never picked

      TableAccumulator& table = tables[std::string(rows.Value(1))];
      table.is_view = is_view;
      std::string column_name(rows.Value(3));
      auto [it, inserted] = table.columns.try_emplace(column_name);
      Column& column = it->second;
      if (inserted) {
        column.name = column_name;
        column.type_class = TypeClassOf(rows.Value(4));
        column.column_type = std::string(rows.Value(5));
      }
      std::string_view key = rows.Value(6);
      bool primary = key == "PRI" || (!rows.IsNull(7) && rows.Value(7) == "PRIMARY");
      bool indexed = key == "MUL" || key == "UNI" || !rows.IsNull(8);
      column.primary = column.primary || primary;
      column.indexed = column.indexed || primary || indexed;
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
