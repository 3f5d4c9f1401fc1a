// Load statistics: the latency histogram's buckets and percentiles, the
// merge of per-worker counters into a run summary, the progress line.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "engine/load/progress.h"
#include "engine/load/stats.h"

namespace randsync::load {
namespace {

TEST(LatencyHistogram, BucketsAreExactBelowSixteenAndWithinOneSixteenthAbove) {
  for (uint64_t v = 0; v < 16; ++v) EXPECT_EQ(LatencyHistogram::BucketHigh(LatencyHistogram::Bucket(v)), v);
  for (uint64_t v : {16ull, 17ull, 31ull, 32ull, 1000ull, 123456ull, 1ull << 40, ~0ull}) {
    size_t b = LatencyHistogram::Bucket(v);
    ASSERT_LT(b, LatencyHistogram::kBuckets) << v;
    uint64_t high = LatencyHistogram::BucketHigh(b);
    EXPECT_GE(high, v);
    EXPECT_LE(high - v, v / 16) << v;
    if (b > 0) {
      EXPECT_LT(LatencyHistogram::BucketHigh(b - 1), v) << v;
    }
  }
}

TEST(LatencyHistogram, Percentiles) {
  LatencyHistogram h;
  EXPECT_EQ(h.Percentile(50), 0u);
  for (uint64_t v = 1; v <= 1000; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.max(), 1000u);
  auto near = [](uint64_t got, double want) {
    return got >= want && static_cast<double>(got) <= want * (1 + 1.0 / 16);
  };
  EXPECT_TRUE(near(h.Percentile(50), 500)) << h.Percentile(50);
  EXPECT_TRUE(near(h.Percentile(95), 950)) << h.Percentile(95);
  EXPECT_TRUE(near(h.Percentile(99), 990)) << h.Percentile(99);
  EXPECT_EQ(h.Percentile(100), 1000u);  // never above the maximum
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    uint64_t v = rng() % 100000;
    (i % 3 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.max(), all.max());
  for (double p : {1.0, 50.0, 95.0, 99.0, 99.9}) EXPECT_EQ(a.Percentile(p), all.Percentile(p));
}

TEST(RunSummary, MergesWorkersAndSortsErrors) {
  WorkerStats w1, w2;
  for (int i = 0; i < 10; ++i) w1.RecordStatement(Outcome::kOk, 0, "", 100);
  w1.RecordStatement(Outcome::kExpected, 1062, "Duplicate entry '1' for key 'PRIMARY'", 200);
  w1.RecordQuery();
  w2.RecordStatement(Outcome::kExpected, 1062, "Duplicate entry '2' for key 'PRIMARY'", 300);
  w2.RecordStatement(Outcome::kExpected, 1062, "Duplicate entry '3' for key 'PRIMARY'", 300);
  w2.RecordStatement(Outcome::kSyntax, 1064, "You have an error in your SQL syntax", 50);
  w2.RecordStatement(Outcome::kUnknownError, 9999, "mystery", 5000);
  w2.RecordQuery();
  w2.RecordQuery();
  w2.RecordReconnect();

  RunSummary s = Summarize({&w1, &w2}, 2.0);
  EXPECT_EQ(s.threads, 2u);
  EXPECT_EQ(s.statements, 15u);
  EXPECT_EQ(s.queries, 3u);
  EXPECT_EQ(s.reconnects, 1u);
  EXPECT_DOUBLE_EQ(s.statements_per_s, 7.5);
  uint64_t sum = 0;
  for (Outcome o : kAllOutcomes) sum += s.outcome(o);
  EXPECT_EQ(sum, s.statements);
  EXPECT_EQ(s.outcome(Outcome::kOk), 10u);
  EXPECT_EQ(s.outcome(Outcome::kExpected), 3u);
  EXPECT_EQ(s.failed(), 5u);

  ASSERT_EQ(s.errors.size(), 3u);
  EXPECT_EQ(s.errors[0].number, 1062u);
  EXPECT_EQ(s.errors[0].count, 3u);
  EXPECT_EQ(s.errors[0].name, "ER_DUP_ENTRY");
  EXPECT_EQ(s.errors[0].outcome, Outcome::kExpected);
  EXPECT_EQ(s.errors[1].number, 1064u);  // ties by number
  EXPECT_EQ(s.errors[2].number, 9999u);
  EXPECT_EQ(s.errors[2].name, "");
  EXPECT_EQ(s.errors[2].example, "mystery");

  EXPECT_EQ(s.latency_max_us, 5000u);
  EXPECT_GE(s.latency_p50_us, 100u);  // the upper end of 100's bucket
  EXPECT_LE(s.latency_p50_us, 106u);
  EXPECT_GE(s.latency_p95_us, 300u);

  std::string text = s.ToText();
  EXPECT_NE(text.find("15 statements (3 queries)"), std::string::npos) << text;
  EXPECT_NE(text.find("1062 ER_DUP_ENTRY (expected): 3"), std::string::npos) << text;
  EXPECT_NE(text.find("syntax 1"), std::string::npos) << text;
  nlohmann::json j = s.ToJson();
  EXPECT_EQ(j["outcomes"]["unknown"], 1);
  EXPECT_EQ(j["errors"][0]["name"], "ER_DUP_ENTRY");
}

TEST(RunSummary, FormatsLatencies) {
  EXPECT_EQ(FormatMicros(850), "850 us");
  EXPECT_EQ(FormatMicros(1300), "1.30 ms");
  EXPECT_EQ(FormatMicros(45000), "45.0 ms");
  EXPECT_EQ(FormatMicros(2500000), "2.50 s");
}

TEST(Progress, LineShowsTheRateOverTheLastInterval) {
  ProgressSample before{10.0, 1000, 10, 0, 0, 0, false};
  ProgressSample now{11.0, 3500, 12, 1, 0, 2, false};
  EXPECT_EQ(FormatProgress(now, before),
            "load 11s  statements 3500  2500/s  errors 12 (syntax 1, unknown 0)  reconnects 2");
  now.paused = true;
  now.syntax = 0;
  now.reconnects = 0;
  EXPECT_EQ(FormatProgress(now, before), "load 11s  statements 3500  2500/s  errors 12  [paused]");
}

// Started and stopped before the first interval: nothing is printed.
TEST(Progress, NothingBeforeTheFirstInterval) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressLine line([] { return ProgressSample{}; }, f);
  EXPECT_FALSE(line.terminal());
  line.Start();
  line.Stop();
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

// In a log: whole lines, no redrawing, at the log interval.
TEST(Progress, LinesInALog) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  std::atomic<uint64_t> statements{0};
  ProgressLine line(
      [&] {
        ProgressSample s;
        s.statements = statements += 100;
        return s;
      },
      f, ProgressLine::Style::kAuto, std::chrono::milliseconds(20));
  EXPECT_FALSE(line.terminal());
  line.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  line.Stop();
  std::string text(static_cast<size_t>(std::ftell(f)), '\0');
  std::rewind(f);
  ASSERT_EQ(std::fread(text.data(), 1, text.size(), f), text.size());
  std::fclose(f);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_EQ(text.rfind("randsync: load 0s  statements 200  ", 0), 0u) << text;
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace randsync::load
