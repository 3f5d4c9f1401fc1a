#include "runners/triage/in_flight.h"

#include <regex>

#include "engine/load/query_log.h"

namespace randsync::triage {
namespace fs = std::filesystem;

std::vector<SentStatement> LastSentStatements(const fs::path& run_dir, size_t max_threads) {
  std::vector<SentStatement> out;
  for (uint32_t thread = 1; out.size() < max_threads; ++thread) {
    const fs::path path = load::QueryLogPath(run_dir / "queries", thread);
    std::error_code ec;
    if (!fs::exists(path, ec)) break;
    try {
      load::QueryLogReader reader(path);
      SentStatement last{thread, 0, ""};
      std::string statement;
      while (reader.Next(statement)) {
        last.text.swap(statement);
        ++last.number;
      }
      if (last.number > 0) out.push_back(std::move(last));
    } catch (const std::exception&) {
      // an unreadable log adds nothing
    }
  }
  return out;
}

std::string CrashingQuery(const nlohmann::json& report) {
  static const std::regex query(R"(^Query \(0x[0-9a-f]+\): (.*)$)");
  const nlohmann::json crash = report.value("crash", nlohmann::json::object());
  for (const std::string& line : crash.value("error_log_tail", std::vector<std::string>{})) {
    std::smatch m;
    if (std::regex_search(line, m, query)) return m[1].str();
  }
  return "";
}

}  // namespace randsync::triage
