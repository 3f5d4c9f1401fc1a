// Number, string and temporal formats of the field-type values, with the
// ranges of RQG's lib/GenTest/Random.pm (master).
#include <charconv>
#include <iterator>
#include <limits>

#include <fmt/format.h>

#include "engine/values/value_kind.h"

namespace randsync::values {

const IntRange kIntRanges[kLastSignedInt - kBool + 1] = {
    {0, 1},                                    // bool, boolean
    {-128, 127}, {0, 255}, {1, 255},           // tinyint
    {-32768, 32767}, {0, 65535}, {1, 65535},   // smallint
    {-8388608, 8388607}, {0, 16777215}, {1, 16777215},           // mediumint
    {-2147483648LL, 2147483647LL}, {0, 4294967295LL}, {1, 4294967295LL},  // int
    {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()},  // bigint
};

void AppendPerlFloat(double v, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{:.15g}", v);
}

void AppendLetters(Prng& prng, int64_t n, std::string& out) {
  if (n <= 0) return;
  size_t at = out.size();
  out.resize(at + static_cast<size_t>(n));
  prng.FillChars(out.data() + at, static_cast<size_t>(n), 'a', 26);
}

void AppendString(Prng& prng, int64_t len, std::string& out) {
  // RQG's string() also keeps a 1 KiB rolling buffer so that successive
  // strings share letters; that is an optimisation of Perl, not a property
  // grammars rely on, so every letter here is independent.
  if (len <= 0) return;
  AppendLetters(prng, prng.Int(1, len), out);
}

void AppendWord(const std::vector<std::string>* words, Prng& prng, std::string& out) {
  if (words != nullptr && !words->empty()) {
    out += (*words)[prng.Index(words->size())];
  } else {
    AppendLetters(prng, prng.Int(1, 8), out);
  }
}

void AppendDecimal(Prng& prng, std::string& out) {
  // RQG master has no range for decimal and always yields 0. This follows
  // RQG 2022's intent (Random.pm fixed()): scale d in 0..38, precision m in
  // d..65, i.e. any DECIMAL(65,38)-representable shape, negative one time in
  // three. Written in fixed notation (2022's "%.10g" turned most of them into
  // integers in exponent notation by accident).
  int64_t scale = prng.Int(0, 38);
  int64_t precision = prng.Int(scale, 65);
  if (prng.Int(0, 2) == 0) out.push_back('-');
  bool leading = true;
  for (int64_t i = scale; i < precision; ++i) {
    char digit = static_cast<char>('0' + prng.Index(10));
    if (leading && digit == '0') continue;
    leading = false;
    out.push_back(digit);
  }
  if (leading) out.push_back('0');
  if (scale > 0) {
    out.push_back('.');
    for (int64_t i = 0; i < scale; ++i) out.push_back(static_cast<char>('0' + prng.Index(10)));
  }
}

void AppendDate(Prng& prng, std::string& out) {
  // Day 1..28 keeps every date valid without knowing month lengths.
  AppendPadded(prng.Int(1971, 2035), 4, out);
  out.push_back('-');
  AppendPadded(prng.Int(1, 12), 2, out);
  out.push_back('-');
  AppendPadded(prng.Int(1, 28), 2, out);
}

void AppendTime(Prng& prng, std::string& out) {
  AppendPadded(prng.Int(0, 23), 2, out);
  out.push_back(':');
  AppendPadded(prng.Int(0, 59), 2, out);
  out.push_back(':');
  AppendPadded(prng.Int(0, 59), 2, out);
  out.push_back('.');
  AppendPadded(prng.Int(0, 999999), 6, out);
}

void AppendTimestamp(Prng& prng, std::string& out) {
  AppendPadded(prng.Int(1971, 2035), 4, out);
  AppendPadded(prng.Int(1, 12), 2, out);
  AppendPadded(prng.Int(1, 28), 2, out);
  AppendPadded(prng.Int(0, 23), 2, out);
  AppendPadded(prng.Int(0, 59), 2, out);
  AppendPadded(prng.Int(0, 59), 2, out);
  out.push_back('.');
  AppendPadded(prng.Int(0, 999999), 6, out);
}

void AppendText(const std::vector<std::string>* english, int64_t len, Prng& prng,
                std::string& out) {
  // RQG's text(): words followed by a space while the next word is shorter
  // than the room left; the first word that does not fit ends the text and
  // takes the trailing space with it. A text that fills exactly `len`
  // characters keeps its trailing space, as in RQG.
  const size_t start = out.size();
  const auto size = [&] { return static_cast<int64_t>(out.size() - start); };
  while (int64_t room = len - size()) {
    if (room < 0) break;
    const size_t before = out.size();
    AppendWord(english, prng, out);
    const auto word_length = static_cast<int64_t>(out.size() - before);
    if (word_length < room) {
      out.push_back(' ');
    } else {
      out.resize(before);
      if (size() > 0) out.pop_back();
      break;
    }
  }
}

}  // namespace randsync::values
