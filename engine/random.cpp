#include "engine/random.h"

#include <boost/random/seed_seq.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

namespace randsync {

namespace {

boost::random::mt19937_64 MakeEngine(uint64_t seed, uint32_t thread) {
  // A seed sequence mixes (seed, thread) so that neighbouring seeds or
  // threads do not yield correlated mt19937 states.
  const uint32_t words[] = {static_cast<uint32_t>(seed),
                            static_cast<uint32_t>(seed >> 32), thread,
                            0x72616e64u /* "rand" */};
  boost::random::seed_seq seq(std::begin(words), std::end(words));
  return boost::random::mt19937_64(seq);
}

}  // namespace

Prng::Prng(uint64_t seed, uint32_t thread) : engine_(MakeEngine(seed, thread)) {}

int64_t Prng::Int(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return boost::random::uniform_int_distribution<int64_t>(lo, hi)(engine_);
}

uint64_t Prng::UInt(uint64_t lo, uint64_t hi) {
  if (hi <= lo) return lo;
  return boost::random::uniform_int_distribution<uint64_t>(lo, hi)(engine_);
}

size_t Prng::Index(size_t n) {
  if (n <= 1) return 0;
  return boost::random::uniform_int_distribution<size_t>(0, n - 1)(engine_);
}

double Prng::Real(double lo, double hi) {
  if (!(hi > lo)) return lo;
  return boost::random::uniform_real_distribution<double>(lo, hi)(engine_);
}

void Prng::FillChars(char* out, size_t n, char first, uint32_t base) {
  while (n > 0) {
    uint64_t x = engine_();
    for (int k = 0; k < 6 && n > 0; ++k, --n) {
      unsigned __int128 m = static_cast<unsigned __int128>(x) * base;
      *out++ = static_cast<char>(first + static_cast<uint32_t>(m >> 64));
      x = static_cast<uint64_t>(m);
    }
  }
}

}  // namespace randsync
