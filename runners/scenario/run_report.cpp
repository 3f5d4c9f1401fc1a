#include "runners/scenario/run_report.h"

#include "runners/scenario/result_file.h"
#include "runners/scenario/run_failure.h"
#include "runners/triage/cause.h"

#include <fstream>

#include <fmt/format.h>

namespace randsync::scenario {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

double Num(const json& j, const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0; }

bool PhaseFailed(const json& p) {
  const std::string r = Str(p, "result");
  return !r.empty() && r != "ok";
}

}  // namespace

std::string XmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string SummaryText(const json& report, const fs::path& run_dir) {
  std::string out = fmt::format("randsync run {}\n", run_dir.filename().string());
  for (const auto& p : report.value("phases", json::array())) {
    out += fmt::format("  {:<22} {:7.2f} s", Str(p, "phase"), Num(p, "seconds"));
    if (p.contains("result")) out += "  " + Str(p, "result");
    if (p.contains("slaves")) {  // a check of several slaves: each one's verdict
      std::string each;
      for (const auto& s : p["slaves"]) each += fmt::format("{}{}: {}", each.empty() ? "" : ", ", Str(s, "slave"), Str(s, "result"));
      out += " (" + each + ")";
    }
    if (!Str(p, "gtid").empty()) out += "  GTID " + Str(p, "gtid");
    if (!Str(p, "position").empty()) out += "  at " + Str(p, "position");
    if (!Str(p, "verdict").empty()) out += "  " + Str(p, "verdict");
    if (!Str(p, "note").empty()) out += "  " + Str(p, "note");
    if (p.contains("longest_stall_ms")) {
      out += fmt::format("  longest load statement {:.1f} ms", Num(p, "longest_stall_ms"));
      if (Num(p, "commit_block_ms") > 0) out += fmt::format(" (commits blocked {:.1f} ms)", Num(p, "commit_block_ms"));
    }
    out += "\n";
  }
  if (report.contains("backup_position")) {
    const json& b = report["backup_position"];
    const json audit = b.value("audit", json::object());
    out += fmt::format("  start position: {}:{}{} from the {}; audit {}\n", Str(b, "binlog_file"),
                       b.value("binlog_pos", 0ULL), Str(b, "gtid").empty() ? "" : " GTID " + Str(b, "gtid"),
                       Str(b, "source"), Str(audit, "verdict").empty() ? "not made" : Str(audit, "verdict"));
  }
  if (report.contains("replica_backup")) {
    const json& r = report["replica_backup"];
    const json b = r.value("backup_position", json::object());
    const json audit = b.value("audit", json::object());
    const std::string at = Str(b, "binlog_file").empty()
                               ? "GTID " + Str(b, "gtid")
                               : fmt::format("{}:{}{}", Str(b, "binlog_file"), b.value("binlog_pos", 0ULL),
                                             Str(b, "gtid").empty() ? "" : " GTID " + Str(b, "gtid"));
    const std::string from = Str(r, "replicates_from") == "slave" ? "the first slave" : "the master";
    if (r.value("replicating", false)) {
      out += fmt::format("  slave2: {} of slave 1, replicating from {}, start {} from the {}; audit {}\n",
                         Str(r, "variant"), from, at, Str(b, "source"),
                         Str(audit, "verdict").empty() ? "not made" : Str(audit, "verdict"));
    } else {
      out += fmt::format("  slave2: {} of slave 1, for a slave of {}: not started (see status)\n", Str(r, "variant"),
                         from);
    }
  }
  if (report.contains("partial_backup")) {
    const json& p = report["partial_backup"];
    out += fmt::format("  partial backup ({}): {} tables; the slave replicated and the checks compared only them\n",
                       Str(p, "selection"), p.value("tables", json::array()).size());
  }
  if (report.contains("load")) out += "  " + Str(report["load"], "summary_line") + "\n";
  if (report.contains("load_rate")) {
    const json& r = report["load_rate"];
    // "After it" is a figure only when the load went on after the backup,
    // and it is the rate with a slave replicating only when one did.
    std::string after;
    if (Num(r, "after_backup_seconds") > 0) {
      after = fmt::format("; {:.0f} after it{}", Num(r, "after_backup_per_s"),
                          r.value("slave_replicating", true) ? " (slave replicating)" : " (no slave replicating)");
    }
    out += fmt::format("  load during the backup: {:.0f} statements/s vs {:.0f} before it ({:.0f}%){}\n",
                       Num(r, "during_backup_per_s"), Num(r, "before_backup_per_s"), 100 * Num(r, "ratio"), after);
  }
  for (const auto& w : report.value("warnings", json::array())) out += "warning: " + w.get<std::string>() + "\n";
  out += fmt::format("status: {} (exit {}){}\n", Str(report, "status"), report.value("exit_status", -1),
                     Str(report, "reason").empty() ? "" : ": " + Str(report, "reason"));
  if (report.contains("failure")) out += "failure: " + RunFailure::FromJson(report["failure"]).Fields() + "\n";
  if (report.contains("cause")) {
    // The cause and the first of its evidence: enough to decide what to do
    // next without opening another file (report.json has all of it).
    const triage::Cause cause = triage::Cause::FromJson(report["cause"]);
    out += "cause: " + cause.Line() + "\n";
    constexpr size_t kShown = 6;
    for (size_t i = 0; i < cause.evidence.size() && i < kShown; ++i) {
      const triage::Evidence& e = cause.evidence[i];
      out += fmt::format("  {}: {}{}\n", e.what, e.text, e.file.empty() ? "" : " [" + e.file + "]");
    }
    if (cause.evidence.size() > kShown) {
      out += fmt::format("  ... {} more in report.json cause\n", cause.evidence.size() - kShown);
    }
  }
  if (report.contains("known_bug")) {
    const json& k = report["known_bug"];
    out += fmt::format("known bug: {}: {} ({})\n", Str(k, "id"), Str(k, "note"), Str(k, "source"));
  }
  if (report.contains("crash")) {
    const json& c = report["crash"];
    out += fmt::format("{} error log {} ends:\n", Str(c, "server"), Str(c, "error_log"));
    const json tail = c.value("error_log_tail", json::array());
    const size_t from = tail.size() > 12 ? tail.size() - 12 : 0;
    for (size_t i = from; i < tail.size(); ++i) out += "  " + tail[i].get<std::string>() + "\n";
  }
  out += "results: " + run_dir.string() + "\n";
  return out;
}

