// What a campaign leaves: campaign.json (the spec, the shard, every trial's
// outcome), junit.xml (one test case per trial), summary.txt (trials per
// status and failures grouped by signature), and the campaign's exit status,
// the worst of its trials'. Merging the campaign.json of several shards
// gives the same files as one unsharded campaign.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runners/campaign/trial_runner.h"

namespace randsync::campaign {

struct CampaignResults {
  nlohmann::ordered_json spec;  // as read
  std::string name;
  unsigned shard = 1, shards = 1;
  unsigned planned = 0;  // trials in this shard's list
  std::vector<TrialResult> trials;  // finished ones, by index
};

// Ranks statuses for "the worst": a crash, corruption, divergence and
// replication failure are findings and outrank timeouts, backup and
// environment failures; anything failed outranks ok.
int WorstExitStatus(const std::vector<TrialResult>& trials);

// Trials per status, then failures grouped by signature (count and trial
// numbers), most frequent first.
std::string SummaryTable(const CampaignResults& r);

std::string JUnitXml(const CampaignResults& r);
nlohmann::ordered_json ToJson(const CampaignResults& r);
// Throws std::invalid_argument naming the file when it is not a campaign.json.
CampaignResults ReadCampaignJson(const std::filesystem::path& file);

// Writes campaign.json, junit.xml and summary.txt into `dir`; returns the
// summary text. Throws std::runtime_error naming a file it cannot write.
std::string WriteCampaignFiles(const CampaignResults& r, const std::filesystem::path& dir);

// The shards' campaign.json (a campaign folder or the file itself each)
// as one campaign: trials by index, each once. Throws std::invalid_argument
// when they are not shards of one spec or a trial appears twice.
CampaignResults MergeCampaigns(const std::vector<std::filesystem::path>& inputs);

}  // namespace randsync::campaign
