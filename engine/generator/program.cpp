#include "engine/generator/program.h"

#include <cctype>
#include <map>
#include <unordered_map>

#include "engine/grammar/lexer.h"

namespace randsync {

namespace {

bool HasLower(std::string_view s) {
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return true;
  }
  return false;
}

// RQG's `name[invariant]` (case-insensitive). Returns the bare name.
bool StripInvariant(std::string_view word, std::string_view* name) {
  size_t p = 0;
  while (p < word.size() && (std::isalnum(static_cast<unsigned char>(word[p])) || word[p] == '_')) ++p;
  if (p == 0 || p >= word.size()) return false;
  std::string_view rest = word.substr(p);
  static constexpr std::string_view kSuffix = "[invariant]";
  if (rest.size() < kSuffix.size()) return false;
  for (size_t i = 0; i < kSuffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(rest[i])) != kSuffix[i]) return false;
  }
  *name = word.substr(0, p);
  return true;
}

class Builder {
 public:
  Builder(Program& p, const grammar::Grammar& g, const ValueGenerator& values)
      : p_(p), values_(values) {
    for (const auto& [name, rule] : g.rules()) {
      rule_index_[name] = static_cast<uint32_t>(p_.rules.size());
      CompiledRule cr;
      cr.name = name;
      cr.loc = rule.loc;
      p_.rules.push_back(std::move(cr));
    }
    size_t i = 0;
    for (const auto& [name, rule] : g.rules()) CompileRule(rule, p_.rules[i++]);
  }

 private:
  void CompileRule(const grammar::Rule& rule, CompiledRule& cr) {
    cr.first_alt = static_cast<uint32_t>(p_.alts.size());
    cr.alt_count = static_cast<uint32_t>(rule.alternatives.size());
    bool weighted = false;
    double sum = 0;
    for (const auto& alt : rule.alternatives) {
      weighted |= alt.weight != 1.0;
      sum += alt.weight;
      cr.cumulative.push_back(sum);
      CompiledAlt ca;
      ca.first_op = static_cast<uint32_t>(p_.ops.size());
      can_merge_text_ = false;
      for (const auto& part : alt.parts) CompilePart(part);
      ca.op_count = static_cast<uint32_t>(p_.ops.size()) - ca.first_op;
      p_.alts.push_back(ca);
    }
    if (!weighted) cr.cumulative.clear();
    if (weighted && !(sum > 0)) {
      throw GrammarError(rule.loc, "rule '" + rule.name + "': all alternatives have weight 0");
    }
  }

  void CompilePart(const grammar::Part& part) {
    using grammar::PartKind;
    switch (part.kind) {
      case PartKind::kSpace:
      case PartKind::kText:
        EmitText(part.text);
        return;
      case PartKind::kWord:
        EmitWord(part.text, part.loc);
        return;
      case PartKind::kCode:
        EmitCode(part.text, part.loc, false);
        return;
      case PartKind::kString:
      case PartKind::kBacktick:
      case PartKind::kComment:
        EmitQuoted(part);
        return;
    }
  }

  // Words inside quotes expand as they do in RQG, whose tokeniser splits
  // quoted text into words too: `TRIM(' _digit ')` is a common idiom. A word
  // touching the opening quote (or, for strings, the closing one) is part of
  // RQG's word together with the quote and never expands: '_table' stays
  // literal, while `table _digit` gives `table 5`.
  void EmitQuoted(const grammar::Part& part) {
    const std::string& s = part.text;
    bool is_comment = part.kind == grammar::PartKind::kComment;
    bool is_string = part.kind == grammar::PartKind::kString;
    size_t open_end = is_comment ? 2 : 1;                  // after "/*" or the quote
    size_t close_begin = s.size() - (is_comment ? 2 : 1);  // at "*/" or the quote
    size_t text_start = 0;
    size_t i = open_end;
    while (i < close_begin) {
      if (is_comment && s[i] == '{') {
        // RQG glues braces into Perl blocks wherever they are, comments
        // included (WL5004_sql.yy names its tables in /* { ... } */).
        size_t end = grammar::MatchPerlBlock(std::string_view(s).substr(0, close_begin), i);
        if (end != std::string_view::npos) {
          EmitText(std::string_view(s).substr(text_start, i - text_start));
          EmitCode(std::string_view(s).substr(i, end - i), part.loc, false);
          text_start = i = end;
          continue;
        }
      }
      if (!grammar::IsWordChar(s[i])) {
        ++i;
        continue;
      }
      size_t w = i;
      while (i < close_begin && grammar::IsWordChar(s[i])) ++i;
      std::string_view word(s.data() + w, i - w);
      bool touches_open = !is_comment && w == open_end;
      bool touches_close = is_string && i == close_begin;
      if (touches_open || touches_close || !HasLower(word) || !Expands(word)) continue;
      EmitText(std::string_view(s).substr(text_start, w - text_start));
      EmitWord(word, part.loc);
      text_start = i;
    }
    EmitText(std::string_view(s).substr(text_start));
  }

  // Whether a word inside quotes would expand to something other than itself.
  bool Expands(std::string_view word) {
    std::string_view name = word;
    StripInvariant(word, &name);
    if (word[0] == '$') return word.size() > 1;
    if (rule_index_.count(std::string(name))) return true;
    if (name[0] != '_') return false;
    return FindBuiltin(name) || values_.Parse(name.substr(1));
  }

