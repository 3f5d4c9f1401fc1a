// Lexer for the RQG grammar dialect (.yy files).
//
// RQG itself has no lexer: it strips `#...` everywhere, splits rules on
// `;`+newline and alternatives on every `|`, even inside quoted strings and
// Perl code (reference/rqg.md 1.1). This lexer makes quotes, backticks, SQL
// comments and Perl blocks real tokens, so those characters lose their
// special meaning inside them, while keeping what real grammars rely on:
//   - a rule ends at a `;` followed (after blanks or a `#` comment) by a
//     newline or the end of the file; any other `;` is SQL text;
//   - `#` outside strings and code starts a comment to the end of the line;
//     `#include <file>` / `#include "file"` is a directive;
//   - a backslash at the end of a line joins it with the next;
//   - words are RQG's identifier runs [A-Za-z0-9_$[\]] (a lower-case word
//     directly followed by `(digits)` stays one word, as in `_varchar(10)`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/errors.h"

namespace randsync::grammar {

enum class TokenKind : uint8_t {
  kWord,         // identifier run, possibly with [invariant] or (N) suffix
  kString,       // '...' or "..." (text includes the quotes)
  kBacktick,     // `...` (text includes the backticks)
  kSqlComment,   // /* ... */ (text includes the delimiters)
  kCode,         // { ... } Perl block (text includes the braces)
  kSpace,        // a run of blanks/newlines/comments inside a rule body
  kBar,          // | separating alternatives
  kColon,        // : (only meaningful after a rule name)
  kRuleEnd,      // ; ending a rule
  kFactor,       // ==FACTOR:N== (text is N)
  kInclude,      // #include directive (text is the file name)
  kPunct,        // any other single character (SQL punctuation, ';', ...)
  kEnd,          // end of input
};

struct Token {
  TokenKind kind;
  std::string_view text;
  uint32_t line;
  uint32_t column;
};

class Lexer {
 public:
  // `text` must outlive the lexer and its tokens; `file` names it in errors.
  // Recoverable oddities are appended to `warnings` (when given).
  Lexer(std::string_view text, std::string file, std::vector<std::string>* warnings = nullptr);

  // Returns the next token. Throws GrammarError on an unterminated SQL
  // comment, naming where it started.
  //
  // RQG grammars in the wild contain a lone quote (`single_quote: ' ;`) or an
  // unbalanced `{`, which RQG, having no lexer, passes through as text. So
  // does this lexer, with a warning: a quote opens a string only if it closes
  // before the rule ends, a `{` opens a Perl block only if it balances.
  Token Next();

  const std::string& file() const { return file_; }
  SourceLoc Loc(const Token& t) const { return {file_, t.line, t.column}; }

 private:
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  void Advance(size_t n = 1);
  [[noreturn]] void Fail(uint32_t line, uint32_t col, const std::string& what) const;

  // Skips blanks, newlines, line continuations and # comments. Returns true
  // if anything was skipped.
  bool SkipSpace();
  bool AtIncludeDirective() const;
  bool AtRuleEnd() const;  // at ';' that ends a rule
  bool AtFactor() const;

  Token LexQuoted(char quote, TokenKind kind);
  Token LexSqlComment();
  Token LexCode();
  Token LexWord();
  Token LexInclude();
  Token LexFactor();
  Token Literal(size_t start, uint32_t line, uint32_t col, const std::string& warning);

  std::string_view text_;
  std::string file_;
  std::vector<std::string>* warnings_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
};

// Index one past the `}` closing the Perl block that opens at text[open]
// (braces inside Perl strings and # comments do not count), or npos when
// it never closes.
size_t MatchPerlBlock(std::string_view text, size_t open);

// Word characters of RQG's tokeniser (minus the quote and brace characters,
// which are tokens of their own here).
inline bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$' || c == '[' ||
         c == ']';
}

}  // namespace randsync::grammar
