// RQG's GenTest::App::Gendata (randgen master) for an evaluated .zz spec,
// behaviour only. The tables, their column and key definitions and the
// $data lists come from PlanDataSpec (engine/schema/data_spec_plan.h), the
// same derivation SchemaFromDataSpec uses; this file adds what needs a
// server and a PRNG: the per-table column shuffle, the statements, the rows.
//
// Deliberate differences from RQG, for determinism and re-runs:
// - a non-auto-increment pk of type time(N)/timestamp(N) counts up from a
//   fixed point (RQG adds the row number to CURRENT_TIMESTAMP(N));
// - a datetime pk gets FROM_UNIXTIME(...) on every row (RQG's m{}g regex
//   keeps its position between rows and switches to FROM_DAYS from row 2);
// - MERGE tables are dropped first and unite the MyISAM tables that exist;
// - tables the server would refuse are not attempted (GendataResult::skipped).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/text_util.h"
#include "engine/gendata/gendata_sources.h"
#include "engine/gendata/gendata_sql.h"
#include "engine/schema/data_spec_plan.h"
#include "engine/values/values.h"

namespace randsync::gendata_internal {

namespace {

constexpr size_t kBatchRows = 500;       // RQG sends 50; the data does not depend on it
constexpr uint64_t kCommitRows = 10000;  // as RQG

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Contains(const std::string& lower_text, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](const char* w) { return lower_text.find(w) != std::string::npos; });
}

// One candidate value of a column: an entry of its $data list, resolved
// once (RQG asks isFieldType for every row).
struct Candidate {
  enum Kind { kNull, kDigit, kLetter, kFieldType, kLiteral } kind = kLiteral;
  FieldType type;
  bool blob = false;    // a blob field type: LOAD_FILE(...), or NULL without data files
  std::string literal;  // kLiteral
};

// How one column gets its values.
struct ColumnValues {
  enum Mode { kAutoIncrement, kSequential, kRandom, kNone } mode = kRandom;
  std::string sequence_prefix, sequence_suffix;  // kSequential: prefix + row + suffix
  bool quote = false;
  std::vector<Candidate> candidates;
  std::string error;  // kRandom without candidates: why (raised at the first row)
};

struct TypeKinds {
  int null_kind, blob_kind;
};

Candidate Resolve(const std::string& value, const ValueGenerator& values, const TypeKinds& kinds) {
  Candidate c;
  // The generator's bare _digit/_letter are not ValueGenerator field types,
  // but are RQG field types (one digit, one letter a-z).
  std::string_view name = value;
  if (!name.empty() && name.front() == '_') name.remove_prefix(1);
  if (name == "digit" || name == "letter") {
    c.kind = name == "digit" ? Candidate::kDigit : Candidate::kLetter;
    return c;
  }
  // fieldType() turns the first blank into '_' ("int unsigned").
  std::string def = value;
  if (size_t blank = def.find(' '); blank != std::string::npos) def[blank] = '_';
  if (std::optional<FieldType> type = values.Parse(def)) {
    c.kind = type->kind == kinds.null_kind ? Candidate::kNull : Candidate::kFieldType;
    c.type = *type;
    c.blob = type->kind == kinds.blob_kind;
    return c;
  }
  c.literal = value;
  return c;
}

