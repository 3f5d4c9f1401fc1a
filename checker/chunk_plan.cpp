#include "checker/chunk_plan.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <optional>

#include "db/connection.h"

namespace randsync::checker {
namespace {

bool IsIntegerType(std::string_view t) {
  return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "bigint";
}

bool IsNumericType(std::string_view t) {
  for (std::string_view n : {"tinyint", "smallint", "mediumint", "int", "integer", "bigint",
                             "decimal", "numeric", "float", "double", "real"}) {
    if (t == n) return true;
  }
  return false;
}

// ENUM/SET sort (ORDER BY, the index) by their internal number but compare
// with a string literal as strings; the boundaries are therefore read and
// written as numbers (`col+0`, an unquoted integer), which compare the way
// the index orders.
bool IsEnumType(std::string_view t) { return t == "enum" || t == "set"; }

bool IsBinaryType(std::string_view t) {
  for (std::string_view n :
       {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit"}) {
    if (t == n) return true;
  }
  return false;
}

// A boundary value as a literal that compares the way the column orders:
//  * numbers unquoted: a quoted '1.5' against a DECIMAL key is compared as
//    DOUBLE and a long DECIMAL would lose digits;
//  * binary strings as X'..': raw bytes in a utf8mb4 string literal may be
//    invalid utf8mb4 and get mangled by the parser;
//  * everything else quoted: compared in the column's collation (the literal
//    is coercible), like ORDER BY on the column.
std::string Literal(db::Connection& conn, std::string_view type, std::string_view value) {
  if ((IsNumericType(type) || IsEnumType(type)) && !value.empty() &&
      value.find_first_not_of("0123456789+-.eE") == std::string_view::npos) {
    return std::string(value);
  }
  if (IsBinaryType(type)) {
    static const char kDigits[] = "0123456789ABCDEF";
    std::string out = "X'";
    for (unsigned char c : value) {
      out += kDigits[c >> 4];
      out += kDigits[c & 0xf];
    }
    return out + "'";
  }
  return conn.Quote(value);
}

std::string KeyCompare(const std::vector<std::string>& key, const std::vector<std::string>& values,
                       const char* strict, const char* last) {
  // Innermost first: c >= z; then b > y OR (b = y AND (...)); ...
  const size_t n = key.size();
  std::string expr = QuoteIdentifier(key[n - 1]) + " " + last + " " + values[n - 1];
  for (size_t i = n - 1; i-- > 0;) {
    const std::string col = QuoteIdentifier(key[i]);
    expr = "(" + col + " " + strict + " " + values[i] + " OR (" + col + " = " + values[i] +
           " AND " + expr + "))";
  }
  if (n > 1) {
    // Leading single-column bound: a plain range for the optimizer.
    const std::string first_op = std::string(strict) == ">" ? ">=" : "<=";
    expr = QuoteIdentifier(key[0]) + " " + first_op + " " + values[0] + " AND " + expr;
  }
  return expr;
}

std::string KeyList(const std::vector<std::string>& key) {
  std::string out;
  for (const auto& k : key) out += (out.empty() ? "" : ", ") + QuoteIdentifier(k);
  return out;
}

std::string BuildWhere(const TablePlan& plan, const ChunkRange& r) {
  std::string where;
  if (!r.lower.empty()) where = "(" + KeyAtLeast(plan.key, r.lower) + ")";
  if (!r.upper.empty()) {
    where += (where.empty() ? "" : " AND ") + std::string("(") + KeyBelow(plan.key, r.upper) + ")";
  }
  return where.empty() ? where : "WHERE " + where;
}

}  // namespace


std::string KeyAtLeast(const std::vector<std::string>& key, const std::vector<std::string>& values) {
  return KeyCompare(key, values, ">", ">=");
}

std::string KeyBelow(const std::vector<std::string>& key, const std::vector<std::string>& values) {
  return KeyCompare(key, values, "<", "<");
}

namespace {

// "SELECT every column FROM db.table" (db empty: the plan's own).
std::string SelectAllFrom(const TablePlan& plan, std::string_view db) {
  std::string cols;
  for (const auto& c : plan.columns) cols += (cols.empty() ? "" : ", ") + QuoteIdentifier(c.name);
  return "SELECT " + cols + " FROM " + QuoteIdentifier(db.empty() ? std::string_view(plan.database) : db) +
         "." + QuoteIdentifier(plan.table);
}

}  // namespace

std::string TablePlan::SelectSql(size_t i, std::string_view db) const {
  std::string sql = SelectAllFrom(*this, db);
  const std::string& where = chunks.at(i).where;
  if (!where.empty()) sql += " " + where;
  return sql;
}

std::string TablePlan::SelectRunSql(size_t first, size_t last, std::string_view db) const {
  ChunkRange run;
  run.lower = chunks.at(first).lower;
  run.upper = chunks.at(last - 1).upper;
  std::string sql = SelectAllFrom(*this, db);
  const std::string where = BuildWhere(*this, run);
  if (!where.empty()) sql += " " + where;
  return sql + " ORDER BY " + KeyList(key);
}

std::vector<size_t> TablePlan::integer_key_columns() const {
  std::vector<size_t> positions;
  if (key_name != "PRIMARY") return {};
  for (const std::string& k : key) {
    auto it = std::find_if(columns.begin(), columns.end(), [&](const ColumnInfo& c) { return c.name == k; });
    if (it == columns.end() || !IsIntegerType(it->data_type)) return {};
    positions.push_back(static_cast<size_t>(it - columns.begin()));
  }
  return positions;
}

std::vector<__int128> TablePlan::IntegerUpperBound(size_t i) const {
  const std::vector<std::string>& upper = chunks.at(i).upper;
  if (upper.empty() || upper.size() != key.size()) throw std::invalid_argument("chunk has no integer upper bound");
  std::vector<__int128> values;
  for (const std::string& text : upper) {
    if (text.empty()) throw std::invalid_argument("chunk has no integer upper bound");
    const bool negative = text[0] == '-';
    __int128 value = 0;
    const size_t start = negative || text[0] == '+' ? 1 : 0;
    if (start == text.size()) throw std::invalid_argument("not an integer boundary: " + text);
    for (size_t k = start; k < text.size(); ++k) {
      if (text[k] < '0' || text[k] > '9' || value > (__int128{1} << 100)) {
        throw std::invalid_argument("not an integer boundary: " + text);
      }
      value = value * 10 + (text[k] - '0');
    }
    values.push_back(negative ? -value : value);
  }
  return values;
}

TablePlan DescribeTable(db::Connection& conn, std::string_view database, std::string_view table) {
  TablePlan plan;
  plan.database = std::string(database);
  plan.table = std::string(table);
  const std::string where = "TABLE_SCHEMA = " + conn.Quote(database) +
                            " AND TABLE_NAME = " + conn.Quote(table);

  std::map<std::string, bool> nullable;
  db::RowSet cols = conn.QueryRows(
      "SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE " + where +
      " ORDER BY ORDINAL_POSITION");
  for (const db::Row& r : cols.rows) {
    plan.columns.push_back({r[0].value_or(""), r[1].value_or("")});
    nullable[r[0].value_or("")] = r[2].value_or("YES") == "YES";
  }

  // Unique keys, PRIMARY first, then by name (deterministic on both sides).
  db::RowSet keys = conn.QueryRows(
      "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE " + where +
      " AND NON_UNIQUE = 0 ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX");
  std::vector<std::pair<std::string, std::vector<std::string>>> indexes;
  for (const db::Row& r : keys.rows) {
    const std::string name = r[0].value_or("");
    if (indexes.empty() || indexes.back().first != name) indexes.push_back({name, {}});
    // COLUMN_NAME is NULL for an expression key part: not usable as a range.
    indexes.back().second.push_back(r[1].value_or(""));
  }
  for (const auto& [name, parts] : indexes) {
    bool usable = true;
    for (const auto& c : parts) {
      auto it = nullable.find(c);
      if (c.empty() || it == nullable.end() || it->second) usable = false;
    }
    if (usable) {
      plan.key_name = name;
      plan.key = parts;
      break;
    }
  }
  return plan;
}

namespace {

// Equal-width ranges of a single-column integer key from MIN, MAX and the
// row estimate: three cheap statements instead of one walk over the whole
// index (for InnoDB's clustered primary key that walk reads every page of
// the table, a cost comparable to hashing it). Used only when the keys are
// dense enough that equal widths mean roughly equal chunks; sparse keys fall
// back to the keyset walk. Returns false when not applicable.
bool PlanIntegerRanges(db::Connection& conn, TablePlan& plan, uint64_t chunk_size,
                       const std::string& key_type) {
  if (plan.key.size() != 1 || !IsIntegerType(key_type)) return false;
  const std::string column = QuoteIdentifier(plan.key[0]);
  db::RowSet mm = conn.QueryRows("SELECT MIN(" + column + "), MAX(" + column + ") FROM " +
                                 QuoteIdentifier(plan.database) + "." + QuoteIdentifier(plan.table));
  if (mm.rows.empty() || !mm.rows[0][0] || !mm.rows[0][1]) {
    plan.chunks.push_back({});  // empty table: one open chunk still sees slave-only rows
    plan.chunks.back().where = "";
    return true;
  }
  const std::optional<std::string> estimate = conn.QueryValue(
      "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + conn.Quote(plan.database) +
      " AND TABLE_NAME = " + conn.Quote(plan.table));
  const uint64_t rows = estimate ? std::stoull(*estimate) : 0;
  // Signed arithmetic in long double: BIGINT UNSIGNED spans exceed int64.
  const long double lo = std::stold(*mm.rows[0][0]);
  const long double hi = std::stold(*mm.rows[0][1]);
  const long double span = hi - lo + 1;
  if (rows == 0 || span > 4.0L * static_cast<long double>(rows) + static_cast<long double>(chunk_size)) {
    return false;
  }
  const uint64_t count = std::max<uint64_t>(1, (rows + chunk_size - 1) / chunk_size);
  const long double width = span / static_cast<long double>(count);
  if (width < 1) return false;
  std::string previous;
  for (uint64_t i = 1; i <= count; ++i) {
    ChunkRange range;
    if (!previous.empty()) range.lower = {previous};
    if (i < count) {
      // Boundaries are exact integers printed without exponent.
      const long double b = lo + static_cast<long double>(i) * width;
      char text[64];
      std::snprintf(text, sizeof text, "%.0Lf", b);
      if (text == previous) continue;
      range.upper = {text};
      previous = text;
    }
    range.where = BuildWhere(plan, range);
    plan.chunks.push_back(std::move(range));
  }
  return true;
}

}  // namespace

void PlanChunks(db::Connection& conn, TablePlan& plan, uint64_t chunk_size) {
  plan.chunks.clear();
  if (chunk_size == 0) chunk_size = 1;
  if (plan.key.empty()) {
    plan.chunks.push_back({});
    return;
  }
  std::vector<std::string> key_types;
  for (const auto& k : plan.key) {
    std::string type;
    for (const auto& c : plan.columns) {
      if (c.name == k) type = c.data_type;
    }
    key_types.push_back(type);
  }
  if (PlanIntegerRanges(conn, plan, chunk_size, key_types[0])) return;
  const std::string from = " FROM " + QuoteIdentifier(plan.database) + "." +
                           QuoteIdentifier(plan.table) +
                           (plan.key_name.empty() ? "" : " FORCE INDEX (" + QuoteIdentifier(plan.key_name) + ")");
  const std::string order = " ORDER BY " + KeyList(plan.key) + " LIMIT " +
                            std::to_string(chunk_size) + ", 1";

  std::string boundary_list;
  for (size_t i = 0; i < plan.key.size(); ++i) {
    if (i) boundary_list += ", ";
    boundary_list += IsEnumType(key_types[i]) ? QuoteIdentifier(plan.key[i]) + " + 0"
                                               : QuoteIdentifier(plan.key[i]);
  }

  std::vector<std::string> previous;  // empty: from the start of the key
  // If WHERE and ORDER BY ever disagreed on the key's order (a type whose
  // literal compares differently from how the index sorts, as ENUM did before
  // it was read as a number), the keyset walk would step back to an earlier
  // boundary and loop forever. A boundary seen twice stops it with an error.
  std::set<std::vector<std::string>> seen;
  for (;;) {
    std::string sql = "SELECT " + boundary_list + from;
    if (!previous.empty()) sql += " WHERE " + KeyAtLeast(plan.key, previous);
    sql += order;
    db::RowSet rs = conn.QueryRows(sql);
    ChunkRange range;
    range.lower = previous;
    if (rs.rows.empty()) {  // the rest of the key: the last, open-ended chunk
      range.where = BuildWhere(plan, range);
      plan.chunks.push_back(std::move(range));
      return;
    }
    std::vector<std::string> next;
    for (size_t i = 0; i < plan.key.size(); ++i) {
      next.push_back(Literal(conn, key_types[i], rs.rows[0][i].value_or("")));
    }
    range.upper = next;
    range.where = BuildWhere(plan, range);
    plan.chunks.push_back(std::move(range));
    if (!seen.insert(next).second) {
      throw std::runtime_error("chunk planning of " + plan.database + "." + plan.table +
                               " does not progress: key order and key comparison disagree");
    }
    previous = std::move(next);
  }
}

TablePlan PlanTable(db::Connection& conn, std::string_view database, std::string_view table,
                    uint64_t chunk_size) {
  TablePlan plan = DescribeTable(conn, database, table);
  PlanChunks(conn, plan, chunk_size);
  return plan;
}

}  // namespace randsync::checker
