// The master's transactions in a divergence's window, read from the
// stopped master's kept binary log (the master-bin.NNNNNN files under
// RUN_DIR/master): those after report.json's divergence clean_gtid up to
// its `at`. What row_history.h and unsafe_statements.h look through.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runners/backup/binlog_rows.h"

namespace randsync::triage {

// The master-bin.NNNNNN files under RUN_DIR/master, in order.
std::vector<std::string> MasterBinlogFiles(const std::filesystem::path& run_dir);

// A GTID position ("0-1-20,1-1-5") as domain -> sequence number.
std::map<unsigned, unsigned long long> ParseGtidPosition(const std::string& position);

// Calls `batch` with the window's transactions, a few dozen at a time, in
// log order. Returns "" when the log was read, else why not (no binary
// log in the results: a master of the user's own; the tool failed).
std::string ForEachWindowTransaction(const std::filesystem::path& run_dir, const nlohmann::json& report,
                                     const std::function<void(const std::vector<backup::BinlogTransaction>&)>& batch);

}  // namespace randsync::triage
