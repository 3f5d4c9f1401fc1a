// Row hashes and chunk digests.
//
// A row hash is XXH3-128 of the row's canonical encoding (row_encoding.h).
// A chunk digest is (row count, SUM of row hashes mod 2^128). The sum is
// order-independent, so master and slave may return a chunk's rows in any
// physical order and no ORDER BY (no sort) is needed. It is a sum and never
// an XOR: with XOR a row present twice cancels out (a duplicated row in a
// keyless table, or two equal extra rows, would be invisible); with a sum it
// adds its hash twice. The row count is kept beside the sum as a cheap,
// readable first signal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


namespace randsync::db {
class BinaryResult;
struct BinaryField;
class Result;
}

namespace randsync::checker {

__extension__ typedef unsigned __int128 Hash128;

std::string ToHex(Hash128 h);  // 32 lowercase hex digits, high half first

// Hashes rows one after the other; reuses one XXH3 state and a small buffer
// for all of them, so hashing allocates nothing per row. Small fields are
// gathered in the buffer (few XXH3 update calls for a row of short columns);
// a large value is passed to XXH3 straight from the client's row buffer.
class RowHasher {
 public:
  RowHasher();
  ~RowHasher();
  RowHasher(const RowHasher&) = delete;
  RowHasher& operator=(const RowHasher&) = delete;

  // The current row of a streamed result (text protocol: the server's text
  // rendering of each value, see row_encoding.h).
  Hash128 Hash(const db::Result& row);
  // The current row of a binary-protocol result (binary_result.h's exact
  // per-type bytes). Not equal to the text hash of the same row: compare
  // like with like.
  Hash128 Hash(db::BinaryResult& row);
  // A row's binary-protocol image (db/raw_row_stream.h), as chunk hashing
  // reads it: already an injective encoding, hashed as it is.
  static Hash128 HashImage(std::string_view image);
  // A row given as fields (nullopt is NULL).
  Hash128 Hash(const std::optional<std::string_view>* fields, size_t count);

  // The sink interface of row_encoding.h.
  void Put(const void* data, size_t size);

 private:
  Hash128 HashInline(const std::vector<db::BinaryField>& fields);
  void Begin(size_t column_count);
  Hash128 Finish();
  void Flush();

  void* state_;  // an XXH3_state_t, opaque here: row_hash.cpp inlines xxHash
  static constexpr size_t kBufferSize = 4096;
  unsigned char buffer_[kBufferSize];
  size_t used_ = 0;
  std::string row_;  // HashInline's buffer, reused
};

struct ChunkDigest {
  uint64_t rows = 0;
  Hash128 sum = 0;  // wraps mod 2^128 by design

  void Add(Hash128 row_hash) {
    ++rows;
    sum += row_hash;
  }
  // Digest of the union (multiset sum) of two disjoint parts.
  void Combine(const ChunkDigest& other) {
    rows += other.rows;
    sum += other.sum;
  }
  friend bool operator==(const ChunkDigest&, const ChunkDigest&) = default;

  // "<rows>:<32 hex digits>", for logs and JSON.
  std::string ToString() const;
};

}  // namespace randsync::checker
