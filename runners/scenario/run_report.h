// The files a finished run leaves for people and CI: summary.txt (what a QA
// engineer reads in a buildbot log), junit.xml (what a CI server shows as
// test cases), both rendered from the run's report.json document.
//
// The report document has: "phases" [{phase, seconds, result?, gtid?, ...}],
// "failures" [{status, reason}], "status", "exit_status", "reason",
// "seconds", and optionally "load" {summary_line}, "load_rate" and
// "warnings" [text] (each a "warning:" line of the summary).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace randsync::scenario {

// The human summary: one line per phase with its time and result, the load,
// the backup's cost to the load, the status and where the results are.
std::string SummaryText(const nlohmann::json& report, const std::filesystem::path& run_dir);

// JUnit XML: one test suite for the run, one test case per phase (a check
// that did not pass is a failure) and a last case "status" that fails with
// the run's reason unless the run passed.
std::string JUnitXml(const nlohmann::json& report, const std::string& run_id);

// Text made safe for an XML attribute or element (JUnit files): the five
// special characters escaped, control characters XML 1.0 forbids blanked.
std::string XmlEscape(const std::string& text);

// Writes report.json, summary.txt and junit.xml into `run_dir`; returns the
// summary text. Throws std::runtime_error naming a file it cannot write.
std::string WriteRunReport(const nlohmann::json& report, const std::filesystem::path& run_dir);

}  // namespace randsync::scenario
