#include "engine/random.h"

#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace randsync {
namespace {

std::vector<int64_t> Draw(Prng p, int n) {
  std::vector<int64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(p.Int(-1000, 1000));
  return v;
}

TEST(Prng, SameSeedAndThreadGiveTheSameStream) {
  EXPECT_EQ(Draw(Prng(42, 3), 200), Draw(Prng(42, 3), 200));
}

TEST(Prng, ThreadsAndSeedsGiveDifferentStreams) {
  EXPECT_NE(Draw(Prng(42, 3), 50), Draw(Prng(42, 4), 50));
  EXPECT_NE(Draw(Prng(42, 3), 50), Draw(Prng(43, 3), 50));
}

// Pins the stream: if this changes, every recorded seed in every bug report
// stops reproducing. Change it only on purpose.
TEST(Prng, StreamIsPinned) {
  Prng p(1, 1);
  std::vector<int64_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(p.Int(0, 999));
  EXPECT_EQ(got, (std::vector<int64_t>{762, 103, 547, 969, 45}));
}

TEST(Prng, RangesAreInclusiveAndCovered) {
  Prng p(7, 1);
  std::set<int64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    int64_t v = p.Int(3, 9);
    ASSERT_GE(v, 3);
    ASSERT_LE(v, 9);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(p.Int(5, 5), 5);
  EXPECT_EQ(p.Index(1), 0u);
  uint64_t big = p.UInt(0, UINT64_MAX);
  (void)big;
}

}  // namespace
}  // namespace randsync
