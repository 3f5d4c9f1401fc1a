// Chunks are read over the binary protocol (db/binary_result.h): the
// server sends numbers and temporals in native form instead of formatting
// them as text, which is most of its cost in a full scan, and DOUBLEs arrive
// as their exact bits.
//
// Memory: the statement is fetched unbuffered, so Connector/C reads one row
// at a time into its packet buffer and the server streams the rest as we go.
// Short values are copied into small bound buffers; a long value (a BLOB) is
// fed to XXH3 in 64 KiB pieces read from that packet, so a 64 MB BLOB is held
// once. The row must fit in one protocol packet: max_allowed_packet on the
// server (for sending) and on the client (Connector/C's default is 1 GB)
// must allow the largest row; otherwise the SELECT fails with
// ER_NET_PACKET_TOO_LARGE, which surfaces here as a DbError, never as a
// silently short row.
//
// While the result is open the connection (and its snapshot) is busy; a slow
// consumer holds the server-side read open, so the hash loop does nothing but
// hash.
#include "checker/table_hasher.h"

#include <string>

#include "db/binary_result.h"
#include "db/connection.h"
#include "db/result.h"

namespace randsync::checker {

ChunkDigest HashChunk(db::Connection& conn, const TablePlan& plan, size_t i,
                      std::string_view database, RowHasher& hasher) {
  db::BinaryResult result(conn, plan.SelectSql(i, database));
  ChunkDigest digest;
  while (result.Next()) digest.Add(hasher.Hash(result));
  return digest;
}

ChunkDigest HashChunk(db::Connection& conn, const TablePlan& plan, size_t i,
                      std::string_view database) {
  RowHasher hasher;
  return HashChunk(conn, plan, i, database, hasher);
}

}  // namespace randsync::checker
