#include "engine/grammar/parser.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "base/file_text.h"
#include "engine/grammar/lexer.h"

namespace randsync::grammar {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxIncludeDepth = 16;

// One rule definition as written in a file, before merging.
struct RuleDef {
  std::string name;
  std::vector<Alternative> alternatives;
  SourceLoc loc;
  size_t file_index;
};

// Reads the rule definitions of one top-level file, following #include.
class FileParser {
 public:
  FileParser(const ParseOptions& options, size_t file_index, std::vector<std::string>* warnings)
      : options_(options), file_index_(file_index), warnings_(warnings) {}

  void Push(std::string text, std::string name) {
    if (lexers_.size() >= kMaxIncludeDepth) {
      throw GrammarError(lexers_.back()->Loc(last_), "#include nested too deeply (include loop?)");
    }
    texts_.push_back(std::make_unique<std::string>(std::move(text)));
    lexers_.push_back(std::make_unique<Lexer>(*texts_.back(), std::move(name), warnings_));
  }

  std::vector<RuleDef> Parse() {
    std::vector<RuleDef> defs;
    while (true) {
      Token t = NextNonSpace();
      if (t.kind == TokenKind::kEnd) break;
      if (t.kind == TokenKind::kRuleEnd) continue;  // stray ';' between rules
      // RQG splits the text at every ';'+newline and silently drops pieces
      // that do not start with `name:` (grammars in the wild have such
      // leftovers, e.g. a second ';' line after a rule). Skip them too, but
      // say so: it is usually a mistake.
      if (t.kind != TokenKind::kWord) {
        SkipPiece(t, "expected a rule name (a word followed by ':'), found " + Describe(t));
        continue;
      }
      RuleDef def;
      def.name = std::string(t.text);
      def.loc = Loc(t);
      def.file_index = file_index_;
      Token colon = NextNonSpace();
      if (colon.kind != TokenKind::kColon) {
        SkipPiece(colon, "expected ':' after rule name '" + def.name + "', found " + Describe(colon));
        continue;
      }
      ParseBody(def);
      defs.push_back(std::move(def));
    }
    return defs;
  }

 private:
  SourceLoc Loc(const Token& t) const { return lexers_.back()->Loc(t); }

  void SkipPiece(Token t, const std::string& what) {
    warnings_->push_back(Loc(t).ToString() + ": " + what + "; text up to the next ';' ignored");
    while (t.kind != TokenKind::kRuleEnd && t.kind != TokenKind::kEnd) t = Next();
  }
  [[noreturn]] void Fail(const Token& t, const std::string& what) const {
    throw GrammarError(Loc(t), what);
  }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEnd: return "the end of the file";
      case TokenKind::kRuleEnd: return "';'";
      case TokenKind::kBar: return "'|'";
      default: {
        std::string s(t.text.substr(0, 20));
        for (char& c : s) if (c == '\n') c = ' ';
        return "'" + s + (t.text.size() > 20 ? "...'" : "'");
      }
    }
  }

  // The next token of the innermost file; an #include opens its file, the
  // end of an included file returns to the includer.
  Token Next() {
    while (true) {
      Token t = lexers_.back()->Next();
      last_ = t;
      if (t.kind == TokenKind::kInclude) {
        OpenInclude(t);
        continue;
      }
      if (t.kind == TokenKind::kEnd && lexers_.size() > 1) {
        lexers_.pop_back();
        // Keep the text alive: parts hold copies, but tokens of the outer
        // lexer still point into its own buffer, which is untouched.
        return Token{TokenKind::kSpace, " ", t.line, t.column};
      }
      return t;
    }
  }

  Token NextNonSpace() {
    Token t = Next();
    while (t.kind == TokenKind::kSpace) t = Next();
    return t;
  }

  void OpenInclude(const Token& t) {
    std::string name(t.text);
    fs::path including_dir = fs::path(lexers_.back()->file()).parent_path();
    std::vector<fs::path> candidates;
    if (fs::path(name).is_absolute()) {
      candidates.push_back(name);
    } else {
      candidates.push_back(including_dir / name);
      for (const auto& d : options_.include_dirs) candidates.push_back(fs::path(d) / name);
    }
    for (const auto& c : candidates) {
      std::error_code ec;
      if (fs::is_regular_file(c, ec)) {
        Push(ReadTextFile(c, "the grammar file"), c.string());
        return;
      }
    }
    Fail(t, "#include file '" + name + "' not found (looked in " + including_dir.string() +
                " and the include directories)");
  }

  void ParseBody(RuleDef& def) {
    Alternative alt;
    bool alt_started = false;  // saw a non-space part in this alternative
    auto finish_alt = [&]() {
      while (!alt.parts.empty() && alt.parts.back().kind == PartKind::kSpace) alt.parts.pop_back();
      def.alternatives.push_back(std::move(alt));
      alt = Alternative{};
      alt_started = false;
    };
    while (true) {
      Token t = Next();
      switch (t.kind) {
        case TokenKind::kEnd:
        case TokenKind::kRuleEnd:
          finish_alt();
          return;
        case TokenKind::kBar:
          finish_alt();
          continue;
        case TokenKind::kSpace:
          if (alt_started && (alt.parts.empty() || alt.parts.back().kind != PartKind::kSpace)) {
            alt.parts.push_back({PartKind::kSpace, " ", Loc(t)});
          }
          continue;
        case TokenKind::kFactor: {
          if (alt_started) Fail(t, "==FACTOR:N== must come first in an alternative");
          try {
            alt.weight = std::stod(std::string(t.text));
          } catch (...) {
            Fail(t, "malformed weight: expected ==FACTOR:<number>==");
          }
          if (!(alt.weight >= 0)) Fail(t, "weight must not be negative");
          continue;
        }
        default:
          break;
      }
      if (!alt_started) alt.loc = Loc(t);
      alt_started = true;
      PartKind kind = PartKind::kText;
      switch (t.kind) {
        case TokenKind::kWord: kind = PartKind::kWord; break;
        case TokenKind::kString: kind = PartKind::kString; break;
        case TokenKind::kBacktick: kind = PartKind::kBacktick; break;
        case TokenKind::kSqlComment: kind = PartKind::kComment; break;
        case TokenKind::kCode: kind = PartKind::kCode; break;
        default: kind = PartKind::kText; break;
      }
      if (kind == PartKind::kText && !alt.parts.empty() && alt.parts.back().kind == PartKind::kText) {
        alt.parts.back().text.append(t.text);
      } else {
        alt.parts.push_back({kind, std::string(t.text), Loc(t)});
      }
    }
  }

  const ParseOptions& options_;
  size_t file_index_;
  std::vector<std::string>* warnings_;
  std::deque<std::unique_ptr<std::string>> texts_;
  std::vector<std::unique_ptr<Lexer>> lexers_;
  Token last_{TokenKind::kEnd, {}, 0, 0};
};

