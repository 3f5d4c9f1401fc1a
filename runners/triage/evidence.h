// The pieces of evidence `Explain` (explain.h) gathers from a run's folder,
// one function per kind of fact, each adding one-line Evidence entries.
// None needs a server; a file that is missing or unreadable adds nothing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check_run.h"
#include "runners/triage/cause.h"

namespace randsync::triage {

// checks/<name>.json read back (checker::CheckReportFromJson); an empty
// report when there is none.
checker::CheckReport ReadCheck(const std::filesystem::path& run_dir, const std::string& name);

struct DifferenceCount {
  uint64_t rows = 0;    // missing + extra + different, over every table
  size_t tables = 0;    // tables with a difference
  size_t schema = 0;    // schema differences
};
// Each differing row the check listed (up to kMaxRowEvidence), as
// "`db`.`t` pk=7: different: a master 'x', slave 'y'", and each schema
// difference.
DifferenceCount AddDifferingRows(const checker::CheckReport& check, std::vector<Evidence>& out);

// The tables report.json's uncovered_tables names (`table` first, or
// every one when it is not among them), with the method's reason.
void AddUncoveredTables(const nlohmann::json& report, const std::string& table, std::vector<Evidence>& out);

// Whether the method covers `table` (it is not in uncovered_tables), and
// its engine where the report knows it.
void AddCoverage(const nlohmann::json& report, const std::string& table, std::vector<Evidence>& out);

// The position audit's checks whose verdict is "wrong".
void AddAuditContradictions(const nlohmann::json& report, std::vector<Evidence>& out);

// The replication thread's stop: its error, the transaction and event.
void AddReplicationStop(const nlohmann::json& report, std::vector<Evidence>& out);

// The crashing query ("Query (0x...): ...") and the top frames of the
// crashed server's backtrace in its error log tail (lines ending in
// "[0x...]", the signal handler's own left out), else the log's last lines.
void AddBacktrace(const nlohmann::json& report, std::vector<Evidence>& out);

// The last statement each load thread sent (queries/thread-N.sql): the
// statements in flight when a server died or stopped answering.
void AddStatementsInFlight(const std::filesystem::path& run_dir, std::vector<Evidence>& out);

// Whether an error's text is one of randsync's own (a C++ library
// exception such as stoull or vector::at), not the server's or the input's.
bool LooksLikeInternalError(const std::string& reason);

}  // namespace randsync::triage
