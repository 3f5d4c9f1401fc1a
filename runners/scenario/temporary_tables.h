// The session temporary tables a master held at a binlog position, from
// its binary log (STATEMENT or MIXED format logs CREATE TEMPORARY TABLE and
// the DROP TEMPORARY TABLE a session's end writes; ROW logs neither). No
// backup holds them: a slave started at that position lacks them, so later
// statements of that session on one change the base table of its name on
// the slave (or fail on a table that does not exist). The consistency
// model (consistency_model.h) names this limit; the run asks for the
// tables only when a failure needs explaining, since the whole log up to
// the position is read.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"
#include "runners/server/admin_connection.h"

namespace randsync::scenario {

struct OpenTemporaryTable {
  std::string table;       // db.t
  uint64_t thread = 0;     // the session's (pseudo) thread id
  std::string created_by;  // the GTID of the group that created it
};

// Feed it mariadb-binlog's text (no --verbose needed) line by line.
class TemporaryTableTracker {
 public:
  void Line(std::string_view line);
  std::vector<OpenTemporaryTable> Open() const;

 private:
  void Statement(const std::string& text);

  std::string database_;  // from the last `use`
  std::string gtid_;      // of the current group
  uint64_t thread_ = 0;   // of the current Query event
  bool in_query_ = false;
  std::string query_;
  std::map<std::pair<uint64_t, std::string>, std::string> open_;  // (thread, db.t) -> created by
};

// The table a statement that failed on the slave writes, from the
// Last_SQL_Error of a statement-format event ("... on query. Default
// database: 'test'. Query: 'INSERT INTO A ...'"): "test.A"; "" when the
// error is of another kind or the statement writes no one table.
std::string TableOfFailedStatement(const std::string& last_sql_error);

// The temporary tables open at `at`: reads the master's binary log from
// its first file up to `at`. Throws backup::BackupError when it cannot.
std::vector<OpenTemporaryTable> TemporaryTablesAt(const server::AdminTarget& master, db::Connection& m,
                                                  const backup::BackupPosition& at);

}  // namespace randsync::scenario
