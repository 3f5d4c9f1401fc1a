#include "engine/load/stats.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include <fmt/format.h>

namespace randsync::load {

namespace {

// Error messages kept as examples are cut here: a message may quote a whole
// generated statement.
constexpr size_t kMaxExample = 200;

}  // namespace

size_t LatencyHistogram::Bucket(uint64_t us) {
  if (us < kSub) return static_cast<size_t>(us);
  const unsigned e = 63 - static_cast<unsigned>(std::countl_zero(us));  // >= kSubBits
  const unsigned shift = e - kSubBits;
  const size_t sub = static_cast<size_t>(us >> shift) - kSub;  // 0 .. kSub-1
  return kSub + static_cast<size_t>(shift) * kSub + sub;
}

uint64_t LatencyHistogram::BucketHigh(size_t bucket) {
  if (bucket < kSub) return bucket;
  const size_t shift = (bucket - kSub) / kSub;
  const uint64_t sub = (bucket - kSub) % kSub;
  const uint64_t low = (kSub + sub) << shift;
  return low + ((uint64_t{1} << shift) - 1);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(BucketHigh(i), max_);
  }
  return max_;
}

void WorkerStats::RecordStatement(Outcome outcome, unsigned error_number,
                                  std::string_view message, uint64_t latency_us) {
  Bump(statements_);
  Bump(outcomes_[static_cast<size_t>(outcome)]);
  latency_.Record(latency_us);
  if (outcome == Outcome::kOk) return;
  ErrorTally& t = errors_[error_number];
  if (t.count++ == 0) {
    t.outcome = outcome;
    t.example.assign(message.substr(0, kMaxExample));
  }
}

RunSummary Summarize(const std::vector<const WorkerStats*>& workers, double elapsed_s) {
  RunSummary s;
  s.elapsed_s = elapsed_s;
  s.threads = static_cast<uint32_t>(workers.size());
  LatencyHistogram latency;
  std::unordered_map<unsigned, ErrorTally> errors;
  for (const WorkerStats* w : workers) {
    s.statements += w->statements();
    s.queries += w->queries();
    s.reconnects += w->reconnects();
    for (Outcome o : kAllOutcomes) s.outcomes[static_cast<size_t>(o)] += w->outcome(o);
    latency.Merge(w->latency());
    for (const auto& [number, tally] : w->errors()) {
      ErrorTally& t = errors[number];
      if (t.count == 0) {
        t.outcome = tally.outcome;
        t.example = tally.example;
      }
      t.count += tally.count;
    }
  }
  s.statements_per_s = elapsed_s > 0 ? static_cast<double>(s.statements) / elapsed_s : 0;
  s.latency_p50_us = latency.Percentile(50);
  s.latency_p95_us = latency.Percentile(95);
  s.latency_p99_us = latency.Percentile(99);
  s.latency_max_us = latency.max();
  for (auto& [number, tally] : errors) {
    const char* name = ErrorName(number);
    s.errors.push_back(
        ErrorSummary{number, name ? name : "", tally.outcome, tally.count, std::move(tally.example)});
  }
  std::sort(s.errors.begin(), s.errors.end(), [](const ErrorSummary& a, const ErrorSummary& b) {
    return a.count != b.count ? a.count > b.count : a.number < b.number;
  });
  return s;
}

std::string FormatMicros(uint64_t us) {
  if (us < 1000) return fmt::format("{} us", us);
  if (us < 1000000) return fmt::format("{:.{}f} ms", us / 1e3, us < 10000 ? 2 : 1);
  return fmt::format("{:.2f} s", us / 1e6);
}

std::string RunSummary::ToText() const {
  std::string out = fmt::format("load: {} threads, {:.1f} s, {} statements ({} queries), {:.0f}/s",
                                threads, elapsed_s, statements, queries, statements_per_s);
  if (reconnects) out += fmt::format(", {} reconnects", reconnects);
  if (watchdog_kills) out += fmt::format(", {} statements killed by the watchdog", watchdog_kills);
  out += "\noutcomes:";
  bool first = true;
  for (Outcome o : kAllOutcomes) {
    if (outcome(o) == 0 && o != Outcome::kOk) continue;
    out += fmt::format("{} {} {}", first ? "" : ",", ToString(o), outcome(o));
    first = false;
  }
  out += fmt::format("\nlatency: p50 {}, p95 {}, p99 {}, max {}\n", FormatMicros(latency_p50_us),
                     FormatMicros(latency_p95_us), FormatMicros(latency_p99_us),
                     FormatMicros(latency_max_us));
  if (!errors.empty()) {
    out += "errors:\n";
    for (const ErrorSummary& e : errors) {
      out += fmt::format("  {}{}{} ({}): {}", e.number, e.name.empty() ? "" : " ", e.name,
                         ToString(e.outcome), e.count);
      if (!e.example.empty()) out += "  -- " + e.example;
      out += "\n";
    }
  }
  return out;
}

nlohmann::json RunSummary::ToJson() const {
  nlohmann::json outcomes_json = nlohmann::json::object();
  for (Outcome o : kAllOutcomes) outcomes_json[ToString(o)] = outcome(o);
  nlohmann::json errors_json = nlohmann::json::array();
  for (const ErrorSummary& e : errors) {
    errors_json.push_back({{"errno", e.number},
                           {"name", e.name},
                           {"class", ToString(e.outcome)},
                           {"count", e.count},
                           {"example", e.example}});
  }
  return {{"elapsed_s", elapsed_s},
          {"threads", threads},
          {"statements", statements},
          {"queries", queries},
          {"reconnects", reconnects},
          {"watchdog_kills", watchdog_kills},
          {"statements_per_s", statements_per_s},
          {"outcomes", outcomes_json},
          {"errors", errors_json},
          {"latency_us",
           {{"p50", latency_p50_us},
            {"p95", latency_p95_us},
            {"p99", latency_p99_us},
            {"max", latency_max_us}}}};
}

}  // namespace randsync::load
