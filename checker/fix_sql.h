// SQL that repairs a slave row found by the drill-down (row_diff.h), and the
// exact literals it is built from.
//
// A statement per difference:
//   missing on slave -> INSERT INTO `db`.`t` (all columns) VALUES (master row)
//                       (keyless: one VALUES tuple per missing copy)
//   extra on slave   -> DELETE FROM `db`.`t` WHERE <key> LIMIT 1
//                       (keyless: every column compared exactly - IS NULL,
//                       or = byte for byte, i.e. a strict <=> - LIMIT <copies>)
//   different        -> UPDATE `db`.`t` SET <differing columns only>
//                       WHERE <key> LIMIT 1
//
// Literals (SqlLiteral) are built without a connection, so fix SQL can be
// written into a report long after the connections are gone, and they do not
// depend on the session that later runs them:
//   * NULL -> NULL;
//   * numbers (the server's own exact text: every DECIMAL digit, a DOUBLE's
//     shortest round-trip form) -> unquoted, so a long DECIMAL is never
//     compared or converted through DOUBLE;
//   * BINARY/VARBINARY/BLOB/BIT/geometry -> X'..' hex (raw bytes in a quoted
//     literal could be invalid in the client charset and get mangled);
//   * other strings (CHAR, VARCHAR, TEXT, ENUM, SET, JSON, temporals) ->
//     '...' with quotes doubled when every byte is printable ASCII and there
//     is no backslash; otherwise _utf8mb4 X'..' (the value as read over the
//     utf8mb4 connection). Backslashes never appear inside quotes, so the
//     literal means the same with and without NO_BACKSLASH_ESCAPES, and
//     non-ASCII text does not depend on the client's character_set_client.
// Not db::Connection::Quote: that needs a live connection and its escaping
// depends on the session's sql_mode.
//
// Caveats: TIMESTAMP values are text in the session time zone of the reading
// connection; run the fix in the same time zone (ideally '+00:00', which has
// no ambiguous hour). Generated columns are not told apart by the plan, so an
// INSERT into a table with generated columns needs them removed by hand.
//
// Order: apply every DELETE before any INSERT (FixStatements does): a
// case-only change of a key in a _ci column is one extra row plus one missing
// row, and the INSERT would hit the old row's key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/chunk_plan.h"
#include "checker/row_diff.h"

namespace randsync::checker {

// `value` of a column whose information_schema DATA_TYPE is `data_type`, as
// an exact SQL literal (see above).
std::string SqlLiteral(std::string_view data_type, const std::optional<std::string>& value);

// `column` = `value`, the condition that selects a row by a key column: a
// plain comparison in the column's collation, so the key's index is used.
// (A unique key holds one row per collation-equal value, so this finds the
// row whose exact bytes were seen.) FLOAT is compared after CAST(.. AS FLOAT):
// the shortest float text read back as a DOUBLE is not the stored float. BIT
// is compared with its value as an unsigned integer (not with X'..', which
// never matches a BIT column in a comparison).
std::string KeyCondition(std::string_view column, std::string_view data_type,
                         const std::optional<std::string>& value);

// `column` <=> `value` (written as IS NULL or =) with exact byte equality for strings (no PAD SPACE,
// no case folding: compared in utf8mb4_nopad_bin), for rows without a key
// where two rows may differ only by case or trailing spaces.
std::string ExactCondition(std::string_view column, std::string_view data_type,
                           const std::optional<std::string>& value);

// The statement that makes the slave's row in `slave_db` match the master's.
// Throws std::invalid_argument if `diff` lacks the row it needs (a row that
// vanished between the drill-down's looks: only possible without snapshots).
std::string FixStatement(const TablePlan& plan, std::string_view slave_db, const RowDifference& diff);

// FixStatement of every listed row of `diff`, DELETEs first, then UPDATEs,
// then INSERTs (see "Order" above). Only the listed rows (max_rows) are
// covered: when the totals exceed them, diff and fix again.
std::vector<std::string> FixStatements(const TablePlan& plan, std::string_view slave_db,
                                       const ChunkDiff& diff);

}  // namespace randsync::checker
