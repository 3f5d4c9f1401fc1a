// Schema snapshot: the databases, tables and columns that the metadata
// built-ins (_table, _field, _field_int_indexed, ...) pick from.
//
// Mirrors what RQG's executor caches from information_schema: lists sorted
// alphabetically, each column with a type class (RQG's normalisation: int,
// float, decimal, timestamp, char, blob, text, or the raw data type) and its
// index kind. A snapshot comes from a live server, from a JSON file written by
// a previous snapshot, from a .zz data spec, or is RQG's default data.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace randsync {

struct Column {
  std::string name;
  std::string type_class;  // int|float|decimal|timestamp|char|blob|text|<raw type>
  std::string column_type;  // as the server spells it, e.g. "varchar(10)"
  bool primary = false;     // part of the PRIMARY KEY
  bool indexed = false;     // part of any index (primary included)
};

struct Table {
  std::string name;
  bool is_view = false;
  std::vector<Column> columns;  // sorted by name
};

struct Database {
  std::string name;
  std::vector<Table> tables;  // tables and views, sorted by name

  const Table* FindTable(std::string_view table) const;
};

class Schema {
 public:
  std::vector<Database> databases;  // sorted by name
  std::string default_database = "test";
  std::vector<std::string> collations;  // sorted
  std::vector<std::string> charsets;    // sorted

  // Sorts every list as RQG does and rebuilds the name indexes. Call after
  // filling the public fields by hand.
  void Normalize();

  const Database* FindDatabase(std::string_view name) const;
  // `db` empty means the default database.
  const Table* FindTable(std::string_view db, std::string_view table) const;

  nlohmann::json ToJson() const;
  static Schema FromJson(const nlohmann::json& j);  // throws InputError

 private:
  std::unordered_map<std::string, size_t> db_index_;
};

// RQG's default data (GendataSimple): tables A, B, C, D, E, AA, BB, CC, DD
// and DUMMY in database `test`, with its pk/col_int_key/... columns.
Schema DefaultSchema();

// Schema of the tables a .zz data spec creates, after the spec was evaluated
// (see engine/perl/data_spec.h) into JSON: {schemas, tables, fields, data}.
// Follows RQG Gendata's naming rules for tables and columns.
Schema SchemaFromDataSpec(const nlohmann::json& spec);

// Reads a snapshot file: a .json written by Schema::ToJson, or a .zz spec
// (evaluated by the embedded Perl). Throws InputError naming the file.
Schema LoadSchemaFile(const std::string& path);

}  // namespace randsync