std::string JUnitXml(const json& report, const std::string& run_id) {
  const json phases = report.value("phases", json::array());
  const bool ok = report.value("exit_status", -1) == 0;
  unsigned failures = ok ? 0 : 1;
  for (const auto& p : phases) failures += PhaseFailed(p) ? 1 : 0;
  const std::string cls = XmlEscape("randsync.run." + run_id);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites>\n<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
                     cls, phases.size() + 1, failures, Num(report, "seconds"));
  for (const auto& p : phases) {
    out += fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", cls, XmlEscape(Str(p, "phase")),
                       Num(p, "seconds"));
    if (PhaseFailed(p)) {
      out += fmt::format(">\n    <failure message=\"{}\"/>\n  </testcase>\n",
                         XmlEscape(Str(p, "result") + (Str(p, "gtid").empty() ? "" : " at GTID " + Str(p, "gtid"))));
    } else {
      out += "/>\n";
    }
  }
  out += fmt::format("  <testcase classname=\"{}\" name=\"status\" time=\"{:.3f}\"", cls, Num(report, "seconds"));
  if (ok) {
    out += "/>\n";
  } else {
    // The typed fields go in the failure's text: CI pages show it under the message.
    const std::string fields =
        report.contains("failure") ? RunFailure::FromJson(report["failure"]).Fields() : std::string();
    out += fmt::format(">\n    <failure type=\"{}\" message=\"{}\">{}</failure>\n  </testcase>\n",
                       XmlEscape(Str(report, "status")), XmlEscape(Str(report, "reason")), XmlEscape(fields));
  }
  out += "</testsuite>\n</testsuites>\n";
  return out;
}

std::string WriteRunReport(const json& report, const fs::path& run_dir) {
  WriteResultFile(run_dir / "report.json", report.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  const std::string summary = SummaryText(report, run_dir);
  WriteResultFile(run_dir / "summary.txt", summary);
  WriteResultFile(run_dir / "junit.xml", JUnitXml(report, run_dir.filename().string()));
  return summary;
}

}  // namespace randsync::scenario
