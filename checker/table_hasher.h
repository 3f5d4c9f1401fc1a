// Hashing planned chunks over one connection: one chunk per SELECT, or a run
// of consecutive chunks as one key-ordered SELECT cut apart by the client.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "checker/chunk_plan.h"
#include "checker/row_hash.h"

namespace randsync::db {
class Connection;
}

namespace randsync::checker {

// Streams chunk `i` of `plan` from `database` (empty: the plan's) and returns
// its digest. Memory is one row at a time: see table_hasher.cpp.
ChunkDigest HashChunk(db::Connection& conn, const TablePlan& plan, size_t i,
                      std::string_view database = {});

// Same, with a caller-owned hasher (one per thread, reused across chunks).
ChunkDigest HashChunk(db::Connection& conn, const TablePlan& plan, size_t i,
                      std::string_view database, RowHasher& hasher);

// Chunks [first, last) of a plan with integer_key_columns(), as one
// SELECT in key order (TablePlan::SelectRunSql) whose rows the client assigns
// to chunks by comparing the key with the boundaries: the server evaluates
// no range condition per row (only the run's outer bounds, absent for a
// whole table) and runs one statement instead of last - first. The digests
// equal HashChunk's for every chunk. Returns last - first digests. (A side
// where a key column is not an integer, against the plan, is read chunk by
// chunk.)
// `chunk_done`, if set, is called with each chunk's digest as soon as the
// stream has passed it, in key order (progress for long runs).
std::vector<ChunkDigest> HashChunkRun(db::Connection& conn, const TablePlan& plan, size_t first, size_t last,
                                      std::string_view database, RowHasher& hasher,
                                      const std::function<void(const ChunkDigest&)>& chunk_done = {});

}  // namespace randsync::checker
