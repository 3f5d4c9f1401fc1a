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

}  // namespace randsync::checker
