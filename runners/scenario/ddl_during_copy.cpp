#include "runners/scenario/ddl_during_copy.h"

#include <algorithm>
#include <cctype>

#include "base/text_util.h"
#include "runners/scenario/binlog_events.h"

namespace randsync::scenario {
namespace {

// A copy's window holds a few thousand events under the default load;
// this bounds a walk over a huge one.
constexpr size_t kMaxEvents = 1'000'000;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// Whether `word` occurs in `text` not inside a longer identifier.
bool HasWord(const std::string& text, const std::string& word) {
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !IdentifierChar(text[at - 1]);
    const size_t end = at + word.size();
    if (starts && (end == text.size() || !IdentifierChar(text[end]))) return true;
  }
  return false;
}

// "use `test`; ALTER ..." -> "ALTER ...".
std::string WithoutUse(const std::string& query) {
  if (Lower(query.substr(0, 4)) != "use ") return query;
  const size_t semicolon = query.find(';');
  if (semicolon == std::string::npos) return query;
  size_t from = semicolon + 1;
  while (from < query.size() && std::isspace(static_cast<unsigned char>(query[from]))) ++from;
  return query.substr(from);
}

// The table of "db.t", "t", or a schema object ("`db`.`t`", "`db`.`t`.`c`",
// "index `db`.`t`.`k`").
std::string TableNameOf(const std::string& object) {
  std::string s = object;
  if (const size_t quote = s.find('`'); quote != std::string::npos) s = s.substr(quote);
  std::erase(s, '`');
  const size_t dot = s.find('.');
  if (dot == std::string::npos) return s;
  const size_t next = s.find('.', dot + 1);
  return s.substr(dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
}

}  // namespace

bool IsDdlStatement(const std::string& query) {
  const std::string q = Lower(WithoutUse(query));
  for (const char* verb : {"create ", "alter ", "drop ", "rename ", "truncate "}) {
    if (q.rfind(verb, 0) == 0) return true;
  }
  return false;
}

std::string DdlDuringCopy::Touching(const std::string& table) const {
  const std::string name = Lower(TableNameOf(table));
  if (name.empty()) return "";
  for (const std::string& s : statements) {
    if (HasWord(Lower(s), name)) return s;
  }
  return "";
}

nlohmann::json DdlDuringCopy::ToJson() const {
  nlohmann::json shown = nlohmann::json::array();
  for (size_t i = 0; i < statements.size() && i < 50; ++i) shown.push_back(Shorten(statements[i], 300));
  return {{"statements", statements.size()}, {"first", shown}, {"complete", complete}};
}

DdlDuringCopy ReadDdlDuringCopy(db::Connection& master, const backup::BackupPosition& from,
                                const backup::BackupPosition& to) {
  DdlDuringCopy out;
  out.complete = ForEachBinlogEvent(master, from, to, kMaxEvents, [&](const BinlogEvent& e) {
    if (e.type == "Query" && IsDdlStatement(e.info)) out.statements.push_back(e.info);
    return true;
  });
  return out;
}

}  // namespace randsync::scenario
