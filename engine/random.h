// Prng: the one source of randomness of a generator thread.
//
// Determinism is a contract (design.md): thread t's query stream is a pure
// function of (grammar, seed, t, schema). std:: distributions differ between
// standard libraries, so every draw goes through Boost.Random engines *and*
// Boost.Random distributions, whose algorithms are fixed in their headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/random/mersenne_twister.hpp>

namespace randsync {

class Prng {
 public:
  // Stream for (seed, thread): threads draw from independent, reproducible
  // streams; changing the thread count never changes an existing thread.
  Prng(uint64_t seed, uint32_t thread);
  explicit Prng(uint64_t seed) : Prng(seed, 0) {}

  // Uniform integer in [lo, hi] (inclusive, lo <= hi).
  int64_t Int(int64_t lo, int64_t hi);
  uint64_t UInt(uint64_t lo, uint64_t hi);
  // Uniform index in [0, n) for n > 0.
  size_t Index(size_t n);
  // Uniform real in [lo, hi).
  double Real(double lo, double hi);
  // True with probability percent/100.
  bool Percent(unsigned percent) { return Index(100) < percent; }
  // Raw 64 random bits.
  uint64_t Bits() { return engine_(); }

  // Fills out[0..n) with first + uniform(0 .. base-1), e.g. ('a', 26) for
  // random letters. Draws one 64-bit word per six characters: each word is
  // read as a binary fraction and multiplied out digit by digit, which is
  // exact integer arithmetic (so as reproducible as the engine) and keeps the
  // bias below 2^-30 per character. Long _char(N) strings made a draw per
  // letter the generator's top cost.
  void FillChars(char* out, size_t n, char first, uint32_t base);

  // RQG's uint16(a, b): uniform in [a, b]; kept as a name because Perl
  // grammar blocks call $prng->uint16.
  int64_t Uint16(int64_t a, int64_t b) { return Int(a, b); }

 private:
  boost::random::mt19937_64 engine_;
};

}  // namespace randsync
