#include "runners/campaign/campaign_report.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "base/status.h"
#include "runners/scenario/result_file.h"
#include "runners/scenario/run_report.h"

namespace randsync::campaign {
namespace fs = std::filesystem;
using scenario::XmlEscape;
using nlohmann::ordered_json;
namespace {

std::string Choice(const TrialResult& t) {
  std::string s;
  for (const auto& c : t.trial.choice) s += (s.empty() ? "" : " ") + c;
  return s;
}

}  // namespace

int WorstExitStatus(const std::vector<TrialResult>& trials) {
  int worst = 0;
  for (const TrialResult& t : trials) {
    if (Rank(t.exit_status) > Rank(worst) || (worst == 0 && t.exit_status != 0)) worst = t.exit_status;
  }
  return worst;
}

std::string SummaryTable(const CampaignResults& r) {
  std::string out = fmt::format("campaign {}{}: {} of {} trials finished\n", r.name,
                                r.shards > 1 ? fmt::format(" (shard {}/{})", r.shard, r.shards) : "",
                                r.trials.size(), r.planned);
  std::map<std::string, unsigned> per_status;
  for (const TrialResult& t : r.trials) ++per_status[t.status.empty() ? "?" : t.status];
  out += "trials per status:\n";
  for (const auto& [status, n] : per_status) out += fmt::format("  {:<30} {:5}\n", status, n);
  // Known failures (a known-bugs entry matched) apart from new ones.
  std::map<std::string, std::vector<unsigned>> groups, known;
  for (const TrialResult& t : r.trials) {
    if (t.ok()) continue;
    (t.known_bug.empty() ? groups[t.signature] : known[t.known_bug]).push_back(t.trial.index);
  }
  auto trial_list = [](const std::vector<unsigned>& trials) {
    std::string list;
    for (size_t i = 0; i < trials.size() && i < 10; ++i) list += (i ? "," : "") + std::to_string(trials[i]);
    if (trials.size() > 10) list += ",...";
    return list;
  };
  if (groups.empty()) {
    out += known.empty() ? "no failures\n" : "no new failures\n";
  } else {
    std::vector<std::pair<std::string, std::vector<unsigned>>> sorted(groups.begin(), groups.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
    out += known.empty() ? "failures by signature:\n" : "new failures by signature:\n";
    for (const auto& [signature, trials] : sorted) {
      out += fmt::format("  {:4}x  {}  (trials {})\n", trials.size(), signature, trial_list(trials));
    }
  }
  if (!known.empty()) {
    out += "known failures (known-bugs):\n";
    for (const auto& [id, trials] : known) {
      out += fmt::format("  {:4}x  {}  (trials {})\n", trials.size(), id, trial_list(trials));
    }
  }
  const int worst = WorstExitStatus(r.trials);
  out += fmt::format("exit status: {}\n", worst);
  return out;
}

std::string JUnitXml(const CampaignResults& r) {
  unsigned failures = 0;
  double seconds = 0;
  for (const TrialResult& t : r.trials) {
    failures += t.ok() ? 0 : 1;
    seconds += t.seconds;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  out += fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
                     XmlEscape("randsync.campaign." + r.name), r.trials.size(), failures, seconds);
  for (const TrialResult& t : r.trials) {
    out += fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"",
                       XmlEscape("randsync.campaign." + r.name),
                       XmlEscape(fmt::format("trial-{:04} {} seed={}", t.trial.index, Choice(t), t.trial.seed)),
                       t.seconds);
    if (t.ok()) {
      out += "/>\n";
    } else {
      out += fmt::format(">\n    <failure type=\"{}\" message=\"{}\">{}</failure>\n  </testcase>\n",
                         XmlEscape(t.status), XmlEscape(t.signature),
                         XmlEscape(t.reason + (t.run_dir.empty() ? "" : "\nresults: " + t.run_dir.string())));
    }
  }
  out += "</testsuite>\n</testsuites>\n";
  return out;
}

ordered_json ToJson(const CampaignResults& r) {
  ordered_json j;
  j["name"] = r.name;
  j["shard"] = r.shard;
  j["shards"] = r.shards;
  j["planned"] = r.planned;
  j["exit_status"] = WorstExitStatus(r.trials);
  j["spec"] = r.spec;
  j["trials"] = ordered_json::array();
  for (const TrialResult& t : r.trials) j["trials"].push_back(ordered_json::parse(t.ToJson().dump()));
  return j;
}

CampaignResults ReadCampaignJson(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument(file.string() + ": cannot read");
  const ordered_json j = ordered_json::parse(in, nullptr, false);
  if (!j.is_object() || !j.contains("trials") || !j.contains("spec")) {
    throw std::invalid_argument(file.string() + ": not a campaign.json");
  }
  CampaignResults r;
  r.spec = j["spec"];
  r.name = j.value("name", "campaign");
  r.shard = j.value("shard", 1u);
  r.shards = j.value("shards", 1u);
  r.planned = j.value("planned", 0u);
  for (const auto& t : j["trials"]) r.trials.push_back(TrialResult::FromJson(nlohmann::json::parse(t.dump())));
  return r;
}

std::string WriteCampaignFiles(const CampaignResults& r, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  scenario::WriteResultFile(dir / "campaign.json",
                            ToJson(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  scenario::WriteResultFile(dir / "junit.xml", JUnitXml(r));
  const std::string summary = SummaryTable(r);
  scenario::WriteResultFile(dir / "summary.txt", summary);
  return summary;
}

CampaignResults MergeCampaigns(const std::vector<fs::path>& inputs) {
  if (inputs.empty()) throw std::invalid_argument("campaign merge: no campaign folders given");
  CampaignResults merged;
  std::map<unsigned, TrialResult> by_index;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const fs::path file = fs::is_directory(inputs[i]) ? inputs[i] / "campaign.json" : inputs[i];
    CampaignResults r = ReadCampaignJson(file);
    if (i == 0) {
      merged.spec = r.spec;
      merged.name = r.name;
    } else if (r.spec != merged.spec) {
      throw std::invalid_argument(file.string() + ": a shard of another campaign spec than " +
                                  inputs[0].string());
    }
    merged.planned += r.planned;
    for (TrialResult& t : r.trials) {
      if (!by_index.emplace(t.trial.index, t).second) {
        throw std::invalid_argument(fmt::format("{}: trial {} is in two of the inputs", file.string(),
                                                t.trial.index));
      }
    }
  }
  for (auto& [index, t] : by_index) merged.trials.push_back(std::move(t));
  return merged;
}

}  // namespace randsync::campaign
