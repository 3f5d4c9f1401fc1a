// `git bisect run` wants 0 (good), 1..124 (bad) or 125 (cannot tell: skip
// this commit). --bisect-exit maps randsync's statuses onto that: ok is
// good, the statuses the user calls bad (--bisect-bad) are bad, anything
// else (an environment failure, a build that cannot start, a status not
// under investigation) is a skip.
#pragma once

#include <set>
#include <string>

#include <CLI/CLI.hpp>

namespace randsync::cli {

inline constexpr int kBisectGood = 0;
inline constexpr int kBisectBad = 1;
inline constexpr int kBisectSkip = 125;

struct BisectOptions {
  bool enabled = false;
  // Numbers or names: crash,corruption,hang,replication,backup,divergence,catchup,position
  // (or 101,106,107,103,108,111,112,113). Default: all of them.
  std::string bad = "crash,corruption,hang,replication,backup,divergence,catchup,position";
};

// Adds --bisect-exit and --bisect-bad to `cmd`.
void AddBisectOptions(CLI::App& cmd, BisectOptions& o);

// Throws std::invalid_argument naming an unknown status.
std::set<int> ParseBadStatuses(const std::string& list);

// The exit status to return: `status` itself unless enabled.
int BisectExit(const BisectOptions& o, int status);

}  // namespace randsync::cli
