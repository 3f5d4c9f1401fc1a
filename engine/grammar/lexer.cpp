#include "engine/grammar/lexer.h"

#include <cctype>

namespace randsync::grammar {

Lexer::Lexer(std::string_view text, std::string file, std::vector<std::string>* warnings)
    : text_(text), file_(std::move(file)), warnings_(warnings) {}

Token Lexer::Literal(size_t start, uint32_t line, uint32_t col, const std::string& warning) {
  if (warnings_) {
    warnings_->push_back(SourceLoc{file_, line, col}.ToString() + ": " + warning);
  }
  pos_ = start;
  line_ = line;
  col_ = col;
  Advance();
  return {TokenKind::kPunct, text_.substr(start, 1), line, col};
}

void Lexer::Advance(size_t n) {
  for (size_t i = 0; i < n && pos_ < text_.size(); ++i, ++pos_) {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
  }
}

void Lexer::Fail(uint32_t line, uint32_t col, const std::string& what) const {
  throw GrammarError(SourceLoc{file_, line, col}, what);
}

bool Lexer::AtIncludeDirective() const {
  if (text_.compare(pos_, 9, "#include ") != 0) return false;
  size_t p = pos_ + 9;
  while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) ++p;
  return p < text_.size() && (text_[p] == '<' || text_[p] == '"');
}

bool Lexer::SkipSpace() {
  size_t start = pos_;
  while (!AtEnd()) {
    char c = Peek();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      Advance();
    } else if (c == '\\' && (Peek(1) == '\n' || (Peek(1) == '\r' && Peek(2) == '\n'))) {
      Advance(Peek(1) == '\r' ? 3 : 2);  // line continuation
    } else if (c == '#' && !AtIncludeDirective()) {
      while (!AtEnd() && Peek() != '\n') Advance();
    } else {
      break;
    }
  }
  return pos_ != start;
}

bool Lexer::AtRuleEnd() const {
  if (Peek() != ';') return false;
  size_t p = pos_ + 1;
  while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r')) ++p;
  if (p >= text_.size() || text_[p] == '\n') return true;
  if (text_[p] == '#') return true;  // `; # comment` ends the line for RQG too
  return false;
}

bool Lexer::AtFactor() const { return text_.compare(pos_, 9, "==FACTOR:") == 0; }

Token Lexer::Next() {
  uint32_t line = line_, col = col_;
  size_t start = pos_;
  if (SkipSpace()) return {TokenKind::kSpace, text_.substr(start, pos_ - start), line, col};
  if (AtEnd()) return {TokenKind::kEnd, {}, line_, col_};

  char c = Peek();
  if (c == '#') return LexInclude();
  if (c == '\'' || c == '"') return LexQuoted(c, TokenKind::kString);
  if (c == '`') return LexQuoted(c, TokenKind::kBacktick);
  if (c == '{') return LexCode();
  if (c == '/' && Peek(1) == '*') return LexSqlComment();
  if (AtFactor()) return LexFactor();
  if (IsWordChar(c)) return LexWord();
  if (AtRuleEnd()) {
    Advance();
    return {TokenKind::kRuleEnd, text_.substr(start, 1), line, col};
  }
  Advance();
  TokenKind kind = TokenKind::kPunct;
  if (c == '|') kind = TokenKind::kBar;
  if (c == ':') kind = TokenKind::kColon;
  if (c == '}') {
    return Literal(start, line, col, "unbalanced '}' taken as text (no Perl block is open)");
  }
  return {kind, text_.substr(start, 1), line, col};
}

Token Lexer::LexQuoted(char quote, TokenKind kind) {
  uint32_t line = line_, col = col_;
  size_t start = pos_;
  Advance();
  while (!AtEnd()) {
    char c = Peek();
    if (c == '\\' && quote != '`') {
      Advance(2);
    } else if (c == quote) {
      Advance();
      return {kind, text_.substr(start, pos_ - start), line, col};
    } else if (AtRuleEnd()) {
      break;
    } else {
      Advance();
    }
  }
  return Literal(start, line, col,
                 std::string("lone ") + quote + " taken as text (no closing " + quote +
                     " before the rule ends)");
}

