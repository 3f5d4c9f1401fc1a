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
          ScriptTransaction t = ScriptTransactionOf(tx);
          if (!t.statements.empty()) out.push_back(std::move(t));
        }
      });
  if (!why.empty()) throw std::runtime_error(why);
  return out;
}

ScriptTransaction ScriptTransactionOf(const backup::BinlogTransaction& tx) {
  ScriptTransaction t;
  t.gtid = tx.gtid;
  t.wrap = !tx.ddl && tx.xa_step == backup::XaStep::kNone;
  const std::string database = tx.logged.empty() ? "" : tx.logged.front().database;
  switch (tx.xa_step) {
    case backup::XaStep::kPrepare:
      t.statements.push_back({database, "XA START " + tx.xid});
      for (const auto& s : tx.logged) t.statements.push_back({s.database, s.text});
      t.statements.push_back({database, "XA END " + tx.xid});
      t.statements.push_back({database, "XA PREPARE " + tx.xid});
      break;
    case backup::XaStep::kCommit: t.statements.push_back({database, "XA COMMIT " + tx.xid}); break;
    case backup::XaStep::kRollback: t.statements.push_back({database, "XA ROLLBACK " + tx.xid}); break;
    case backup::XaStep::kNone:
      for (const auto& s : tx.logged) t.statements.push_back({s.database, s.text});
      break;
  }
  return t;
}

std::vector<std::string> UnendedXids(const std::vector<ScriptTransaction>& window) {
  std::vector<std::string> prepared;
  for (const ScriptTransaction& t : window) {
    for (const ScriptStatement& s : t.statements) {
      for (const char* end : {"XA COMMIT ", "XA ROLLBACK "}) {
        if (s.text.rfind(end, 0) == 0) std::erase(prepared, s.text.substr(std::string(end).size()));
      }
      if (s.text.rfind("XA PREPARE ", 0) == 0) prepared.push_back(s.text.substr(11));
    }
  }
  return prepared;
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
