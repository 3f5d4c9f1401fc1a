#include "runners/scenario/unpositioned_commits.h"

#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runners/backup/binlog_rows.h"

namespace randsync::scenario {
namespace {

using backup::BinlogTransaction;
using backup::XaStep;

enum class Step {
  kStop,  // not in the copy, or InnoDB would have counted it: the start stays before it
  kHeld,  // in the copy: the start may move past it
  kPass,  // tells nothing by itself: held only if a later one is
};

// The transactions after the start, oldest first, as the copy holds them.
class Walk {
 public:
  Walk(HeldRowsJudge& judge, const std::set<std::string>& prepared) : judge_(judge), prepared_(prepared) {}

  Step Next(const BinlogTransaction& t) {
    if (t.ddl || t.statements) return Step::kStop;
    switch (t.xa_step) {
      case XaStep::kCommit:
      case XaStep::kRollback:
        // Still prepared in the copy: replication must end it.
        if (prepared_.count(t.xid)) return Step::kStop;
        committed_unended_.erase(t.xid);
        return Step::kHeld;
      case XaStep::kPrepare:
        return Prepare(t);
      case XaStep::kNone:
        break;
    }
    if (t.xa || !t.one_phase) return Step::kStop;
    const HeldRowsJudge::Count rows = judge_.Judge(t);
    if (rows.applied == 0 && rows.pending > 0) return Step::kStop;
    return rows.applied > 0 ? Step::kHeld : Step::kPass;
  }

  // An XA the copy holds committed whose XA COMMIT has not been read yet:
  // a start between the two would replay that XA COMMIT (1397).
  bool Open() const { return !committed_unended_.empty(); }

 private:
  Step Prepare(const BinlogTransaction& t) {
    // Prepared in the copy: kept if the start moves past it, else rolled
    // back and replayed (prepared_xa.h); either way right.
    if (prepared_.count(t.xid)) return Step::kPass;
    const HeldRowsJudge::Count rows = judge_.Judge(t);
    if (rows.applied == 0 && rows.pending > 0) return Step::kStop;  // the copy ended before it
    if (rows.applied > 0) committed_unended_.insert(t.xid);
    return Step::kPass;
  }

  HeldRowsJudge& judge_;
  const std::set<std::string>& prepared_;
  std::set<std::string> committed_unended_;
};

}  // namespace

std::string HeldUnpositionedCommits::Describe() const {
  std::vector<std::string> parts;
  if (one_phase > 0) parts.push_back(fmt::format("{} one-phase commit(s) (transactions that also used Aria)", one_phase));
  if (xa_ends > 0) parts.push_back(fmt::format("{} XA COMMIT/ROLLBACK(s)", xa_ends));
  return fmt::format("{}", fmt::join(parts, " and "));
}

HeldUnpositionedCommits SkipHeldUnpositionedCommits(const server::AdminTarget& master_tool, db::Connection& master,
                                                    db::Connection& slave, const backup::BackupPosition& start,
                                                    const DataAuditOptions& audit,
                                                    const std::set<std::string>& prepared) {
  backup::BinlogReadOptions r;
  r.binary = audit.binlog_binary;
  r.binlog_file = start.binlog_file;
  r.binlog_pos = start.binlog_pos;
  r.max_transactions = 200;
  const std::vector<BinlogTransaction> after = backup::ReadTransactionsAfter(master_tool, r);
  HeldRowsJudge judge(slave, audit);
  Walk walk(judge, prepared);
  std::size_t held = 0;
  for (std::size_t n = 0; n < after.size(); ++n) {
    const Step step = walk.Next(after[n]);
    if (step == Step::kStop) break;
    if (step == Step::kHeld && !walk.Open()) held = n + 1;
  }
  HeldUnpositionedCommits out;
  if (held == 0) return out;
  for (std::size_t n = 0; n < held; ++n) {
    const XaStep s = after[n].xa_step;
    if (s == XaStep::kCommit || s == XaStep::kRollback) ++out.xa_ends;
    if (s == XaStep::kNone && after[n].one_phase) ++out.one_phase;
  }
  const BinlogTransaction& last = after[held - 1];
  out.start = backup::BackupPosition{start.binlog_file, last.end_pos, GtidAt(master, start.binlog_file, last.end_pos)};
  return out;
}

}  // namespace randsync::scenario