  void EmitText(std::string_view t) {
    if (t.empty()) return;
    if (can_merge_text_) {  // extend the previous text op of this alternative
      p_.text.append(t);
      p_.ops.back().len += static_cast<uint32_t>(t.size());
      return;
    }
    Op op{Op::kText};
    op.arg = static_cast<uint32_t>(p_.text.size());
    op.len = static_cast<uint32_t>(t.size());
    p_.text.append(t);
    p_.ops.push_back(op);
    can_merge_text_ = true;
  }

  void EmitWord(std::string_view word, const SourceLoc& loc) {
    if (!HasLower(word)) return EmitText(word);
    std::string_view name = word;
    bool invariant = StripInvariant(word, &name);
    if (word[0] == '$') {
      if (word.size() == 1) return EmitText(word);
      return EmitCode(word, loc, true);
    }
    Op op{Op::kText};
    auto it = rule_index_.find(std::string(name));
    if (it != rule_index_.end()) {
      op.kind = Op::kRule;
      op.arg = it->second;
    } else if (name[0] == '_' && FindBuiltin(name)) {
      op.kind = Op::kBuiltin;
      op.arg = static_cast<uint32_t>(*FindBuiltin(name));
    } else if (name[0] == '_' && name.size() > 1) {
      std::optional<FieldType> ft = values_.Parse(name.substr(1));
      if (!ft) return EmitText(word);  // unknown _token: RQG emits it as is
      // _varchar(N), _text(N), _json(N), ...: the value is built in one go,
      // before any query-size check can stop it, and values cap N only at
      // 1 GiB; _json(N) / _jsonarray(N) / _jsonobject(N) even take some 20
      // bytes per member. Found while writing tests/fuzz: under its limits
      // `query: _varchar(999999999) ;` and `query: _json(16777215) ;`
      // timed out. The RQG corpus goes up to _text(16777215), MEDIUMTEXT's
      // largest.
      std::string_view type_name = name.substr(name.find_first_not_of('_'));
      int64_t max_length = type_name.rfind("json", 0) == 0 ? kMaxJsonMembers : kMaxFieldLength;
      if (ft->length > max_length) {
        throw GrammarError(loc, "'" + std::string(word) + "': a length over " +
                                    std::to_string(max_length) + " is too large to generate");
      }
      op.kind = Op::kField;
      op.arg = static_cast<uint32_t>(p_.field_types.size());
      p_.field_types.push_back(*ft);
    } else {
      return EmitText(word);  // lower-case SQL text that is not a rule
    }
    if (invariant) {
      op.invariant = true;
      auto [slot, inserted] = invariant_slots_.try_emplace(std::string(name), p_.invariant_slots);
      if (inserted) ++p_.invariant_slots;
      op.slot = slot->second;
    }
    p_.ops.push_back(op);
    can_merge_text_ = false;
  }

  void EmitCode(std::string_view text, const SourceLoc& loc, bool is_variable) {
    Op op{is_variable ? Op::kVariable : Op::kCode};
    op.arg = static_cast<uint32_t>(p_.code.size());
    p_.code.push_back(CodeBlock{std::string(text), loc, is_variable});
    p_.ops.push_back(op);
    can_merge_text_ = false;
  }

  Program& p_;
  const ValueGenerator& values_;
  std::unordered_map<std::string, uint32_t> rule_index_;
  std::unordered_map<std::string, uint32_t> invariant_slots_;
  bool can_merge_text_ = false;
};

}  // namespace

Program::Program(const grammar::Grammar& grammar, const ValueGenerator& values) {
  Builder b(*this, grammar, values);
}

int Program::FindRule(const std::string& name) const {
  // Rules are sorted by name (they come from a std::map).
  size_t lo = 0, hi = rules.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (rules[mid].name < name) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < rules.size() && rules[lo].name == name ? static_cast<int>(lo) : -1;
}

namespace {

bool IsThreadRule(const std::string& name) {
  return name.size() > 6 && name.compare(0, 6, "thread") == 0 &&
         name.find_first_not_of("0123456789", 6) == std::string::npos;
}

}  // namespace

void CheckStartRules(const Program& program, uint32_t threads) {
  if (program.FindRule("query") >= 0) return;
  const std::string file = program.rules.empty() ? "grammar" : program.rules[0].loc.file;
  std::vector<std::string> thread_rules;
  for (const CompiledRule& r : program.rules) {
    if (IsThreadRule(r.name)) thread_rules.push_back(r.name);
  }
  if (thread_rules.empty()) {
    std::string names;
    for (size_t i = 0; i < program.rules.size() && i < 5; ++i) names += (i ? ", " : "") + program.rules[i].name;
    if (program.rules.size() > 5) names += ", ...";
    throw GrammarError(SourceLoc{file},
                       "the grammar has no 'query' rule (nor 'threadN') to start from" +
                           (names.empty() ? std::string(": it has no rules")
                                          : " (it defines only " + names +
                                                "): it looks like a file for --redefine, given after the main "
                                                "grammar"));
  }
  for (uint32_t t = 1; t <= threads; ++t) {
    if (program.FindRule("thread" + std::to_string(t)) >= 0) continue;
    throw GrammarError(SourceLoc{file}, "load thread " + std::to_string(t) +
                                            " has no start rule: the grammar has no 'query' rule and no 'thread" +
                                            std::to_string(t) + "' (it has " + std::to_string(thread_rules.size()) +
                                            " threadN rules); add a 'query' rule or run fewer threads");
  }
}

}  // namespace randsync
