// Chunks are read over the binary protocol (a prepared statement): the
// server sends numbers and temporals in native form instead of formatting
// them as text, which is most of its cost in a full scan, and DOUBLEs arrive
// as their exact bits. Each row is hashed as the image the server sent
// (db/raw_row_stream.h: NULL bitmap + values, self-delimiting for the
// column types) with one-shot XXH3-128, straight from Connector/C's packet
// buffer: no decoding, no copy.
//
// Memory: the statement is fetched unbuffered, so Connector/C reads one row
// at a time into its packet buffer and the server streams the rest as we go;
// a 64 MB BLOB is held once, there. The row must fit in one protocol packet:
// max_allowed_packet on the server (for sending) and on the client
// (Connector/C's default is 1 GB) must allow the largest row; otherwise the
// SELECT fails with ER_NET_PACKET_TOO_LARGE, which surfaces here as a
// DbError, never as a silently short row.
//
// While the result is open the connection (and its snapshot) is busy; a slow
// consumer holds the server-side read open, so the hash loop does nothing but
// hash.
#include "checker/table_hasher.h"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "db/raw_row_stream.h"
#include "db/connection.h"
#include "db/result.h"

namespace randsync::checker {

ChunkDigest HashChunk(db::Connection& conn, const TablePlan& plan, size_t i,
                      std::string_view database, RowHasher& hasher) {
  db::RawRowStream rows(conn, plan.SelectSql(i, database));
  ChunkDigest digest;
  while (rows.Next()) digest.Add(hasher.HashImage(rows.row()));
  return digest;
}

ChunkDigest HashChunk(db::Connection& conn, const TablePlan& plan, size_t i,
                      std::string_view database) {
  RowHasher hasher;
  return HashChunk(conn, plan, i, database, hasher);
}

std::vector<ChunkDigest> HashChunkRun(db::Connection& conn, const TablePlan& plan, size_t first, size_t last,
                                      std::string_view database, RowHasher& hasher,
                                      const std::function<void(const ChunkDigest&)>& chunk_done) {
  if (first >= last || last > plan.chunks.size()) throw std::out_of_range("HashChunkRun: bad chunk run");
  std::vector<ChunkDigest> digests(last - first);
  auto done = [&](size_t i) {
    if (chunk_done) chunk_done(digests[i]);
  };
  auto chunk_by_chunk = [&] {
    for (size_t c = first; c < last; ++c) {
      digests[c - first] = HashChunk(conn, plan, c, database, hasher);
      done(c - first);
    }
    return digests;
  };
  if (last - first == 1) return chunk_by_chunk();
  const std::vector<size_t> key_columns = plan.integer_key_columns();
  if (key_columns.empty()) throw std::invalid_argument("HashChunkRun: the key is not made of integers");
  // Chunk c holds the keys below its upper bound (and at or above c-1's),
  // in the index's order: tuples compared column by column.
  std::vector<std::vector<__int128>> upper;
  for (size_t c = first; c + 1 < last; ++c) upper.push_back(plan.IntegerUpperBound(c));
  std::optional<db::RawRowStream> stream;
  try {
    stream.emplace(conn, plan.SelectRunSql(first, last, database), key_columns);
  } catch (const std::invalid_argument&) {
    // A key column is no integer on this side (a schema difference, which
    // the schema comparison reports): let the server cut the chunks.
    return chunk_by_chunk();
  }
  db::RawRowStream& rows = *stream;
  // Whether the current row's key is at or above `bound`, tuples compared
  // column by column; a key column is read only when the ones before it
  // are equal (usually just the first). nullopt when a needed part is NULL
  // (only where the key is not one, a schema difference).
  auto at_or_above = [&](const std::vector<__int128>& bound) -> std::optional<bool> {
    for (size_t k = 0; k < bound.size(); ++k) {
      const std::optional<__int128> v = rows.integer(k);
      if (!v) return std::nullopt;
      if (*v != bound[k]) return *v > bound[k];
    }
    return true;
  };
  size_t c = 0;  // index into digests
  while (rows.Next()) {
    // A row whose key has a NULL stays in the current chunk, where the
    // digests then differ.
    while (c < upper.size() && at_or_above(upper[c]).value_or(false)) done(c++);
    digests[c].Add(hasher.HashImage(rows.row()));
  }
  while (c < digests.size()) done(c++);
  return digests;
}

}  // namespace randsync::checker
