// What the master's binary log says of each differing row: the
// transactions in the divergence window that wrote it, the row event and
// the statement behind it (the Annotate_rows event MariaDB writes by
// default), and the load thread that sent that statement
// (queries/thread-N.sql). Read from the stopped master's kept datadir, so
// `randsync explain` needs no server.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/check_run.h"
#include "runners/backup/binlog_rows.h"
#include "runners/triage/cause.h"

namespace randsync::triage {

struct RowWrite {
  std::string gtid;
  std::string event;      // "Write_rows", "Update_rows", "Delete_rows"
  std::string statement;  // "" when the log holds no Annotate_rows for it
  bool rolled_back = false;
};

// The changes in `txs` of table `t`'s row `d` (its key columns by name,
// matched against the before image of an update or delete and the after
// image of an insert or update; t.columns gives the ordinals), in log
// order.
std::vector<RowWrite> WritesOfRow(const std::vector<backup::BinlogTransaction>& txs, const checker::TableCheck& t,
                                  const checker::RowDifference& d);

// For each differing row the check listed (up to kMaxRowEvidence), the
// writes in the window (report.json divergence: clean_gtid, at] as "row
// write" evidence, or that no transaction in the window wrote it
// (binlog_window.h); without the master's binary log the evidence says so.
void AddRowWrites(const std::filesystem::path& run_dir, const nlohmann::json& report,
                  const checker::CheckReport& check, std::vector<Evidence>& out);

}  // namespace randsync::triage
