// Memory: Connection::Query() uses mysql_use_result, so Connector/C reads the
// result from the socket one row at a time into a single row buffer (grown
// to the largest row seen, reused for the next) and the server streams the
// rest as we go. Result::Value() is a view into that buffer and RowHasher
// feeds a large value to XXH3 straight from it, so a 64 MB BLOB is held once,
// in the client's packet/row buffer, and never copied. The row must fit in
// one protocol packet: max_allowed_packet on the server (for sending) and on
// the client (Connector/C's default is 1 GB, larger than any server setting)
// must allow the largest row; otherwise the server fails the SELECT with
// ER_NET_PACKET_TOO_LARGE, which surfaces here as a DbError, never as a
// silently short row.
//
// While the Result is open the connection (and its snapshot) is busy; a slow
// consumer holds the server-side read open, so the hash loop does nothing but
// hash.
#include "checker/table_hasher.h"

#include <string>

#include "db/connection.h"
#include "db/result.h"

namespace randsync::checker {

ChunkDigest HashChunk(db::Connection& conn, const TablePlan& plan, size_t i,
                      std::string_view database, RowHasher& hasher) {
  db::Result result = conn.Query(plan.SelectSql(i, database));
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
