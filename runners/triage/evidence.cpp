#include "runners/triage/evidence.h"

#include <algorithm>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "base/text_util.h"
#include "checker/check_report.h"
#include "checker/row_diff.h"
#include "runners/triage/explain.h"
#include "runners/triage/in_flight.h"

namespace randsync::triage {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

constexpr size_t kValueShown = 60;

std::string Shown(const std::optional<std::string>& v) {
  return v ? "'" + Shorten(*v, kValueShown) + "'" : "NULL";
}

std::string KeyText(const checker::RowDifference& d) {
  std::string out;
  for (size_t i = 0; i < d.key_columns.size() && i < d.key_values.size(); ++i) {
    out += fmt::format("{}{}={}", i ? ", " : "", d.key_columns[i], Shown(d.key_values[i]));
  }
  return out;
}

std::string RowText(const checker::TableCheck& t, const checker::RowDifference& d) {
  std::string text = fmt::format("{}.{} {}: {}", QuoteIdentifier(t.ref.database), QuoteIdentifier(t.ref.table),
                                 KeyText(d), checker::ToString(d.kind));
  for (const checker::ColumnDifference& c : d.columns) {
    text += fmt::format("; {} master {}, slave {}", c.column, Shown(c.master), Shown(c.slave));
  }
  if (d.count > 1) text += fmt::format(" (x{})", d.count);
  return text;
}

// "test.t", "`test`.`t`" and "t" name one table for these lookups.
std::string Unquoted(std::string name) {
  name.erase(std::remove(name.begin(), name.end(), '`'), name.end());
  return name;
}

constexpr size_t kMaxFrames = 8;

// The signal handler's own frames come first in the server's report and
// say nothing.
bool IsSignalHandlerFrame(const std::string& line) {
  return line.find("my_print_stacktrace") != std::string::npos ||
         line.find("handle_fatal_signal") != std::string::npos;
}

// The first `max` frames ("#N  ...") of the thread gdb names current in
// `file` (backtrace.h: `thread apply all bt` of the core), the C library's
// frames of raising the signal left out; none when unreadable.
std::vector<std::string> CrashingThreadFrames(const std::string& file, size_t max) {
  std::vector<std::string> frames;
  if (file.empty()) return frames;
  std::ifstream in(file);
  std::string line, header;
  static const std::regex current(R"(^\[Current thread is (\d+) )");
  bool in_thread = false;
  while (std::getline(in, line) && frames.size() < max) {
    std::smatch m;
    if (header.empty() && std::regex_search(line, m, current)) {
      header = "Thread " + m[1].str() + " (";
    } else if (!header.empty() && line.rfind(header, 0) == 0) {
      in_thread = true;
    } else if (in_thread && line.empty()) {
      break;
    } else if (in_thread && line.rfind("#", 0) == 0) {
      const bool libc_raise = line.find("pthread_kill") != std::string::npos ||
                              line.find("__GI_raise") != std::string::npos || IsSignalHandlerFrame(line);
      if (!libc_raise) frames.push_back(line);
    }
  }
  return frames;
}

bool IsFrame(const std::string& line) {
  return line.find("[0x") != std::string::npos || line.find("(+0x") != std::string::npos;
}

}  // namespace

checker::CheckReport ReadCheck(const fs::path& run_dir, const std::string& name) {
  std::ifstream in(run_dir / "checks" / (name + ".json"));
  if (!in) return {};
  const json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? checker::CheckReport{} : checker::CheckReportFromJson(j);
}

DifferenceCount AddDifferingRows(const checker::CheckReport& check, std::vector<Evidence>& out) {
  DifferenceCount n;
  n.schema = check.schema.size();
  for (const checker::SchemaDifference& d : check.schema) out.push_back({"schema difference", d.ToString(), ""});
  size_t listed = 0;
  for (const checker::TableCheck& t : check.tables) {
    if (t.outcome != checker::TableCheck::Outcome::kDifferent) continue;
    ++n.tables;
    n.rows += t.missing + t.extra + t.different;
    for (const checker::RowDifference& d : t.rows) {
      if (listed++ >= kMaxRowEvidence) break;
      out.push_back({"differing row", RowText(t, d), ""});
    }
  }
  if (listed > kMaxRowEvidence) {
    out.push_back({"differing row", fmt::format("... and more (the check lists them all)"), ""});
  }
  return n;
}

