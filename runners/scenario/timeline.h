// timeline.csv of a run: one row per second with what the load did (statements,
// errors), how far the slave was behind, and what happened (backup start and
// end, sync points, catch-up). It is what a QA engineer reads first to see
// whether the backup or a sync point stalled the master, and the source of
// the load-rate-during-backup figure.
//
// A sampler thread appends and flushes one row per second, so a run killed
// half way still leaves the timeline up to that second. It reads the load's
// live counters (no locks in the workers) and the slave's status over its own
// connection with a read timeout: a dead or hung slave shows as an empty lag,
// never a stuck sampler.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/dsn.h"

namespace randsync::load {
class LoadEngine;
}

namespace randsync::scenario {

struct TimelineSample {
  unsigned second = 0;          // since the run started
  uint64_t statements = 0;      // finished in this second
  uint64_t errors = 0;          // of those, not ok (any error class)
  std::optional<uint64_t> slave_lag_s;       // Seconds_Behind_Master
  std::optional<uint64_t> slave_behind_trx;  // master's seq_no minus the slave's, in the master's domain
  std::vector<std::string> events;           // "backup start", "sync-point-1", ...
};

class Timeline {
 public:
  // Starts sampling at once; the file gets its header now. Every
  // `progress_every` seconds (0: never) a one-line summary of the last
  // period goes to stderr, so that a long load between two phases is not
  // silent in a buildbot log.
  explicit Timeline(const std::filesystem::path& csv, unsigned progress_every = 0);
  ~Timeline();  // stops and joins
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  // What to sample, as the run brings it up (and nullptr/nullopt when it
  // goes away). The engine must outlive its attachment.
  void AttachLoad(const load::LoadEngine* engine);
  void AttachReplication(std::optional<db::Dsn> master, std::optional<db::Dsn> slave);
  // An event in the current second's row.
  void Mark(const std::string& event);
  // Ends sampling (writes the last partial second); idempotent.
  void Stop();

  // Seconds since the run started (the row a Mark() goes to).
  double Now() const;
  // The rows so far (for the report's load-rate figures).
  std::vector<TimelineSample> Samples() const;

 private:
  void Loop();
  void SampleOnce(unsigned second);
  void WriteRow(const TimelineSample& s);
  void MaybeSayProgress(const TimelineSample& s);

  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::ofstream out_;
  mutable std::mutex mu_;  // guards everything below
  const load::LoadEngine* engine_ = nullptr;
  std::optional<db::Dsn> master_, slave_;
  std::vector<std::string> pending_events_;
  std::vector<TimelineSample> samples_;
  uint64_t last_statements_ = 0, last_errors_ = 0;
  std::atomic<bool> stop_{false};
  const unsigned progress_every_;
  uint64_t progress_statements_ = 0, progress_errors_ = 0;  // since the last progress line
  std::thread thread_;
};

// Mean statements per second over the whole load seconds inside [from, to)
// (the backup), before it (the master alone) and after it (the master while
// a slave replicates on the same machine, and the checks run), for "what
// the backup costs the master". The first and last load seconds are
// partial and left out.
struct LoadRate {
  double during = 0, before = 0, after = 0;  // statements/s
  unsigned during_s = 0, before_s = 0, after_s = 0;
};
LoadRate RateInWindow(const std::vector<TimelineSample>& samples, double from, double to, double load_start,
                      double load_end);

}  // namespace randsync::scenario
