// The transactions of a master's binary log after a position, with the rows
// they change, as `mariadb-binlog --base64-output=decode-rows --verbose`
// prints them. What the position audit (runners/scenario/position_audit.h)
// compares with a restored backup: the first transactions after the
// position a backup recorded must not be in its data yet.
//
// The printed row images are kept as printed (`@3=-1 (4294967295)`,
// `@7='text'`, `@2=NULL`); interpreting them needs the column's type and is
// the reader's business. A transaction whose effects the rows do not tell
// (a DDL, a statement-format DML, an XA transaction) is marked so.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runners/server/admin_connection.h"

namespace randsync::backup {

enum class RowChangeKind { kInsert, kUpdate, kDelete };

struct RowChange {
  RowChangeKind kind = RowChangeKind::kInsert;
  std::string database, table;
  // Column ordinal (1-based, the table's order) -> the value as printed.
  // Update and delete have `before`; insert and update have `after`.
  std::map<unsigned, std::string> before, after;
  // Undone by a ROLLBACK TO SAVEPOINT (or a ROLLBACK) logged after it: a
  // transaction that changed a non-transactional table is logged with its
  // InnoDB rows and the rollback, so the row is gone from a transactional
  // table and stays in a non-transactional one.
  bool rolled_back = false;
  // The statement that logged it, from the Annotate_rows event MariaDB
  // writes before a statement's row events (binlog_annotate_row_events,
  // on by default); "" when the log holds none.
  std::string statement;
};

// The step of an XA transaction an event group logs: its XA PREPARE
// (with the rows), or its XA COMMIT / XA ROLLBACK (no rows) in a group of
// its own. XA COMMIT ... ONE PHASE is logged as an ordinary transaction.
enum class XaStep { kNone, kPrepare, kCommit, kRollback };

// A statement as the log holds it: a Query event's text, or the
// Annotate_rows statement of row events; with the default database the
// session had (the log's `use`).
struct LoggedStatement {
  std::string database;
  std::string text;
  bool row_events = false;  // the statement's effects are logged as rows
};

struct BinlogTransaction {
  std::string gtid;  // "0-1-102"
  std::vector<RowChange> rows;
  // Every statement of the group in log order but BEGIN/COMMIT and XA
  // steps: what a replay of the transaction sends (randsync reduce).
  std::vector<LoggedStatement> logged;
  // Effects not (only) in row events: the audit cannot reason past it.
  bool ddl = false;         // GTID flagged ddl: CREATE/ALTER/DROP...
  bool statements = false;  // a Query event other than transaction control (BEGIN, SAVEPOINT, ...)
  bool xa = false;          // XA START/END/PREPARE/COMMIT/ROLLBACK
  XaStep xa_step = XaStep::kNone;
  std::string xid;  // of xa_step, as the log writes it: X'7831',X'',1
  std::string first_statement;  // of a Query event that set `statements` or `ddl`
  // Committed by a plain COMMIT, not an XID: the transaction also used an
  // engine without two-phase commit (Aria, even only read), and InnoDB
  // records no binlog position for it.
  bool one_phase = false;
  unsigned long long end_pos = 0;  // end_log_pos of its last event, in the file read

  bool RowsTellAll() const { return !ddl && !statements && !xa; }
};

// Whether a statement logged as DDL leaves every table's rows and columns
// as they were (ANALYZE, OPTIMIZE, GRANT, CREATE VIEW, ...), so that row
// events after it read as before it.
bool ChangesNoTableRows(std::string_view statement);

// Whether a logged statement only controls the transaction (BEGIN,
// COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT): by itself
// it changes no row.
bool IsTransactionControl(std::string_view statement);

// The changes of one event group that still stand after the savepoint
// statements logged in it (MariaDB logs them in a transaction that changed
// a non-transactional table): ROLLBACK TO x undoes the transactional
// changes since SAVEPOINT x, a ROLLBACK all of them. Changes are counted in
// the order they were logged.
class SavepointTracker {
 public:
  void Reset() { savepoints_.clear(); }  // a new event group
  // After transaction-control `statement` with `changes` logged so far: how
  // many of the first ones still stand (all, unless it rolled back), or
  // nullopt for a ROLLBACK TO a savepoint the group did not log.
  std::optional<std::size_t> Apply(std::string_view statement, std::size_t changes);

 private:
  std::vector<std::pair<std::string, std::size_t>> savepoints_;  // oldest first: name -> changes before it
};

// Incremental parser of mariadb-binlog's text: feed it line by line.
class BinlogTextParser {
 public:
  void Line(std::string_view line);
  // Transactions begun so far (the last one may still grow).
  const std::vector<BinlogTransaction>& transactions() const { return transactions_; }
  std::vector<BinlogTransaction> Take() { return std::move(transactions_); }
  // The transactions that have ended (all but the last begun), removed:
  // for reading a whole log without holding all of it.
  std::vector<BinlogTransaction> TakeFinished();

 private:
  void QueryLine(std::string_view line);
  void RowLine(std::string_view line);

  std::vector<BinlogTransaction> transactions_;
  bool in_query_ = false;  // between a Query event's header and its "/*!*/;"
  std::string query_text_;
  std::map<unsigned, std::string>* image_ = nullptr;  // WHERE or SET of the current row
  std::string annotate_;  // the statement of the row events that follow ("#Q> " lines)
  bool annotate_logged_ = false;  // annotate_ is in the transaction's `logged` already
  std::string database_;  // the last `use` of a Query event
  SavepointTracker savepoints_;  // of the current transaction
};

// Parses one whole text (for tests and small outputs).
std::vector<BinlogTransaction> ParseBinlogText(std::string_view text);

struct BinlogReadOptions {
  std::string binary;  // empty: /usr/bin/mariadb-binlog (or mysqlbinlog)
  // Where to start: a GTID position (the transactions after it), or else
  // binlog_file/binlog_pos (the events from there).
  std::string start_gtid;
  std::string binlog_file;
  unsigned long long binlog_pos = 0;
  std::size_t max_transactions = 50;
  std::chrono::seconds timeout{30};
};

// Reads up to options.max_transactions transactions from `master`'s binary
// log (over the replication protocol, so any master the user can replicate
// from), stopping early at the log's current end. The password goes
// through a mode-0600 defaults file, never the command line. Throws
// BackupError when the tool cannot run or reports an error.
std::vector<BinlogTransaction> ReadTransactionsAfter(const server::AdminTarget& master,
                                                     const BinlogReadOptions& options);

}  // namespace randsync::backup
