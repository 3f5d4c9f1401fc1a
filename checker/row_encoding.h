// The canonical, injective byte encoding of one row, as fed to the row
// hasher. Nothing here builds a string: the encoder hands pieces to a sink
// (the hasher's small buffer, or the hasher itself for a large value), so a
// 64 MB BLOB is never copied.
//
// Per column:
//   NULL   -> 0x00
//   value  -> 0x01, its length as 8 bytes little-endian, its exact bytes
// The tag separates NULL from '' (0x01 + length 0) and from 'NULL' (0x01 +
// length 4 + "NULL"); the fixed-width length prefix makes the split between
// columns part of the encoding, so ('ab','c') and ('a','bc') differ. The row
// starts with its column count (8 bytes LE) so that rows of different arity
// never collide either. A prefix-free code per field concatenated is
// injective, which is what makes "equal hash => equal row" rest only on the
// hash, never on the encoding.
//
// Who uses it. Chunk hashing (table_hasher.cpp) does not: it hashes each
// row's binary-protocol image as the server sent it, which is itself an
// injective encoding for the column types (db/raw_row_stream.h explains
// why). RowHasher::Hash(BinaryResult&) encodes db/binary_result.h's exact
// per-type bytes with this framing. Row-level comparison (row_diff.cpp)
// reads over the text protocol and frames the server's text rendering of
// the column as the plain column is SELECTed (see chunk_plan.h: the planner never
// wraps columns in expressions):
//   * CHAR/VARCHAR/TEXT/BINARY/BLOB/ENUM/SET: the stored bytes (converted to
//     the connection charset utf8mb4, a 1:1 mapping). Trailing spaces are
//     kept for VARCHAR/TEXT and case is preserved whatever the collation, so
//     differences that `=` would call equal (PAD SPACE, _ci) are still seen.
//   * DECIMAL: every digit of the declared scale ("1.0000000001").
//   * FLOAT/DOUBLE: MariaDB (10.11 checked, see tests/table_hash_server_test
//     .cpp) prints a DOUBLE with my_gcvt in shortest round-trip form (dtoa
//     mode 0: "0.30000000000000004", "1.0000000000000002"), and a FLOAT
//     likewise at float precision. Shortest round-trip text determines the
//     binary value exactly, so the last mantissa bit changes the text and the
//     hash. Do NOT wrap such columns: CAST(col AS CHAR)/CONCAT(col) give the
//     same text (no gain), FORMAT()/ROUND() lose bits, and there is no
//     function that returns a DOUBLE's raw 8 bytes (HEX(d) hexes the
//     integer-rounded value). Caveat: FLOAT(M,D)/DOUBLE(M,D) print with D
//     decimals; values are rounded to D decimals when stored, so in practice
//     the text is still exact, but a replica that somehow held a different
//     unrounded double would print the same text — acceptable, noted.
//   * BIT: the raw bytes; temporal types: their full text with fraction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace randsync::checker {

inline constexpr unsigned char kNullTag = 0x00;
inline constexpr unsigned char kValueTag = 0x01;

inline void PutLe64(unsigned char* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Sink: anything with `void Put(const void* data, size_t size)`.
template <class Sink>
void EncodeRowStart(Sink& sink, size_t column_count) {
  unsigned char n[8];
  PutLe64(n, column_count);
  sink.Put(n, sizeof n);
}

template <class Sink>
void EncodeField(Sink& sink, std::optional<std::string_view> value) {
  if (!value) {
    sink.Put(&kNullTag, 1);
    return;
  }
  unsigned char head[9];
  head[0] = kValueTag;
  PutLe64(head + 1, value->size());
  sink.Put(head, sizeof head);
  if (!value->empty()) sink.Put(value->data(), value->size());
}

// The whole encoding as a string: for tests and for showing what was hashed;
// the hot path never calls it.
std::string EncodeRowToString(const std::optional<std::string_view>* fields, size_t count);

}  // namespace randsync::checker
