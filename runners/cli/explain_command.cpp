// `randsync explain RESULTS_DIR`: the cause of a failed run, from what the
// run left (runners/triage/explain.h). Prints the cause and its evidence,
// and writes it into the run's report.json ("cause") and summary.txt, so a
// run from before explain existed, or one explained again after a fix to
// the explainer, reads as a new run does. Exit 0 when explained (a passing
// run has nothing to explain), 110 when the folder holds no report.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runners/cli/subcommands.h"
#include "runners/scenario/run_report.h"
#include "runners/scenario/run_failure.h"
#include "runners/triage/explain.h"
#include "runners/triage/known_bugs.h"

namespace randsync::cli {
namespace {

namespace fs = std::filesystem;

struct ExplainCliOptions {
  std::string run_dir;
  bool no_write = false;
  std::vector<std::string> known_bugs;
};

nlohmann::json ReadReport(const fs::path& dir) {
  std::ifstream in(dir / "report.json");
  if (!in) throw std::runtime_error((dir / "report.json").string() + ": no report (not a `randsync run` results folder)");
  nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  if (!report.is_object()) throw std::runtime_error((dir / "report.json").string() + ": not a JSON report");
  return report;
}

int Explain(const ExplainCliOptions& o) {
  const fs::path dir = fs::absolute(o.run_dir);
  nlohmann::json report = ReadReport(dir);
  const std::optional<triage::Cause> cause = triage::Explain(report, dir);
  if (!cause) {
    std::printf("%s: the run passed (%s): nothing to explain\n", dir.string().c_str(),
                report.value("status", std::string("STATUS_OK")).c_str());
    return 0;
  }
  std::printf("status: %s (exit %d)\ncause: %s\n", report.value("status", std::string("?")).c_str(),
              report.value("exit_status", -1), cause->Line().c_str());
  for (const triage::Evidence& e : cause->evidence) {
    std::printf("  %s: %s%s\n", e.what.c_str(), e.text.c_str(), e.file.empty() ? "" : fmt::format(" [{}]", e.file).c_str());
  }
  const triage::KnownBugs known = triage::LoadKnownBugs(o.known_bugs);
  const triage::KnownBug* bug =
      report.contains("failure") ? known.Match(scenario::RunFailure::FromJson(report["failure"]), &*cause) : nullptr;
  if (bug != nullptr) std::printf("known bug: %s: %s (%s)\n", bug->id.c_str(), bug->note.c_str(), bug->source.c_str());
  if (!o.no_write) {
    report["cause"] = cause->ToJson();
    if (bug != nullptr) {
      report["known_bug"] = triage::ToJson(*bug);
    } else {
      report.erase("known_bug");
    }
    scenario::WriteRunReport(report, dir);
  }
  return 0;
}

}  // namespace

Runner RegisterExplain(CLI::App& app) {
  auto o = std::make_shared<ExplainCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "Say why a `randsync run` failed (results/<run-id>/): the class of the cause (method limitation, "
                 "unsafe statement, wrong backup position, bug candidate, randsync's fault, environment) and its "
                 "evidence; written into the run's report.json and summary.txt");
  cmd->add_option("run_dir", o->run_dir, "The run's results folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_flag("--no-write", o->no_write, "Only print; leave report.json and summary.txt as they are");
  cmd->add_option("--known-bugs", o->known_bugs,
                  "A file of known failure patterns (ID FIELD=VALUE|FIELD~REGEX ... -- NOTE) to label the failure "
                  "with (repeatable; randsync ships known-bugs.txt)")
      ->check(CLI::ExistingFile);
  return [o]() -> int { return Explain(*o); };
}

}  // namespace randsync::cli