bool IsThreadRule(const std::string& name, const char* suffix, std::string* thread) {
  // thread<digits><suffix>
  if (name.rfind("thread", 0) != 0) return false;
  size_t p = 6;
  while (p < name.size() && std::isdigit(static_cast<unsigned char>(name[p]))) ++p;
  if (p == 6 || name.substr(p) != suffix) return false;
  *thread = name.substr(6, p - 6);
  return true;
}

Part Word(const std::string& name, const SourceLoc& loc) { return {PartKind::kWord, name, loc}; }

// query_init_add and friends: the base init rule runs first, then each add
// as extra statements. (RQG concatenates the rule texts with "; ", which
// glues the add onto the base's *last* alternative only; the documented
// intent is "extra statements", which is what this does.)
void AppendInitAdds(Grammar& g, const std::string& target, const std::string& base,
                    const std::vector<RuleDef>& adds) {
  auto& rules = g.mutable_rules();
  Alternative seq;
  seq.loc = adds.front().loc;
  if (!base.empty() && rules.count(base)) {
    Rule orig = rules.at(base);
    std::string orig_name = target + "__base";
    orig.name = orig_name;
    rules[orig_name] = std::move(orig);
    seq.parts.push_back(Word(orig_name, seq.loc));
  }
  for (size_t i = 0; i < adds.size(); ++i) {
    std::string add_name = target + "__add" + std::to_string(i + 1);
    rules[add_name] = Rule{add_name, adds[i].alternatives, adds[i].loc};
    if (!seq.parts.empty()) {
      seq.parts.push_back({PartKind::kText, ";", seq.loc});
      seq.parts.push_back({PartKind::kSpace, " ", seq.loc});
    }
    seq.parts.push_back(Word(add_name, adds[i].loc));
  }
  rules[target] = Rule{target, {std::move(seq)}, adds.front().loc};
}

