#include "runners/campaign/signature.h"

#include <fstream>
#include <regex>

namespace randsync::campaign {
namespace fs = std::filesystem;
using nlohmann::json;

std::string Normalize(const std::string& text, size_t max) {
  static const std::regex path(R"((/[^\s/:;,'"]+)+/([^\s/:;,'"]+))");
  static const std::regex digits(R"(\d+)");
  std::string s = std::regex_replace(text, path, "$2");
  s = std::regex_replace(s, digits, "N");
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

namespace {

// The first table a check found different, from checks/<name>.json.
std::string FirstDifferingTable(const json& report, const fs::path& run_dir) {
  if (!report.contains("divergence")) return "";
  const std::string check = report["divergence"].value("first_seen_by", "");
  std::ifstream in(run_dir / "checks" / (check + ".json"));
  const json c = json::parse(in, nullptr, false);
  if (c.is_discarded()) return "";
  for (const auto& t : c.value("tables", json::array())) {
    if (t.value("outcome", "") == "different") {
      return "`" + t.value("database", "?") + "`.`" + t.value("table", "?") + "`";
    }
  }
  const json schema = c.value("schema", json::array());
  if (!schema.empty()) return "schema: " + schema[0].value("object", "?") + " " + schema[0].value("what", "");
  return "";
}

}  // namespace

std::string FailureSignature(const json& report, const fs::path& run_dir) {
  const std::string status = report.value("status", "STATUS_UNKNOWN");
  const std::string reason = report.value("reason", "");
  std::smatch m;
  if (status == "STATUS_DIVERGENCE") {
    const std::string table = FirstDifferingTable(report, run_dir);
    if (!table.empty()) return status + ": first differing table " + table;
  }
  if (status == "STATUS_REPLICATION_FAILURE") {
    static const std::regex err(R"(Last_(SQL|IO)_Errno=(\d+))");
    static const std::regex table(R"( on table ([^\s;,]+))");
    if (std::regex_search(reason, m, err)) {
      std::string s = status + ": Last_" + m[1].str() + "_Errno=" + m[2].str();
      std::smatch t;
      if (std::regex_search(reason, t, table)) s += " on table " + t[1].str();
      return s;
    }
  }
  if (status == "STATUS_SERVER_CRASHED") {
    static const std::regex crash(R"(mariadbd \((\w+)\) exited unexpectedly: ([^;]+))");
    if (std::regex_search(reason, m, crash)) return status + ": mariadbd (" + m[1].str() + ") " + m[2].str();
  }
  // Otherwise the reason's first line, with what varies left out.
  const std::string first = reason.substr(0, reason.find('\n'));
  return first.empty() ? status : status + ": " + Normalize(first);
}

}  // namespace randsync::campaign
