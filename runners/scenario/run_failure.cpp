#include "runners/scenario/run_failure.h"

#include <fmt/format.h>

#include "db/error_names.h"

namespace randsync::scenario {
namespace {

struct KindName {
  FailureKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {FailureKind::kLoad, "load"},
    {FailureKind::kBackup, "backup"},
    {FailureKind::kPositionAudit, "position-audit"},
    {FailureKind::kReplication, "replication"},
    {FailureKind::kSyncPoint, "sync-point"},
    {FailureKind::kCheck, "check"},
    {FailureKind::kDivergence, "divergence"},
    {FailureKind::kCatchup, "catch-up"},
    {FailureKind::kHang, "hang"},
    {FailureKind::kCrash, "crash"},
    {FailureKind::kEnvironment, "environment"},
};

}  // namespace

const char* ToString(FailureKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "environment";
}

FailureKind ParseFailureKind(std::string_view text) {
  for (const KindName& k : kKinds) {
    if (text == k.name) return k.kind;
  }
  return FailureKind::kEnvironment;
}

std::string RunFailure::Fields() const {
  std::string out = fmt::format("kind {}", ToString(kind));
  const auto add = [&out](std::string_view label, const std::string& value) {
    if (!value.empty()) out += fmt::format(", {}{}", label, value);
  };
  add("where ", where);
  add("server ", server);
  add("table ", table);
  add("GTID ", gtid);
  if (error_number != 0) {
    const char* name = db::ErrorName(error_number);
    out += fmt::format(", error {}{}", error_number, name != nullptr ? fmt::format(" ({})", name) : "");
  }
  add("", detail);
  return out;
}

nlohmann::json RunFailure::ToJson() const {
  nlohmann::json j = {{"status", ExitCode(status)}, {"status_name", ToString(status)},
                      {"kind", ToString(kind)},     {"where", where},
                      {"server", server},           {"table", table},
                      {"gtid", gtid},               {"error_number", error_number},
                      {"detail", detail},           {"reason", reason}};
  if (const char* name = error_number != 0 ? db::ErrorName(error_number) : nullptr) j["error_name"] = name;
  return j;
}

RunFailure RunFailure::FromJson(const nlohmann::json& j) {
  RunFailure f;
  f.status = StatusFromExitCode(j.value("status", ExitCode(Status::kEnvironment))).value_or(Status::kEnvironment);
  f.kind = ParseFailureKind(j.value("kind", ""));
  f.where = j.value("where", "");
  f.server = j.value("server", "");
  f.table = j.value("table", "");
  f.gtid = j.value("gtid", "");
  f.error_number = j.value("error_number", 0u);
  f.detail = j.value("detail", "");
  f.reason = j.value("reason", "");
  return f;
}

}  // namespace randsync::scenario
