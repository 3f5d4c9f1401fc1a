#include "runners/triage/row_history.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "base/text_util.h"
#include "engine/load/query_log.h"
#include "runners/triage/binlog_window.h"
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
  const std::string unread = ForEachWindowTransaction(run_dir, report, [&](const auto& txs) {
    for (Wanted& w : wanted) {
      for (RowWrite& rw : WritesOfRow(txs, *w.table, *w.row)) w.writes.push_back(std::move(rw));
    }
  });
  if (!unread.empty()) {
    out.push_back({"row writes", unread + ": the transactions behind the rows are not named", ""});
    return;
  }
  const json window = report.value("divergence", json::object());
  const std::string format = report.value("master", json::object()).value("binlog_format", "");
  std::set<std::string> statements;
  for (const Wanted& w : wanted) {
    for (const RowWrite& rw : w.writes) statements.insert(rw.statement);
  }
  const std::map<std::string, Sender> senders = FindSenders(run_dir, statements);
  for (const Wanted& w : wanted) {
    if (w.writes.empty()) {
      const std::string why =
          format == "ROW" || format.empty()
              ? "the slave's copy changed outside replication, or the difference is older than the window"
              : "the master logs in " + format + " format, where a write can be a statement with no row events";
      out.push_back({"row writes",
                     fmt::format("{}: no row event of the window ({} to {}) wrote it on the master: {}", RowName(w),
                                 window.value("clean_gtid", "the start"), window.value("at", "the point"), why),
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
