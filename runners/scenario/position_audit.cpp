#include "runners/scenario/position_audit.h"

#include "base/text_util.h"
#include "runners/scenario/binlog_events.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "checker/chunk_plan.h"
#include "db/db_error.h"
#include "db/pinned_session.h"
#include "db/replication_status.h"
#include "base/errors.h"

namespace randsync::scenario {
namespace {

using backup::BackupPosition;
using backup::BinlogTransaction;
using backup::RowChange;
using backup::RowChangeKind;

std::string Where(const BackupPosition& p) {
  return fmt::format("{}:{}{}", p.binlog_file, p.binlog_pos, p.gtid.empty() ? "" : " (GTID " + p.gtid + ")");
}

}  // namespace

const char* ToString(AuditVerdict v) {
  switch (v) {
    case AuditVerdict::kConfirmed: return "confirmed";
    case AuditVerdict::kWrong: return "wrong";
    case AuditVerdict::kUndecided: return "undecided";
  }
  return "?";
}

AuditVerdict PositionAudit::verdict() const {
  if (FirstWrong() != nullptr) return AuditVerdict::kWrong;
  for (const PositionCheck& c : checks) {
    if (c.verdict == AuditVerdict::kConfirmed) return AuditVerdict::kConfirmed;
  }
  return AuditVerdict::kUndecided;
}

const PositionCheck* PositionAudit::FirstWrong() const {
  for (const PositionCheck& c : checks) {
    if (c.verdict == AuditVerdict::kWrong) return &c;
  }
  return nullptr;
}

nlohmann::json PositionAudit::ToJson() const {
  auto source = [](const PositionSource& s) {
    return nlohmann::json{{"source", s.name}, {"binlog_file", s.at.binlog_file}, {"binlog_pos", s.at.binlog_pos},
                          {"gtid", s.at.gtid}};
  };
  nlohmann::json j{{"verdict", ToString(verdict())}, {"seconds", seconds}, {"start", source(start)}};
  if (info_file_ahead_bytes) j["info_file_ahead_bytes"] = *info_file_ahead_bytes;
  j["other_sources"] = nlohmann::json::array();
  for (const PositionSource& s : others) j["other_sources"].push_back(source(s));
  j["checks"] = nlohmann::json::array();
  for (const PositionCheck& c : checks) {
    j["checks"].push_back({{"check", c.what}, {"verdict", ToString(c.verdict)}, {"detail", c.detail}});
  }
  return j;
}

std::string GtidAt(db::Connection& master, const std::string& file, uint64_t pos) {
  return master.QueryValue(fmt::format("SELECT BINLOG_GTID_POS({}, {})", master.Quote(file), pos)).value_or("");
}

PositionCheck CheckGtidAgreesWithFilePos(db::Connection& master, const PositionSource& s) {
  PositionCheck c;
  c.what = s.name + ": GTID vs file/position";
  if (s.at.gtid.empty() || s.at.binlog_file.empty()) {
    c.detail = "the source has no GTID or no file/position to compare";
    return c;
  }
  const std::string logged = GtidAt(master, s.at.binlog_file, s.at.binlog_pos);
  if (logged.empty()) {
    c.detail = fmt::format("the master cannot translate {}:{} (BINLOG_GTID_POS is NULL: purged, or not an event "
                           "boundary)",
                           s.at.binlog_file, s.at.binlog_pos);
    c.verdict = AuditVerdict::kWrong;
    return c;
  }
  const db::GtidPos recorded = db::GtidPos::Parse(s.at.gtid), at = db::GtidPos::Parse(logged);
  const bool same = recorded.At(at) && at.At(recorded);
  c.verdict = same ? AuditVerdict::kConfirmed : AuditVerdict::kWrong;
  c.detail = same ? fmt::format("GTID {} is what the master logged at {}:{}", s.at.gtid, s.at.binlog_file,
                                s.at.binlog_pos)
                  : fmt::format("{} recorded GTID {} with {}:{}, but the master logged {} there", s.name, s.at.gtid,
                                s.at.binlog_file, s.at.binlog_pos, logged);
  return c;
}

namespace {

std::string EngineOf(db::Connection& c, const std::string& db, const std::string& table) {
  std::string e = c.QueryValue(fmt::format("SELECT LOWER(ENGINE) FROM information_schema.TABLES WHERE "
                                           "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                           c.Quote(db), c.Quote(table)))
                      .value_or("");
  return e;
}

}  // namespace

uint64_t BinlogBytesBetween(db::Connection& master, const BackupPosition& from, const BackupPosition& to) {
  if (CompareBinlogPositions(from, to) >= 0) return 0;
  if (from.binlog_file == to.binlog_file) return to.binlog_pos - from.binlog_pos;
  uint64_t bytes = 0;
  for (const db::Row& r : master.QueryRows("SHOW BINARY LOGS").rows) {
    const std::string f = r.at(0).value_or("");
    const uint64_t size = std::stoull(r.at(1).value_or("0"));
    if (f == from.binlog_file) bytes += size > from.binlog_pos ? size - from.binlog_pos : 0;
    if (CompareBinlogFiles(f, from.binlog_file) > 0 && CompareBinlogFiles(f, to.binlog_file) < 0) bytes += size;
  }
  return bytes + to.binlog_pos;
}

PositionCheck CheckInnodbWithinLockedCopy(db::Connection& master, const BackupPosition& innodb,
                                          const BackupPosition& info) {
  PositionCheck c;
  c.what = "InnoDB at prepare vs binlog info file";
  const int order = CompareBinlogPositions(innodb, info);
  if (order == 0) {
    c.verdict = AuditVerdict::kConfirmed;
    c.detail = "both at " + Where(info);
    return c;
  }
  if (order > 0) {
    c.verdict = AuditVerdict::kWrong;
    c.detail = fmt::format("InnoDB committed up to {}, past the binlog info file's {}, which was read while commits "
                           "were blocked",
                           Where(innodb), Where(info));
    return c;
  }
  // Every event between them must leave InnoDB alone: the copy's InnoDB
  // data stops at its position, the rest of the copy at the info file's.
  constexpr size_t kMaxEvents = 20000;
  size_t seen = 0;
  std::string statement, innodb_table;
  BinlogEvent innodb_event;
  // An InnoDB change contradicts InnoDB's position only when its group
  // commits it with an XID: InnoDB records the binlog position of a commit
  // the binary log coordinates with it (two-phase). Not so
  //  - a change a ROLLBACK TO SAVEPOINT logged after it undid (a group
  //    that also wrote a non-transactional table logs both);
  //  - a group ending in a plain COMMIT: its transaction also used an
  //    engine without two-phase commit (Aria, even only read), so InnoDB
  //    committed in one phase and recorded no position (measured: 1 to 5
  //    of 28 groups before a locked copy's point with Aria tables);
  //  - an XA PREPARE: InnoDB records a position when it commits, and the
  //    prepared transaction is in the copy as prepared (seen: a locked copy
  //    under grammars/ddl_during_backup.yy, InnoDB's position 3 XA PREPAREs
  //    before the info file's, every one of them in the copy).
  backup::SavepointTracker savepoints;
  std::vector<std::pair<std::string, BinlogEvent>> pending;  // InnoDB tables the current group changed
  size_t one_phase = 0, xa_prepared = 0;
  auto committed = [&](bool two_phase) {
    if (!pending.empty() && two_phase) std::tie(innodb_table, innodb_event) = pending.front();
    if (!pending.empty() && !two_phase) ++one_phase;
    pending.clear();
    return innodb_table.empty();
  };
  const bool reached = ForEachBinlogEvent(master, innodb, info, kMaxEvents, [&](const BinlogEvent& e) {
    ++seen;
    if (e.type == "Gtid") {
      pending.clear();
      savepoints.Reset();
      return true;
    }
    if (e.type == "XA_prepare") {
      xa_prepared += !pending.empty();
      pending.clear();
      return true;
    }
    if (e.type == "Xid") return committed(true);
    if (e.type == "Query" && e.info == "COMMIT") return committed(false);
    if (e.type == "Table_map") {
      // "table_id: 18 (test.t)"
      const auto open = e.info.rfind('(');
      const auto dot = open == std::string::npos ? std::string::npos : e.info.find('.', open);
      if (dot == std::string::npos) return true;
      const std::string db = e.info.substr(open + 1, dot - open - 1);
      const std::string table = e.info.substr(dot + 1, e.info.size() - dot - 2);
      if (EngineOf(master, db, table) == "innodb") pending.emplace_back(db + "." + table, e);
      return true;
    }
    if (e.type == "Query" && backup::IsTransactionControl(e.info)) {
      // A savepoint the group did not log: what it undid is unknown, so nothing is.
      const size_t standing = savepoints.Apply(e.info, pending.size()).value_or(pending.size());
      pending.resize(std::min(standing, pending.size()));
      return true;
    }
    if (e.type == "Query" && !backup::ChangesNoTableRows(e.info) && statement.empty()) {
      statement = fmt::format("{}:{} {}", e.file, e.pos, e.info.substr(0, 120));
    }
    return true;
  });
  if (reached && innodb_table.empty()) committed(true);  // a group the range ends in
  if (!innodb_table.empty()) {
    c.verdict = AuditVerdict::kWrong;
    c.detail = fmt::format("InnoDB's position {} lies before the binlog info file's {}, yet an event at {}:{} "
                           "between them changed InnoDB table {}",
                           Where(innodb), Where(info), innodb_event.file, innodb_event.pos, innodb_table);
    return c;
  }
  if (!reached) {
    c.detail = fmt::format("more than {} events between InnoDB's {} and the info file's {}", kMaxEvents,
                           Where(innodb), Where(info));
    return c;
  }
  if (!statement.empty()) {
    c.detail = fmt::format("InnoDB's {} lies before the info file's {}, with a statement between them whose engine "
                           "the log does not tell ({})",
                           Where(innodb), Where(info), statement);
    return c;
  }
  c.verdict = AuditVerdict::kConfirmed;
  c.detail = fmt::format("InnoDB's {} lies {} events before the info file's {}, and none of them changed an InnoDB "
                         "table in a two-phase commit{}{}",
                         Where(innodb), seen, Where(info),
                         xa_prepared == 0 ? "" : fmt::format(" ({} XA PREPAREs, for which InnoDB records no position)",
                                                             xa_prepared),
                         one_phase == 0 ? ""
                                        : fmt::format(" ({} one-phase commits of transactions that also used a "
                                                      "non-two-phase engine such as Aria, for which InnoDB records "
                                                      "no position)",
                                                      one_phase));
  return c;
}

namespace {

enum class ValueKind { kSigned, kUnsigned, kString, kOther };

struct TableShape {
  bool usable = false;
  bool transactional = false;         // a rollback undoes its rows
  std::vector<std::string> names;     // by ordinal - 1
  std::vector<ValueKind> kinds;       // by ordinal - 1
  std::vector<unsigned> key;          // ordinals of the primary key
};

TableShape ReadShape(db::Connection& c, const std::string& db, const std::string& table) {
  TableShape s;
  const std::string where = fmt::format("TABLE_SCHEMA = {} AND TABLE_NAME = {}", c.Quote(db), c.Quote(table));
  db::RowSet cols = c.QueryRows(
      "SELECT COLUMN_NAME, LOWER(DATA_TYPE), LOWER(COLUMN_TYPE), LOWER(EXTRA) FROM information_schema.COLUMNS "
      "WHERE " + where + " ORDER BY ORDINAL_POSITION");
  for (const db::Row& r : cols.rows) {
    const std::string type = r.at(1).value_or(""), full = r.at(2).value_or(""), extra = r.at(3).value_or("");
    ValueKind k = ValueKind::kOther;
    if (type == "tinyint" || type == "smallint" || type == "mediumint" || type == "int" || type == "bigint") {
      k = full.find("unsigned") != std::string::npos ? ValueKind::kUnsigned : ValueKind::kSigned;
    } else if (type == "char" || type == "varchar" || type == "binary" || type == "varbinary") {
      k = ValueKind::kString;
    }
    if (extra.find("generated") != std::string::npos || extra.find("virtual") != std::string::npos ||
        extra.find("persistent") != std::string::npos) {
      k = ValueKind::kOther;
    }
    s.names.push_back(r.at(0).value_or(""));
    s.kinds.push_back(k);
  }
  db::RowSet key = c.QueryRows("SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE " + where +
                               " AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX");
  for (const db::Row& r : key.rows) {
    const auto it = std::find(s.names.begin(), s.names.end(), r.at(0).value_or(""));
    if (it == s.names.end()) return s;
    s.key.push_back(static_cast<unsigned>(it - s.names.begin()) + 1);
  }
  s.usable = !s.key.empty();
  for (unsigned k : s.key) s.usable = s.usable && s.kinds[k - 1] != ValueKind::kOther;
  return s;
}

// A printed value as the bytes the server returns for it: nullopt when it
// cannot be told exactly; a NULL is the inner nullopt.
std::optional<std::optional<std::string>> Interpret(ValueKind kind, const std::string& printed) {
  if (printed == "NULL") return std::optional<std::string>();
  if (kind == ValueKind::kSigned || kind == ValueKind::kUnsigned) {
    // "-1 (4294967295)": the signed reading, then the unsigned one.
    std::string v = printed.substr(0, printed.find(' '));
    const auto open = printed.find(" (");
    if (kind == ValueKind::kUnsigned && open != std::string::npos && printed.back() == ')') {
      v = printed.substr(open + 2, printed.size() - open - 3);
    }
    if (v.empty() || v.find_first_not_of("-0123456789") != std::string::npos) return std::nullopt;
    return std::optional<std::string>(v);
  }
  if (kind == ValueKind::kString && printed.size() >= 2 && printed.front() == '\'' && printed.back() == '\'') {
    std::string inner = printed.substr(1, printed.size() - 2);
    // mariadb-binlog prints control bytes as \xNN and a backslash as itself.
    if (inner.find('\\') != std::string::npos) return std::nullopt;
    return std::optional<std::string>(inner);
  }
  return std::nullopt;
}

struct Lookup {
  std::string where;  // "`pk` = 5 AND ..."
  std::string text;   // "pk=5"
};

std::optional<Lookup> KeyOf(db::Connection& c, const TableShape& s, const std::map<unsigned, std::string>& image) {
  Lookup l;
  for (unsigned k : s.key) {
    auto it = image.find(k);
    if (it == image.end()) return std::nullopt;
    auto v = Interpret(s.kinds[k - 1], it->second);
    if (!v || !*v) return std::nullopt;
    const std::string literal = s.kinds[k - 1] == ValueKind::kString ? "_binary" + c.Quote(**v) : **v;
    l.where += (l.where.empty() ? "" : " AND ") + QuoteIdentifier(s.names[k - 1]) + " = " + literal;
    l.text += (l.text.empty() ? "" : ", ") + s.names[k - 1] + "=" + **v;
  }
  return l;
}

// Every column by name, in ordinal order (invisible ones too, which `*` leaves out).
std::string SelectList(const TableShape& s) {
  std::string select;
  for (size_t i = 0; i < s.names.size(); ++i) select += (i ? ", " : "") + QuoteIdentifier(s.names[i]);
  return select;
}

const char* Verb(RowChangeKind k) {
  return k == RowChangeKind::kInsert ? "inserts" : k == RowChangeKind::kUpdate ? "updates" : "deletes";
}

// The contradiction one first change shows, or "".
std::string CheckOneRow(db::Connection& c, const TableShape& s, const RowChange& r, const Lookup& key) {
  db::RowSet rs = c.QueryRows(fmt::format("SELECT {} FROM {}.{} WHERE {} LIMIT 2", SelectList(s),
                                          QuoteIdentifier(r.database), QuoteIdentifier(r.table), key.where));
  const std::string row = fmt::format("{}.{} row ({})", r.database, r.table, key.text);
  if (r.kind == RowChangeKind::kInsert) {
    return rs.rows.empty() ? "" : fmt::format("inserts {}, which the restored data already holds", row);
  }
  if (rs.rows.empty()) return fmt::format("{} {}, which the restored data lacks", Verb(r.kind), row);
  for (const auto& [ordinal, printed] : r.before) {
    if (ordinal == 0 || ordinal > s.names.size()) continue;
    auto want = Interpret(s.kinds[ordinal - 1], printed);
    if (!want) continue;
    const std::optional<std::string>& have = rs.rows[0][ordinal - 1];
    if (have != *want) {
      return fmt::format("{} {} whose column {} the restored data holds as {} and the event's before image as {}",
                         Verb(r.kind), row, s.names[ordinal - 1], have ? "'" + *have + "'" : "NULL",
                         *want ? "'" + **want + "'" : "NULL");
    }
  }
  return "";
}

}  // namespace

namespace {

// What the audit knows of one table of the restored data.
class Tables {
 public:
  Tables(db::Connection& c, const DataAuditOptions& o) : c_(c), o_(o) {}
  // nullptr when the table is missing, not covered or has no usable key,
  // or when the change was rolled back there.
  const TableShape* Find(const RowChange& r) {
    const std::string name = r.database + "." + r.table;
    auto it = shapes_.find(name);
    if (it == shapes_.end()) {
      TableShape s;
      const std::string engine = EngineOf(c_, r.database, r.table);
      if (!engine.empty() && (!o_.covered || o_.covered(engine))) s = ReadShape(c_, r.database, r.table);
      s.transactional = engine == "innodb";
      it = shapes_.emplace(name, std::move(s)).first;
    }
    if (r.rolled_back && it->second.transactional) return nullptr;
    return it->second.usable ? &it->second : nullptr;
  }

 private:
  db::Connection& c_;
  const DataAuditOptions& o_;
  std::map<std::string, TableShape> shapes_;
};

// Where the window of readable transactions ends: at the first one whose
// rows do not tell all it did. "" when none.
std::string WindowEnd(const std::vector<BinlogTransaction>& txs, size_t& usable) {
  usable = 0;
  for (const BinlogTransaction& t : txs) {
    if (!t.RowsTellAll()) {
      return fmt::format("transaction {} ({}{}) ends the window", t.gtid,
                         t.ddl ? "DDL" : t.xa ? "XA" : "statement-format",
                         t.first_statement.empty() ? "" : ": " + t.first_statement.substr(0, 80));
    }
    ++usable;
  }
  return "";
}

// The keys a change leaves behind and whether each is gone: an insert's
// row, a delete's (gone), an update's new key and, when the update moved
// the row to another key, the old one (gone).
std::vector<std::pair<Lookup, bool>> EndStates(db::Connection& c, const TableShape& s, const RowChange& r) {
  std::vector<std::pair<Lookup, bool>> out;
  const auto after = r.kind == RowChangeKind::kDelete ? std::nullopt : KeyOf(c, s, r.after);
  const auto before = r.kind == RowChangeKind::kInsert ? std::nullopt : KeyOf(c, s, r.before);
  if (after) out.emplace_back(*after, false);
  if (before && (!after || after->where != before->where)) out.emplace_back(*before, true);
  return out;
}

// The contradiction the last change before the start of one row shows,
// or "": an inserted or updated row must be there as its after image says,
// a deleted one must be gone.
std::string CheckApplied(db::Connection& c, const TableShape& s, const RowChange& r, const Lookup& key,
                         bool gone) {
  db::RowSet rs = c.QueryRows(fmt::format("SELECT {} FROM {}.{} WHERE {} LIMIT 2", SelectList(s),
                                          QuoteIdentifier(r.database), QuoteIdentifier(r.table), key.where));
  const std::string row = fmt::format("{}.{} row ({})", r.database, r.table, key.text);
  if (gone) return rs.rows.empty() ? "" : fmt::format("{} {}, which the restored data still holds", Verb(r.kind), row);
  if (rs.rows.empty()) return fmt::format("{} {}, which the restored data lacks", Verb(r.kind), row);
  for (const auto& [ordinal, printed] : r.after) {
    if (ordinal == 0 || ordinal > s.names.size() || ordinal > rs.rows[0].size()) continue;
    auto want = Interpret(s.kinds[ordinal - 1], printed);
    if (!want) continue;
    const std::optional<std::string>& have = rs.rows[0][ordinal - 1];
    if (have != *want) {
      return fmt::format("{} {} setting column {} to {}, which the restored data holds as {}", Verb(r.kind), row,
                         s.names[ordinal - 1], *want ? "'" + **want + "'" : "NULL",
                         have ? "'" + *have + "'" : "NULL");
    }
  }
  return "";
}

// Going forward from a start: the key `r` finds its row by, when `r` is
// the first change of that row since the start (an earlier one decides
// it otherwise); nullopt too when the key cannot be read. `touched` holds
// the rows changed so far, and the key an update moves a row to is taken
// as changed by it.
std::optional<Lookup> FirstChange(db::Connection& c, const TableShape& s, const RowChange& r,
                                  std::set<std::string>& touched) {
  const auto key = KeyOf(c, s, r.kind == RowChangeKind::kInsert ? r.after : r.before);
  if (!key) return std::nullopt;
  const std::string table = r.database + "." + r.table + '\0';
  const bool first = touched.insert(table + key->where).second;
  if (r.kind == RowChangeKind::kUpdate) {
    if (auto to = KeyOf(c, s, r.after)) touched.insert(table + to->where);
  }
  if (!first) return std::nullopt;
  return key;
}

// Bytes as stored, compared as bytes: no charset conversion, no sql_mode
// of the server's changing what a SELECT returns.
void CompareAsBytes(db::Connection& c) {
  db::PinSession(c);  // no global setting of the server changes what is read or how literals parse
  c.Execute("SET NAMES binary");
}

}  // namespace

PositionCheck CompareWithRestoredData(db::Connection& c, const std::vector<BinlogTransaction>& before,
                                      const std::vector<BinlogTransaction>& after, const DataAuditOptions& o) {
  PositionCheck check;
  check.what = "restored data vs the transactions around the start";
  CompareAsBytes(c);
  Tables tables(c, o);
  size_t rows = 0;
  std::set<std::string> tables_checked;

  // Before the start, newest first: each row's last change decides.
  size_t usable_before = 0;
  std::string end_before;
  {
    // Only the transactions after the last one that hides its effects.
    size_t first = 0;
    for (size_t i = 0; i < before.size(); ++i) {
      if (!before[i].RowsTellAll()) first = i + 1;
    }
    if (first > 0) end_before = fmt::format("; before the start, transaction {} hides its effects", before[first - 1].gtid);
    std::set<std::string> decided;
    for (size_t i = before.size(); i-- > first;) {
      ++usable_before;
      const BinlogTransaction& t = before[i];
      for (size_t j = t.rows.size(); j-- > 0;) {
        const RowChange& r = t.rows[j];
        const TableShape* s = tables.Find(r);
        if (s == nullptr) continue;
        for (const auto& [key, gone] : EndStates(c, *s, r)) {
          if (!decided.insert(r.database + "." + r.table + '\0' + key.where).second) continue;
          ++rows;
          tables_checked.insert(r.database + "." + r.table);
          if (std::string wrong = CheckApplied(c, *s, r, key, gone); !wrong.empty()) {
            check.verdict = AuditVerdict::kWrong;
            check.detail = fmt::format("transaction {} (#{} before the start) {}", t.gtid, before.size() - i, wrong);
            check.by_one_phase_commit = t.one_phase;
            return check;
          }
        }
      }
    }
  }

  // After the start, oldest first: each row's first change decides.
  size_t usable_after = 0;
  const std::string end_after = WindowEnd(after, usable_after);
  std::set<std::string> touched;
  for (size_t n = 0; n < usable_after; ++n) {
    const BinlogTransaction& t = after[n];
    for (const RowChange& r : t.rows) {
      const TableShape* s = tables.Find(r);
      if (s == nullptr) continue;
      const auto key = FirstChange(c, *s, r, touched);
      if (!key) continue;
      ++rows;
      tables_checked.insert(r.database + "." + r.table);
      if (std::string wrong = CheckOneRow(c, *s, r, *key); !wrong.empty()) {
        check.verdict = AuditVerdict::kWrong;
        check.detail = fmt::format("transaction {} (#{} after the start) {}", t.gtid, n + 1, wrong);
        check.by_one_phase_commit = t.one_phase;
        return check;
      }
    }
  }
  const std::string ends = end_before + (end_after.empty() ? "" : "; " + end_after);
  if (rows == 0) {
    check.detail = fmt::format("no row of a covered table with a comparable key in the {} transactions before the "
                               "start and the {} after it{}",
                               usable_before, usable_after, ends);
    return check;
  }
  check.verdict = AuditVerdict::kConfirmed;
  check.detail = fmt::format("{} rows of {} tables, changed by the {} transactions before the start and the {} "
                             "after it, are in the restored data as of the start{}",
                             rows, tables_checked.size(), usable_before, usable_after, ends);
  return check;
}

struct HeldRowsJudge::State {
  State(db::Connection& c, const DataAuditOptions& o) : c(c), tables(c, o) {}
  db::Connection& c;
  Tables tables;
  std::set<std::string> touched;
};

HeldRowsJudge::HeldRowsJudge(db::Connection& c, const DataAuditOptions& o) : state_(std::make_unique<State>(c, o)) {
  CompareAsBytes(c);
}

HeldRowsJudge::~HeldRowsJudge() = default;

HeldRowsJudge::Count HeldRowsJudge::Judge(const BinlogTransaction& t) {
  Count n;
  for (const RowChange& r : t.rows) {
    const TableShape* s = state_->tables.Find(r);
    if (s == nullptr) continue;
    const auto key = FirstChange(state_->c, *s, r, state_->touched);
    if (!key) continue;
    (CheckOneRow(state_->c, *s, r, *key).empty() ? n.pending : n.applied) += 1;
  }
  return n;
}

std::optional<std::string> GtidBefore(const std::string& gtid, uint64_t n) {
  db::GtidPos p = db::GtidPos::Parse(gtid);
  for (auto& [domain, e] : p.domains) {
    if (e.seq_no < n) return std::nullopt;
    e.seq_no -= n;
  }
  return p.ToString();
}

PositionCheck CheckDataAtPosition(const server::AdminTarget& master_tool, db::Connection& master,
                                  db::Connection& restored, const BackupPosition& start, bool by_gtid,
                                  const DataAuditOptions& o) {
  PositionCheck check;
  check.what = "restored data vs the transactions around the start";
  std::string gtid = by_gtid ? start.gtid : GtidAt(master, start.binlog_file, start.binlog_pos);
  backup::BinlogReadOptions r;
  r.binary = o.binlog_binary;
  r.binlog_file = start.binlog_file;
  r.binlog_pos = start.binlog_pos;
  std::optional<std::string> from = gtid.empty() ? std::nullopt : GtidBefore(gtid, o.transactions);
  r.start_gtid = from ? *from : by_gtid ? gtid : "";
  r.max_transactions = from ? 2 * o.transactions : o.transactions;
  std::vector<BinlogTransaction> read;
  try {
    read = backup::ReadTransactionsAfter(master_tool, r);
  } catch (const backup::BackupError& e) {
    check.detail = std::string("the master's binary log could not be read: ") + e.what();
    return check;
  }
  // Split at the start: a transaction at or below the start's sequence
  // number in its domain is before it.
  std::vector<BinlogTransaction> before, after;
  const db::GtidPos at = gtid.empty() ? db::GtidPos{} : db::GtidPos::Parse(gtid);
  for (BinlogTransaction& t : read) {
    bool is_before = false;
    if (from && !t.gtid.empty()) {
      const db::GtidPos one = db::GtidPos::Parse(t.gtid);
      for (const auto& [domain, e] : one.domains) {
        auto it = at.domains.find(domain);
        is_before = it != at.domains.end() && e.seq_no <= it->second.seq_no;
      }
    }
    (is_before ? before : after).push_back(std::move(t));
  }
  if (after.size() > o.transactions) after.resize(o.transactions);
  if (before.empty() && after.empty()) {
    check.detail = "the master logged nothing around the start";
    return check;
  }
  return CompareWithRestoredData(restored, before, after, o);
}

}  // namespace randsync::scenario
