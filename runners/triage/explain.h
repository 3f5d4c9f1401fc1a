// `randsync explain RESULTS_DIR`, and the same at the end of every failed
// `run`: the cause of a run's failure from what the run left (report.json
// with its typed failure, config.json, checks/*.json, the error log tails,
// queries/thread-N.sql), with no server needed.
//
// Each failure kind has its explainer (the crash's signal and backtrace and
// the statements in flight; a divergence's differing rows; a replication
// error's event and whether the method covers its table; the position
// audit's contradiction; a method's named limit); the negative controls a
// run was asked for (--test-position-skew, --test-unsafe-dump) are said to
// be what they are. A divergence's rows are followed into the stopped
// master's binary log (row_history.h): the transactions that wrote them,
// their statements and the load threads that sent them.
#pragma once

#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "runners/triage/cause.h"

namespace randsync::triage {

// At most this many differing rows, and statements in flight, as evidence.
inline constexpr size_t kMaxRowEvidence = 10;

// The cause of the run `report` describes (its folder is `run_dir`);
// nullopt for a run that passed.
std::optional<Cause> Explain(const nlohmann::json& report, const std::filesystem::path& run_dir);

}  // namespace randsync::triage