void AddUncoveredTables(const json& report, const std::string& table, std::vector<Evidence>& out) {
  const json tables = report.value("uncovered_tables", json::array());
  std::vector<const json*> chosen;
  for (const json& t : tables) {
    if (!table.empty() && Unquoted(t.value("table", "")) == Unquoted(table)) chosen.push_back(&t);
  }
  if (chosen.empty()) {
    for (const json& t : tables) chosen.push_back(&t);
  }
  for (size_t i = 0; i < chosen.size() && i < kMaxRowEvidence; ++i) {
    const json& t = *chosen[i];
    out.push_back({"uncovered table",
                   fmt::format("{} ({}): {}", t.value("table", ""), t.value("engine", ""), t.value("reason", "")),
                   "report.json"});
  }
}

void AddCoverage(const json& report, const std::string& table, std::vector<Evidence>& out) {
  if (table.empty()) return;
  for (const json& t : report.value("uncovered_tables", json::array())) {
    if (Unquoted(t.value("table", "")) == Unquoted(table)) {
      out.push_back({"coverage", fmt::format("the method cannot make {} ({}) consistent: {}", table,
                                             t.value("engine", ""), t.value("reason", "")),
                     "report.json"});
      return;
    }
  }
  out.push_back({"coverage",
                 fmt::format("{} covers {}: its rows should be at the backup's point", report.value("backup_variant",
                                                                                                    std::string("the method")),
                             table),
                 "report.json"});
}

void AddAuditContradictions(const json& report, std::vector<Evidence>& out) {
  const json audit = report.value("backup_position", json::object()).value("audit", json::object());
  for (const json& c : audit.value("checks", json::array())) {
    if (c.value("verdict", "") != "wrong") continue;
    out.push_back({"position audit", c.value("check", "") + ": " + c.value("detail", ""), "report.json"});
  }
}

void AddReplicationStop(const json& report, std::vector<Evidence>& out) {
  if (!report.contains("replication_failure")) return;
  const json& r = report["replication_failure"];
  out.push_back({"replication error",
                 fmt::format("{} thread, error {}: {}", r.value("thread", ""), r.value("error_number", 0u),
                             Shorten(r.value("error", ""), 400)),
                 "report.json"});
  if (!r.value("gtid", "").empty() || !r.value("event_position", "").empty()) {
    out.push_back({"failing transaction",
                   fmt::format("GTID {}, master log position {}", r.value("gtid", "-"), r.value("event_position", "-")),
                   "report.json"});
  }
}

void AddBacktrace(const json& report, std::vector<Evidence>& out) {
  const json crash = report.value("crash", json::object());
  const std::vector<std::string> tail = crash.value("error_log_tail", std::vector<std::string>{});
  const std::string log = crash.value("error_log", "");
  if (const std::string query = CrashingQuery(report); !query.empty()) {
    out.push_back({"crashing query", Shorten(query, 400), log});
  }
  // The server's own report is cut short when it dies while printing it
  // (seen: nothing after "stack_bottom" on a SIGABRT); gdb's of the core
  // is whole.
  const std::string core_trace = crash.value("backtrace", "");
  size_t frames = 0;
  for (const std::string& frame : CrashingThreadFrames(core_trace, kMaxFrames)) {
    out.push_back({"backtrace", Shorten(frame, 200), core_trace});
    ++frames;
  }
  for (const std::string& line : tail) {
    if (frames >= kMaxFrames) break;
    if (IsFrame(line) && !IsSignalHandlerFrame(line)) {
      out.push_back({"backtrace", Shorten(line, 200), log});
      ++frames;
    }
  }
  if (frames > 0) return;
  const size_t from = tail.size() > 5 ? tail.size() - 5 : 0;
  for (size_t i = from; i < tail.size(); ++i) out.push_back({"error log", Shorten(tail[i], 200), log});
}

void AddStatementsInFlight(const fs::path& run_dir, std::vector<Evidence>& out) {
  for (const SentStatement& s : LastSentStatements(run_dir, kMaxRowEvidence)) {
    out.push_back({"statement in flight", fmt::format("thread {}: {}", s.thread, Shorten(s.text, 300)),
                   fmt::format("queries/thread-{}.sql (statement {})", s.thread, s.number)});
  }
}

bool LooksLikeInternalError(const std::string& reason) {
  // What libstdc++ and nlohmann::json put in what(): randsync's own code
  // met a value it did not expect.
  for (const char* s : {"stoull", "stoul", "stoi", "stoll", "vector::_M_range_check", "basic_string::", "map::at",
                        "[json.exception.", "bad_optional_access", "std::bad_alloc"}) {
    if (reason.find(s) != std::string::npos) return true;
  }
  return false;
}

}  // namespace randsync::triage
