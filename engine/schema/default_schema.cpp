// RQG's default data set (GendataSimple) as the executor would report it
// after `--gendata` without a file, checked against MariaDB 10.11.
#include "engine/schema/fresh_server.h"
#include "engine/schema/schema.h"

namespace randsync {

namespace {

// GendataSimple's CREATE TABLE without --vcols/--notnull/--varchar-length:
// pk INTEGER AUTO_INCREMENT, PRIMARY KEY(pk), KEY(col_int_key),
// KEY(col_date_key), KEY(col_time_key), KEY(col_datetime_key),
// KEY(col_varchar_key, col_int_key).
std::vector<Column> GendataSimpleColumns() {
  struct Spec {
    const char* name;
    const char* type_class;
    const char* column_type;
    bool primary;
    bool indexed;
  };
  static constexpr Spec kColumns[] = {
      {"pk", "int", "int(11)", true, true},
      {"col_int_nokey", "int", "int(11)", false, false},
      {"col_int_key", "int", "int(11)", false, true},
      {"col_date_key", "date", "date", false, true},
      {"col_date_nokey", "date", "date", false, false},
      {"col_time_key", "time", "time", false, true},
      {"col_time_nokey", "time", "time", false, false},
      {"col_datetime_key", "timestamp", "datetime", false, true},
      {"col_datetime_nokey", "timestamp", "datetime", false, false},
      {"col_varchar_key", "char", "varchar(1)", false, true},
      {"col_varchar_nokey", "char", "varchar(1)", false, false},
  };
  std::vector<Column> columns;
  for (const Spec& s : kColumns) {
    columns.push_back(Column{s.name, s.type_class, s.column_type, s.primary, s.indexed});
  }
  return columns;
}

}  // namespace

Schema DefaultSchema() {
  Database test{"test", {}};
  for (const char* name : {"A", "B", "C", "D", "E", "AA", "BB", "CC", "DD"}) {
    test.tables.push_back(Table{name, false, GendataSimpleColumns()});
  }
  // DUMMY (I INTEGER) exists on the server, but the executor's metadata
  // query excludes it (WHERE table_name <> 'DUMMY'), so _table never picks it.
  Schema schema;
  schema.databases.push_back(std::move(test));
  schema.default_database = "test";
  schema.collations = FreshServerCollations();
  schema.charsets = FreshServerCharsets();
  schema.Normalize();
  return schema;
}

}  // namespace randsync
