// Replaying a Script on a fresh master and slave, as the run had them (the
// server builds and options config.json recorded), and telling how it
// failed:
//   1. both servers start on copies of a datadir bootstrapped once per
//      role (a bootstrap costs seconds, a copy and a start well under one);
//   2. the setup is loaded into both with sql_log_bin=0, as a provisioning
//      leaves them; the slave replicates from the master's empty log;
//   3. the window goes to the master in one session, in order; statements
//      that fail are noted (candidates often break what later ones need);
//   4. the slave catches up (or stops with an error), and the target's
//      tables are compared by the checker, the run's own oracle.
// Thread safety: Trial() may be called from several threads at once, each
// call on its own pair.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runners/reduce/script.h"
#include "runners/reduce/target.h"
#include "runners/server/server_options.h"
#include "runners/server/throwaway_server.h"

namespace randsync::reduce {

// The run's servers, from its config.json.
struct PairSettings {
  server::ServerOptions master, slave;  // binaries; extra_options as the run started them
  std::string binlog_format = "ROW";
  // What the run added to randsync's own options: the mtr test's opt files.
  std::vector<std::string> master_options, slave_options;
};
PairSettings PairSettingsOf(const nlohmann::json& config);

class FreshPairs {
 public:
  // Bootstraps the templates under `work_dir`. Throws server::ServerError.
  FreshPairs(PairSettings settings, std::filesystem::path work_dir);
  ~FreshPairs();
  FreshPairs(const FreshPairs&) = delete;
  FreshPairs& operator=(const FreshPairs&) = delete;

  TrialOutcome Trial(const Script& script, const Target& target);
  // One server like the master but without a binary log, on a copy of
  // its template, in `dir`: where setup_snapshot.h rebuilds the window's
  // start. The caller stops it.
  std::unique_ptr<server::ThrowawayServer> StartScratch(const std::filesystem::path& dir);

  unsigned pairs_started() const { return pairs_.load(); }
  const std::string& server_version() const { return version_; }
  const PairSettings& settings() const { return settings_; }

 private:
  std::filesystem::path MakeTemplate(server::ServerOptions options);
  // A server of `options` on a fresh copy of `from` in `dir`, started.
  std::unique_ptr<server::ThrowawayServer> StartCopy(server::ServerOptions options, const std::filesystem::path& from,
                                                     const std::filesystem::path& dir);

  PairSettings settings_;
  std::filesystem::path work_;
  std::filesystem::path master_template_, slave_template_;
  std::string version_;
  std::atomic<unsigned> pairs_{0};
};

}  // namespace randsync::reduce
