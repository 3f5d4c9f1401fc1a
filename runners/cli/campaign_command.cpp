// `randsync campaign SPEC`: many `randsync run` trials drawn from a JSON spec
// (runners/campaign/campaign_spec.h), K at once, --shard i/N for CI matrices
// and schedulers, and `randsync campaign merge DIR...` to combine shards.
#include <csignal>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "runners/campaign/campaign_report.h"
#include "runners/campaign/campaign_run.h"
#include "runners/campaign/campaign_spec.h"
#include "runners/cli/subcommands.h"
#include "runners/triage/known_bugs.h"
#include "runners/server/child_registry.h"

namespace randsync::cli {
namespace {

namespace fs = std::filesystem;

struct CampaignCliOptions {
  std::string spec;
  std::string shard = "1/1";
  unsigned parallel = 0;
  std::string output;
  std::string results = "results";
  bool keep_passing = false;
  std::vector<std::string> known_bugs;
  bool list = false;
  std::vector<std::string> merge_inputs;
  std::string merge_output = ".";
};

extern "C" void OnCampaignSignal(int) { campaign::RequestCampaignStop(); }

fs::path SelfBinary() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("randsync") : self;
}

fs::path DefaultOutput(const CampaignCliOptions& o, const campaign::CampaignSpec& spec, unsigned i, unsigned n) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::string name = fmt::format("campaign-{}-{:%Y%m%d-%H%M%S}", spec.name, tm);
  if (n > 1) name += fmt::format("-shard-{}-of-{}", i, n);
  return fs::path(o.results) / name;
}

int RunCampaignCommand(const CampaignCliOptions& o) {
  campaign::CampaignOptions c;
  c.spec = campaign::ReadCampaignSpec(o.spec);
  std::tie(c.shard, c.shards) = campaign::ParseShard(o.shard);
  if (o.list) {
    for (const campaign::Trial& t : campaign::Shard(campaign::DrawTrials(c.spec), c.shard, c.shards)) {
      std::string args;
      for (const auto& a : t.args) args += " " + a;
      std::printf("%u seed=%llu%s\n", t.index, static_cast<unsigned long long>(t.seed), args.c_str());
    }
    return 0;
  }
  c.output = o.output.empty() ? DefaultOutput(o, c.spec, c.shard, c.shards) : fs::path(o.output);
  c.randsync = SelfBinary();
  c.parallel = o.parallel;
  c.keep_passing = o.keep_passing;
  for (const std::string& f : o.known_bugs) c.known_bugs.push_back(fs::absolute(f).string());
  triage::LoadKnownBugs(c.known_bugs);  // a bad file fails here, not in every trial
  std::signal(SIGINT, OnCampaignSignal);
  std::signal(SIGTERM, OnCampaignSignal);
  return campaign::RunCampaign(c);
}

int MergeCommand(const CampaignCliOptions& o) {
  std::vector<fs::path> inputs(o.merge_inputs.begin(), o.merge_inputs.end());
  const campaign::CampaignResults merged = campaign::MergeCampaigns(inputs);
  const std::string summary = campaign::WriteCampaignFiles(merged, o.merge_output);
  std::fputs(summary.c_str(), stdout);
  std::printf("results: %s\n", o.merge_output.c_str());
  return campaign::WorstExitStatus(merged.trials);
}

}  // namespace

Runner RegisterCampaign(CLI::App& app) {
  auto o = std::make_shared<CampaignCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "campaign",
      "Many `randsync run` trials drawn from a JSON spec (dimensions: any run option and its values), K at once; "
      "keeps the artifacts of failing trials; campaign.json, junit.xml, summary.txt; exits with the worst status");
  cmd->add_option("spec", o->spec, "The campaign spec (JSON)")->check(CLI::ExistingFile);
  cmd->add_option("--shard", o->shard, "Run slice i of N of the trial list (for CI matrices, buildbot workers, "
                  "Slurm arrays); merge the shards' folders afterwards")
      ->capture_default_str();
  cmd->add_option("--parallel", o->parallel, "Trials at once (default: the spec's \"parallel\")");
  cmd->add_option("--output", o->output, "The campaign's folder (default: results/campaign-<name>-<time>)");
  cmd->add_option("--results", o->results, "Where the default campaign folder goes")->capture_default_str();
  cmd->add_flag("--keep-passing", o->keep_passing, "Keep the artifacts of passing trials too");
  cmd->add_option("--known-bugs", o->known_bugs, "A file of known failure patterns (ID FIELD=VALUE|FIELD~REGEX ... -- NOTE); a failure that matches one is labelled with its id (repeatable; randsync ships known-bugs.txt)")->check(CLI::ExistingFile);
  cmd->add_flag("--list", o->list, "Print the (sharded) trial list and exit");
  CLI::App* merge = cmd->add_subcommand("merge", "Combine the campaign.json of shards into one campaign report");
  merge->add_option("inputs", o->merge_inputs, "Campaign folders (or campaign.json files) of the shards")
      ->required()
      ->check(CLI::ExistingPath);
  merge->add_option("--output", o->merge_output, "Where the merged campaign.json, junit.xml, summary.txt go")
      ->capture_default_str();
  cmd->parse_complete_callback([cmd, o] {
    if (!cmd->got_subcommand("merge") && o->spec.empty()) {
      throw CLI::ValidationError("campaign needs a SPEC file (or: campaign merge DIR...)");
    }
  });
  return [cmd, o]() -> int {
    if (cmd->got_subcommand("merge")) return MergeCommand(*o);
    return RunCampaignCommand(*o);
  };
}

}  // namespace randsync::cli
