// One campaign trial: `randsync run` in a child process with its own
// results folder, a time limit (SIGINT, so the run writes its partial
// report and stops its servers; SIGKILL after a grace period), and the
// outcome read back from the run's report.json.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "runners/campaign/campaign_spec.h"

namespace randsync::campaign {

struct TrialResult {
  Trial trial;
  int exit_status = 0;        // the run's exit status (110 when it left no report)
  std::string status;         // "STATUS_OK", ...
  std::string reason;         // the run's one-line reason
  std::string signature;      // what groups equal failures (signature.h)
  std::string known_bug;      // the known failure pattern it matched (known_bugs.h), "" when new
  double seconds = 0;
  bool timed_out = false;
  bool interrupted = false;   // ended because the campaign was
  std::filesystem::path run_dir;  // results/<run-id>/ of the trial; empty once removed

  bool ok() const { return exit_status == 0; }
  nlohmann::json ToJson() const;
  static TrialResult FromJson(const nlohmann::json& j);
};

struct TrialOptions {
  std::filesystem::path randsync;  // the binary to run (this one)
  std::filesystem::path dir;       // the trial's folder: trial.log and results/
  std::chrono::seconds timeout{900};
  std::chrono::seconds grace{90};  // after SIGINT, before SIGKILL
  std::vector<std::string> known_bugs;  // --known-bugs files every trial reads
  // When it turns true (the campaign was interrupted), the trial is ended
  // like one over its time.
  const std::atomic<bool>* stop = nullptr;
};

// Runs the trial to its end; never throws for a failing run.
TrialResult RunTrial(const Trial& trial, const TrialOptions& options);

}  // namespace randsync::campaign
