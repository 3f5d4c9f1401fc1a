#include "runners/triage/row_history.h"

#include <algorithm>
#include <limits>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "base/text_util.h"
#include "engine/load/query_log.h"
#include "runners/backup/binlog_text.h"
#include "runners/triage/explain.h"

namespace randsync::triage {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

// A value as mariadb-binlog prints it ("7", "'abc'", "-1 (4294967295)",
// "NULL") is the key's value as the server returns it ("7", "abc",
// "4294967295", NULL).
bool SameValue(const std::string& printed, const std::optional<std::string>& value) {
  if (!value) return printed == "NULL";
  if (printed.size() >= 2 && printed.front() == '\'' && printed.back() == '\'') {
    return printed.substr(1, printed.size() - 2) == *value;
  }
  if (const auto paren = printed.find(" ("); paren != std::string::npos && printed.back() == ')') {
    return printed.substr(0, paren) == *value || printed.substr(paren + 2, printed.size() - paren - 3) == *value;
  }
  return printed == *value;
}

bool KeyMatches(const std::map<unsigned, std::string>& image, const checker::TableCheck& t,
                const checker::RowDifference& d) {
  if (image.empty() || d.key_columns.empty()) return false;
  for (size_t k = 0; k < d.key_columns.size() && k < d.key_values.size(); ++k) {
    const auto at = std::find(t.columns.begin(), t.columns.end(), d.key_columns[k]);
    if (at == t.columns.end()) return false;
    const auto it = image.find(static_cast<unsigned>(at - t.columns.begin()) + 1);
    if (it == image.end() || !SameValue(it->second, d.key_values[k])) return false;
  }
  return true;
}

const char* EventName(backup::RowChangeKind k) {
  switch (k) {
    case backup::RowChangeKind::kInsert: return "Write_rows";
    case backup::RowChangeKind::kUpdate: return "Update_rows";
    case backup::RowChangeKind::kDelete: return "Delete_rows";
  }
  return "?";
}

std::pair<unsigned, unsigned long long> ParseGtid(const std::string& gtid) {
  const auto first = gtid.find('-'), last = gtid.rfind('-');
  if (first == std::string::npos || last == first) return {0, 0};
  try {
    return {static_cast<unsigned>(std::stoul(gtid.substr(0, first))), std::stoull(gtid.substr(last + 1))};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

// The master's binary logs under run_dir/master, in order.
std::vector<std::string> BinlogFiles(const fs::path& run_dir) {
  static const std::regex name(R"(master-bin\.[0-9]{6})");
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(run_dir / "master", ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 3) it.disable_recursion_pending();
    if (it->is_regular_file(ec) && std::regex_match(it->path().filename().string(), name)) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Sender {
  uint32_t thread = 0;
  size_t number = 0;  // the statement's number in its thread's log
  size_t copies = 0;  // how many times the load sent that text
};

// Where in queries/thread-N.sql each of `statements` was sent (its first
// occurrence), one pass over each log.
std::map<std::string, Sender> FindSenders(const fs::path& run_dir, const std::set<std::string>& statements) {
  std::map<std::string, Sender> found;
  for (uint32_t thread = 1;; ++thread) {
    const fs::path path = load::QueryLogPath(run_dir / "queries", thread);
    std::error_code ec;
    if (!fs::exists(path, ec)) break;
    try {
      load::QueryLogReader reader(path);
      std::string s;
      for (size_t n = 1; reader.Next(s); ++n) {
        if (!statements.count(s)) continue;
        Sender& f = found[s];
        if (f.copies++ == 0) f = {thread, n, 1};
      }
    } catch (const std::exception&) {
      // an unreadable log names no sender
    }
  }
  return found;
}

struct Wanted {
  const checker::TableCheck* table;
  const checker::RowDifference* row;
  std::vector<RowWrite> writes;
};

std::string RowName(const Wanted& w) {
  std::string key;
  for (size_t k = 0; k < w.row->key_columns.size() && k < w.row->key_values.size(); ++k) {
    key += fmt::format("{}{}={}", k ? ", " : "", w.row->key_columns[k],
                       w.row->key_values[k] ? "'" + Shorten(*w.row->key_values[k], 40) + "'" : "NULL");
  }
  return fmt::format("{}.{} {}", QuoteIdentifier(w.table->ref.database), QuoteIdentifier(w.table->ref.table), key);
}

}  // namespace

std::map<unsigned, unsigned long long> ParseGtidPosition(const std::string& position) {
  std::map<unsigned, unsigned long long> out;
  size_t from = 0;
  while (from < position.size()) {
    const auto comma = position.find(',', from);
    const std::string one = position.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    if (const auto [domain, seq] = ParseGtid(one); seq != 0) out[domain] = seq;
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return out;
}

std::vector<RowWrite> WritesOfRow(const std::vector<backup::BinlogTransaction>& txs, const checker::TableCheck& t,
                                  const checker::RowDifference& d) {
  std::vector<RowWrite> out;
  for (const backup::BinlogTransaction& tx : txs) {
    for (const backup::RowChange& r : tx.rows) {
      if (r.database != t.ref.database || r.table != t.ref.table) continue;
      if (!KeyMatches(r.before, t, d) && !KeyMatches(r.after, t, d)) continue;
      out.push_back({tx.gtid, EventName(r.kind), r.statement, r.rolled_back});
    }
  }
  return out;
}

void AddRowWrites(const fs::path& run_dir, const json& report, const checker::CheckReport& check,
                  std::vector<Evidence>& out) {
  std::vector<Wanted> wanted;
  for (const checker::TableCheck& t : check.tables) {
    for (const checker::RowDifference& d : t.rows) {
      if (wanted.size() < kMaxRowEvidence && !t.columns.empty()) wanted.push_back({&t, &d, {}});
    }
  }
  if (wanted.empty()) return;
  const std::vector<std::string> files = BinlogFiles(run_dir);
  if (files.empty()) {
    out.push_back({"row writes", "the master's binary log is not in the results (a master of your own): the "
                                 "transactions behind the rows are not named", ""});
    return;
  }
  const json window = report.value("divergence", json::object());
  const auto clean = ParseGtidPosition(window.value("clean_gtid", ""));
  const auto at = ParseGtidPosition(window.value("at", ""));
  auto in_window = [&](const std::string& gtid) {
    const auto [domain, seq] = ParseGtid(gtid);
    const auto c = clean.find(domain), a = at.find(domain);
    return seq > (c == clean.end() ? 0 : c->second) &&
           seq <= (a == at.end() ? std::numeric_limits<unsigned long long>::max() : a->second);
  };
  backup::BinlogTextParser parser;
  auto take = [&](std::vector<backup::BinlogTransaction> done) {
    std::erase_if(done, [&](const backup::BinlogTransaction& tx) { return !in_window(tx.gtid); });
    for (Wanted& w : wanted) {
      for (RowWrite& rw : WritesOfRow(done, *w.table, *w.row)) w.writes.push_back(std::move(rw));
    }
  };
  backup::BinlogTextRead read;
  read.files = files;
  read.timeout = std::chrono::seconds(120);
  try {
    backup::ReadLocalBinlogText(read, [&](std::string_view line) {
      parser.Line(line);
      if (parser.transactions().size() > 64) take(parser.TakeFinished());
      return true;
    });
    take(parser.Take());
  } catch (const std::exception& e) {
    out.push_back({"row writes", std::string("the master's binary log could not be read: ") + e.what(), ""});
    return;
  }
  std::set<std::string> statements;
  for (const Wanted& w : wanted) {
    for (const RowWrite& rw : w.writes) statements.insert(rw.statement);
  }
  const std::map<std::string, Sender> senders = FindSenders(run_dir, statements);
  for (const Wanted& w : wanted) {
    if (w.writes.empty()) {
      out.push_back({"row writes",
                     fmt::format("{}: no transaction of the window ({} to {}) wrote it on the master: the slave's copy "
                                 "changed outside replication, or the difference is older than the window",
                                 RowName(w), window.value("clean_gtid", "the start"), window.value("at", "the point")),
                     "master binary log"});
      continue;
    }
    constexpr size_t kWritesShown = 3;  // the last ones: what made the row as it is
    for (size_t i = w.writes.size() > kWritesShown ? w.writes.size() - kWritesShown : 0; i < w.writes.size(); ++i) {
      const RowWrite& rw = w.writes[i];
      const auto s = senders.find(rw.statement);
      const std::string file =
          s == senders.end() ? "master binary log"
                             : fmt::format("queries/thread-{}.sql statement {}{}", s->second.thread, s->second.number,
                                           s->second.copies > 1 ? fmt::format(" (sent {} times)", s->second.copies) : "");
      out.push_back({"row write",
                     fmt::format("{}: {} {}{} by {}", RowName(w), rw.gtid, rw.event, rw.rolled_back ? " (rolled back)" : "",
                                 rw.statement.empty() ? "a statement the log does not annotate" : Shorten(rw.statement, 300)),
                     file});
    }
  }
}

}  // namespace randsync::triage
