#include "runners/reduce/window_script.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "runners/triage/binlog_window.h"

namespace randsync::reduce {

std::vector<ScriptTransaction> WindowTransactions(const std::filesystem::path& run_dir, const Target& target) {
  // The window of binlog_window.h: (clean_gtid, at]; a crash or a
  // replication error runs to the log's end.
  const nlohmann::json report = {{"divergence", {{"clean_gtid", target.clean_gtid}, {"at", target.at}}}};
  std::vector<ScriptTransaction> out;
  const std::string why =
      triage::ForEachWindowTransaction(run_dir, report, [&](const std::vector<backup::BinlogTransaction>& batch) {
        for (const auto& tx : batch) {
          ScriptTransaction t;
          t.gtid = tx.gtid;
          t.wrap = !tx.ddl;
          for (const auto& s : tx.logged) t.statements.push_back({s.database, s.text});
          if (!t.statements.empty()) out.push_back(std::move(t));
        }
      });
  if (!why.empty()) throw std::runtime_error(why);
  return out;
}

}  // namespace randsync::reduce
