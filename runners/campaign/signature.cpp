#include "runners/campaign/signature.h"

#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "db/error_names.h"
#include "runners/scenario/run_failure.h"

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

// From the typed fields of report.json's "failure" (scenario/run_failure.h):
// status, kind, the table or error or server at fault. Where it happened
// and the GTID vary between runs of one bug and are left out.
std::string TypedSignature(const json& failure) {
  const scenario::RunFailure f = scenario::RunFailure::FromJson(failure);
  std::string s = fmt::format("{}: {}", ToString(f.status), ToString(f.kind));
  if (f.error_number != 0) {
    const char* name = db::ErrorName(f.error_number);
    s += fmt::format(" {} ({})", name != nullptr ? name : "error", f.error_number);
  }
  if (!f.table.empty()) s += (f.kind == scenario::FailureKind::kDivergence ? " first differing table " : " on table ") + f.table;
  if (!f.server.empty()) s += " on the " + f.server;
  if (!f.detail.empty()) s += ": " + f.detail;
  // Nothing typed tells this failure from others of its kind: its reason.
  if (f.error_number == 0 && f.table.empty() && f.detail.empty()) {
    const std::string first = f.reason.substr(0, f.reason.find('\n'));
    if (!first.empty()) s += ": " + Normalize(first);
  }
  return s;
}

std::string FailureSignature(const json& report, const fs::path& run_dir) {
  if (report.contains("failure") && report["failure"].is_object()) return TypedSignature(report["failure"]);
  // A report written before the typed fields: read from its sentences.
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
