// Creating and filling the test data a workload runs against.
//
// Three sources:
//  - SimpleData: RQG's `--gendata` without a file (GenTest::App::GendataSimple):
//    tables A, B, C, D, E, AA, BB, CC, DD of 0, 1, 20, 100, 1000, 0, 1, 20,
//    100 rows with GendataSimple's columns, keys and AUTO_INCREMENT offsets,
//    plus DUMMY(I) with one row (the DUAL substitute). simple_data.cpp.
//  - DataSpecFile / DataSpecJson: an RQG .zz data spec (GenTest::App::Gendata):
//    the tables SchemaFromDataSpec predicts (engine/schema/data_spec_plan.h),
//    filled from the $data value lists, in every schema of $schemas.
//    spec_data.cpp.
//  - ScaleData: one big table of a fixed 7-column layout for checker and
//    backup benchmarks, loaded over several connections. scale_data.cpp.
//
// Determinism: the DDL and the data are a pure function of (source,
// options, seed). RQG always seeds GendataSimple with 0 and Gendata with
// --seed; randsync seeds both with GendataOptions::seed (the run seed), so
// another seed gives other data, and the same seed the same data on any
// server. Values come from RQG's distributions, not RQG's PRNG: the data is
// shaped like RQG's, not byte-identical to it.
//
// Tables and views are dropped and re-created (as RQG does); databases are
// created when missing. Without $schemas, tables go to the DSN's database
// (`test` when the DSN names none).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "db/dsn.h"

namespace randsync {

// RQG's default data (no --gendata file).
struct SimpleData {};

// A .zz file, evaluated by the embedded Perl.
struct DataSpecFile {
  std::string path;
};

// A .zz spec already evaluated (EvalDataSpec's JSON), e.g. with $schemas
// rewritten. `name` is only used in messages.
struct DataSpecJson {
  nlohmann::json spec;
  std::string name = "data spec";
};

// One generated table for benchmarks (scale_data.cpp documents the layout):
//   pk BIGINT NOT NULL PRIMARY KEY, col_int INT, col_int_small INT NOT NULL,
//   col_varchar VARCHAR(64), col_datetime DATETIME(6), col_double DOUBLE,
//   col_decimal DECIMAL(20,6)
// Row r's values depend on (seed, r) only, never on the connection count.
struct ScaleData {
  std::string table = "scale";
  uint64_t rows = 1000000;
};

using GendataSource = std::variant<SimpleData, DataSpecFile, DataSpecJson, ScaleData>;

struct GendataOptions {
  uint64_t seed = 1;
  // --engine: ENGINE= of every table (a .zz spec's $tables->{engines} is
  // replaced). Unset: the spec's engines, else the server's default.
  std::optional<std::string> engine;
  // --rows=a,b,...: row counts by position (GendataSimple: of A, B, ..., a
  // missing position means 0 rows; .zz: replaces $tables->{rows}).
  std::optional<std::vector<std::string>> rows;
  unsigned varchar_length = 1;  // GendataSimple's VARCHAR(L); 0 means 1, as in RQG
  bool notnull = false;         // --notnull
  // --views[=ALGORITHM]: a view_<table> for every table (.zz: unless the spec
  // has $tables->{views}); "" means no ALGORITHM clause.
  std::optional<std::string> views;
  // GendataSimple --vcols=VIRTUAL|PERSISTENT: the _key columns become
  // generated columns. Empty or unset: ordinary columns (as RQG: a bare
  // --vcols is empty, hence off).
  std::optional<std::string> vcols;
  // At most this many rows per table (GendataSimple and .zz; names keep
  // the spec's counts). For smoke tests of big specs; RQG has no such knob.
  std::optional<uint64_t> rows_limit;
  bool short_column_names = false;  // .zz --short_column_names
  bool strict_fields = false;       // .zz --strict_fields
  // Directories with RQG dict/<name>.txt word lists (_english, ...).
  std::vector<std::string> dict_dirs;

  // Scale mode: loading connections (one thread and one pk range each).
  unsigned connections = 1;
  // Scale mode: rows per INSERT (rounded up to whole 1000-row blocks).
  uint64_t scale_rows_per_insert = 1000;
  // Scale mode: false sets sql_log_bin=0 (needs SUPER) so the load is not
  // replicated. On by default: replication tests need the data on the slave.
  bool sql_log_bin = true;
};

struct GendataProgress {
  std::string table;        // `db`.`table`
  uint64_t rows_done = 0;   // of this table
  uint64_t rows_total = 0;  // of this table
};
// Called after each INSERT; in scale mode after each committed transaction
// of up to ten INSERTs (from the loading threads, one at a time), so that a
// transaction retried after a deadlock is never counted twice.
using GendataProgressFn = std::function<void(const GendataProgress&)>;

struct GendataResult {
  std::vector<std::string> tables;  // `db`.`table`, in creation order, each once
  std::vector<std::string> views;   // `db`.`view`
  // Tables of a .zz spec left out because the server would refuse their
  // CREATE TABLE (SchemaFromDataSpec does not list them either).
  std::vector<std::string> skipped;
  // Tables whose CREATE TABLE the server refused, one line each with the
  // error ("`test`.`t1`: CREATE TABLE: ERROR 1911 (HY000): ..."): as RQG,
  // gendata goes on without them (and their views); only a spec that
  // creates no table at all fails.
  std::vector<std::string> not_created;
  uint64_t rows = 0;   // rows the server inserted (affected rows)
  double seconds = 0;  // wall time of the whole Generate
};

// A failed statement of gendata or an unusable spec, on one line:
// "gendata: table `test`.`t1`: CREATE TABLE: ERROR 1286 (42000): Unknown
// storage engine 'falcon'". table() is "" for errors before any table.
class GendataError : public std::runtime_error {
 public:
  GendataError(std::string table, unsigned error_number, const std::string& what)
      : std::runtime_error(what), table_(std::move(table)), error_number_(error_number) {}
  const std::string& table() const { return table_; }
  unsigned error_number() const { return error_number_; }  // 0: not a server error

 private:
  std::string table_;
  unsigned error_number_;
};

// Creates and fills the tables of `source` on the server of `dsn`. Throws
// GendataError (statement failures, spec errors) and db::DbError when the
// server cannot be reached.
GendataResult Generate(const db::Dsn& dsn, const GendataSource& source,
                       const GendataOptions& options, const GendataProgressFn& progress = {});

// The DDL alone, in execution order, for the current database of whoever
// runs them: DROP/CREATE TABLE and CREATE VIEW statements, and for a spec
// with $schemas its CREATE DATABASE IF NOT EXISTS and USE statements. No
// data (DUMMY's one row included). The same DDL Generate runs for the same
// source and options (the .zz column order depends on the seed). Throws
// GendataError for an unusable spec.
std::vector<std::string> CreateStatements(const GendataSource& source,
                                          const GendataOptions& options);

}  // namespace randsync
