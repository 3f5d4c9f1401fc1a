// `randsync reduce RESULTS_DIR`: the smallest script that still fails the
// way the run failed (target.h), replayed on fresh server pairs
// (fresh_pair.h):
//   1. the window's start is rebuilt from the kept binary log and dumped
//      (setup_snapshot.h), the window's transactions read in commit order
//      (window_script.h); the whole script must fail on fresh servers;
//   2. ddmin (ddmin.h) over the window's transactions, then their
//      statements, then the setup's tables, then their rows, each
//      candidate on a fresh pair, `jobs` pairs at once;
//   3. the result is replayed `verify_runs` more times on fresh pairs and
//      written as RESULTS_DIR/reduced/ (reduced_test.h), whose mtr test
//      runs under mariadb-test-run once.
// Bounded by `budget`: when it runs out, the smallest failing script so
// far is the result, and the report says the reduction stopped early.
// Progress every 10 s on stderr.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runners/reduce/target.h"

namespace randsync::reduce {

struct ReduceOptions {
  std::filesystem::path run_dir;
  std::chrono::seconds budget{15 * 60};
  unsigned jobs = 2;         // candidates replayed at once (a pair each)
  unsigned verify_runs = 3;  // replays of the result on fresh pairs
  bool run_mtr = true;
  std::filesystem::path mtr_dir = "/usr/share/mysql/mysql-test";
};

// What reduced/reduce.json holds: read back by the same code.
struct ReduceReport {
  Target target;
  // The tables that differ in the result (a subset of the target's): what
  // the test compares. The target's when the result never reproduced.
  std::vector<std::string> tables;
  std::string summary;  // one line, the README's title
  std::size_t statements_before = 0, statements_after = 0;
  std::size_t transactions_before = 0, transactions_after = 0;
  std::size_t setup_rows_before = 0, setup_rows_after = 0;
  unsigned pairs = 0;  // fresh server pairs started
  double wall_s = 0;
  bool budget_ran_out = false;
  unsigned verify_runs = 0, reproduced = 0;  // of the result, on fresh pairs
  std::string mtr;  // "failed as expected" / "passed" / "not run: ..."
  bool mtr_reproduced = false;
  std::string server_version;

  nlohmann::json ToJson() const;
  static ReduceReport FromJson(const nlohmann::json& j);
};

// Throws std::runtime_error (one line) when the run cannot be reduced or
// its failure does not show on fresh servers.
ReduceReport Reduce(const ReduceOptions& options);

}  // namespace randsync::reduce
