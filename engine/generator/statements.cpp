#include "engine/generator/statements.h"

#include <array>

namespace randsync {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsWord(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// True if `out` ends with an aggregate function name preceded by a non-word
// character (RQG: s/(\W)(AVG|...|VARIANCE) /$1$2/).
bool EndsWithAggregate(const std::string& out, size_t end) {
  static constexpr std::array<std::string_view, 16> kNames{
      "AVG", "BIT_AND", "BIT_OR", "BIT_XOR", "COUNT", "GROUP_CONCAT", "MAX", "MIN",
      "STD", "STDDEV_POP", "STDDEV_SAMP", "STDDEV", "SUM", "VAR_POP", "VAR_SAMP", "VARIANCE"};
  for (std::string_view n : kNames) {
    if (end < n.size() + 1) continue;
    if (out.compare(end - n.size(), n.size(), n) != 0) continue;
    if (!IsWord(out[end - n.size() - 1])) return true;
  }
  return false;
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

// Calls f(pos) for each `;` outside quoted literals.
template <typename F>
void ForEachUnquotedSemicolon(std::string_view s, F f) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
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

}  // namespace

void CleanUpSentence(std::string& s) {
  // In place: the result is never longer than the input, so the write
  // position w never overtakes the read position r.
  const size_t n = s.size();
  size_t w = 0;
  size_t r = 0;
  while (r < n) {
    char c = s[r];
    if (!IsSpace(c)) {
      s[w++] = c;
      ++r;
      continue;
    }
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
