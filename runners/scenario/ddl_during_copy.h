// The DDL a master logged while a copy taken without locks ran
// (mariabackup --no-lock holds no DDL, consistency_model.h
// UnlockedDdlLimit): a table such a statement named may be torn on the
// slave (a definition of one moment, data of another), so a failure on it
// is that limit of the method, not the server's. Read with SHOW BINLOG
// EVENTS from where the master's log was when the copy started to where
// the copy's info file says it ended.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "runners/backup/mariabackup.h"

namespace randsync::scenario {

struct DdlDuringCopy {
  std::vector<std::string> statements;  // "use `test`; ALTER TABLE t1 ...", in log order
  bool complete = true;                 // false: the walk stopped before the copy's end

  // The first statement naming `table` ("db.t", "t", or a schema
  // difference's object, "`db`.`t`.`c`"), or "".
  std::string Touching(const std::string& table) const;
  nlohmann::json ToJson() const;
};

// The DDL statements logged at or after `from` and before `to`.
DdlDuringCopy ReadDdlDuringCopy(db::Connection& master, const backup::BackupPosition& from,
                                const backup::BackupPosition& to);

// Whether a Query event's text is DDL: CREATE, ALTER, DROP, RENAME or
// TRUNCATE, after an optional "use `db`; " (for tests).
bool IsDdlStatement(const std::string& query);

}  // namespace randsync::scenario
