#include "runners/campaign/campaign_spec.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <fmt/format.h>

#include "base/file_text.h"

namespace randsync::campaign {
namespace {

using nlohmann::ordered_json;

[[noreturn]] void Bad(const std::string& where, const std::string& what) {
  throw std::invalid_argument(where + ": " + what);
}

Dimension ReadDimension(const std::string& where, const std::string& option, const ordered_json& values) {
  if (option.rfind("--", 0) != 0) Bad(where, fmt::format("dimension '{}' is not a `randsync run` option (--...)", option));
  if (option == "--seed" || option == "--results") {
    Bad(where, fmt::format("dimension {}: the campaign sets it for every trial", option));
  }
  if (!values.is_array() || values.empty()) Bad(where, fmt::format("dimension {}: needs a non-empty list of values", option));
  Dimension d;
  d.option = option;
  for (size_t i = 0; i < values.size(); ++i) {
    const ordered_json& v = values[i];
    std::vector<std::string> args;
    if (v.is_string()) {
      args = {option, v.get<std::string>()};
    } else if (v.is_number_integer() || v.is_number_unsigned()) {
      args = {option, std::to_string(v.get<long long>())};
    } else if (v.is_boolean()) {
      // A flag: true passes it, false leaves it out.
      if (v.get<bool>()) args = {option};
    } else if (v.is_array()) {
      for (const auto& e : v) {
        if (!e.is_string()) Bad(where, fmt::format("dimension {}: value {} has a non-string element", option, i + 1));
        args.push_back(option);
        args.push_back(e.get<std::string>());
      }
    } else if (!v.is_null()) {
      Bad(where, fmt::format("dimension {}: value {} is not a string, number, true/false, list or null", option, i + 1));
    }
    d.values.push_back(std::move(args));
    d.labels.push_back(v.is_string() ? v.get<std::string>() : v.is_null() ? "-" : v.dump());
  }
  return d;
}

template <typename T>
T Get(const ordered_json& j, const char* key, T fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const std::exception&) {
    Bad(where, fmt::format("\"{}\" has the wrong type", key));
  }
}

}  // namespace

CampaignSpec ParseCampaignSpec(const std::string& text, const std::string& where) {
  ordered_json j = ordered_json::parse(text, nullptr, false, true);
  if (j.is_discarded()) Bad(where, "not valid JSON (comments are allowed, trailing commas are not)");
  if (!j.is_object()) Bad(where, "not a JSON object");
  static const std::vector<std::string> known = {"name", "seed", "draw", "trials", "parallel", "trial_timeout_s",
                                                 "args", "dimensions"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) Bad(where, fmt::format("unknown key \"{}\"", key));
  }
  CampaignSpec s;
  s.source = j;
  s.name = Get<std::string>(j, "name", s.name, where);
  s.seed = Get<uint64_t>(j, "seed", s.seed, where);
  const std::string draw = Get<std::string>(j, "draw", "random", where);
  if (draw != "random" && draw != "all") Bad(where, "\"draw\" must be \"random\" or \"all\"");
  s.all_combinations = draw == "all";
  s.trials = Get<unsigned>(j, "trials", s.trials, where);
  s.parallel = Get<unsigned>(j, "parallel", s.parallel, where);
  s.trial_timeout_s = Get<unsigned>(j, "trial_timeout_s", s.trial_timeout_s, where);
  s.args = Get<std::vector<std::string>>(j, "args", {}, where);
  if (s.parallel == 0) Bad(where, "\"parallel\" must be at least 1");
  if (s.trial_timeout_s == 0) Bad(where, "\"trial_timeout_s\" must be at least 1");
  if (!s.all_combinations && s.trials == 0) Bad(where, "\"trials\" must be at least 1");
  for (const std::string& a : s.args) {
    if (a == "--seed" || a == "--results") Bad(where, fmt::format("\"args\": the campaign sets {} itself", a));
  }
  if (j.contains("dimensions")) {
    if (!j["dimensions"].is_object()) Bad(where, "\"dimensions\" must be an object of option: [values]");
    for (const auto& [option, values] : j["dimensions"].items()) {
      s.dimensions.push_back(ReadDimension(where, option, values));
    }
  }
  return s;
}

CampaignSpec ReadCampaignSpec(const std::filesystem::path& file) {
  return ParseCampaignSpec(ReadTextFile(file, "the campaign spec"), file.string());
}

std::vector<Trial> DrawTrials(const CampaignSpec& spec) {
  std::vector<Trial> out;
  boost::random::mt19937_64 rng(spec.seed);
  boost::random::uniform_int_distribution<uint64_t> seeds(1, (uint64_t{1} << 31) - 1);
  auto make = [&](const std::vector<size_t>& pick) {
    Trial t;
    t.index = static_cast<unsigned>(out.size() + 1);
    t.seed = seeds(rng);
    t.args = spec.args;
    for (size_t d = 0; d < spec.dimensions.size(); ++d) {
      const auto& v = spec.dimensions[d].values[pick[d]];
      t.args.insert(t.args.end(), v.begin(), v.end());
      t.choice.push_back(spec.dimensions[d].labels[pick[d]]);
    }
    out.push_back(std::move(t));
  };
  std::vector<size_t> pick(spec.dimensions.size(), 0);
  if (spec.all_combinations) {
    // Odometer order: the last dimension varies fastest.
    while (true) {
      make(pick);
      size_t d = spec.dimensions.size();
      while (d > 0) {
        --d;
        if (++pick[d] < spec.dimensions[d].values.size()) break;
        pick[d] = 0;
        if (d == 0) return out;
      }
      if (spec.dimensions.empty()) return out;
    }
  }
  for (unsigned i = 0; i < spec.trials; ++i) {
    for (size_t d = 0; d < spec.dimensions.size(); ++d) {
      boost::random::uniform_int_distribution<size_t> which(0, spec.dimensions[d].values.size() - 1);
      pick[d] = which(rng);
    }
    make(pick);
  }
  return out;
}

std::vector<Trial> Shard(const std::vector<Trial>& trials, unsigned i, unsigned n) {
  std::vector<Trial> out;
  for (const Trial& t : trials) {
    if ((t.index - 1) % n == i - 1) out.push_back(t);
  }
  return out;
}

std::pair<unsigned, unsigned> ParseShard(const std::string& text) {
  unsigned i = 0, n = 0;
  char slash = 0, extra = 0;
  std::istringstream in(text);
  if (!(in >> i >> slash >> n) || slash != '/' || (in >> extra) || n == 0 || i == 0 || i > n) {
    throw std::invalid_argument("--shard " + text + ": expected i/N with 1 <= i <= N");
  }
  return {i, n};
}

}  // namespace randsync::campaign
