#include "runners/reduce/target.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "base/text_util.h"
#include "runners/scenario/run_failure.h"
#include "runners/triage/evidence.h"

namespace randsync::reduce {
using nlohmann::json;

const char* ToString(FailureShape shape) {
  switch (shape) {
    case FailureShape::kNone: return "none";
    case FailureShape::kDivergence: return "divergence";
    case FailureShape::kReplicationError: return "replication-error";
    case FailureShape::kMasterCrash: return "master-crash";
    case FailureShape::kOther: return "other";
  }
  return "?";
}

namespace {

std::string Quoted(const std::string& qualified) {
  const auto dot = qualified.find('.');
  if (dot == std::string::npos) return QuoteIdentifier(qualified);
  return QuoteIdentifier(qualified.substr(0, dot)) + "." + QuoteIdentifier(qualified.substr(dot + 1));
}

}  // namespace

std::string Target::Describe() const {
  std::vector<std::string> names;
  for (const auto& t : tables) names.push_back(Quoted(t));
  const std::string list = names.empty() ? "" : fmt::format("{}", fmt::join(names, ", "));
  switch (shape) {
    case FailureShape::kDivergence: return "a difference in " + list;
    case FailureShape::kReplicationError:
      return fmt::format("replication error {}{}", error_number, list.empty() ? "" : " on " + list);
    case FailureShape::kMasterCrash: return "the master's crash";
    default: return ToString(shape);
  }
}

Target TargetOf(const std::filesystem::path& run_dir, const json& report) {
  if (!report.contains("failure")) throw std::runtime_error("the run did not fail: nothing to reduce");
  const auto failure = scenario::RunFailure::FromJson(report["failure"]);
  if (report.value("config", json::object()).value("master", "throwaway") != "throwaway") {
    throw std::runtime_error("the run's master was your own server: reduce replays only a master randsync started");
  }
  Target t;
  const json window = report.value("divergence", json::object());
  t.clean_gtid = window.value("clean_gtid", "");
  t.at = window.value("at", "");
  switch (failure.kind) {
    case scenario::FailureKind::kDivergence: {
      t.shape = FailureShape::kDivergence;
      const checker::CheckReport check = triage::ReadCheck(run_dir, failure.where);
      for (const auto& table : check.tables) {
        if (table.outcome == checker::TableCheck::Outcome::kDifferent) {
          t.tables.push_back(table.ref.database + "." + table.ref.table);
        }
      }
      if (t.tables.empty()) {
        throw std::runtime_error(fmt::format("checks/{}.json lists no differing table (a schema difference is not "
                                             "reduced yet)",
                                             failure.where));
      }
      return t;
    }
    case scenario::FailureKind::kReplication: {
      t.shape = FailureShape::kReplicationError;
      t.error_number = failure.error_number;
      // The slave started at the backup's position and stopped at the
      // failing transaction: what came before is the setup the
      // provisioning copied, what came after the slave never saw. (A
      // 30-second load logs ~20000 transactions; a window from the log's
      // start made the first replay alone take 30 s.)
      const std::string backup = report.value("backup_position", json::object()).value("gtid", "");
      const std::string failing = report.value("replication_failure", json::object()).value("gtid", "");
      if (t.clean_gtid.empty()) t.clean_gtid = backup;
      if (t.at.empty()) t.at = failing;
      return t;
    }
    case scenario::FailureKind::kCrash:
    case scenario::FailureKind::kLoad:
      if (failure.server == "master") {
        t.shape = FailureShape::kMasterCrash;
        return t;
      }
      break;
    default: break;
  }
  throw std::runtime_error(fmt::format("the run failed with {} ({}): reduce replays divergences, replication "
                                       "errors and master crashes",
                                       scenario::ToString(failure.kind), failure.Fields()));
}

bool Reproduces(const Target& target, const TrialOutcome& outcome) {
  if (outcome.shape != target.shape) return false;
  switch (target.shape) {
    case FailureShape::kDivergence:
      return std::any_of(outcome.differing_tables.begin(), outcome.differing_tables.end(), [&](const auto& t) {
        return std::find(target.tables.begin(), target.tables.end(), t) != target.tables.end();
      });
    case FailureShape::kReplicationError: return outcome.error_number == target.error_number;
    case FailureShape::kMasterCrash: return true;
    default: return false;
  }
}

}  // namespace randsync::reduce
