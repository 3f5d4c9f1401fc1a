// The reduced test as files a MariaDB developer runs, in RESULTS_DIR/reduced/:
//   test.sql          plain SQL: the setup for both servers, the master's
//                     statements, the comparison;
//   reduced.test      an mtr test (include/master-slave.inc, the setup on
//                     both with sql_log_bin=0, the statements on the
//                     master, sync_slave_with_master, include/diff_tables.inc,
//                     include/rpl_end.inc) with reduced-master.opt and
//                     reduced-slave.opt holding the run's server options and
//                     reduced.result what it prints when it passes;
//   README.md         the bug report: summary, expected and actual,
//                     settings, how it was reduced and how often it
//                     reproduced;
//   reduce.json       the ReduceReport and the script (read back by the same code).
// The folder is an mtr suite: mariadb-test-run --suite=DIR reduced.
#pragma once

#include <filesystem>
#include <string>

#include "runners/reduce/fresh_pair.h"
#include "runners/reduce/reducer.h"
#include "runners/reduce/script.h"
#include "runners/reduce/target.h"

namespace randsync::reduce {

inline constexpr const char* kMtrTestName = "reduced";

struct ReducedTestInput {
  const Script& script;
  const TrialOutcome& outcome;  // of the result's last replay
  const PairSettings& settings;
  const ReduceReport& report;
  std::string run_dir;
  std::string cause;  // report.json's cause summary, if any
};

// The mtr test's text (for tests) and all the files.
std::string MtrTest(const ReducedTestInput& in);
void WriteReducedTest(const std::filesystem::path& dir, const ReducedTestInput& in);
// The README alone: rewritten once the mtr run's verdict is known.
void WriteReadme(const std::filesystem::path& dir, const ReducedTestInput& in);

struct MtrVerdict {
  bool ran = false;
  bool failed = false;       // the test failed
  bool as_expected = false;  // ...the way the target says (diff_tables, the slave's error, a crash)
  std::string detail;        // one line
};
// mariadb-test-run --suite=DIR reduced, in `vardir`, within 10 minutes.
MtrVerdict RunMtr(const std::filesystem::path& dir, const std::filesystem::path& mtr_dir, const Target& target,
                  const std::filesystem::path& vardir);

}  // namespace randsync::reduce
