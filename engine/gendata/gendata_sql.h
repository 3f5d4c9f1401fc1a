// Internal to engine/gendata: what every data source needs to talk to the
// server — identifier quoting, statements whose failures name the table, and
// multi-row INSERTs cut into batches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/text_util.h"
#include "db/connection.h"
#include "engine/gendata/gendata.h"
#include "engine/random.h"

namespace randsync::gendata_internal {

// `db`.`table`: how results and errors name a table.
std::string Qualified(std::string_view db, std::string_view table);

// A stream of its own per (seed, purpose, index): gendata never shares a
// stream with the query generator's threads (which use Prng(seed, thread)).
enum class Stream : uint64_t { kSimple = 1, kSpec = 2, kScale = 3 };
Prng StreamPrng(uint64_t seed, Stream purpose, uint32_t index);

// Runs `sql`; a server error becomes GendataError "gendata: table <table>:
// <what>: ERROR ...". Returns the affected rows.
uint64_t ExecuteFor(db::Connection& c, const std::string& table, std::string_view what,
                    std::string_view sql);

// What a DDL statement does, for messages: "CREATE TABLE", "DROP TABLE",
// "CREATE VIEW", "ALTER TABLE", or its first word.
std::string StatementName(std::string_view sql);

// Session settings gendata needs: RQG's NO_ENGINE_SUBSTITUTION (an unknown
// engine is an error, not a silent InnoDB table).
void PrepareSession(db::Connection& c);

// Creates `db` when missing and makes it the current database.
void UseDatabase(db::Connection& c, const std::string& db);

// Rows of one table, sent as "<prefix> (...),(...)" (prefix: "INSERT IGNORE
// INTO `t` [(cols)] VALUES") of at most max_rows rows or about kMaxBytes
// bytes each. Reports progress after each statement.
class InsertBatch {
 public:
  InsertBatch(db::Connection& c, std::string table_label, std::string prefix, size_t max_rows,
              const GendataProgressFn& progress, uint64_t rows_total);

  // Appends one row tuple; the caller writes "(v1, v2, ...)" into the
  // returned buffer between BeginRow() and EndRow().
  std::string& BeginRow();
  void EndRow();
  // Sends what is buffered. Returns the rows the server inserted so far.
  uint64_t Flush();
  uint64_t inserted() const { return inserted_; }

  static constexpr size_t kMaxBytes = size_t{1} << 20;  // ~1 MB statements

 private:
  db::Connection& c_;
  std::string table_;
  std::string sql_;
  size_t prefix_size_;
  size_t max_rows_;
  size_t rows_in_batch_ = 0;
  uint64_t rows_sent_ = 0;
  uint64_t inserted_ = 0;
  const GendataProgressFn& progress_;
  uint64_t rows_total_;
};

// SQL single-quoted string the way Gendata quotes: only ' is escaped (\').
void AppendGendataQuoted(std::string_view value, std::string& out);

}  // namespace randsync::gendata_internal
