#include "runners/backup/binlog_rows.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "runners/backup/binlog_text.h"

namespace randsync::backup {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

// "#261201 21:21:44 server id 1  end_log_pos 2147 CRC32 0x9b9400d1": 2147 (0: none).
unsigned long long EndLogPos(std::string_view header) {
  constexpr std::string_view kKey = "end_log_pos ";
  const auto at = header.find(kKey);
  if (at == std::string_view::npos) return 0;
  unsigned long long v = 0;
  for (char c : header.substr(at + kKey.size())) {
    if (c < '0' || c > '9') break;
    v = v * 10 + static_cast<unsigned long long>(c - '0');
  }
  return v;
}

// "`db`.`t`" -> db, t (backticks doubled inside names are undone).
bool ParseQualifiedName(std::string_view s, std::string& db, std::string& table) {
  auto one = [](std::string_view& in, std::string& out) {
    if (in.empty() || in.front() != '`') return false;
    out.clear();
    for (size_t i = 1; i < in.size(); ++i) {
      if (in[i] != '`') {
        out += in[i];
        continue;
      }
      if (i + 1 < in.size() && in[i + 1] == '`') {
        out += '`';
        ++i;
        continue;
      }
      in.remove_prefix(i + 1);
      return true;
    }
    return false;
  };
  if (!one(s, db) || s.empty() || s.front() != '.') return false;
  s.remove_prefix(1);
  return one(s, table);
}

// "`sp1`" or "SAVEPOINT `sp1`" or "sp1" (upper-cased text) -> "SP1".
std::string SavepointName(std::string_view s) {
  s = Trim(s);
  if (StartsWith(s, "SAVEPOINT ")) s = Trim(s.substr(10));
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

// An XA statement of the group: "XA START X'7831',X'',1/*!*/;" and
// "XA PREPARE X'7831',X'',1" are printed outside events, XA END, COMMIT
// and ROLLBACK as Query events.
void XaLine(BinlogTransaction& tx, std::string_view line) {
  tx.xa = true;
  std::string_view t = Trim(line);
  if (t.size() >= 6 && t.substr(t.size() - 6) == "/*!*/;") t = Trim(t.substr(0, t.size() - 6));
  const std::string u = Upper(t);
  static constexpr std::pair<std::string_view, XaStep> kSteps[] = {
      {"XA PREPARE ", XaStep::kPrepare}, {"XA COMMIT ", XaStep::kCommit}, {"XA ROLLBACK ", XaStep::kRollback}};
  for (const auto& [prefix, step] : kSteps) {
    if (!StartsWith(u, prefix)) continue;
    tx.xa_step = step;
    tx.xid = std::string(Trim(t.substr(prefix.size())));  // not upper-cased: the hex digits stay as logged
  }
}

}  // namespace

bool IsTransactionControl(std::string_view statement) {
  const std::string u = Upper(Trim(statement));
  for (std::string_view c : {"BEGIN", "START TRANSACTION", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT"}) {
    if (StartsWith(u, c) && (u.size() == c.size() || u[c.size()] == ' ')) return true;
  }
  return false;
}

// DDL (upper-cased) that leaves every table's rows and columns as they
// are, so that row events after it still read as before.
bool ChangesNoTableRows(std::string_view statement) {
  std::string u = Upper(Trim(statement));
  // SHOW BINLOG EVENTS prefixes the default database: "use `test`; ANALYZE ...".
  if (StartsWith(u, "USE `")) {
    const auto end = u.find("`; ");
    if (end != std::string::npos) u = u.substr(end + 3);
  }
  static const char* const kHarmless[] = {
      "ANALYZE ",         "OPTIMIZE ",         "CHECK ",           "FLUSH ",           "GRANT ",
      "REVOKE ",          "CREATE USER ",      "DROP USER ",       "RENAME USER ",     "ALTER USER ",
      "SET PASSWORD ",    "CREATE ROLE ",      "DROP ROLE ",       "CREATE VIEW ",     "CREATE OR REPLACE VIEW ",
      "ALTER VIEW ",      "DROP VIEW ",        "CREATE PROCEDURE ", "DROP PROCEDURE ", "CREATE FUNCTION ",
      "DROP FUNCTION ",   "CREATE EVENT ",     "ALTER EVENT ",     "DROP EVENT ",      "CREATE DEFINER",
      "CREATE TRIGGER ",  "DROP TRIGGER ",     "CREATE DATABASE ", "CREATE SCHEMA ",   "CREATE SEQUENCE ",
  };
  for (const char* h : kHarmless) {
    if (StartsWith(u, h)) return true;
  }
  return false;
}

void BinlogTextParser::Line(std::string_view line) {
  if (StartsWith(line, "###")) {
    RowLine(line.substr(3));
    return;
  }
  if (in_query_) {
    QueryLine(line);
    return;
  }
  if (StartsWith(line, "#Q> ")) {
    // An Annotate_rows event's statement, one "#Q> " line per line of it.
    annotate_ += (annotate_.empty() ? "" : "\n") + std::string(line.substr(4));
    annotate_logged_ = false;
    return;
  }
  if (!StartsWith(line, "#")) {
    // Text outside events: XA START and XA PREPARE are printed so.
    if (!transactions_.empty() && StartsWith(Upper(Trim(line)), "XA ")) XaLine(transactions_.back(), line);
    return;
  }
  // An event header: "#261201 20:56:05 server id 1  end_log_pos 23634 CRC32 0x35e3d13b \tGTID 0-1-101 trans"
  const auto tab = line.find('\t');
  if (tab == std::string_view::npos) return;
  std::string_view event = line.substr(tab + 1);
  // "... end_log_pos 2147 CRC32 ...": where the current transaction ends so far.
  const unsigned long long end = EndLogPos(line.substr(0, tab));
  if (StartsWith(event, "GTID ")) {
    std::string_view rest = event.substr(5);
    const auto space = rest.find(' ');
    BinlogTransaction t;
    t.gtid = std::string(rest.substr(0, space));
    std::string_view flags = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    t.ddl = flags.find("ddl") != std::string_view::npos;
    t.xa = flags.find("xa") != std::string_view::npos;
    transactions_.push_back(std::move(t));
    image_ = nullptr;
    annotate_.clear();
    savepoints_.Reset();
  } else if (StartsWith(event, "Annotate_rows")) {
    annotate_.clear();
  } else if (StartsWith(event, "Xid = ")) {
    if (!transactions_.empty()) transactions_.back().one_phase = false;
  } else if (StartsWith(event, "Query")) {
    in_query_ = true;
    query_text_.clear();
  } else if (StartsWith(event, "XA PREPARE")) {
    if (!transactions_.empty()) transactions_.back().xa = true;
  }
  if (!transactions_.empty() && end != 0) transactions_.back().end_pos = end;
}

// The lines of a Query event up to "/*!*/;": session SETs and `use`, then
// the statement. Transaction control changes no row itself, but a rollback
// to a savepoint undoes the transactional rows logged since it.
void BinlogTextParser::QueryLine(std::string_view line) {
  std::string_view t = Trim(line);
  const bool end = t.size() >= 6 && t.substr(t.size() - 6) == "/*!*/;";
  if (end) t = Trim(t.substr(0, t.size() - 6));
  // Session SETs, `use` and the charset line come first, each ending in
  // "/*!*/;" itself; the statement's own terminator is on a line alone.
  if (end && !t.empty() && query_text_.empty()) {
    if (StartsWith(t, "use `") && t.size() > 6 && t.back() == '`') {
      std::string db, unused;
      const std::string qualified = std::string(t.substr(4)) + ".`x`";
      if (ParseQualifiedName(qualified, db, unused)) database_ = db;
    }
    return;
  }
  if (!t.empty()) query_text_ += (query_text_.empty() ? "" : " ") + std::string(t);
  if (!end) return;
  in_query_ = false;
  if (query_text_.empty() || transactions_.empty()) return;
  BinlogTransaction& tx = transactions_.back();
  const std::string u = Upper(query_text_);
  if (IsTransactionControl(u)) {
    if (u == "COMMIT") tx.one_phase = true;  // a two-phase commit ends with an Xid event instead
    if (StartsWith(u, "SAVEPOINT") || StartsWith(u, "ROLLBACK TO") || StartsWith(u, "RELEASE")) {
      tx.logged.push_back({database_, query_text_, false});
    }
    const std::optional<std::size_t> standing = savepoints_.Apply(u, tx.rows.size());
    if (!standing) {
      tx.statements = true;  // to a savepoint the log does not show: what it undid is unknown
      if (tx.first_statement.empty()) tx.first_statement = query_text_.substr(0, 200);
    }
    for (std::size_t i = standing.value_or(tx.rows.size()); i < tx.rows.size(); ++i) tx.rows[i].rolled_back = true;
    return;
  }
  if (StartsWith(u, "XA ")) {
    XaLine(tx, query_text_);
    return;
  }
  tx.logged.push_back({database_, query_text_, false});
  if (tx.ddl && ChangesNoTableRows(u)) {
    tx.ddl = false;  // ANALYZE, GRANT, CREATE VIEW, ...: the rows stay as they are
    return;
  }
  if (!tx.ddl) tx.statements = true;
  if (tx.first_statement.empty()) tx.first_statement = query_text_.substr(0, 200);
}

std::optional<std::size_t> SavepointTracker::Apply(std::string_view statement, std::size_t changes) {
  const std::string u = Upper(Trim(statement));
  auto find = [&](const std::string& name) {
    return std::find_if(savepoints_.begin(), savepoints_.end(), [&](const auto& s) { return s.first == name; });
  };
  if (StartsWith(u, "SAVEPOINT ")) {
    const std::string name = SavepointName(std::string_view(u).substr(10));
    if (auto it = find(name); it != savepoints_.end()) savepoints_.erase(it);  // a new one by the old name
    savepoints_.emplace_back(name, changes);
  } else if (StartsWith(u, "RELEASE SAVEPOINT ")) {
    if (auto it = find(SavepointName(std::string_view(u).substr(18))); it != savepoints_.end()) {
      savepoints_.erase(it, savepoints_.end());
    }
  } else if (StartsWith(u, "ROLLBACK TO ")) {
    auto it = find(SavepointName(std::string_view(u).substr(12)));
    if (it == savepoints_.end()) return std::nullopt;
    const std::size_t standing = it->second;
    savepoints_.erase(it + 1, savepoints_.end());  // the savepoint itself stays
    return standing;
  } else if (u == "ROLLBACK" || StartsWith(u, "ROLLBACK ")) {
    savepoints_.clear();
    return 0;
  }
  return changes;
}

// "### INSERT INTO `db`.`t`", "### WHERE", "### SET", "###   @3=value".
void BinlogTextParser::RowLine(std::string_view line) {
  if (transactions_.empty()) return;
  BinlogTransaction& tx = transactions_.back();
  std::string_view t = Trim(line);
  auto start_row = [&](RowChangeKind kind, std::string_view name) {
    RowChange r;
    r.kind = kind;
    r.statement = annotate_;
    if (!ParseQualifiedName(Trim(name), r.database, r.table)) return;
    if (!annotate_logged_ && !annotate_.empty()) {
      tx.logged.push_back({r.database, annotate_, true});
      annotate_logged_ = true;
    }
    tx.rows.push_back(std::move(r));
    image_ = nullptr;
  };
  if (StartsWith(t, "INSERT INTO ")) return start_row(RowChangeKind::kInsert, t.substr(12));
  if (StartsWith(t, "UPDATE ")) return start_row(RowChangeKind::kUpdate, t.substr(7));
  if (StartsWith(t, "DELETE FROM ")) return start_row(RowChangeKind::kDelete, t.substr(12));
  if (tx.rows.empty()) return;
  if (t == "WHERE") {
    image_ = &tx.rows.back().before;
  } else if (t == "SET") {
    image_ = &tx.rows.back().after;
  } else if (StartsWith(t, "@") && image_ != nullptr) {
    const auto eq = t.find('=');
    if (eq == std::string_view::npos) return;
    unsigned column = 0;
    for (char c : t.substr(1, eq - 1)) {
      if (c < '0' || c > '9') return;
      column = column * 10 + static_cast<unsigned>(c - '0');
    }
    (*image_)[column] = std::string(t.substr(eq + 1));
  }
}

std::vector<BinlogTransaction> BinlogTextParser::TakeFinished() {
  std::vector<BinlogTransaction> done;
  if (transactions_.size() < 2) return done;
  done.reserve(transactions_.size() - 1);
  std::move(transactions_.begin(), transactions_.end() - 1, std::back_inserter(done));
  transactions_.erase(transactions_.begin(), transactions_.end() - 1);
  return done;
}

std::vector<BinlogTransaction> ParseBinlogText(std::string_view text) {
  BinlogTextParser p;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    p.Line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return p.Take();
}

std::vector<BinlogTransaction> ReadTransactionsAfter(const server::AdminTarget& master,
                                                     const BinlogReadOptions& o) {
  BinlogTextRead read;
  read.binary = o.binary;
  read.files = {o.binlog_file.empty() ? "master-bin.000001" : o.binlog_file};
  read.start_position = o.start_gtid.empty() ? std::to_string(o.binlog_pos) : o.start_gtid;
  read.timeout = o.timeout;
  BinlogTextParser parser;
  ReadBinlogText(master, read, [&](std::string_view line) {
    parser.Line(line);
    // One transaction past the limit has begun: the limit's last one ended.
    return parser.transactions().size() <= o.max_transactions;
  });
  std::vector<BinlogTransaction> out = parser.Take();
  if (out.size() > o.max_transactions) out.resize(o.max_transactions);
  return out;
}

}  // namespace randsync::backup
