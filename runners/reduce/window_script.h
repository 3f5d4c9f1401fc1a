// The master's side of a failure's window as a single-threaded script: each
// transaction of the kept binary log after the window's start (up to its
// end), in commit order, with the statements the log holds for it (Query
// events and the Annotate_rows statement of row events; binlog.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runners/reduce/script.h"
#include "runners/reduce/target.h"

namespace randsync::reduce {

// Throws std::runtime_error with one line when the log cannot be read.
// XA steps become an ordinary transaction of their statements.
std::vector<ScriptTransaction> WindowTransactions(const std::filesystem::path& run_dir, const Target& target);

// A crash's statements that never reached the binlog, each a transaction
// of its own to send after the window: every load thread's last statement
// (triage/in_flight.h), then the query the error log says killed the
// server (that thread's own last statement is not repeated). Empty when
// the run did not record any.
std::vector<ScriptTransaction> InFlightTransactions(const std::filesystem::path& run_dir,
                                                    const nlohmann::json& report);

}  // namespace randsync::reduce
