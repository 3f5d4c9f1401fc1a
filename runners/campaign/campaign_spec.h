// A campaign: many `randsync run` trials drawn from dimensions, as a JSON
// spec file. Every dimension is a `randsync run` option and the values it
// may take, so whatever `run` can vary a campaign can vary:
//
//   {
//     "name": "nightly",
//     "seed": 42,                      // the draw and the trials' seeds
//     "draw": "random",                // or "all": every combination
//     "trials": 6,                     // random draws (ignored by "all")
//     "parallel": 2,                   // trials at once on this machine
//     "trial_timeout_s": 600,          // then SIGINT, then SIGKILL
//     "args": ["--duration", "20"],    // every trial gets these
//     "dimensions": {
//       "--grammar": ["grammars/default.yy", "my.yy"],
//       "--backup": ["mariabackup", "mariadb-dump"],
//       "--master-option": [[], ["--innodb-flush-log-at-trx-commit=1"]],
//       "--basedir": ["/opt/mariadb-11.4", "/opt/mariadb-11.8"]
//     }
//   }
//
// A value is a string (one `--opt value`), a list of strings (the option
// repeated once per element; [] leaves it out) or null (left out).
// Relative paths in values are the user's business: trials run in the
// directory the campaign was started from.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace randsync::campaign {

struct Dimension {
  std::string option;  // "--backup"
  // Each value as the arguments it adds: {} or {"--backup", "mariabackup"}
  // or {"--master-option", "a", "--master-option", "b"}.
  std::vector<std::vector<std::string>> values;
  std::vector<std::string> labels;  // each value as shown: "mariabackup", "[]", ...
};

struct CampaignSpec {
  std::string name = "campaign";
  uint64_t seed = 1;
  bool all_combinations = false;
  unsigned trials = 10;
  unsigned parallel = 1;
  unsigned trial_timeout_s = 900;
  std::vector<std::string> args;
  std::vector<Dimension> dimensions;  // in the file's order
  nlohmann::ordered_json source;      // the spec as read, for campaign.json
};

// Throws InputError-like std::invalid_argument naming the file and what is
// wrong ("spec.json: dimension --backup: value 2 is not a string, list or
// null").
CampaignSpec ReadCampaignSpec(const std::filesystem::path& file);
CampaignSpec ParseCampaignSpec(const std::string& text, const std::string& name_for_errors);

struct Trial {
  unsigned index = 0;  // 1-based, stable across shards
  uint64_t seed = 0;
  std::vector<std::string> args;    // everything after `randsync run` but --seed/--results
  std::vector<std::string> choice;  // the label of each dimension's value, in dimension order
};

// The whole trial list: every combination in order (the last dimension
// varying fastest), or `trials` random draws. A pure function of the spec.
std::vector<Trial> DrawTrials(const CampaignSpec& spec);

// Shard `i` of `n` (1-based): the trials whose index is i modulo n, so the
// shards of one spec partition its trial list whatever machines run them.
std::vector<Trial> Shard(const std::vector<Trial>& trials, unsigned i, unsigned n);

// "2/4" -> {2, 4}; throws std::invalid_argument for anything else.
std::pair<unsigned, unsigned> ParseShard(const std::string& text);

}  // namespace randsync::campaign
