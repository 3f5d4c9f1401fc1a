#include "runners/campaign/campaign_run.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "base/log.h"
#include "base/status.h"
#include "runners/campaign/campaign_report.h"
#include "runners/campaign/trial_runner.h"

namespace randsync::campaign {
namespace fs = std::filesystem;
namespace {

std::atomic<bool> g_stop{false};

std::string Describe(const Trial& t) {
  std::string s;
  for (const auto& c : t.choice) s += (s.empty() ? "" : " ") + c;
  return fmt::format("{}{}seed {}", s, s.empty() ? "" : ", ", t.seed);
}

}  // namespace

void RequestCampaignStop() { g_stop = true; }

int RunCampaign(const CampaignOptions& o) {
  const std::vector<Trial> trials = Shard(DrawTrials(o.spec), o.shard, o.shards);
  CampaignResults results;
  results.spec = o.spec.source;
  results.name = o.spec.name;
  results.shard = o.shard;
  results.shards = o.shards;
  results.planned = static_cast<unsigned>(trials.size());
  const unsigned parallel = std::max(1u, o.parallel ? o.parallel : o.spec.parallel);
  Log("campaign " + o.spec.name,
      fmt::format("{} trial(s){}, {} at once, up to {} s each; results in {}", trials.size(),
                  o.shards > 1 ? fmt::format(" (shard {}/{})", o.shard, o.shards) : "", parallel,
                  o.spec.trial_timeout_s, o.output.string()));
  std::error_code ec;
  fs::create_directories(o.output / "trials", ec);
  if (ec) throw std::runtime_error("cannot create " + (o.output / "trials").string() + ": " + ec.message());
  // Written at once, so that even a campaign killed in its first trial
  // leaves a valid (empty) campaign.json.
  WriteCampaignFiles(results, o.output);

  std::mutex mu;  // guards results and the output lines
  std::atomic<size_t> next{0};
  unsigned finished = 0;
  auto worker = [&] {
    while (!g_stop) {
      const size_t i = next.fetch_add(1);
      if (i >= trials.size()) return;
      const Trial& t = trials[i];
      TrialOptions to;
      to.known_bugs = o.known_bugs;
      to.randsync = o.randsync;
      to.dir = o.output / "trials" / fmt::format("trial-{:04}", t.index);
      to.timeout = std::chrono::seconds(o.spec.trial_timeout_s);
      to.stop = &g_stop;
      TrialResult r = RunTrial(t, to);
      if (r.ok() && !o.keep_passing) {
        std::error_code rm;
        fs::remove_all(to.dir, rm);
        r.run_dir.clear();
      }
      std::lock_guard lock(mu);
      ++finished;
      std::string line = fmt::format("randsync: campaign: [{}/{}] trial {}: {} in {:.1f} s ({})", finished,
                                     trials.size(), t.index, r.status, r.seconds, Describe(t));
      if (!r.ok()) line += fmt::format("\n    {}\n    {}", r.signature, r.run_dir.empty() ? to.dir.string() : r.run_dir.string());
      std::fprintf(stderr, "%s\n", line.c_str());
      results.trials.push_back(std::move(r));
      std::sort(results.trials.begin(), results.trials.end(),
                [](const TrialResult& a, const TrialResult& b) { return a.trial.index < b.trial.index; });
      try {
        WriteCampaignFiles(results, o.output);  // after every trial: a killed campaign keeps what finished
      } catch (const std::exception& e) {
        // Said here; the final write below fails the campaign with it.
        Log("campaign", e.what());
      }
    }
  };
  std::vector<std::thread> workers;
  for (unsigned k = 0; k < parallel && k < trials.size(); ++k) workers.emplace_back(worker);
  for (auto& w : workers) w.join();
  if (g_stop) {
    Log("", fmt::format("campaign interrupted: {} of {} trial(s) finished", results.trials.size(), trials.size()));
  }
  const std::string summary = WriteCampaignFiles(results, o.output);
  std::fputs(summary.c_str(), stdout);
  std::printf("results: %s\n", o.output.string().c_str());
  const int worst = WorstExitStatus(results.trials);
  if (g_stop && worst == 0) return ExitCode(Status::kEnvironment);
  return worst;
}

}  // namespace randsync::campaign