ColumnValues ValuesFor(const DataSpecField& field, const DataSpecPlan& plan,
                       const ValueGenerator& values, const TypeKinds& kinds) {
  ColumnValues out;
  if (!field.type) {
    out.mode = ColumnValues::kNone;  // Gendata skips it (and the INSERT then fails)
    return out;
  }
  const std::string type = Lower(*field.type);
  if (type.find("auto_increment") != std::string::npos) {
    out.mode = ColumnValues::kAutoIncrement;  // NULL: the server counts
    return out;
  }
  if (field.index == std::optional<std::string>("primary key")) {
    out.mode = ColumnValues::kSequential;
    // `name(N)`: a temporal type with fractional seconds.
    auto with_fsp = [&](const std::string& name) {
      const std::string open = name + "(";
      return type.rfind(open, 0) == 0 && type.back() == ')' && type.size() > open.size() + 1 &&
             std::all_of(type.begin() + static_cast<long>(open.size()), type.end() - 1,
                         [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
    };
    if (type == "datetime" || type == "timestamp" || with_fsp("timestamp")) {
      out.sequence_prefix = "FROM_UNIXTIME(UNIX_TIMESTAMP('2000-01-01') + ";
      out.sequence_suffix = ")";
    } else if (type.find("date") != std::string::npos) {
      out.sequence_prefix = "FROM_DAYS(TO_DAYS('2000-01-01') + ";
      out.sequence_suffix = ")";
    } else if (type == "time" || with_fsp("time")) {
      out.sequence_prefix = "SEC_TO_TIME(";
      out.sequence_suffix = ")";
    }
    return out;
  }
  DataClass data_class = kDataString;
  const char* class_name = "strings";
  if (Contains(type, {"date", "time", "year"})) {
    data_class = kDataTemporal, class_name = "temporals";
  } else if (Contains(type, {"blob", "text", "binary"})) {
    data_class = kDataBlob, class_name = "blobs";
  } else if (Contains(type, {"int", "float", "double", "dec", "numeric", "fixed", "bool", "bit"})) {
    data_class = kDataNumber, class_name = "numbers";
  } else if (type == "enum") {
    data_class = kDataEnum, class_name = "enum";
  }
  out.quote = data_class != kDataNumber;
  for (const std::optional<std::string>& entry : plan.data[data_class]) {
    if (field.not_null_data && entry && Lower(*entry) == "null") continue;
    // An undef entry means: a value of the column's own type.
    out.candidates.push_back(Resolve(entry ? *entry : *field.type, values, kinds));
  }
  if (out.candidates.empty()) {
    out.error = "column `" + field.name + "`: no value to generate ($data->{" + class_name +
                "} allows only NULL, and the column is NOT NULL)";
  }
  return out;
}

void AppendValue(const ColumnValues& column, uint64_t row, const ValueGenerator& values, Prng& prng,
                 std::string& out) {
  switch (column.mode) {
    case ColumnValues::kNone:
      return;
    case ColumnValues::kAutoIncrement:
      out += "NULL";
      return;
    case ColumnValues::kSequential:
      out += column.sequence_prefix + std::to_string(row) + column.sequence_suffix;
      return;
    case ColumnValues::kRandom:
      break;
  }
  const Candidate& c = column.candidates[prng.Index(column.candidates.size())];
  std::string value;
  switch (c.kind) {
    case Candidate::kNull:
      out += "NULL";
      return;
    case Candidate::kDigit:
      value.push_back(static_cast<char>('0' + prng.Index(10)));
      break;
    case Candidate::kLetter:
      value.push_back(static_cast<char>('a' + prng.Index(26)));
      break;
    case Candidate::kFieldType:
      values.AppendRaw(c.type, prng, value);
      // Without files in ./data, RQG's LOAD_FILE('') yields NULL too.
      if (c.blob && value == "NULL") {
        out += value;
        return;
      }
      break;
    case Candidate::kLiteral:
      value = c.literal;
      break;
  }
  // LOAD_FILE(...) is an expression, whatever the class.
  if (column.quote && Lower(value).find("load_file") == std::string::npos) {
    AppendGendataQuoted(value, out);
  } else {
    out += value;
  }
}

DataSpecOptions SpecOptions(const GendataOptions& o) {
  DataSpecOptions d;
  d.engine = o.engine;
  d.rows = o.rows;
  d.views = o.views;
  d.notnull = o.notnull;
  d.short_column_names = o.short_column_names;
  d.strict_fields = o.strict_fields;
  return d;
}

// One table in one schema, with its columns in this table's shuffled order.
struct TableJob {
  std::string schema;
  const DataSpecTable* table = nullptr;
  std::vector<const DataSpecField*> fields;                // shuffled
  Prng prng{0};                                            // after the shuffle: draws the rows
  std::vector<std::string> ddl;                            // DROP TABLE, CREATE TABLE
  std::vector<std::pair<std::string, std::string>> views;  // name, CREATE VIEW
};

struct Jobs {
  DataSpecPlan plan;
  std::vector<std::string> schemas;  // where tables go; "" = the current database
  std::vector<TableJob> tables;
  std::vector<std::pair<std::string, std::string>> skipped;  // schema, table
  std::vector<std::string> merge_ddl;                        // in the last schema
};

std::string CreateTableSql(const DataSpecTable& table,
                           const std::vector<const DataSpecField*>& fields,
                           const std::vector<std::string>& index_sqls) {
  std::string columns, indexes;
  for (const DataSpecField* f : fields) {
    if (f->sql.empty()) continue;
    if (!columns.empty()) columns += ",\n";
    columns += f->sql;
  }
  // Verbatim index definitions first, then each column's key in column order.
  std::vector<std::string> keys = index_sqls;
  for (const DataSpecField* f : fields) {
    if (!f->index_sql.empty()) keys.push_back(f->index_sql);
  }
  for (const std::string& k : keys) {
    if (!indexes.empty()) indexes += ",\n";
    indexes += k;
  }
  std::string sql = "CREATE TABLE " + QuoteIdentifier(table.name) + " (\n" + columns;
  if (!keys.empty()) sql += ",\n/*Indices*/\n" + indexes;
  return sql + ") " + table.options_sql;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Jobs PlanJobs(const nlohmann::json& spec, const std::string& name, const GendataOptions& options) {
  Jobs jobs;
  try {
    jobs.plan = PlanDataSpec(spec, SpecOptions(options));
  } catch (const InputError& e) {
    throw GendataError("", 0, "gendata: " + name + ": " + e.what());
  }
  const DataSpecPlan& plan = jobs.plan;
  jobs.schemas = plan.schemas.empty() ? std::vector<std::string>{""} : plan.schemas;
  const uint32_t per_schema = static_cast<uint32_t>(plan.tables.size());
  for (uint32_t s = 0; s < jobs.schemas.size(); ++s) {
    for (uint32_t t = 0; t < plan.tables.size(); ++t) {
      const DataSpecTable& table = plan.tables[t];
      if (!table.created) {
        jobs.skipped.emplace_back(jobs.schemas[s], table.name);
        continue;
      }
      TableJob job;
      job.schema = jobs.schemas[s];
      job.table = &table;
      job.prng = StreamPrng(options.seed, Stream::kSpec, s * per_schema + t);
      for (const DataSpecField& f : table.fields) job.fields.push_back(&f);
      // Gendata shuffles the columns of every table (a different physical
      // order per table exposes other bugs): Fisher-Yates from the top.
      for (size_t i = job.fields.size(); i-- > 1;) {
        size_t j = static_cast<size_t>(job.prng.Int(0, static_cast<int64_t>(i)));
        std::swap(job.fields[i], job.fields[j]);
      }
      job.ddl = {"DROP TABLE IF EXISTS " + QuoteIdentifier(table.name),
                 CreateTableSql(table, job.fields, plan.index_sqls)};
      if (plan.views) {
        const size_t n = plan.views->size();
        for (size_t v = 0; v < n; ++v) {
          std::string view = "view_" + table.name + (n == 1 ? "" : "_" + std::to_string(v));
          if (view.size() > 64) continue;  // the server refuses the name; not predicted either
          const std::string& algorithm = (*plan.views)[v];
          job.views.emplace_back(
              view, "CREATE OR REPLACE " +
                        (algorithm.empty() ? "" : "ALGORITHM=" + Upper(algorithm) + " ") + "VIEW " +
                        QuoteIdentifier(view) + " AS SELECT * FROM " + QuoteIdentifier(table.name));
        }
      }
      jobs.tables.push_back(std::move(job));
    }
  }
  // MERGE tables: clones of the first MyISAM table (its last definition),
  // uniting the MyISAM tables.
  if (plan.merges && !plan.myisam_tables.empty()) {
    auto last_definition = [&](const std::string& t) -> const DataSpecTable* {
      const DataSpecTable* found = nullptr;
      for (const DataSpecTable& d : plan.tables) {
        if (d.name == t) found = &d;
      }
      return found;
    };
    const DataSpecTable* like = last_definition(plan.myisam_tables.front());
    if (like != nullptr && like->created) {
      std::string tables;
      for (const std::string& t : plan.myisam_tables) {
        const DataSpecTable* d = last_definition(t);
        if (d == nullptr || !d->created) continue;
        tables += (tables.empty() ? "" : ",") + QuoteIdentifier(t);
      }
      for (size_t i = 0; i < plan.merges->size(); ++i) {
        const std::string merge = QuoteIdentifier("merge_" + std::to_string(i));
        jobs.merge_ddl.push_back("DROP TABLE IF EXISTS " + merge);
        jobs.merge_ddl.push_back("CREATE TABLE " + merge + " LIKE " + QuoteIdentifier(like->name));
        jobs.merge_ddl.push_back("ALTER TABLE " + merge + " ENGINE=MERGE UNION(" + tables + ") " +
                                 Upper((*plan.merges)[i]));
      }
    }
  }
  return jobs;
}

void FillTable(db::Connection& c, TableJob& job, const std::string& label, const DataSpecPlan& plan,
               const ValueGenerator& values, const TypeKinds& kinds, const GendataOptions& options,
               const GendataProgressFn& progress, GendataResult& result) {
  const uint64_t rows = std::min(job.table->rows, options.rows_limit.value_or(UINT64_MAX));
  if (rows == 0) return;
  std::vector<ColumnValues> columns;
  for (const DataSpecField* f : job.fields) {
    columns.push_back(ValuesFor(*f, plan, values, kinds));
    if (!columns.back().error.empty()) {
      throw GendataError(label, 0, "gendata: table " + label + ": " + columns.back().error);
    }
  }
  const std::string table = QuoteIdentifier(job.table->name);
  // DISABLE KEYS lets MyISAM/Aria build the keys once at the end (InnoDB
  // only notes that it cannot); a transaction saves InnoDB a commit per
  // statement.
  ExecuteFor(c, label, "ALTER TABLE", "ALTER TABLE " + table + " DISABLE KEYS");
  ExecuteFor(c, label, "START TRANSACTION", "START TRANSACTION");
  InsertBatch batch(c, label, "INSERT IGNORE INTO " + table + " VALUES ", kBatchRows, progress,
                    rows);
  for (uint64_t row = 1; row <= rows; ++row) {
    std::string& out = batch.BeginRow();
    out += '(';
    bool first = true;
    for (const ColumnValues& column : columns) {
      if (column.mode == ColumnValues::kNone) continue;
      if (!first) out += ", ";
      first = false;
      AppendValue(column, row, values, job.prng, out);
    }
    out += ')';
    batch.EndRow();
    if (row % kCommitRows == 0) {
      batch.Flush();
      ExecuteFor(c, label, "COMMIT", "COMMIT");
      ExecuteFor(c, label, "START TRANSACTION", "START TRANSACTION");
    }
  }
  result.rows += batch.Flush();
  ExecuteFor(c, label, "COMMIT", "COMMIT");
  ExecuteFor(c, label, "ALTER TABLE", "ALTER TABLE " + table + " ENABLE KEYS");
}

void AddOnce(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// A table's DROP and CREATE statements. A CREATE the server refuses (an
// option or engine combination it does not take: ERROR 1911 for
// PAGE_COMPRESSED on MyISAM) leaves the table out, as RQG's gendata does:
// noted in `result` and returned. Other errors throw.
std::optional<GendataError> RunDdl(db::Connection& c, const std::string& label, const std::vector<std::string>& ddl,
                                   GendataResult& result) {
  for (const std::string& sql : ddl) {
    const std::string what = StatementName(sql);
    try {
      ExecuteFor(c, label, what, sql);
    } catch (const GendataError& e) {
      const bool client_error = e.error_number() >= 2000 && e.error_number() < 3000;  // a lost server, ...
      if (e.error_number() == 0 || client_error || what.rfind("CREATE", 0) != 0) throw;
      std::string line = e.what();
      if (line.rfind("gendata: table ", 0) == 0) line = line.substr(15);
      result.not_created.push_back(line);
      return e;
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> SpecStatements(const nlohmann::json& spec, const std::string& name,
                                        const GendataOptions& options) {
  Jobs jobs = PlanJobs(spec, name, options);
  std::vector<std::string> out;
  for (const std::string& schema : jobs.schemas) {
    if (!schema.empty()) {
      out.push_back("CREATE DATABASE IF NOT EXISTS " + QuoteIdentifier(schema));
      out.push_back("USE " + QuoteIdentifier(schema));
    }
    for (const TableJob& job : jobs.tables) {
      if (job.schema != schema) continue;
      out.insert(out.end(), job.ddl.begin(), job.ddl.end());
      for (const auto& view : job.views) out.push_back(view.second);
    }
  }
  out.insert(out.end(), jobs.merge_ddl.begin(), jobs.merge_ddl.end());
  return out;
}

void GenerateSpec(db::Connection& c, const std::string& db, const nlohmann::json& spec,
                  const std::string& name, const GendataOptions& options,
                  const GendataProgressFn& progress, GendataResult& result) {
  Jobs jobs = PlanJobs(spec, name, options);
  const ValueGenerator values(Dictionaries::Load(options.dict_dirs));
  const TypeKinds kinds{values.Parse("null")->kind, values.Parse("data")->kind};
  if (options.engine && !options.engine->empty()) {
    ExecuteFor(c, "", "session setup",
               "SET SESSION default_storage_engine = " + c.Quote(*options.engine));
  }
  for (const auto& [schema, table] : jobs.skipped) {
    AddOnce(result.skipped, Qualified(schema.empty() ? db : schema, table));
  }
  std::string current = db;
  std::optional<GendataError> first_refused;
  for (const std::string& spec_schema : jobs.schemas) {
    // As RQG: every schema of $schemas is created, even if all its tables
    // are left out.
    if (!spec_schema.empty()) UseDatabase(c, spec_schema);
    current = spec_schema.empty() ? db : spec_schema;
    for (TableJob& job : jobs.tables) {
      if (job.schema != spec_schema) continue;
      const std::string label = Qualified(current, job.table->name);
      if (auto refused = RunDdl(c, label, job.ddl, result)) {
        if (!first_refused) first_refused = refused;
        continue;
      }
      AddOnce(result.tables, label);
      for (const auto& [view, sql] : job.views) {
        ExecuteFor(c, label, "CREATE VIEW " + QuoteIdentifier(view), sql);
        AddOnce(result.views, Qualified(current, view));
      }
      FillTable(c, job, label, jobs.plan, values, kinds, options, progress, result);
    }
  }
  // MERGE tables go to the schema used last, as in RQG.
  for (size_t i = 0; i + 2 < jobs.merge_ddl.size(); i += 3) {
    const std::string label = Qualified(current, "merge_" + std::to_string(i / 3));
    const std::vector<std::string> ddl(jobs.merge_ddl.begin() + i, jobs.merge_ddl.begin() + i + 3);
    if (auto refused = RunDdl(c, label, ddl, result)) {
      if (!first_refused) first_refused = refused;
    } else {
      AddOnce(result.tables, label);
    }
  }
  if (result.tables.empty() && first_refused) {
    throw GendataError(first_refused->table(), first_refused->error_number(),
                       std::string(first_refused->what()) + " (no table of the spec could be created)");
  }
  // Leave the session where it started.
  if (current != db) UseDatabase(c, db);
}

}  // namespace randsync::gendata_internal