Token Lexer::LexSqlComment() {
  uint32_t line = line_, col = col_;
  size_t start = pos_;
  size_t end = text_.find("*/", pos_ + 2);
  if (end == std::string_view::npos) Fail(line, col, "unterminated SQL comment: expected '*/'");
  Advance(end + 2 - pos_);
  return {TokenKind::kSqlComment, text_.substr(start, pos_ - start), line, col};
}

size_t MatchPerlBlock(std::string_view text, size_t open) {
  int depth = 0;
  size_t i = open;
  const size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '{') {
      ++depth;
      ++i;
    } else if (c == '}') {
      ++i;
      if (--depth == 0) return i;
    } else if (c == '\\') {
      i += 2;
    } else if (c == '\'' || c == '"') {
      // A Perl string; stop at the matching quote.
      ++i;
      while (i < n && text[i] != c) i += text[i] == '\\' ? 2 : 1;
      if (i >= n) return std::string_view::npos;
      ++i;
    } else if (c == '#' && i > 0 && text[i - 1] != '$') {  // $#array is no comment
      while (i < n && text[i] != '\n') ++i;
    } else {
      ++i;
    }
  }
  return std::string_view::npos;
}

Token Lexer::LexCode() {
  uint32_t line = line_, col = col_;
  size_t start = pos_;
  size_t end = MatchPerlBlock(text_, pos_);
  if (end == std::string_view::npos || end > text_.size()) {
    return Literal(start, line, col, "unbalanced '{' taken as text (the Perl block never closes)");
  }
  Advance(end - pos_);
  return {TokenKind::kCode, text_.substr(start, pos_ - start), line, col};
}

Token Lexer::LexWord() {
  uint32_t line = line_, col = col_;
  size_t start = pos_;
  bool lower_only = true;  // RQG re-joins only [a-z0-9_]+ words with (N)
  while (!AtEnd() && IsWordChar(Peek())) {
    char c = Peek();
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) lower_only = false;
    Advance();
  }
  if (lower_only && Peek() == '(' && std::isdigit(static_cast<unsigned char>(Peek(1)))) {
    size_t p = pos_ + 1;
    while (p < text_.size() && std::isdigit(static_cast<unsigned char>(text_[p]))) ++p;
    if (p < text_.size() && text_[p] == ')') Advance(p + 1 - pos_);
  }
  return {TokenKind::kWord, text_.substr(start, pos_ - start), line, col};
}

Token Lexer::LexInclude() {
  uint32_t line = line_, col = col_;
  Advance(9);
  while (Peek() == ' ' || Peek() == '\t') Advance();
  char open = Peek();
  char close = open == '<' ? '>' : '"';
  Advance();
  size_t name_start = pos_;
  while (!AtEnd() && Peek() != close && Peek() != '\n') Advance();
  if (Peek() != close) Fail(line, col, std::string("malformed #include: expected a closing ") + close);
  std::string_view name = text_.substr(name_start, pos_ - name_start);
  Advance();
  return {TokenKind::kInclude, name, line, col};
}

Token Lexer::LexFactor() {
  uint32_t line = line_, col = col_;
  Advance(9);
  size_t num_start = pos_;
  while (!AtEnd() && (std::isdigit(static_cast<unsigned char>(Peek())) || Peek() == '.')) Advance();
  std::string_view num = text_.substr(num_start, pos_ - num_start);
  if (num.empty() || text_.compare(pos_, 2, "==") != 0) {
    Fail(line, col, "malformed weight: expected ==FACTOR:<number>==");
  }
  Advance(2);
  return {TokenKind::kFactor, num, line, col};
}

}  // namespace randsync::grammar
