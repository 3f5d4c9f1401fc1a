#include "checker/fix_sql.h"

#include "base/text_util.h"

#include <cstdint>
#include <stdexcept>

namespace randsync::checker {
namespace {

bool OneOf(std::string_view t, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (t == n) return true;
  }
  return false;
}

bool IsNumericType(std::string_view t) {
  return OneOf(t, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal",
                   "numeric", "float", "double", "real"});
}

// Raw bytes, not text: hex is the only literal that is exact whatever the
// client charset. Geometry is read as its internal (SRID + WKB) bytes and
// accepted back in that form, as mysqldump --hex-blob relies on.
bool IsBinaryType(std::string_view t) {
  return OneOf(t, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit",
                   "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                   "multipolygon", "geometrycollection"});
}

// Text that may be compared in a collation (and so needs exact comparison
// in ExactCondition); temporals are not: they compare as temporals.
bool IsTextType(std::string_view t) {
  return OneOf(t, {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set",
                   "json"});
}

// The server's text for a number only ever uses these characters; anything
// else (never expected) is quoted rather than pasted into SQL.
bool LooksNumeric(std::string_view v) {
  return !v.empty() && v.find_first_not_of("0123456789+-.eE") == std::string_view::npos;
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

// Safe inside '...' in every sql_mode and every client charset.
bool PlainQuotable(std::string_view v) {
  for (unsigned char c : v) {
    if (c < 0x20 || c > 0x7e || c == '\\') return false;
  }
  return true;
}

// A string literal; `introducer` forces the utf8mb4 charset on the plain
// form too (needed before COLLATE utf8mb4_...).
std::string TextLiteral(std::string_view v, bool introducer) {
  if (!PlainQuotable(v)) return "_utf8mb4 X'" + Hex(v) + "'";
  std::string out = introducer ? "_utf8mb4'" : "'";
  for (char c : v) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// A BIT value (raw big-endian bytes, at most 8) as an unsigned integer: a
// BIT column compares with a number, while `bit = X'0AAA'` matches nothing
// (MariaDB 10.11 checked). Assignment takes X'..' fine (SqlLiteral).
std::string BitAsInteger(std::string_view bytes) {
  uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return std::to_string(v);
}

std::string TableName(const TablePlan& plan, std::string_view db) {
  return QuoteIdentifier(db) + "." + QuoteIdentifier(plan.table);
}

const ColumnInfo& Column(const TablePlan& plan, std::string_view name) {
  for (const auto& c : plan.columns) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("column " + std::string(name) + " not in the plan of " + plan.table);
}

const std::optional<std::string>& Field(const TablePlan& plan,
                                        const std::vector<std::optional<std::string>>& row,
                                        std::string_view name) {
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    if (plan.columns[i].name == name) return row.at(i);
  }
  throw std::runtime_error("column " + std::string(name) + " not in the plan of " + plan.table);
}

// WHERE of a keyed row: its key columns, by key value.
std::string KeyWhere(const TablePlan& plan, const RowDifference& diff) {
  std::string where;
  for (size_t i = 0; i < diff.key_columns.size(); ++i) {
    const ColumnInfo& c = Column(plan, diff.key_columns[i]);
    where += (i ? " AND " : "") + KeyCondition(c.name, c.data_type, diff.key_values.at(i));
  }
  return where;
}

// WHERE of a keyless row: every column, exactly.
std::string RowWhere(const TablePlan& plan, const std::vector<std::optional<std::string>>& row) {
  std::string where;
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    const ColumnInfo& c = plan.columns[i];
    where += (i ? " AND " : "") + ExactCondition(c.name, c.data_type, row.at(i));
  }
  return where;
}

std::string ValuesTuple(const TablePlan& plan, const std::vector<std::optional<std::string>>& row) {
  std::string out = "(";
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    out += (i ? ", " : "") + SqlLiteral(plan.columns[i].data_type, row.at(i));
  }
  return out + ")";
}

