#include "runners/triage/unsafe_statements.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "base/text_util.h"
#include "runners/triage/binlog_window.h"

namespace randsync::triage {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

constexpr size_t kShown = 5;

std::vector<std::string> ReadLines(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  return lines;
}

// The master's error log: RUN_DIR/master/*.err.
fs::path MasterErrorLog(const fs::path& run_dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run_dir / "master", ec)) {
    if (e.path().extension() == ".err") return e.path();
  }
  return {};
}

// A differing table as a statement names it: quoted, or as a word. Built
// once per table, not per statement of the window.
struct TableName {
  explicit TableName(const std::string& table)
      : quoted("`" + table + "`"),
        word("(^|[^A-Za-z0-9_$])" + std::regex_replace(table, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                 "([^A-Za-z0-9_$]|$)",
             std::regex::icase) {}
  bool NamedIn(const std::string& statement) const {
    return statement.find(quoted) != std::string::npos || std::regex_search(statement, word);
  }
  std::string quoted;
  std::regex word;
};

}  // namespace

std::vector<UnsafeNote> ParseUnsafeNotes(const std::vector<std::string>& lines) {
  static constexpr std::string_view kNote = "Unsafe statement written to the binary log";
  static constexpr std::string_view kBecause = "Statement is unsafe because ";
  static constexpr std::string_view kStatement = ". Statement: ";
  std::vector<UnsafeNote> out;
  for (const std::string& l : lines) {
    if (l.find(kNote) == std::string::npos) continue;
    const auto because = l.find(kBecause), statement = l.find(kStatement);
    if (statement == std::string::npos) continue;
    UnsafeNote n;
    if (because != std::string::npos && because < statement) {
      n.reason = l.substr(because + kBecause.size(), statement - because - kBecause.size());
    }
    n.statement = l.substr(statement + kStatement.size());
    out.push_back(std::move(n));
  }
  return out;
}

std::string StatementShape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '\'' || c == '"' || c == '`') {  // a quoted string or identifier
      size_t j = i + 1;
      while (j < s.size()) {
        if (c != '`' && s[j] == '\\') {  // an escaped character
          j += 2;
        } else if (s[j] == c && j + 1 < s.size() && s[j + 1] == c) {  // a doubled quote
          j += 2;
        } else if (s[j] == c) {
          break;
        } else {
          ++j;
        }
      }
      out += '?';
      i = j + 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) &&
               (out.empty() || !(std::isalnum(static_cast<unsigned char>(out.back())) || out.back() == '_'))) {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
      out += '?';
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      ++i;
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      ++i;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

UnsafeFinding AddUnsafeStatements(const fs::path& run_dir, const json& report, const checker::CheckReport& check,
                                  std::vector<Evidence>& out) {
  UnsafeFinding found;
  std::vector<TableName> tables;
  for (const checker::TableCheck& t : check.tables) {
    if (t.outcome == checker::TableCheck::Outcome::kDifferent) tables.emplace_back(t.ref.table);
  }
  if (tables.empty()) return found;
  const fs::path log = MasterErrorLog(run_dir);
  std::map<std::string, std::string> flagged;  // shape -> the server's reason
  for (const UnsafeNote& n : ParseUnsafeNotes(ReadLines(log))) flagged.emplace(StatementShape(n.statement.substr(0, 200)), n.reason);
  std::vector<Evidence> writes, unsafe;
  const std::string unread = ForEachWindowTransaction(run_dir, report, [&](const auto& txs) {
    for (const backup::BinlogTransaction& tx : txs) {
      if (!tx.statements || tx.ddl || tx.first_statement.empty()) continue;
      const std::string& s = tx.first_statement;
      if (std::none_of(tables.begin(), tables.end(), [&](const TableName& t) { return t.NamedIn(s); })) continue;
      ++found.statement_writes;
      const auto f = flagged.find(StatementShape(s));
      if (f != flagged.end()) {
        if (++found.flagged <= kShown) {
          unsafe.push_back({"unsafe statement",
                            fmt::format("{}: {} (the server: unsafe because {})", tx.gtid, Shorten(s, 200), f->second),
                            log.filename().string().empty() ? "" : "master/" + log.filename().string()});
        }
      } else if (writes.size() < kShown) {
        writes.push_back({"statement write", fmt::format("{}: {}", tx.gtid, Shorten(s, 200)), "master binary log"});
      }
    }
  });
  if (!unread.empty()) {
    out.push_back({"statement writes", unread, ""});
    return found;
  }
  out.insert(out.end(), unsafe.begin(), unsafe.end());
  out.insert(out.end(), writes.begin(), writes.end());
  return found;
}

}  // namespace randsync::triage
