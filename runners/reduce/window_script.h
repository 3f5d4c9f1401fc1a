// The master's side of a failure's window as a single-threaded script: each
// transaction of the kept binary log after the window's start (up to its
// end), in commit order, with the statements the log holds for it (Query
// events and the Annotate_rows statement of row events; binlog.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runners/backup/binlog_rows.h"
#include "runners/reduce/script.h"
#include "runners/reduce/target.h"

namespace randsync::reduce {

// Throws std::runtime_error with one line when the log cannot be read.
std::vector<ScriptTransaction> WindowTransactions(const std::filesystem::path& run_dir, const Target& target);

// One logged transaction as the script sends it: between BEGIN and COMMIT,
// or a DDL as is; an XA PREPARE group as XA START xid, its statements, XA
// END xid and XA PREPARE xid; an XA COMMIT or XA ROLLBACK group as that
// statement alone (the session that prepares may commit later, with other
// transactions between, as the log has them).
ScriptTransaction ScriptTransactionOf(const backup::BinlogTransaction& tx);

// The xids the script prepares (XA PREPARE) and does not end (XA COMMIT,
// XA ROLLBACK): a test rolls them back when it cleans up, or DROP DATABASE
// waits for their locks.
std::vector<std::string> UnendedXids(const std::vector<ScriptTransaction>& window);

// A crash's statements that never reached the binlog, each a transaction
// of its own to send after the window: every load thread's last statement
// (triage/in_flight.h), then the query the error log says killed the
// server (that thread's own last statement is not repeated). Empty when
// the run did not record any.
std::vector<ScriptTransaction> InFlightTransactions(const std::filesystem::path& run_dir,
                                                    const nlohmann::json& report);

}  // namespace randsync::reduce
