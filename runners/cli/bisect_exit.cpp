#include "runners/cli/bisect_exit.h"

#include <fmt/format.h>

#include "base/log.h"
#include "base/status.h"

#include <cstdio>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace randsync::cli {

void AddBisectOptions(CLI::App& cmd, BisectOptions& o) {
  cmd.add_flag("--bisect-exit", o.enabled,
               "Exit for `git bisect run`: 0 ok, 1 a --bisect-bad status, 125 (skip) anything else");
  cmd.add_option("--bisect-bad", o.bad,
                 "Statuses that mean bad with --bisect-exit: names or numbers of crash (101), corruption (106), "
                 "hang (107), replication (103), backup (108), divergence (111), catchup (112), position (113)")
      ->capture_default_str()
      ->check([](const std::string& v) {
        try {
          ParseBadStatuses(v);
          return std::string();
        } catch (const std::exception& e) {
          return std::string(e.what());
        }
      });
}

std::set<int> ParseBadStatuses(const std::string& list) {
  std::set<int> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    if (std::optional<Status> s = StatusFromName(item); s && *s != Status::kOk) {
      out.insert(ExitCode(*s));
      continue;
    }
    bool numeric = !item.empty();
    for (char c : item) numeric = numeric && c >= '0' && c <= '9';
    if (!numeric || item.size() > 3 || std::stoi(item) == 0) {
      throw std::invalid_argument("unknown status '" + item + "' in --bisect-bad");
    }
    out.insert(std::stoi(item));
  }
  if (out.empty()) throw std::invalid_argument("--bisect-bad names no status");
  return out;
}

int BisectExit(const BisectOptions& o, int status) {
  if (!o.enabled) return status;
  const int mapped = status == 0 ? kBisectGood : ParseBadStatuses(o.bad).count(status) ? kBisectBad : kBisectSkip;
  Log("--bisect-exit", fmt::format("status {} -> {} ({})", status, mapped,
                                   mapped == kBisectGood ? "good" : mapped == kBisectBad ? "bad" : "skip"));
  return mapped;
}

}  // namespace randsync::cli
