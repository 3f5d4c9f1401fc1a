// Hashing one planned chunk over one connection.
#pragma once

#include <cstddef>
#include <string_view>

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

}  // namespace randsync::checker
