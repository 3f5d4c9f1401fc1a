// How a CheckReport is shown: a human summary for the terminal and a JSON
// document (--json) for CI and scripts. Both name every differing table,
// range and row; the summary truncates long values, the JSON keeps them up
// to a larger limit.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "checker/check_run.h"

namespace randsync::checker {

std::string Summary(const CheckReport& report, size_t max_value_display = 64);
// Values are the raw text cut at `max_value_json` bytes; dump it with
// nlohmann::json::error_handler_t::replace (binary values are not UTF-8).
nlohmann::json ToJson(const CheckReport& report, size_t max_value_json = 4096);

}  // namespace randsync::checker
