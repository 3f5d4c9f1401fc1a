// The rows of a binary-protocol result as the server sent them, without
// decoding: for hashing a whole table at the lowest client cost.
//
// Each row is exposed as one byte string: the row's NULL bitmap followed by
// its non-NULL values in the binary protocol's encoding for the column's
// type (integers and floats in fixed little-endian width, temporals as a
// length byte and their fields, strings, DECIMALs and BLOBs as a
// length-prefixed byte string). For given column types that image is a
// self-delimiting, injective encoding of the row's values: NULL is a bitmap
// bit, '' a zero length, 'NULL' four bytes; a byte cannot move across a
// column boundary; a DOUBLE is its exact bits. Two servers holding the same
// values in the same column types send the same image. (Different column
// types give different images even for equal values; the schema comparison
// reports the type difference itself.)
//
// How: the statement gets no result binding, only Connector/C's per-column
// result callback (STMT_ATTR_CB_RESULT), which receives a pointer into the
// received packet; the callback just measures each value. Nothing is
// copied: the image is a view of Connector/C's packet buffer, valid until
// the next Next(), and a 64 MB BLOB is held once, there.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace randsync::db {

class Connection;

class RawRowStream {
 public:
  // Prepares and executes `sql` (no parameters), fetched unbuffered. The
  // connection is busy until the stream is destroyed. `integer_columns` are
  // integer columns whose values each row exposes as integer(k) (for cutting
  // a key-ordered stream into chunks). Throws DbError; std::invalid_argument
  // if one of those columns is not an integer.
  RawRowStream(Connection& conn, std::string_view sql, const std::vector<size_t>& integer_columns = {});
  ~RawRowStream();
  RawRowStream(const RawRowStream&) = delete;
  RawRowStream& operator=(const RawRowStream&) = delete;

  size_t field_count() const;
  // Moves to the next row; false at the end. Throws DbError.
  bool Next();
  // The current row's image (see above).
  std::string_view row() const;
  // The current row's value of integer_columns[k] (signed or unsigned, any
  // width); nullopt for NULL.
  std::optional<__int128> integer(size_t k) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace randsync::db
