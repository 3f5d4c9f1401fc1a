#include "engine/load/executor_comments.h"

#include <array>
#include <optional>

namespace randsync::load {

namespace {

constexpr std::string_view kExecutorPrefix = "/*executor";

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool EqualsNoCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// RQG's executor types (Executor.pm @dbid) plus the name a MariaDB grammar
// would naturally write.
constexpr std::array<std::string_view, 7> kDbTypes = {"unknown", "dummy",   "mysql",  "postgres",
                                                      "javadb",  "drizzle", "mariadb"};
bool IsDbType(std::string_view name) {
  for (std::string_view t : kDbTypes) {
    if (EqualsNoCase(name, t)) return true;
  }
  return false;
}
bool IsOurDbType(std::string_view name) {
  return EqualsNoCase(name, "mysql") || EqualsNoCase(name, "mariadb");
}

// Digits at sql[i...] as a number, saturating (a version no server reaches);
// `i` moves past them.
uint64_t ReadNumber(std::string_view sql, size_t& i) {
  uint64_t v = 0;
  for (; i < sql.size() && IsDigit(sql[i]); ++i) {
    if (v < (uint64_t{1} << 40)) v = v * 10 + static_cast<uint64_t>(sql[i] - '0');
  }
  return v;
}

// Cheap pre-check, so that statements with only ordinary comments
// (/*!50100 PARTITION ...*/, /* QNO */) skip the rewrite scan.
bool MayHaveConvention(std::string_view sql) {
  for (size_t p = sql.find("/*"); p != std::string_view::npos; p = sql.find("/*", p + 2)) {
    std::string_view rest = sql.substr(p);
    if (rest.starts_with(kExecutorPrefix) || rest.starts_with("/*+") ||
        rest.starts_with("/*!!")) {
      return true;
    }
  }
  return false;
}

struct Convention {
  bool keep = false;         // the text goes into the statement
  std::string_view text;     // what replaces the comment when kept
  bool separates = false;    // the comment stood for whitespace (see below)
  size_t end = 0;            // index just past "*/"
};

// The convention comment at sql[pos] ("/*"), or nullopt for any other
// comment, which stays as it is.
std::optional<Convention> Recognize(std::string_view sql, size_t pos,
                                    const ExecutorCommentContext& ctx) {
  const size_t close = sql.find("*/", pos + 2);
  if (close == std::string_view::npos) return std::nullopt;
  Convention c;
  c.end = close + 2;
  std::string_view rest = sql.substr(pos);

  if (rest.starts_with(kExecutorPrefix) && rest.size() > kExecutorPrefix.size() &&
      IsDigit(rest[kExecutorPrefix.size()])) {
    size_t i = pos + kExecutorPrefix.size();
    const size_t digits = i;
    const uint64_t n = ReadNumber(sql, i);
    // RQG matches "/*executorN " literally: "/*executor01" or "/*executor1x"
    // belong to no executor and are dropped like other executors' comments.
    c.keep = n == ctx.executor && sql[digits] != '0' && (i == close || IsSpace(sql[i]));
    // RQG takes the text between "N " and " */" and glues it in place.
    size_t b = i, e = close;
    if (b < e && IsSpace(sql[b])) ++b;
    if (b < e && IsSpace(sql[e - 1])) --e;
    c.text = sql.substr(b, e - b);
    return c;
  }

  if (rest.starts_with("/*+")) {
    // One or more "name:" with every name a DB type; the text follows.
    size_t i = pos + 3;
    int names = 0;
    for (;;) {
      size_t j = i;
      while (j < close && IsAlpha(sql[j])) ++j;
      if (j == i || j >= close || sql[j] != ':' || !IsDbType(sql.substr(i, j - i))) break;
      c.keep = c.keep || IsOurDbType(sql.substr(i, j - i));
      ++names;
      i = j + 1;
    }
    if (names == 0) return std::nullopt;  // an optimizer hint or a plain comment
    c.text = sql.substr(i, close - i);      // RQG keeps it verbatim
    return c;
  }

  if (rest.starts_with("/*!!") && rest.size() > 4 && IsDigit(rest[4])) {
    size_t i = pos + 4;
    const uint64_t version = ReadNumber(sql, i);
    c.keep = ctx.server_version < version;
    c.text = sql.substr(i, close - i);
    // RQG turns it into /*!...*/ or /*...*/, which the server reads as
    // whitespace around the text: keep tokens on both sides apart.
    c.separates = true;
    return c;
  }
  return std::nullopt;
}

// Follows quoting through text the server will see. Returns true when the
// text opened a string (the caller marks it as the grammar's construction).
bool TrackQuotes(std::string_view text, char& quote) {
  bool opened = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quote != 0) {
      if (ch == '\\' && quote != '`') {
        ++i;
      } else if (ch == quote) {
        if (i + 1 < text.size() && text[i + 1] == quote) {
          ++i;  // doubled quote: still inside
        } else {
          quote = 0;
          opened = false;
        }
      }
    } else if (ch == '\'' || ch == '"' || ch == '`') {
      quote = ch;
      opened = true;
    }
  }
  return opened;
}

}  // namespace

