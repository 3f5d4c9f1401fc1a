// How a CheckReport is shown: a human summary for the terminal and a JSON
// document (--json) for CI and scripts. Both name every differing table,
// range and row; the summary truncates long values, the JSON keeps them up
// to a larger limit.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check_run.h"

namespace randsync::checker {

std::string Summary(const CheckReport& report, size_t max_value_display = 64);
// Values are the raw text cut at `max_value_json` bytes; dump it with
// nlohmann::json::error_handler_t::replace (binary values are not UTF-8).
nlohmann::json ToJson(const CheckReport& report, size_t max_value_json = 4096);

// A report read back from ToJson's document (checks/<name>.json): status,
// error, the point, the totals and every table with its listed rows.
// Values ToJson cut stay cut; a row's key comes back in column-name order
// (the document keeps it as an object); the sync point's other figures,
// the session's settings and the fix SQL are not read.
CheckReport CheckReportFromJson(const nlohmann::json& j);

// Several slaves at one sync point (RunChecks): the worst verdict, every
// report's summary followed by one verdict line per slave, and a document
// {"status", "slaves": [ToJson of each]}.
Status WorstStatus(const std::vector<CheckReport>& reports);
std::string Summary(const std::vector<CheckReport>& reports);
nlohmann::json ToJson(const std::vector<CheckReport>& reports);

}  // namespace randsync::checker