std::string InsertStatement(const TablePlan& plan, std::string_view db, const RowDifference& diff) {
  std::string cols;
  for (const auto& c : plan.columns) cols += (cols.empty() ? "" : ", ") + QuoteIdentifier(c.name);
  const std::string tuple = ValuesTuple(plan, diff.master_row);
  std::string sql = "INSERT INTO " + TableName(plan, db) + " (" + cols + ") VALUES " + tuple;
  // Keyless: every missing copy (keyed rows have count 1).
  for (uint64_t i = 1; i < diff.count; ++i) sql += ", " + tuple;
  return sql;
}

std::string DeleteStatement(const TablePlan& plan, std::string_view db, const RowDifference& diff) {
  const bool keyless = plan.key.empty();
  return "DELETE FROM " + TableName(plan, db) + " WHERE " +
         (keyless ? RowWhere(plan, diff.slave_row) : KeyWhere(plan, diff)) + " LIMIT " +
         std::to_string(keyless ? diff.count : 1);
}

std::string UpdateStatement(const TablePlan& plan, std::string_view db, const RowDifference& diff) {
  std::string set;
  for (const ColumnDifference& d : diff.columns) {
    set += (set.empty() ? "" : ", ") + QuoteIdentifier(d.column) + " = " +
           SqlLiteral(Column(plan, d.column).data_type, Field(plan, diff.master_row, d.column));
  }
  return "UPDATE " + TableName(plan, db) + " SET " + set + " WHERE " + KeyWhere(plan, diff) +
         " LIMIT 1";
}

}  // namespace

std::string SqlLiteral(std::string_view data_type, const std::optional<std::string>& value) {
  if (!value) return "NULL";
  if (IsNumericType(data_type) && LooksNumeric(*value)) return *value;
  if (IsBinaryType(data_type)) return "X'" + Hex(*value) + "'";
  return TextLiteral(*value, false);
}

std::string KeyCondition(std::string_view column, std::string_view data_type,
                         const std::optional<std::string>& value) {
  const std::string col = QuoteIdentifier(column);
  if (!value) return col + " IS NULL";
  if (data_type == "float") return col + " = CAST(" + SqlLiteral(data_type, value) + " AS FLOAT)";
  if (data_type == "bit" && value->size() <= 8) return col + " = " + BitAsInteger(*value);
  return col + " = " + SqlLiteral(data_type, value);
}

std::string ExactCondition(std::string_view column, std::string_view data_type,
                           const std::optional<std::string>& value) {
  const std::string col = QuoteIdentifier(column);
  if (!value) return col + " IS NULL";
  if (IsTextType(data_type)) {
    // The literal's explicit collation wins over the column's: the column is
    // converted to utf8mb4 (a superset of every charset) and compared by
    // bytes without padding, so 'a' <> 'A' and 'x' <> 'x '.
    return col + " = " + TextLiteral(*value, true) + " COLLATE utf8mb4_nopad_bin";
  }
  return KeyCondition(column, data_type, value);
}

std::string FixStatement(const TablePlan& plan, std::string_view slave_db, const RowDifference& diff) {
  // The rows are only empty if a row vanished between the drill-down's two
  // looks, which consistent snapshots rule out: no statement can be built.
  const auto& needed = diff.kind == RowDiffKind::kExtraOnSlave ? diff.slave_row : diff.master_row;
  if (needed.size() != plan.columns.size() ||
      (diff.kind == RowDiffKind::kDifferent && diff.columns.empty())) {
    throw std::invalid_argument("no fix statement: the difference lacks the row values");
  }
  switch (diff.kind) {
    case RowDiffKind::kMissingOnSlave:
      return InsertStatement(plan, slave_db, diff);
    case RowDiffKind::kExtraOnSlave:
      return DeleteStatement(plan, slave_db, diff);
    case RowDiffKind::kDifferent:
      return UpdateStatement(plan, slave_db, diff);
  }
  throw std::logic_error("unknown RowDiffKind");
}

std::vector<std::string> FixStatements(const TablePlan& plan, std::string_view slave_db,
                                       const ChunkDiff& diff) {
  std::vector<std::string> out;
  for (RowDiffKind kind :
       {RowDiffKind::kExtraOnSlave, RowDiffKind::kDifferent, RowDiffKind::kMissingOnSlave}) {
    for (const RowDifference& row : diff.rows) {
      if (row.kind == kind) out.push_back(FixStatement(plan, slave_db, row));
    }
  }
  return out;
}

}  // namespace randsync::checker
