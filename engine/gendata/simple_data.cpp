// RQG's default data set (GenTest::App::GendataSimple, randgen master),
// behaviour only: same tables, columns, keys, AUTO_INCREMENT offsets, value
// shares and batches; values drawn from randsync's Prng (see gendata.h).
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/gendata/gendata_sources.h"
#include "base/text_util.h"
#include "engine/gendata/gendata_sql.h"
#include "engine/values/values.h"

namespace randsync::gendata_internal {

namespace {

constexpr std::array<const char*, 9> kNames = {"A", "B", "C", "D", "E", "AA", "BB", "CC", "DD"};
constexpr std::array<const char*, 9> kDefaultRows = {"0", "1", "20", "100", "1000",
                                                     "0", "1", "20", "100"};
constexpr size_t kBatchRows = 500;  // GendataSimple inserts 500 rows per statement

// Perl numification of one --rows entry; a missing entry is undef: 0 rows.
uint64_t RowsOf(const GendataOptions& options, size_t i) {
  std::string text = kDefaultRows[i];
  if (options.rows) text = i < options.rows->size() ? (*options.rows)[i] : "";
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

bool Vcols(const GendataOptions& options) { return options.vcols && !options.vcols->empty(); }

// RQG: `varchar_length || 1`, so 0 means the default too.
unsigned VarcharLength(const GendataOptions& options) {
  return options.varchar_length == 0 ? 1 : options.varchar_length;
}

std::string CreateTable(const std::string& name, const GendataOptions& options) {
  const std::string null = options.notnull ? " NOT NULL" : " NULL";
  const std::string varchar = "VARCHAR(" + std::to_string(VarcharLength(options)) + ")";
  // With --vcols the _key columns are computed from their _nokey partner.
  auto key_column = [&](const std::string& type, const std::string& expression) {
    return Vcols(options) ? type + " AS (" + expression + ") " + *options.vcols : type;
  };
  std::string sql = "CREATE TABLE " + QuoteIdentifier(name) + " (\n";
  sql += "pk INTEGER AUTO_INCREMENT,\n";
  sql += "col_int_nokey INTEGER" + null + ",\n";
  sql += "col_int_key " + key_column("INTEGER", "col_int_nokey * 2") + ",\n";
  sql += "col_date_key " + key_column("DATE", "DATE_SUB(col_date_nokey, INTERVAL 1 DAY)") + ",\n";
  sql += "col_date_nokey DATE" + null + ",\n";
  sql += "col_time_key " + key_column("TIME", "TIME(col_time_nokey)") + ",\n";
  sql += "col_time_nokey TIME" + null + ",\n";
  sql += "col_datetime_key " +
         key_column("DATETIME", "DATE_ADD(col_datetime_nokey, INTERVAL 1 HOUR)") + ",\n";
  sql += "col_datetime_nokey DATETIME" + null + ",\n";
  sql += "col_varchar_key " + key_column(varchar, "CONCAT('virt-',col_varchar_nokey)") + ",\n";
  sql += "col_varchar_nokey " + varchar + null + ",\n";
  sql +=
      "PRIMARY KEY (pk),\nKEY (col_int_key),\nKEY (col_date_key),\nKEY (col_time_key),\n"
      "KEY (col_datetime_key),\nKEY (col_varchar_key, col_int_key)\n)";
  // Two-letter tables start their pk at 10 so that joining A and AA on pk
  // does not only find 1:1 matches.
  if (name.size() > 1) sql += " AUTO_INCREMENT=" + std::to_string(name.size() * 5);
  if (options.engine && !options.engine->empty()) sql += " ENGINE=" + *options.engine;
  return sql;
}

std::vector<std::string> TableStatements(const std::string& name, const GendataOptions& options) {
  std::vector<std::string> out = {"DROP TABLE IF EXISTS " + QuoteIdentifier(name),
                                  CreateTable(name, options)};
  if (options.views) {
    // OR REPLACE: RQG's plain CREATE VIEW fails when gendata runs twice.
    std::string algorithm = options.views->empty() ? "" : "ALGORITHM=" + *options.views + " ";
    out.push_back("CREATE OR REPLACE " + algorithm + "VIEW " + QuoteIdentifier("view_" + name) +
                  " AS SELECT * FROM " + QuoteIdentifier(name));
  }
  return out;
}

const std::vector<std::string> kDummyStatements = {"DROP TABLE IF EXISTS DUMMY",
                                                   "CREATE TABLE DUMMY (I INTEGER)"};

// One row's values as GendataSimple draws them.
class RowMaker {
 public:
  RowMaker(const ValueGenerator& values, const GendataOptions& options)
      : values_(values),
        date_(*values.Parse("date")),
        time_(*values.Parse("time")),
        datetime_(*values.Parse("datetime")),
        notnull_(options.notnull),
        vcols_(Vcols(options)),
        varchar_length_(VarcharLength(options)) {}

  void Append(Prng& prng, std::string& out) const {
    // Ints: 10% NULL, 10% 0..255, 80% a digit; the pair shares the 0..255
    // choice (pick1), so key and nokey columns are correlated.
    const int64_t pick1 = prng.Int(0, 9), pick2 = prng.Int(0, 9);
    auto number = [&](int64_t pick, std::string& s) {
      if (!notnull_ && pick == 9) {
        s += "NULL";
      } else {
        s += std::to_string(pick1 == 8 ? prng.Int(0, 255) : prng.Int(0, 9));
      }
    };
    std::string int_key, int_nokey;
    number(pick1, int_key);
    number(pick2, int_nokey);

    // Dates and times: 10% NULL, 10% zero-ish, else random; the key and
    // nokey columns of a row get the same value.
    std::string date = Quoted(date_, prng);
    if (!notnull_) date = Choose(prng.Int(0, 9), date, "'1900-01-01'");
    std::string time = Quoted(time_, prng);
    if (!notnull_) time = Choose(prng.Int(0, 9), time, "'00:00:00'");
    // Datetimes: also 20% a date at midnight; with --notnull 80% / 20%
    // (RQG's list has an 11th entry, '1900-01-01 00:00:00', never picked).
    std::string datetime = Quoted(datetime_, prng);
    std::string date_only;
    values_.AppendRaw(date_, prng, date_only);
    const std::string midnight = "'" + date_only + " 00:00:00'";
    const int64_t pick = prng.Int(0, 9);
    if (notnull_) {
      if (pick >= 8) datetime = midnight;
    } else if (pick == 6 || pick == 7) {
      datetime = midnight;
    } else if (pick >= 8) {
      datetime = pick == 8 ? "NULL" : "'1900-01-01 00:00:00'";
    }
    // Varchar: 10% NULL, else 1..L letters.
    std::string varchar;
    if (!notnull_ && prng.Int(0, 9) == 9) {
      varchar = "NULL";
    } else {
      varchar = "'";
      const int64_t n = prng.Int(1, varchar_length_);
      for (int64_t i = 0; i < n; ++i) varchar += static_cast<char>('a' + prng.Index(26));
      varchar += "'";
    }

    out += '(';
    if (vcols_) {
      // The generated _key columns take no values.
      out += int_nokey + "," + date + "," + time + "," + datetime + "," + varchar;
    } else {
      out += int_key + "," + int_nokey + "," + date + "," + date + "," + time + "," + time + "," +
             datetime + "," + datetime + "," + varchar + "," + varchar;
    }
    out += ')';
  }

  static const char* Columns(bool vcols) {
    return vcols ? "(col_int_nokey, col_date_nokey, col_time_nokey, col_datetime_nokey, "
                   "col_varchar_nokey)"
                 : "(col_int_key, col_int_nokey, col_date_key, col_date_nokey, col_time_key, "
                   "col_time_nokey, col_datetime_key, col_datetime_nokey, col_varchar_key, "
                   "col_varchar_nokey)";
  }

 private:
  std::string Quoted(const FieldType& type, Prng& prng) const {
    std::string s = "'";
    values_.AppendRaw(type, prng, s);
    return s + "'";
  }
  // 8 in 10: the value; 1 in 10 NULL, 1 in 10 `zero`.
  static std::string Choose(int64_t pick, const std::string& value, const char* zero) {
    return pick < 8 ? value : pick == 8 ? "NULL" : zero;
  }

  const ValueGenerator& values_;
  FieldType date_, time_, datetime_;
  bool notnull_, vcols_;
  int64_t varchar_length_;
};

}  // namespace

std::vector<std::string> SimpleStatements(const GendataOptions& options) {
  std::vector<std::string> out;
  for (const char* name : kNames) {
    for (std::string& s : TableStatements(name, options)) out.push_back(std::move(s));
  }
  out.insert(out.end(), kDummyStatements.begin(), kDummyStatements.end());
  return out;
}

void GenerateSimple(db::Connection& c, const std::string& db, const GendataOptions& options,
                    const GendataProgressFn& progress, GendataResult& result) {
  const ValueGenerator values(nullptr);
  const RowMaker rows(values, options);
  for (size_t i = 0; i < kNames.size(); ++i) {
    const std::string name = kNames[i];
    const std::string label = Qualified(db, name);
    for (const std::string& sql : TableStatements(name, options)) {
      ExecuteFor(c, label, StatementName(sql), sql);
    }
    result.tables.push_back(label);
    if (options.views) result.views.push_back(Qualified(db, "view_" + name));

    // Each table draws from its own stream: changing one table's row count
    // leaves the others' data alone.
    Prng prng = StreamPrng(options.seed, Stream::kSimple, static_cast<uint32_t>(i));
    const uint64_t total = std::min(RowsOf(options, i), options.rows_limit.value_or(UINT64_MAX));
    InsertBatch batch(c, label,
                      "INSERT IGNORE INTO " + QuoteIdentifier(name) + " " +
                          RowMaker::Columns(Vcols(options)) + " VALUES ",
                      kBatchRows, progress, total);
    for (uint64_t row = 0; row < total; ++row) {
      rows.Append(prng, batch.BeginRow());
      batch.EndRow();
    }
    result.rows += batch.Flush();
  }
  const std::string dummy = Qualified(db, "DUMMY");
  for (const std::string& sql : kDummyStatements) ExecuteFor(c, dummy, StatementName(sql), sql);
  result.rows += ExecuteFor(c, dummy, "INSERT", "INSERT INTO DUMMY VALUES (0)");
  result.tables.push_back(dummy);
}

}  // namespace randsync::gendata_internal
