// Small text helpers shared by every library: appending numbers without
// allocating, ASCII case-insensitive comparison (SQL identifiers and
// keywords), quoting an identifier for SQL or a word for the shell, and
// shortening text for a status line.
#pragma once

#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace randsync {

inline void AppendInt(int64_t v, std::string& out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

inline void AppendUInt(uint64_t v, std::string& out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// `v` with leading zeros up to `width` digits (dates and times).
inline void AppendPadded(int64_t v, int width, std::string& out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  for (int pad = width - static_cast<int>(res.ptr - buf); pad > 0; --pad) out.push_back('0');
  out.append(buf, res.ptr);
}

inline bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// `name` as a backquoted SQL identifier (a backquote inside is doubled).
inline std::string QuoteIdentifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

// `word` as one single-quoted POSIX shell word ('\'' for a quote inside):
// a path or argument in a command line given to bash -c.
inline std::string ShellQuote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// `text` on one line (line breaks and tabs become spaces) and at most
// `max` bytes, cut at a character's start and ended with "..." when cut:
// a statement or a tool's line inside a status line.
inline std::string Shorten(std::string_view text, size_t max) {
  std::string out;
  out.reserve(text.size() < max ? text.size() : max + 3);
  for (char c : text) {
    if (out.size() >= max) {
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();  // a cut lead byte
      return out + "...";
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return out;
}

}  // namespace randsync
