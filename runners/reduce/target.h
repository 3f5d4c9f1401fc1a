// The failure `randsync reduce` keeps while it shrinks: read from a failed
// run's report.json (and its check report), and what one replay on fresh
// servers showed. A candidate "still fails" only when it fails the same
// way: a difference in one of the run's differing tables, the same
// replication error, or the master's death.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace randsync::reduce {

enum class FailureShape {
  kNone,              // the replay passed
  kDivergence,        // the slave's rows differ from the master's
  kReplicationError,  // the slave's SQL thread stopped with an error
  kMasterCrash,       // the master died during the replay
  kOther,             // failed some other way (the replay could not be made)
};
const char* ToString(FailureShape shape);

struct Target {
  FailureShape shape = FailureShape::kNone;
  // "db.table" of the differing tables (divergence), or the table the
  // replication error names (may be empty).
  std::vector<std::string> tables;
  unsigned error_number = 0;  // replication error
  std::string clean_gtid;     // the window starts after it ("" the log's start)
  std::string at;             // and ends at it ("" the log's end)
  std::string Describe() const;  // "a difference in `test`.`A`"
};

// The failure of the run in `run_dir`. Throws std::runtime_error with one
// line when the run did not fail in a way reduce can replay (it passed, its
// backup failed, its master was the user's own).
Target TargetOf(const std::filesystem::path& run_dir, const nlohmann::json& report);

struct TrialOutcome {
  FailureShape shape = FailureShape::kNone;
  std::vector<std::string> differing_tables;  // "db.table"
  unsigned error_number = 0;
  std::string detail;  // one line for progress and the README
  std::vector<std::string> rows;  // the differing rows, as explain lists them
  // Indexes (into WindowStatements()) of statements that failed on the
  // master, with their error numbers: the mtr test expects those errors.
  std::vector<std::pair<std::size_t, unsigned>> statement_errors;
};

bool Reproduces(const Target& target, const TrialOutcome& outcome);

}  // namespace randsync::reduce
