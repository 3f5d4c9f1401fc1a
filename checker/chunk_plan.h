// Key-range chunk planning for one table.
//
// A plan is made once (on the master) and applied unchanged to both servers:
// it holds only SQL text (column list and WHERE clauses with the boundary
// values as literals), and the database name is given when a chunk's SELECT
// is built, so the same plan also compares two databases on one server.
//
// The key is the PRIMARY KEY, else the first (by index name) UNIQUE key whose
// columns are all NOT NULL: such a key identifies a row, so a row lands in
// the same chunk on both sides. The first chunk has no lower bound and the
// last no upper bound, so rows that exist only on the slave, below or above
// every master key, still fall in some chunk. A table without a usable key is
// a single chunk with no WHERE: its digest is a multiset digest (SUM), which
// still sees a duplicated row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include "base/text_util.h"

namespace randsync::db {
class Connection;
}

namespace randsync::checker {

struct ColumnInfo {
  std::string name;
  std::string data_type;  // information_schema.COLUMNS.DATA_TYPE, e.g. "double"
};

struct ChunkRange {
  // Boundary key values as SQL literals (already quoted); empty: unbounded.
  std::vector<std::string> lower;  // key >= lower
  std::vector<std::string> upper;  // key <  upper
  std::string where;               // "" or "WHERE ..." built from the above
};

struct TablePlan {
  std::string database;  // where the plan was made
  std::string table;
  std::vector<ColumnInfo> columns;  // in ORDINAL_POSITION order
  std::vector<std::string> key;     // key columns in index order; empty: none
  std::string key_name;             // "PRIMARY", a unique index, or ""
  std::vector<ChunkRange> chunks;   // at least one

  // The ORDER-free SELECT of every column of chunk `i` in `database` (empty:
  // the plan's own). Plain columns only: see row_encoding.h for why no
  // column is wrapped in an expression.
  std::string SelectSql(size_t i, std::string_view database = {}) const;

  // Chunks [first, last) as one SELECT ORDER BY the key, with WHERE only on
  // the run's outer bounds (none for a whole table). For tables with
  // integer_key_columns(). No index hint: InnoDB reads its clustered PRIMARY
  // KEY in order anyway, and a side that lacks the key (a schema difference)
  // still answers, by sorting.
  std::string SelectRunSql(size_t first, size_t last, std::string_view database = {}) const;

  // The positions in `columns` of the key's columns, in key order, when the
  // key is the PRIMARY KEY and each of its columns is an integer
  // (TINYINT..BIGINT); empty otherwise. Such a table's chunks can be read as
  // one key-ordered stream and told apart by the client (table_hasher.h):
  // its boundaries are tuples of plain integers, ordered lexicographically
  // as the index orders them.
  std::vector<size_t> integer_key_columns() const;
  // Chunk `i`'s upper bound as integers, one per key column
  // (integer_key_columns() tables, i not the last chunk). Throws
  // std::invalid_argument otherwise.
  std::vector<__int128> IntegerUpperBound(size_t i) const;
};


// (a,b,c) >= (x,y,z) written out as a leading `a >= x AND (a > x OR (a = x
// AND (...)))` chain. The row-constructor form is shorter but the range
// optimizer does not reliably turn row-constructor inequalities into an
// index range; this form it does (the leading single-column condition alone
// already bounds the scan).
std::string KeyAtLeast(const std::vector<std::string>& key, const std::vector<std::string>& values);
std::string KeyBelow(const std::vector<std::string>& key, const std::vector<std::string>& values);

// Reads the columns and the usable key of `database`.`table` from
// information_schema. Throws DbError; InputError-free: a missing table gives
// an empty column list (the caller reports it).
TablePlan DescribeTable(db::Connection& conn, std::string_view database, std::string_view table);

// Plans chunks of about `chunk_size` rows (>= 1) for `table` as described.
// Boundaries come from keyset jumps: each query
//   SELECT key FROM t [WHERE key >= previous] ORDER BY key LIMIT chunk_size, 1
// walks chunk_size index entries from the previous boundary and returns one
// row. The total work is one index scan, like a streaming pass over the key,
// but only the boundaries cross the network, each statement is short (no
// long-open result, easy to time out or cancel), and no statement's cost
// grows with the table (LIMIT offset from the table start would make the
// whole plan quadratic).
void PlanChunks(db::Connection& conn, TablePlan& plan, uint64_t chunk_size);

// DescribeTable + PlanChunks.
TablePlan PlanTable(db::Connection& conn, std::string_view database, std::string_view table,
                    uint64_t chunk_size);

}  // namespace randsync::checker