Grammar Merge(std::vector<std::vector<RuleDef>> files, std::vector<std::string> names,
              std::vector<std::string> warnings) {
  Grammar g;
  g.mutable_warnings() = std::move(warnings);
  g.mutable_files() = std::move(names);
  auto& rules = g.mutable_rules();
  std::vector<RuleDef> query_adds, query_init_adds;
  std::map<std::string, std::vector<RuleDef>> thread_adds, thread_init_adds;
  std::map<std::string, size_t> defined_in;  // rule -> file index of its definition
  for (auto& defs : files) {
    for (auto& def : defs) {
      std::string tid;
      if (def.name == "query_add") {
        query_adds.push_back(std::move(def));
      } else if (def.name == "query_init_add") {
        query_init_adds.push_back(std::move(def));
      } else if (IsThreadRule(def.name, "_add", &tid)) {
        thread_adds[tid].push_back(std::move(def));
      } else if (IsThreadRule(def.name, "_init_add", &tid)) {
        thread_init_adds[tid].push_back(std::move(def));
      } else {
        auto it = defined_in.find(def.name);
        if (it != defined_in.end() && it->second == def.file_index) {
          g.mutable_warnings().push_back(def.loc.ToString() + ": rule '" + def.name +
                                         "' is defined twice; the last definition wins");
        }
        defined_in[def.name] = def.file_index;
        rules[def.name] = Rule{def.name, std::move(def.alternatives), def.loc};
      }
    }
  }
  auto append_alternatives = [&](const std::string& target, std::vector<RuleDef>& adds) {
    if (adds.empty()) return;
    Rule& r = rules[target];
    if (r.name.empty()) {
      r.name = target;
      r.loc = adds.front().loc;
    }
    for (auto& add : adds) {
      for (auto& alt : add.alternatives) r.alternatives.push_back(std::move(alt));
    }
  };
  append_alternatives("query", query_adds);
  for (auto& [tid, adds] : thread_adds) append_alternatives("thread" + tid, adds);
  if (!query_init_adds.empty()) AppendInitAdds(g, "query_init", "query_init", query_init_adds);
  for (auto& [tid, adds] : thread_init_adds) {
    std::string target = "thread" + tid + "_init";
    std::string base = rules.count(target) ? target : "query_init";
    AppendInitAdds(g, target, base, adds);
  }
  return g;
}

std::vector<RuleDef> ParseOne(std::string text, const std::string& name, const ParseOptions& options,
                              size_t index, std::vector<std::string>* warnings) {
  FileParser p(options, index, warnings);
  p.Push(std::move(text), name);
  return p.Parse();
}

}  // namespace

namespace {

// A `$name` word the generator runs as a Perl variable: a '$' and at least
// one lower-case letter (Program emits `$` and `$X` as text).
bool IsPerlVariable(std::string_view word) {
  if (word.empty() || word[0] != '$') return false;
  for (char c : word) {
    if (c >= 'a' && c <= 'z') return true;
  }
  return false;
}

// Whether a quoted part holds Perl, under the same rules as Program's
// EmitQuoted: a `$name` that expands (a word touching the opening quote, or
// the closing quote of a string, is literal), or in a comment a balanced
// `{ ... }` block. (Found by tests/fuzz: `q: /*$i*/ ;` and `d:/*{}*/` made
// Perl while HasCode() said the grammar had none.)
bool QuotedHasCode(const Part& part) {
  const std::string& s = part.text;
  const bool is_comment = part.kind == PartKind::kComment;
  const size_t open_end = is_comment ? 2 : 1;
  if (s.size() < 2 * open_end) return false;
  const size_t close_begin = s.size() - open_end;
  for (size_t i = open_end; i < close_begin;) {
    if (is_comment && s[i] == '{' &&
        MatchPerlBlock(std::string_view(s).substr(0, close_begin), i) != std::string_view::npos) {
      return true;
    }
    if (!IsWordChar(s[i])) {
      ++i;
      continue;
    }
    size_t w = i;
    while (i < close_begin && IsWordChar(s[i])) ++i;
    bool touches_open = !is_comment && w == open_end;
    bool touches_close = part.kind == PartKind::kString && i == close_begin;
    if (!touches_open && !touches_close && IsPerlVariable(std::string_view(s).substr(w, i - w))) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool Grammar::HasCode() const {
  for (const auto& [name, rule] : rules_) {
    for (const auto& alt : rule.alternatives) {
      for (const auto& part : alt.parts) {
        switch (part.kind) {
          case PartKind::kCode:
            return true;
          case PartKind::kWord:
            if (IsPerlVariable(part.text)) return true;
            break;
          case PartKind::kString:
          case PartKind::kBacktick:
          case PartKind::kComment:
            if (QuotedHasCode(part)) return true;
            break;
          default:
            break;
        }
      }
    }
  }
  return false;
}

Grammar ParseGrammarFiles(const std::string& main_file, const std::vector<std::string>& redefine_files,
                          const ParseOptions& options) {
  std::vector<std::string> names{main_file};
  names.insert(names.end(), redefine_files.begin(), redefine_files.end());
  std::vector<std::vector<RuleDef>> defs;
  std::vector<std::string> warnings;
  for (size_t i = 0; i < names.size(); ++i) {
    defs.push_back(ParseOne(ReadTextFile(names[i], "the grammar file"), names[i], options, i, &warnings));
  }
  return Merge(std::move(defs), std::move(names), std::move(warnings));
}

Grammar ParseGrammarText(std::string_view text, const std::string& name, const ParseOptions& options) {
  std::vector<std::vector<RuleDef>> defs;
  std::vector<std::string> warnings;
  defs.push_back(ParseOne(std::string(text), name, options, 0, &warnings));
  return Merge(std::move(defs), {name}, std::move(warnings));
}

}  // namespace randsync::grammar
