#include "engine/gendata/gendata_sql.h"

#include <cctype>

#include "db/db_error.h"

namespace randsync::gendata_internal {


std::string Qualified(std::string_view db, std::string_view table) {
  return QuoteIdentifier(db) + "." + QuoteIdentifier(table);
}

Prng StreamPrng(uint64_t seed, Stream purpose, uint32_t index) {
  // "gendata" in ASCII, shifted by the purpose: a different 64-bit seed per
  // purpose, so no stream equals a generator thread's Prng(seed, thread).
  constexpr uint64_t kSalt = 0x67656e64617461ULL;
  return Prng(seed ^ (kSalt + (static_cast<uint64_t>(purpose) << 56)), index);
}

uint64_t ExecuteFor(db::Connection& c, const std::string& table, std::string_view what,
                    std::string_view sql) {
  try {
    return c.Execute(sql);
  } catch (const db::DbError& e) {
    std::string where = table.empty() ? "gendata: " : "gendata: table " + table + ": ";
    throw GendataError(table, e.error_number(), where + std::string(what) + ": " + e.what());
  }
}

std::string StatementName(std::string_view sql) {
  auto starts = [&](std::string_view prefix) {
    if (sql.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(sql[i])) != prefix[i]) return false;
    }
    return true;
  };
  if (starts("CREATE TABLE")) return "CREATE TABLE";
  if (starts("DROP TABLE")) return "DROP TABLE";
  if (starts("ALTER TABLE")) return "ALTER TABLE";
  if (starts("CREATE") && sql.find(" VIEW ") != std::string_view::npos) return "CREATE VIEW";
  std::string word(sql.substr(0, sql.find(' ')));
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word;
}

void PrepareSession(db::Connection& c) {
  // TRIM: with an empty sql_mode CONCAT would start with a comma.
  ExecuteFor(
      c, "", "session setup",
      "SET SESSION sql_mode = TRIM(BOTH ',' FROM CONCAT(@@sql_mode, ',NO_ENGINE_SUBSTITUTION'))");
}

void UseDatabase(db::Connection& c, const std::string& db) {
  ExecuteFor(c, "", "database " + QuoteIdentifier(db), "CREATE DATABASE IF NOT EXISTS " + QuoteIdentifier(db));
  ExecuteFor(c, "", "database " + QuoteIdentifier(db), "USE " + QuoteIdentifier(db));
}

InsertBatch::InsertBatch(db::Connection& c, std::string table_label, std::string prefix,
                         size_t max_rows, const GendataProgressFn& progress, uint64_t rows_total)
    : c_(c),
      table_(std::move(table_label)),
      sql_(std::move(prefix)),
      prefix_size_(sql_.size()),
      max_rows_(max_rows == 0 ? 1 : max_rows),
      progress_(progress),
      rows_total_(rows_total) {}

std::string& InsertBatch::BeginRow() {
  if (rows_in_batch_ > 0) sql_ += ',';
  return sql_;
}

void InsertBatch::EndRow() {
  ++rows_in_batch_;
  if (rows_in_batch_ >= max_rows_ || sql_.size() >= kMaxBytes) Flush();
}

uint64_t InsertBatch::Flush() {
  if (rows_in_batch_ == 0) return inserted_;
  inserted_ += ExecuteFor(c_, table_, "INSERT", sql_);
  rows_sent_ += rows_in_batch_;
  rows_in_batch_ = 0;
  sql_.resize(prefix_size_);
  if (progress_) progress_(GendataProgress{table_, rows_sent_, rows_total_});
  return inserted_;
}

void AppendGendataQuoted(std::string_view value, std::string& out) {
  out += '\'';
  for (char c : value) {
    if (c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
}

}  // namespace randsync::gendata_internal
