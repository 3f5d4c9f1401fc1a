// A streamed result over the binary protocol (a server-side prepared
// statement, fetched unbuffered), for readers that want exact values cheaply.
//
// Why it exists: over the text protocol the server spends most of a full
// scan turning numbers, decimals and datetimes into text. The binary
// protocol sends integers, floats and temporals in native form, which cuts
// the server's CPU by about 40% on a typical table (measured, see
// ../shared/reference/checkers.md), and it gives the exact bits of a
// FLOAT/DOUBLE instead of their decimal rendering.
//
// Every value is exposed as bytes in a fixed, platform-independent form, so
// that two servers holding the same value yield the same bytes:
//   integer types (TINYINT..BIGINT, YEAR)  8 bytes, little-endian two's
//                                          complement (unsigned as is)
//   FLOAT                                  4 bytes, IEEE-754 bits, LE
//   DOUBLE                                 8 bytes, IEEE-754 bits, LE
//   DATE, TIME, DATETIME, TIMESTAMP        16 bytes: year(4) month day
//                                          hour(4) minute second
//                                          microseconds(4) negative, LE
//   everything else (DECIMAL as its digits, strings, BLOBs, BIT, ENUM, SET,
//   JSON, GEOMETRY)                        the bytes the server sends
//
// Memory: a row is read once into Connector/C's packet buffer. Short values
// are copied into small per-column buffers; a value larger than its buffer
// (a BLOB) is handed out in 64 KiB pieces read from the packet with
// mysql_stmt_fetch_column, so a 64 MB BLOB is held only once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace randsync::db {

class Connection;

// One column of the current row, as Next() left it: a view of its bytes in
// the canonical form above. `complete` is false for a value longer than its
// buffer (then `data` holds only its start; use Read()).
struct BinaryField {
  const char* data = nullptr;
  size_t size = 0;
  bool null = false;
  bool complete = true;
};

class BinaryResult {
 public:
  // Prepares and executes `sql` (no parameters) on `conn`. The connection is
  // busy until the result is destroyed. Throws DbError.
  BinaryResult(Connection& conn, std::string_view sql);
  ~BinaryResult();
  BinaryResult(const BinaryResult&) = delete;
  BinaryResult& operator=(const BinaryResult&) = delete;

  size_t field_count() const;

  // Moves to the next row; false at the end. Throws DbError when the stream
  // breaks.
  bool Next();

  // Every column of the current row, filled by Next() in one pass: the hot
  // loop of a hasher reads this array instead of calling per column.
  const std::vector<BinaryField>& fields() const;
  bool all_complete() const;  // no value of this row needs Read()

  bool IsNull(size_t i) const;
  // Size in bytes of column i of the current row in the form above.
  size_t Length(size_t i) const;
  // The value's bytes when they are all in the column's buffer (always for
  // fixed-size types and short strings), else nullopt: use Read().
  std::optional<std::string_view> Inline(size_t i);
  // Calls `piece` with the value's bytes, in order, in one or more pieces.
  void Read(size_t i, const std::function<void(std::string_view)>& piece);
  // The whole value as a string: for tests and small values.
  std::optional<std::string> Get(size_t i);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace randsync::db
