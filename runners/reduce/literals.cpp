#include "runners/reduce/literals.h"

#include <cctype>

namespace randsync::reduce {
namespace {

bool IdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool Digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The end of the quoted run starting at `i` (its quote char), past the
// closing quote; a doubled quote or a backslash escape stays inside.
std::size_t QuotedEnd(std::string_view s, std::size_t i) {
  const char q = s[i];
  for (std::size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == '\\' && q != '`') {
      ++j;
    } else if (s[j] == q) {
      if (j + 1 < s.size() && s[j + 1] == q) {
        ++j;
      } else {
        return j + 1;
      }
    }
  }
  return s.size();
}

std::size_t NumberEnd(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && Digit(s[j])) ++j;
  if (j < s.size() && s[j] == '.') {
    ++j;
    while (j < s.size() && Digit(s[j])) ++j;
  }
  if (j + 1 < s.size() && (s[j] == 'e' || s[j] == 'E') && (Digit(s[j + 1]) || s[j + 1] == '-' || s[j + 1] == '+')) {
    j += 2;
    while (j < s.size() && Digit(s[j])) ++j;
  }
  return j;
}

}  // namespace

std::vector<Literal> FindLiterals(std::string_view s) {
  std::vector<Literal> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (s.substr(i, 2) == "/*") {
      const std::size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (c == '#' || (s.substr(i, 2) == "--" && (i + 2 == s.size() || std::isspace(static_cast<unsigned char>(s[i + 2]))))) {
      const std::size_t end = s.find('\n', i);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else if (c == '`') {
      i = QuotedEnd(s, i);
    } else if (c == '\'' || c == '"') {
      const std::size_t end = QuotedEnd(s, i);
      // X'..', b'..', N'..', _latin1'..': a prefixed string keeps its form.
      const bool prefixed = i > 0 && IdentifierChar(s[i - 1]);
      if (!prefixed) out.push_back({i, end, true});
      i = end;
    } else if (IdentifierChar(c) && !Digit(c)) {
      while (i < s.size() && IdentifierChar(s[i])) ++i;
    } else if (Digit(c) || (c == '.' && i + 1 < s.size() && Digit(s[i + 1]))) {
      if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'b')) {
        while (i < s.size() && IdentifierChar(s[i])) ++i;  // 0x1F, 0b101
        continue;
      }
      const std::size_t end = NumberEnd(s, i);
      if (end < s.size() && IdentifierChar(s[end])) {  // 1e, 2abc: an identifier such as 1st_col
        i = end;
        while (i < s.size() && IdentifierChar(s[i])) ++i;
        continue;
      }
      out.push_back({i, end, false});
      i = end;
    } else {
      ++i;
    }
  }
  return out;
}

std::vector<std::string> SimplerForms(std::string_view literal, bool string) {
  const std::vector<std::string> forms = string ? std::vector<std::string>{"''", "'a'"} : std::vector<std::string>{"0", "1"};
  std::vector<std::string> out;
  for (const std::string& f : forms) {
    if (f == literal) break;  // the rest are not simpler than it
    out.push_back(f);
  }
  return out;
}

}  // namespace randsync::reduce
