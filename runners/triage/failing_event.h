// A replication error's transaction as the master logged it: its
// statements (Query events and the Annotate_rows statement of its row
// events) and the master's earlier writes to the table the error names,
// each placed before or after the backup's position: whether the backup
// should hold the row the slave could not find (1032) or already had
// (1062). Read from the kept binary log (binlog_window.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runners/triage/cause.h"

namespace randsync::triage {

// At most this many earlier writes to the table are listed.
inline constexpr size_t kMaxEarlierWrites = 5;

// "failing statement" evidence for each statement of report.json's
// replication_failure.gtid, and "earlier write" evidence for the last
// writes to `table` ("db.table", quoted or not; "" none) before it. Adds
// one line saying why not when the log cannot be read or lacks the GTID.
void AddFailingTransaction(const std::filesystem::path& run_dir, const nlohmann::json& report,
                           const std::string& table, std::vector<Evidence>& out);

}  // namespace randsync::triage
