#include "engine/generator/statements.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace randsync {

namespace {

constexpr std::array<bool, 256> MakeSpaceTable() {
  std::array<bool, 256> t{};
  for (char c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kSpaceChars = MakeSpaceTable();

inline bool IsSpace(char c) { return kSpaceChars[static_cast<unsigned char>(c)]; }
bool IsWord(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// True if out[0..end) ends with an aggregate function name preceded by a
// non-word character (RQG: s/(\W)(AVG|...|VARIANCE) /$1$2/). Called for
// every space after an upper-case letter, i.e. after most SQL keywords, so it
// dispatches on the word's first letter instead of comparing all 16 names.
bool EndsWithAggregate(const std::string& out, size_t end) {
  size_t start = end;
  while (start > 0 && IsWord(out[start - 1])) --start;
  if (start == 0) return false;  // RQG's (\W) needs a character before
  std::string_view w(out.data() + start, end - start);
  if (w.size() < 3 || w.size() > 12) return false;
  switch (w[0]) {
    case 'A': return w == "AVG";
    case 'B': return w == "BIT_AND" || w == "BIT_OR" || w == "BIT_XOR";
    case 'C': return w == "COUNT";
    case 'G': return w == "GROUP_CONCAT";
    case 'M': return w == "MAX" || w == "MIN";
    case 'S':
      return w == "STD" || w == "STDDEV_POP" || w == "STDDEV_SAMP" || w == "STDDEV" || w == "SUM";
    case 'V': return w == "VAR_POP" || w == "VAR_SAMP" || w == "VARIANCE";
    default: return false;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool Has(std::string_view s, std::string_view w) { return s.find(w) != std::string_view::npos; }

bool LooksCompound(std::string_view s) {
  return (Has(s, "CREATE") && (Has(s, "BEGIN") || Has(s, "END"))) ||
         (Has(s, "BEGIN") && Has(s, "ATOMIC") && Has(s, "END")) ||
         (Has(s, "IF") && Has(s, "THEN") && Has(s, "END")) ||
         (Has(s, "CASE") && Has(s, "WHEN") && Has(s, "THEN") && Has(s, "END")) ||
         (Has(s, "LOOP") && Has(s, "END")) ||
         (Has(s, "REPEAT") && Has(s, "UNTIL") && Has(s, "END")) ||
         (Has(s, "WHILE") && Has(s, "DO") && Has(s, "END"));
}

// Characters the statement splitter must look at; everything else is skipped
// with one table lookup per byte.
constexpr std::array<bool, 256> MakeSplitTable() {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(';')] = true;
  t[static_cast<unsigned char>('\'')] = true;
  t[static_cast<unsigned char>('"')] = true;
  t[static_cast<unsigned char>('\\')] = true;
  return t;
}
constexpr std::array<bool, 256> kSplitChars = MakeSplitTable();

// Calls f(pos) for each `;` outside quoted literals.
template <typename F>
void ForEachUnquotedSemicolon(std::string_view s, F f) {
  char quote = 0;
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (!kSplitChars[static_cast<unsigned char>(c)]) continue;
    if (quote) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ';') {
      if (!f(i)) return;
    }
  }
}

void Push(std::string_view piece, std::vector<std::string_view>& out) {
  piece = Trim(piece);
  if (!piece.empty()) out.push_back(piece);
}

// Skips 8 bytes at a time while none of them can be whitespace (all
// whitespace is below 0x21): generated values such as _char(255) are long
// runs of letters. Returns the first position that needs a closer look.
inline size_t SkipToSpaceCandidate(const char* p, size_t i, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  while (i + 8 <= n) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    // Sets a byte's high bit if that byte is below 0x21 (bytes >= 0x80 are
    // never flagged, and they are not whitespace either). Only bytes above a
    // true hit can be flagged falsely, so the lowest flag is exact
    // (little-endian: the lowest byte is the first character).
    uint64_t hit = (x - kOnes * 0x21) & ~x & kHigh;
    if (hit != 0) return i + (static_cast<size_t>(__builtin_ctzll(hit)) >> 3);
    i += 8;
  }
  return i;
}

}  // namespace

void CleanUpSentence(std::string& s) {
  // In place: the result is never longer than the input, so the write
  // position w never overtakes the read position r.
  const size_t n = s.size();
  size_t w = 0;
  size_t r = 0;
  while (r < n) {
    // Copy the run up to the next whitespace in one go.
    size_t run = SkipToSpaceCandidate(s.data(), r, n);
    while (run < n && !IsSpace(s[run])) ++run;
    if (run != r) {
      if (w != r) std::memmove(&s[w], &s[r], run - r);
      w += run - r;
      r = run;
      if (r == n) break;
    }
    char c = s[r];
    size_t j = r + 1;
    while (j < n && IsSpace(s[j])) ++j;
    bool after_dot = w > 0 && s[w - 1] == '.';
    bool before_punct = j < n && (s[j] == '.' || s[j] == ',');
    if (!after_dot && !before_punct) {
      if (j - r >= 2 || c == ' ') {
        // Aggregate names all end in an upper-case letter: cheap filter first.
        bool glue = w > 0 && s[w - 1] >= 'A' && s[w - 1] <= 'Z' && EndsWithAggregate(s, w);
        if (!glue) s[w++] = ' ';
      } else {
        s[w++] = c;  // a lone tab or newline stays what it is
      }
    }
    r = j;
  }
  s.resize(w);
}

void SplitStatements(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  // One scan for the `;` outside quotes; most queries have none.
  if (s.find(';') == std::string_view::npos) return Push(s, out);
  thread_local std::vector<size_t> semis;
  semis.clear();
  bool double_separator = false;
  ForEachUnquotedSemicolon(s, [&](size_t i) {
    if (!semis.empty() && semis.back() + 1 == i) double_separator = true;
    semis.push_back(i);
    return true;
  });
  if (semis.empty()) return Push(s, out);
  size_t start = 0;
  if (double_separator) {
    for (size_t k = 0; k + 1 < semis.size(); ++k) {
      if (semis[k] + 1 != semis[k + 1] || semis[k] < start) continue;
      Push(s.substr(start, semis[k] - start), out);
      start = semis[k] + 2;
      ++k;
    }
    return Push(s.substr(start), out);
  }
  if (LooksCompound(s)) return Push(s, out);
  for (size_t i : semis) {
    Push(s.substr(start, i - start), out);
    start = i + 1;
  }
  Push(s.substr(start), out);
}

}  // namespace randsync
