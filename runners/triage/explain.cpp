#include "runners/triage/explain.h"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "base/status.h"
#include "base/text_util.h"
#include "checker/check_report.h"
#include "runners/scenario/run_failure.h"
#include "runners/triage/evidence.h"
#include "runners/triage/failing_event.h"
#include "runners/triage/replication_filter.h"
#include "runners/triage/row_history.h"
#include "runners/triage/unsafe_statements.h"

namespace randsync::triage {
namespace fs = std::filesystem;
using nlohmann::json;
using scenario::FailureKind;
using scenario::RunFailure;
namespace {

// What the run was asked to get wrong on purpose: then the failure is the
// control caught, and the class says where the control put the fault.
std::optional<Cause> NegativeControl(const json& config) {
  if (const int skew = config.value("test_position_skew", 0); skew != 0) {
    return Cause{CauseClass::kWrongPosition,
                 fmt::format("negative control: the run started the slave {:+} transactions off the backup's "
                             "position (--test-position-skew), and the failure shows it",
                             skew),
                 {{"configuration", fmt::format("test_position_skew {}", skew), "config.json"}}};
  }
  if (config.value("unsafe_dump", false)) {
    return Cause{CauseClass::kWrongPosition,
                 "negative control: the dump took no consistent snapshot (--test-unsafe-dump), so its tables are of "
                 "different moments and no position is theirs; the failure shows it",
                 {{"configuration", "unsafe_dump true", "config.json"}}};
  }
  return std::nullopt;
}

Cause MethodLimit(const json& report, const RunFailure& f) {
  Cause c{CauseClass::kMethodLimitation,
          fmt::format("{} cannot make what failed consistent, a named limit of the method, not a server bug: {}",
                      report.value("backup_variant", std::string("the method")), f.reason),
          {}};
  AddUncoveredTables(report, f.table, c.evidence);
  return c;
}

Cause WrongPosition(const json& report, const RunFailure& f) {
  Cause c{CauseClass::kWrongPosition, "the slave's start is not where the backup's data is: " + f.reason, {}};
  AddAuditContradictions(report, c.evidence);
  return c;
}

Cause Crash(const json& report, const RunFailure& f, const fs::path& run_dir) {
  Cause c{CauseClass::kBugCandidate, fmt::format("mariadbd ({}) died: {}", f.server, f.reason), {}};
  AddBacktrace(report, c.evidence);
  std::vector<Evidence> in_flight;
  AddStatementsInFlight(run_dir, in_flight);
  // summary.txt shows the first pieces: the query and the top frames, then
  // what every thread was sending, then the deeper frames.
  constexpr size_t kTopFrames = 3;
  size_t frames = 0;
  auto deeper = std::find_if(c.evidence.begin(), c.evidence.end(),
                             [&](const Evidence& e) { return e.what == "backtrace" && ++frames > kTopFrames; });
  c.evidence.insert(deeper, in_flight.begin(), in_flight.end());
  return c;
}

Cause Hang(const RunFailure& f, const fs::path& run_dir) {
  Cause c{CauseClass::kBugCandidate, f.reason, {}};
  AddStatementsInFlight(run_dir, c.evidence);
  return c;
}

// A table the slave's own options filter out of replication differs by
// design: the class is the setting's. "" when no difference is so.
std::string FilteredBySlaveOptions(const json& report, const std::string& db, const std::string& table) {
  const std::vector<std::string> options =
      report.value("config", json::object()).value("slave_options", std::vector<std::string>{});
  const std::string option = FilteringOption(options, db, table);
  if (option.empty()) return "";
  return fmt::format("the slave was started with {}, which leaves {}.{} out of replication: its difference is that "
                     "setting's, not a server bug",
                     option, QuoteIdentifier(db), QuoteIdentifier(table));
}

void BlameAFilter(const json& report, const std::string& db, const std::string& table, Cause& c) {
  if (const std::string why = FilteredBySlaveOptions(report, db, table); !why.empty()) {
    c.klass = CauseClass::kEnvironment;
    c.summary = why + "; " + c.summary;
  }
}

Cause Divergence(const json& report, const RunFailure& f, const fs::path& run_dir) {
  Cause c{CauseClass::kBugCandidate, "", {}};
  const checker::CheckReport check = ReadCheck(run_dir, f.where);
  const DifferenceCount n = AddDifferingRows(check, c.evidence);
  AddRowWrites(run_dir, report, check, c.evidence);
  const json window = report.value("divergence", json::object());
  c.summary = fmt::format("{} found {} differing row(s) in {} table(s){}, first {}; the slave applied everything "
                          "up to {} and the data differs, so replication (or the server) changed them differently",
                          f.where, n.rows, n.tables, n.schema ? fmt::format(" and {} schema difference(s)", n.schema) : "",
                          f.table.empty() ? "-" : f.table, f.gtid.empty() ? "the point" : f.gtid);
  if (window.contains("clean_until")) {
    c.evidence.push_back({"window", fmt::format("the data was equal at {}; different at {}",
                                                window.value("clean_until", ""), window.value("at", "")),
                          "report.json"});
  }
  for (const checker::TableCheck& t : check.tables) {
    if (t.outcome == checker::TableCheck::Outcome::kDifferent && c.klass == CauseClass::kBugCandidate) {
      BlameAFilter(report, t.ref.database, t.ref.table, c);
    }
  }
  if (const std::string format = report.value("master", json::object()).value("binlog_format", "");
      !format.empty() && format != "ROW") {
    // The slave re-executes statement-format writes: one the server
    // flagged unsafe for the format is the likelier cause than a bug.
    const UnsafeFinding u = AddUnsafeStatements(run_dir, report, check, c.evidence);
    if (u.flagged > 0 && c.klass == CauseClass::kBugCandidate) {
      c.klass = CauseClass::kUnsafeStatement;
      c.summary = fmt::format("the master logs in {} format and {} of the {} statement-format writes of the window "
                              "on the differing tables are of a shape the server flagged unsafe for it; the slave "
                              "re-executed them to other values. {}",
                              format, u.flagged, u.statement_writes, c.summary);
      // The flagged statements first: summary.txt shows the first pieces.
      std::stable_partition(c.evidence.begin(), c.evidence.end(),
                            [](const Evidence& e) { return e.what == "unsafe statement"; });
    }
  }
  return c;
}

Cause Replication(const json& report, const RunFailure& f, const fs::path& run_dir) {
  Cause c{CauseClass::kBugCandidate,
          fmt::format("the slave's {} stopped on error {}{}{}: {}", f.detail.empty() ? "replication" : f.detail,
                      f.error_number, f.table.empty() ? "" : " on ", f.table, f.reason),
          {}};
  AddReplicationStop(report, c.evidence);
  AddFailingTransaction(run_dir, report, f.table, c.evidence);
  AddCoverage(report, f.table, c.evidence);
  std::string table = f.table;
  std::erase(table, '`');
  if (const auto dot = table.find('.'); dot != std::string::npos) {
    BlameAFilter(report, table.substr(0, dot), table.substr(dot + 1), c);
  }
  return c;
}

Cause Environment(const RunFailure& f) {
  if (LooksLikeInternalError(f.reason)) {
    return {CauseClass::kRandsyncFault,
            "randsync failed on its own (an internal error, not the server's or the input's): " + f.reason,
            {{"error", f.reason, "report.json"}}};
  }
  return {CauseClass::kEnvironment, f.reason, {{"error", f.reason, "report.json"}}};
}

// A slave delayed on purpose (--slave-delay) for longer than the catch-up
// may take cannot be in time: the run's own settings, not a slow server.
Cause Catchup(const json& report, const RunFailure& f) {
  const json config = report.value("config", json::object());
  const long long delay = config.value("slave_delay_s", 0LL), timeout = config.value("catchup_timeout_s", 0LL);
  if (delay > 0 && delay >= timeout) {
    return {CauseClass::kEnvironment,
            fmt::format("the slave replicates {} s behind on purpose (--slave-delay) and the catch-up may take only "
                        "{} s (--catchup-timeout): {}",
                        delay, timeout, f.reason),
            {{"configuration", fmt::format("slave_delay_s {}, catchup_timeout_s {}", delay, timeout), "config.json"}}};
  }
  return {CauseClass::kUnknown, f.reason, {{"failure", f.Fields(), "report.json"}}};
}

Cause Backup(const RunFailure& f) {
  const bool signal = f.reason.find("signal") != std::string::npos;
  return {signal ? CauseClass::kBugCandidate : CauseClass::kUnknown,
          signal ? "the backup tool died of a signal: " + f.reason : "the backup tool failed: " + f.reason,
          {{"tool error", f.reason, "backup-logs"}}};
}

}  // namespace

std::optional<Cause> Explain(const json& report, const fs::path& run_dir) {
  if (report.value("exit_status", 0) == 0) return std::nullopt;
  const RunFailure f = report.contains("failure")
                           ? RunFailure::FromJson(report["failure"])
                           : RunFailure{.status = StatusFromExitCode(report.value("exit_status", 110))
                                                      .value_or(Status::kEnvironment),
                                        .reason = report.value("reason", "")};
  if (f.status == Status::kMethodLimit) return MethodLimit(report, f);
  if (f.kind == FailureKind::kCrash) return Crash(report, f, run_dir);
  if (f.kind == FailureKind::kHang) return Hang(f, run_dir);
  if (auto control = NegativeControl(report.value("config", json::object()))) {
    control->summary += " (" + Shorten(f.reason, 300) + ")";
    return control;
  }
  switch (f.kind) {
    case FailureKind::kPositionAudit: return WrongPosition(report, f);
    case FailureKind::kDivergence: return Divergence(report, f, run_dir);
    case FailureKind::kReplication: return Replication(report, f, run_dir);
    case FailureKind::kBackup: return Backup(f);
    case FailureKind::kCatchup: return Catchup(report, f);
    case FailureKind::kEnvironment: return Environment(f);
    case FailureKind::kLoad:
      if (f.status == Status::kDatabaseCorruption) return Cause{CauseClass::kBugCandidate, f.reason, {}};
      return Environment(f);
    default: break;
  }
  return Cause{CauseClass::kUnknown, f.reason, {{"failure", f.Fields(), "report.json"}}};
}

}  // namespace randsync::triage
