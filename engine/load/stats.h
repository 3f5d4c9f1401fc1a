// Load statistics: per-worker counters written by their worker alone (no
// locks on the statement path), merged into one RunSummary at the end.
//
// The few counters a live display needs (statements, queries, outcomes,
// reconnects) are atomics with a single writer, read by the progress thread
// with relaxed loads; the error table and the latency histogram are plain
// data, read only after the worker has finished.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/load/error_classes.h"

namespace randsync::load {

// Latencies in microseconds, log-linear buckets (HDR-style): exact below 16
// µs, then 16 buckets per power of two, so any percentile is off by at most
// 1/16 (6.25%) of its value, over the whole 1 µs .. 2^64 µs range, in 8 KB.
class LatencyHistogram {
 public:
  static constexpr unsigned kSubBits = 4;
  static constexpr size_t kSub = size_t{1} << kSubBits;
  static constexpr size_t kBuckets = kSub + (64 - kSubBits) * kSub;

  void Record(uint64_t us) {
    ++counts_[Bucket(us)];
    ++count_;
    if (us > max_) max_ = us;
  }
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // The value at percentile p (0 < p <= 100): the upper end of the bucket
  // that holds it, never above max(). 0 when empty.
  uint64_t Percentile(double p) const;

  static size_t Bucket(uint64_t us);
  static uint64_t BucketHigh(size_t bucket);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

// One error number as seen by a worker (or, merged, by the run).
struct ErrorTally {
  Outcome outcome = Outcome::kUnknownError;
  uint64_t count = 0;
  std::string example;  // the first message, for the summary
};

class WorkerStats {
 public:
  // Owner thread only.
  void RecordStatement(Outcome outcome, unsigned error_number, std::string_view message,
                       uint64_t latency_us);
  void RecordQuery() { Bump(queries_); }
  void RecordReconnect() { Bump(reconnects_); }

  // Any thread (relaxed: a live view, exact once the worker has finished).
  uint64_t statements() const { return statements_.load(std::memory_order_relaxed); }
  uint64_t queries() const { return queries_.load(std::memory_order_relaxed); }
  uint64_t reconnects() const { return reconnects_.load(std::memory_order_relaxed); }
  uint64_t outcome(Outcome o) const {
    return outcomes_[static_cast<size_t>(o)].load(std::memory_order_relaxed);
  }

  // Owner thread, or any thread after the worker has finished.
  const std::unordered_map<unsigned, ErrorTally>& errors() const { return errors_; }
  const LatencyHistogram& latency() const { return latency_; }

 private:
  // Single writer: a plain load and store, no locked read-modify-write.
  static void Bump(std::atomic<uint64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  std::atomic<uint64_t> statements_{0};
  std::atomic<uint64_t> queries_{0};
  std::atomic<uint64_t> reconnects_{0};
  std::array<std::atomic<uint64_t>, kOutcomeCount> outcomes_{};
  std::unordered_map<unsigned, ErrorTally> errors_;
  LatencyHistogram latency_;
};

struct ErrorSummary {
  unsigned number = 0;
  std::string name;  // "ER_DUP_ENTRY", or empty when unknown to the table
  Outcome outcome = Outcome::kUnknownError;
  uint64_t count = 0;
  std::string example;
};

struct RunSummary {
  double elapsed_s = 0;
  uint32_t threads = 0;
  uint64_t statements = 0;
  uint64_t queries = 0;
  uint64_t reconnects = 0;
  uint64_t watchdog_kills = 0;  // KILL QUERYs sent for statements over 2x the timeout
  double statements_per_s = 0;
  std::array<uint64_t, kOutcomeCount> outcomes{};  // sums to `statements`
  std::vector<ErrorSummary> errors;                // most frequent first
  uint64_t latency_p50_us = 0;
  uint64_t latency_p95_us = 0;
  uint64_t latency_p99_us = 0;
  uint64_t latency_max_us = 0;

  uint64_t outcome(Outcome o) const { return outcomes[static_cast<size_t>(o)]; }
  uint64_t failed() const { return statements - outcome(Outcome::kOk); }

  // A few lines for people:
  //   load: 4 threads, 3.0 s, 12345 statements (2001 queries), 4115/s
  //   outcomes: ok 11000, expected 1300, syntax 45
  //   latency: p50 120 us, p95 1.3 ms, p99 5.0 ms, max 40 ms
  //   errors:
  //     1062 ER_DUP_ENTRY (expected): 800  -- Duplicate entry '1' for key 'PRIMARY'
  std::string ToText() const;
  // Error examples are server text and may hold invalid UTF-8: dump with
  // nlohmann::json::error_handler_t::replace.
  nlohmann::json ToJson() const;
};

// Merges the workers' counters.
RunSummary Summarize(const std::vector<const WorkerStats*>& workers, double elapsed_s);

// "850 us", "1.3 ms", "2.50 s".
std::string FormatMicros(uint64_t us);

}  // namespace randsync::load
