#include "runners/reduce/relevance.h"

#include <algorithm>
#include <cctype>

namespace randsync::reduce {
namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The identifiers of `sql` in order, lower-cased. Quotes separate words
// only, so the words of a string literal count (a PREPARE's text names
// tables too), and so do those of a /*!50001 ... */ comment (a dump's views).
std::vector<std::string> Words(std::string_view sql) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < sql.size();) {
    if (sql[i] == '`') {
      std::string name;
      for (++i; i < sql.size(); ++i) {
        if (sql[i] == '`' && (i + 1 >= sql.size() || sql[i + 1] != '`')) break;
        if (sql[i] == '`') ++i;
        name += sql[i];
      }
      ++i;
      out.push_back(Lower(name));
    } else if (IsWordChar(sql[i])) {
      const std::size_t from = i;
      while (i < sql.size() && IsWordChar(sql[i])) ++i;
      out.push_back(Lower(sql.substr(from, i - from)));
    } else {
      ++i;
    }
  }
  return out;
}

enum class Kind { kTable, kView, kTrigger, kRoutine };

struct Item {
  Kind kind = Kind::kTable;
  std::string name;  // lower-cased
  std::set<std::string> words;
};

// The object a definition's words name after its first keyword of
// `kinds` (DROP VIEW IF EXISTS `v`, CREATE ... IF NOT EXISTS): the
// keyword's index in `kinds` and the name, or (npos, "").
std::pair<std::size_t, std::string> Defined(const std::vector<std::string>& words,
                                            const std::vector<std::string_view>& kinds) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const auto kind = std::find(kinds.begin(), kinds.end(), words[i]);
    if (kind == kinds.end()) continue;
    std::size_t n = i + 1;
    while (n + 1 < words.size() && (words[n] == "if" || words[n] == "not" || words[n] == "exists")) ++n;
    return {static_cast<std::size_t>(kind - kinds.begin()), words[n]};
  }
  return {std::string_view::npos, ""};
}

// What a setup item is and defines: a table by its name; a view, trigger
// or routine (`name` empty in the setup) by the word after its keyword.
Item ItemOf(const SetupTable& t) {
  const std::vector<std::string> words = Words(t.create);
  Item item{Kind::kTable, Lower(t.name), {words.begin(), words.end()}};
  if (!t.name.empty()) return item;
  static const std::vector<std::string_view> kinds{"view", "trigger", "procedure", "function"};
  const auto [kind, name] = Defined(words, kinds);
  if (kind == std::string_view::npos) return item;
  item.kind = kind == 0 ? Kind::kView : kind == 1 ? Kind::kTrigger : Kind::kRoutine;
  item.name = name;
  return item;
}

// The object a DDL statement creates, changes or drops ("" for another).
std::string DefinedBy(std::string_view statement) {
  const std::vector<std::string> words = Words(statement);
  if (words.empty() || (words[0] != "create" && words[0] != "alter" && words[0] != "drop" && words[0] != "rename")) {
    return "";
  }
  static const std::vector<std::string_view> kinds{"table",    "view",     "function", "procedure", "trigger",
                                                   "sequence", "database", "schema",   "event",     "package"};
  return Defined(words, kinds).second;
}

std::set<std::string> WindowIdentifiers(const Script& s) {
  std::set<std::string> out;
  for (const ScriptTransaction& tx : s.window) {
    for (const ScriptStatement& st : tx.statements) {
      for (std::string& w : Words(st.text)) out.insert(std::move(w));
    }
  }
  return out;
}

}  // namespace

std::set<std::string> Identifiers(std::string_view sql) {
  std::vector<std::string> words = Words(sql);
  return {std::make_move_iterator(words.begin()), std::make_move_iterator(words.end())};
}

Candidate SetupTheWindowNames(const Script& s) {
  std::vector<Item> items;
  for (const SetupTable& t : s.setup) items.push_back(ItemOf(t));
  std::set<std::string> named = WindowIdentifiers(s), kept_tables;
  std::vector<bool> kept(items.size(), false);
  // Until nothing more is taken: what is taken names more (a view its
  // tables, a routine what its body writes).
  for (bool more = true; more;) {
    more = false;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Item& item = items[i];
      if (kept[i]) continue;
      const bool take = item.kind == Kind::kTrigger
                            ? std::any_of(kept_tables.begin(), kept_tables.end(),
                                          [&](const std::string& t) { return item.words.count(t) > 0; })
                            : !item.name.empty() && named.count(item.name) > 0;
      if (!take) continue;
      kept[i] = more = true;
      if (item.kind == Kind::kTable || item.kind == Kind::kView) kept_tables.insert(item.name);
      named.insert(item.words.begin(), item.words.end());
    }
  }
  Candidate out;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept[i]) out.push_back(i);
  }
  return out;
}

bool ADefinitionNames(const Script& s, const SetupColumn& column) {
  const std::string table = Lower(s.setup[column.first].name), name = Lower(column.second);
  return std::any_of(s.setup.begin(), s.setup.end(), [&](const SetupTable& t) {
    if (!t.name.empty()) return false;
    const std::set<std::string> words = Identifiers(t.create);
    return words.count(table) > 0 && words.count(name) > 0;
  });
}

Candidate ColumnsTheWindowNames(const Script& s, const std::vector<SetupColumn>& columns) {
  const std::set<std::string> named = WindowIdentifiers(s);
  Candidate out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (named.count(Lower(columns[i].second)) > 0) out.push_back(i);
  }
  return out;
}

Candidate TheEndAndWhatDefinesItsNames(const Script& s, std::size_t tail) {
  const std::size_t n = s.window.size(), from = n - std::min(tail, n);
  std::set<std::string> named;
  for (std::size_t t = from; t < n; ++t) {
    for (const ScriptStatement& st : s.window[t].statements) {
      for (std::string& w : Words(st.text)) named.insert(std::move(w));
    }
  }
  Candidate out;
  for (std::size_t t = 0; t < from; ++t) {
    const auto& statements = s.window[t].statements;
    if (std::any_of(statements.begin(), statements.end(), [&](const ScriptStatement& st) {
          const std::string name = DefinedBy(st.text);
          return !name.empty() && named.count(name) > 0;
        })) {
      out.push_back(t);
    }
  }
  for (std::size_t t = from; t < n; ++t) out.push_back(t);
  return out;
}

}  // namespace randsync::reduce
