#include "runners/reduce/window_script.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "runners/triage/binlog_window.h"
#include "runners/triage/in_flight.h"

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

std::vector<ScriptTransaction> InFlightTransactions(const std::filesystem::path& run_dir,
                                                    const nlohmann::json& report) {
  // The throwaway master's load runs in `test` (master_endpoint.h), the
  // only master reduce replays.
  auto alone = [](std::string text) {
    ScriptTransaction t;
    t.wrap = false;
    t.statements.push_back({"test", std::move(text)});
    return t;
  };
  const std::string crashing = triage::CrashingQuery(report);
  std::vector<ScriptTransaction> out;
  for (triage::SentStatement& s : triage::LastSentStatements(run_dir, 64)) {
    if (s.text != crashing) out.push_back(alone(std::move(s.text)));
  }
  if (!crashing.empty()) out.push_back(alone(crashing));
  return out;
}

}  // namespace randsync::reduce
