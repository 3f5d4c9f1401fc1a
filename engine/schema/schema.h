// Schema snapshot: the databases, tables and columns that the metadata
// built-ins (_table, _field, _field_int_indexed, ...) pick from.
//
// Mirrors what RQG's executor caches from information_schema
// (Executor/MySQL.pm getSchemaMetaData + Executor.pm cacheMetaData):
// - every schema of the server that has a table or view with columns,
//   system schemas included; information_schema is spelled
//   INFORMATION_SCHEMA (RQG's workaround for MySQL bug 49708);
// - base tables and views (system views count as views); other table types
//   (SEQUENCE, SYSTEM VERSIONED, TEMPORARY) are left out, as RQG's _table
//   never returns them; a table named DUMMY is left out everywhere (RQG
//   filters it: GendataSimple's DUAL substitute must not be picked);
// - each column with a type class (RQG's normalisation: int, float,
//   decimal, timestamp, char, blob, text, or the raw data type) and its index
//   kind: primary (COLUMN_KEY PRI or part of the PRIMARY index), indexed
//   (part of any other index), or ordinary. View columns are never indexed;
// - every list sorted by byte value, as Perl's sort does (upper case first).
// A snapshot comes from a live server, from a JSON file written by a previous
// snapshot, from a .zz data spec, or is RQG's default data.
#pragma once

#include <optional>
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

  // Binary search: needs the order Schema::Normalize() establishes.
  const Table* FindTable(std::string_view table) const;
};

class Schema {
 public:
  std::vector<Database> databases;  // sorted by name
  std::string default_database = "test";
  std::vector<std::string> collations;  // sorted
  std::vector<std::string> charsets;    // sorted

  // Sorts every list as RQG does (byte order), marks primary columns
  // indexed, drops duplicate collations/charsets and rebuilds the name
  // index. Call after filling the public fields by hand.
  void Normalize();

  const Database* FindDatabase(std::string_view name) const;
  // `db` empty means the default database.
  const Table* FindTable(std::string_view db, std::string_view table) const;

  // The snapshot file format (schema_json.cpp documents it):
  //   {"format": "randsync-schema", "version": 1, "default_database": ...,
  //    "databases": [...], "collations": [...], "charsets": [...]}
  nlohmann::json ToJson() const;
  // Throws InputError naming the offending element, e.g.
  // "schema JSON: databases[0].tables[2].columns[1].key: expected ...".
  static Schema FromJson(const nlohmann::json& j);

 private:
  std::unordered_map<std::string, size_t> db_index_;
};

// RQG's default data (GendataSimple, no options) on a fresh server, as the
// executor sees it: database `test` with tables A, B, C, D, E, AA, BB, CC, DD
// (pk, col_int_key/nokey, col_date_..., col_time_..., col_datetime_...,
// col_varchar_... with their keys). DUMMY is created too but the executor
// filters it out, so it is not listed. System schemas (INFORMATION_SCHEMA,
// mysql, performance_schema, sys) are not modelled offline: they depend on
// the server version and hold ~290 tables; snapshot a live server
// (ReadSchemaFromServer) when a grammar picks from them. Collations and
// charsets are those of a fresh MariaDB 10.11 server.
Schema DefaultSchema();

// The command-line settings of RQG's gendata that change what a .zz spec
// creates (all unset: gendata.pl without options).
struct DataSpecOptions {
  std::optional<std::string> engine;              // --engine: replaces $tables->{engines}
  std::optional<std::vector<std::string>> rows;   // --rows=a,b,...: replaces $tables->{rows}
  std::optional<std::string> views;               // --views[=ALG]: when the spec has no views
  bool notnull = false;                           // --notnull
  bool short_column_names = false;                // --short_column_names: c0, c1, ...
  bool strict_fields = false;                     // --strict_fields
};

// Schema of the tables a .zz data spec creates, after the spec was evaluated
// (see engine/perl/data_spec.h) into JSON: {schemas, tables, fields, data},
// on a fresh server (collations and charsets as DefaultSchema's).
// Follows RQG Gendata's rules: the cartesian product of the $tables lists
// gives the tables, named table<rows>_<engine>_..._<pk> unless
// $tables->{names} supplies names; the product of the $fields lists gives
// the columns of every table (col_<type>_<charset>_..._<key>, or
// $fields->{names}), plus $fields->{sqls}, plus `pk` from $tables->{pk};
// views view_<table>[_<i>]; MERGE tables merge_<i>; in every schema of
// $schemas, or `test` when absent. default_database is `test`, the database
// of RQG's default DSN that the test's executors use. Tables whose CREATE
// TABLE the server would refuse (names over 64 characters, a partitioning
// that a unique key does not cover, ...; data_spec_schema.cpp lists them)
// are left out. Known gaps, both depending on the server at run time: tables
// of engines the server lacks are listed, and when a table without primary
// key has several UNIQUE NOT NULL keys, the one the server reports as PRI is
// not predicted (Gendata's PRNG field order decides). Throws InputError
// when the spec has the wrong shape (e.g. a list where a hash is needed).
Schema SchemaFromDataSpec(const nlohmann::json& spec);
Schema SchemaFromDataSpec(const nlohmann::json& spec, const DataSpecOptions& options);

// Reads a snapshot file: a .json written by Schema::ToJson, or a .zz spec
// (evaluated by the embedded Perl). Throws InputError "<path>: <cause>".
Schema LoadSchemaFile(const std::string& path);

}  // namespace randsync
