// `randsync reduce RESULTS_DIR`: the failed run's failure shrunk to a test
// case a server developer can run (runners/reduce/reducer.h), written to
// RESULTS_DIR/reduced/. Prints the summary, the sizes before and after and
// how often the result reproduced. Exit 0 when the result reproduced on
// every verification replay, 1 when only sometimes or never, 110 when the
// run cannot be reduced (one line says why).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "runners/cli/subcommands.h"
#include "runners/reduce/reducer.h"

namespace randsync::cli {
namespace {

namespace fs = std::filesystem;

struct ReduceCliOptions {
  std::string run_dir;
  unsigned budget_s = 15 * 60;
  unsigned jobs = 2;
  unsigned verify = 3;
  bool no_mtr = false;
  std::string mtr_dir = "/usr/share/mysql/mysql-test";
};

int Reduce(const ReduceCliOptions& c) {
  reduce::ReduceOptions o;
  o.run_dir = fs::absolute(c.run_dir);
  o.budget = std::chrono::seconds(c.budget_s);
  o.jobs = c.jobs;
  o.verify_runs = c.verify;
  o.run_mtr = !c.no_mtr;
  o.mtr_dir = c.mtr_dir;
  const reduce::ReduceReport r = reduce::Reduce(o);
  std::printf("reduced: %s\n", r.summary.c_str());
  std::printf("  statements: %zu -> %zu (transactions %zu -> %zu, setup rows %zu -> %zu)%s\n", r.statements_before,
              r.statements_after, r.transactions_before, r.transactions_after, r.setup_rows_before,
              r.setup_rows_after, r.budget_ran_out ? " (budget ran out)" : "");
  std::printf("  fresh server pairs: %u, wall time %.1f s\n", r.pairs, r.wall_s);
  std::printf("  reproduced %u of %u on fresh servers; mariadb-test-run: %s\n", r.reproduced, r.verify_runs,
              r.mtr.c_str());
  std::printf("  test: %s\n", (o.run_dir / "reduced" / "README.md").string().c_str());
  return r.reproduced == r.verify_runs && r.verify_runs > 0 ? 0 : 1;
}

}  // namespace

Runner RegisterReduce(CLI::App& app) {
  auto o = std::make_shared<ReduceCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "reduce", "Shrink a failed `randsync run` (results/<run-id>/) to the smallest script that fails the same way "
                "on fresh servers: RESULTS_DIR/reduced/ gets test.sql, an mtr test and a README.md bug report");
  cmd->add_option("run_dir", o->run_dir, "The failed run's results folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--budget", o->budget_s, "Seconds the reduction may take, verification included")
      ->capture_default_str()
      ->check(CLI::Range(10u, 24u * 3600u));
  cmd->add_option("--jobs", o->jobs, "Candidates replayed at once, each on its own fresh server pair")
      ->capture_default_str()
      ->check(CLI::Range(1u, 16u));
  cmd->add_option("--verify", o->verify, "Replays of the result on fresh servers, to say how often it reproduces")
      ->capture_default_str()
      ->check(CLI::Range(1u, 20u));
  cmd->add_flag("--no-mtr", o->no_mtr, "Do not run the mtr test under mariadb-test-run");
  cmd->add_option("--mtr-dir", o->mtr_dir, "MariaDB's mysql-test folder (Debian package mariadb-test)")
      ->capture_default_str();
  return [o]() -> int { return Reduce(*o); };
}

}  // namespace randsync::cli
