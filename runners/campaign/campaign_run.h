// Running a campaign on this machine: the (sharded) trial list, K trials at
// once as `randsync run` child processes (each picks its own free ports and
// has its own folder, so they never clash), one line per finished trial,
// the artifacts of passing trials removed, the campaign's files written
// (campaign_report.h) even when it is interrupted.
#pragma once

#include <filesystem>
#include <string>

#include "runners/campaign/campaign_spec.h"

namespace randsync::campaign {

struct CampaignOptions {
  CampaignSpec spec;
  std::filesystem::path output;    // the campaign's folder (created)
  std::filesystem::path randsync;  // the binary that runs the trials
  unsigned shard = 1, shards = 1;
  unsigned parallel = 0;           // 0: the spec's
  bool keep_passing = false;       // keep every trial's artifacts
  std::vector<std::string> known_bugs;  // --known-bugs files, given to every trial
};

// Returns the campaign's exit status (the worst trial's).
int RunCampaign(const CampaignOptions& options);

// From a signal handler: start no more trials, end the running ones (SIGINT
// to each), write the files of what finished.
void RequestCampaignStop();

}  // namespace randsync::campaign
