#include "runners/scenario/one_phase_commits.h"

#include "runners/backup/binlog_rows.h"

namespace randsync::scenario {

HeldOnePhaseCommits SkipHeldOnePhaseCommits(const server::AdminTarget& master_tool, db::Connection& master,
                                            db::Connection& slave, const backup::BackupPosition& start,
                                            const DataAuditOptions& audit) {
  backup::BinlogReadOptions r;
  r.binary = audit.binlog_binary;
  r.binlog_file = start.binlog_file;
  r.binlog_pos = start.binlog_pos;
  r.max_transactions = 200;
  const std::vector<backup::BinlogTransaction> after = backup::ReadTransactionsAfter(master_tool, r);
  HeldOnePhaseCommits out;
  out.skipped = LeadingTransactionsHeld(slave, after, audit,
                                        [](const backup::BinlogTransaction& t) { return t.one_phase; });
  if (out.skipped == 0) return out;
  const backup::BinlogTransaction& last = after[out.skipped - 1];
  out.start = backup::BackupPosition{start.binlog_file, last.end_pos,
                                     GtidAt(master, start.binlog_file, last.end_pos)};
  return out;
}

}  // namespace randsync::scenario
