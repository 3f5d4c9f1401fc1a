// What RQG's GenTest::App::Gendata does with a .zz spec, spelled out before
// any server is involved: the schemas, the tables in creation order with
// the column and key definitions of their CREATE TABLE, the views and MERGE
// tables, and the $data value lists. SchemaFromDataSpec (what the tables look
// like to the executor) and engine/gendata (which creates and fills them) are
// both built on this one derivation, so they cannot disagree.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/schema/schema.h"

namespace randsync {

// One column of a .zz table as Gendata composes it.
struct DataSpecField {
  std::string name;
  // The column definition in CREATE TABLE, name included, exactly as
  // Gendata writes it ("`col_int_key` int", "pk integer auto_increment").
  std::string sql;
  // Its key definition ("key (`col_int_key` )", "primary key (pk)"); empty:
  // the column has no key of its own.
  std::string index_sql;
  // Gendata's FIELD_TYPE: the type as the spec wrote it, lower-cased (for
  // verbatim $fields->{sqls} the first word of the type). It picks the $data
  // class, and is the generator of `undef` data entries. nullopt: Gendata
  // could not read a type and generates no value for the column.
  std::optional<std::string> type;
  std::optional<std::string> index;  // Gendata's FIELD_INDEX ("key", "primary key", ...)
  // 'null' data entries are skipped: NOT NULL in the spec, or --notnull.
  bool not_null_data = false;
};

struct DataSpecTable {
  std::string name;
  uint64_t rows = 0;   // Gendata's TABLE_ROW as Perl numifies it
  std::string engine;  // lower-cased; empty: the server's default engine
  // What follows the column list in CREATE TABLE: "ENGINE=innodb CHARACTER
  // SET utf8 ROW_FORMAT=dynamic /*!50100 PARTITION BY key (pk) partitions 2 */".
  std::string options_sql;
  // The columns in Gendata's order before its per-table shuffle; the pk
  // column, when the table has one, is last.
  std::vector<DataSpecField> fields;
  // false: the server would refuse this CREATE TABLE (see data_spec_schema.cpp
  // for the refusals modelled), so SchemaFromDataSpec does not list it.
  bool created = true;
  std::vector<Column> columns;  // as the server would report them, field order
};

// Gendata's $data classes, the index into DataSpecPlan::data.
enum DataClass : size_t { kDataNumber = 0, kDataString, kDataBlob, kDataTemporal, kDataEnum };

struct DataSpecPlan {
  std::vector<std::string> schemas;   // $schemas (deduplicated); empty: none given
  std::vector<DataSpecTable> tables;  // creation order; a name can repeat (DROP + CREATE)
  // Verbatim $fields->{index_sqls}, in the order they appear in CREATE TABLE
  // (Gendata prepends each one, so that is the reverse of the spec's order).
  std::vector<std::string> index_sqls;
  // One view per entry, the entry is its ALGORITHM ('' = none); nullopt: no views.
  std::optional<std::vector<std::string>> views;
  std::optional<std::vector<std::string>> merges;  // MERGE table options, one table each
  std::vector<std::string> myisam_tables;          // what the MERGE tables unite
  // The value lists per DataClass after Gendata's defaults; nullopt entries
  // are Perl undef (generate by the column's own type).
  std::array<std::vector<std::optional<std::string>>, 5> data;
};

// Throws InputError, as SchemaFromDataSpec does.
DataSpecPlan PlanDataSpec(const nlohmann::json& spec, const DataSpecOptions& options);

}  // namespace randsync
