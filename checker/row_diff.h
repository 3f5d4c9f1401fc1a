// Drill-down: a chunk whose digest differs between master and slave is
// narrowed to rows, each reported by key with the differing columns and both
// values.
//
// How (see row_diff.cpp): the chunk is streamed from each side once and only
// (exact key bytes -> 128-bit row hash) is kept per row, so memory follows
// the chunk's row count, never the table's nor the values' size. Only the
// first `max_rows` differences (by key text) are then fetched in full, by
// key. A table without a usable key is one chunk whose rows are compared as
// a multiset of row hashes with counts.
//
// Keys are compared by their exact bytes, not by the key's collation: a
// case-only (or trailing-space) change of a key value in a _ci / PAD SPACE
// column shows as one row missing on the slave plus one extra row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/chunk_plan.h"

namespace randsync::db {
class Connection;
}

namespace randsync::checker {

struct DiffOptions {
  uint64_t max_rows = 100;        // differences listed (with values) per call; counting continues beyond
  size_t max_value_display = 64;  // for reports: see TruncateForDisplay
};

enum class RowDiffKind { kMissingOnSlave, kExtraOnSlave, kDifferent };

// "missing on slave", "extra on slave", "different".
const char* ToString(RowDiffKind kind);

struct ColumnDifference {
  std::string column;
  std::optional<std::string> master, slave;  // full values; nullopt is NULL
};

struct RowDifference {
  RowDiffKind kind = RowDiffKind::kDifferent;
  std::vector<std::string> key_columns;                // plan.key, or every column for a keyless table
  std::vector<std::optional<std::string>> key_values;  // text as the server returns it
  std::vector<ColumnDifference> columns;               // kDifferent only: the differing columns
  // Full rows in plan.columns order (empty when the row is absent on that
  // side), for fix SQL.
  std::vector<std::optional<std::string>> master_row, slave_row;
  uint64_t count = 1;  // keyless tables: how many more copies one side has
};

struct ChunkDiff {
  // Totals, even beyond max_rows. Counted in rows: a keyless row present
  // three more times on the slave adds 3 to `extra` (and is one listed
  // RowDifference with count 3).
  uint64_t missing = 0, extra = 0, different = 0;
  std::vector<RowDifference> rows;  // at most max_rows, ordered by key text

  bool empty() const { return missing == 0 && extra == 0 && different == 0; }
};

// Compares chunk `chunk` of `plan` between `master_db` on `master` and
// `slave_db` on `slave` (the names may differ, for tests). Both connections
// are already positioned (e.g. inside consistent snapshots); the two may be
// the same connection, as they are used one after the other. Throws DbError.
ChunkDiff DiffChunk(db::Connection& master, std::string_view master_db, db::Connection& slave,
                    std::string_view slave_db, const TablePlan& plan, size_t chunk,
                    const DiffOptions& options = {});

// A value for reports: NULL as NULL (unquoted); valid UTF-8 quoted ('..',
// inner quotes doubled), cut to at most `max` bytes on a UTF-8 character
// boundary; anything else (binary) as 0x-hex of its first max/2 bytes (so
// about `max` characters). A cut value is followed by "…(N bytes)", N the
// full length.
std::string TruncateForDisplay(const std::optional<std::string>& value, size_t max);

}  // namespace randsync::checker
