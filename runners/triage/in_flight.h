// What a server was running when it died: the query its error log names
// ("Query (0x...): ..." in the crash report mariadbd prints) and the last
// statement each load thread sent (queries/thread-N.sql). explain lists
// them as evidence; reduce replays them after the window's transactions,
// since a statement that kills the server never reaches the binlog.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace randsync::triage {

struct SentStatement {
  uint32_t thread = 0;  // 1-based, as in queries/thread-N.sql
  size_t number = 0;    // the statement's 1-based position in its log
  std::string text;
};

// The last statement of each of the first `max_threads` load threads that
// sent one, in thread order; an unreadable log is skipped.
std::vector<SentStatement> LastSentStatements(const std::filesystem::path& run_dir, size_t max_threads);

// The query the crashed server's error log tail (report.json crash.
// error_log_tail) names as running when it died; "" when it names none.
std::string CrashingQuery(const nlohmann::json& report);

}  // namespace randsync::triage