uint32_t ServerVersionNumber(std::string_view version) {
  if (version.starts_with("5.5.5-")) version.remove_prefix(6);
  for (size_t start = 0; start < version.size(); ++start) {
    if (!IsDigit(version[start]) || (start > 0 && IsDigit(version[start - 1]))) continue;
    size_t i = start;
    uint64_t parts[3] = {0, 0, 0};
    int n = 0;
    for (; n < 3; ++n) {
      if (i >= version.size() || !IsDigit(version[i])) break;
      parts[n] = ReadNumber(version, i);
      if (n < 2) {
        if (i >= version.size() || version[i] != '.') break;
        ++i;
      }
    }
    if (n == 3 && parts[0] < 1000 && parts[1] < 100 && parts[2] < 100) {
      return static_cast<uint32_t>(parts[0] * 10000 + parts[1] * 100 + parts[2]);
    }
  }
  return 0;
}

std::string_view RewriteExecutorComments(std::string_view sql, const ExecutorCommentContext& ctx,
                                         std::string& scratch) {
  if (sql.find("/*") == std::string_view::npos || !MayHaveConvention(sql)) return sql;

  const size_t n = sql.size();
  bool changed = false;
  size_t copied = 0;       // sql[copied, i) is still to be copied out
  char quote = 0;          // the open string's quote character, 0 outside
  bool constructed = false;  // that string was opened by a kept comment's text

  // Replaces the convention comment at sql[i] (already recognized).
  auto apply = [&](size_t i, const Convention& c) {
    if (!changed) {
      scratch.clear();
      changed = true;
    }
    scratch.append(sql, copied, i - copied);
    const bool next_glues = c.end < n && !IsSpace(sql[c.end]);
    auto separate = [&] {
      if (c.separates && quote == 0 && !scratch.empty() && !IsSpace(scratch.back())) {
        scratch.push_back(' ');
      }
    };
    if (c.keep && !c.text.empty()) {
      if (!IsSpace(c.text.front())) separate();
      scratch.append(c.text);
      if (TrackQuotes(c.text, quote)) constructed = true;
      if (quote == 0) constructed = false;
      if (next_glues && !IsSpace(c.text.back())) separate();
    } else if (next_glues) {
      separate();
    }
    copied = c.end;
  };

  size_t i = 0;
  while (i < n) {
    const char ch = sql[i];
    if (quote != 0) {
      if (ch == '\\' && quote != '`') {
        i += 2;
      } else if (ch == quote) {
        if (i + 1 < n && sql[i + 1] == quote) {
          i += 2;  // doubled quote: still inside
        } else {
          quote = 0;
          constructed = false;
          ++i;
        }
      } else if (constructed && ch == '/' && i + 1 < n && sql[i + 1] == '*') {
        if (auto c = Recognize(sql, i, ctx)) {
          apply(i, *c);
          i = c->end;
        } else {
          i += 2;
        }
      } else {
        ++i;
      }
      continue;
    }
    switch (ch) {
      case '\'':
      case '"':
      case '`':
        quote = ch;
        constructed = false;
        ++i;
        break;
      case '#':
        i = sql.find('\n', i);
        if (i == std::string_view::npos) i = n;
        break;
      case '-':
        // "-- " starts a comment only before whitespace or a control
        // character; "a--1" is arithmetic.
        if (i + 1 < n && sql[i + 1] == '-' &&
            (i + 2 == n || static_cast<unsigned char>(sql[i + 2]) <= ' ')) {
          i = sql.find('\n', i);
          if (i == std::string_view::npos) i = n;
        } else {
          ++i;
        }
        break;
      case '/':
        if (i + 1 < n && sql[i + 1] == '*') {
          if (auto c = Recognize(sql, i, ctx)) {
            apply(i, *c);
            i = c->end;
          } else {
            // Any other comment, executable ones included, is opaque.
            const size_t close = sql.find("*/", i + 2);
            i = close == std::string_view::npos ? n : close + 2;
          }
        } else {
          ++i;
        }
        break;
      default:
        ++i;
    }
  }
  if (!changed) return sql;
  scratch.append(sql, copied, std::string_view::npos);
  return scratch;
}

}  // namespace randsync::load
