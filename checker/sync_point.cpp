#include "checker/sync_point.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <functional>
#include <span>
#include <thread>

#include <fmt/format.h>
#include <mysql.h>

#include "db/db_error.h"
#include "db/replication_status.h"
#include "base/errors.h"

namespace randsync::checker {
namespace {

using Clock = std::chrono::steady_clock;
constexpr unsigned kParseError = 1064;  // BACKUP STAGE unknown: server < 10.4

void OpenSnapshots(std::vector<db::Connection>& conns) {
  for (db::Connection& c : conns) c.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
}

constexpr unsigned kNoSuchTable = 1146;
constexpr unsigned kLockWaitTimeout = 1205;
constexpr size_t kTablesPerStatement = 200;

// Opens every table of `tables` inside each connection's transaction, so
// that each holds a shared metadata lock on all of them until it ends:
// DDL on those tables then waits for the check instead of (a) making the
// snapshot unreadable (ER_TABLE_DEF_CHANGED) and (b) queueing an exclusive
// lock request that a connection which has not opened the table yet would
// wait behind, while the DDL waits for a connection that has - a deadlock
// between our own connections that no server can see.
//
// This runs while commits are blocked, so it never waits: with
// lock_wait_timeout = 0 a table whose lock is held or awaited by DDL (an
// ALTER waiting for a transaction that waits for our commit block) fails at
// once and is left out of this sync point. One statement per connection and
// batch, all connections in parallel. Returns the tables locked on every
// connection; a table missing on this side is not among them.
std::vector<std::string> LockTables(std::span<db::Connection> conns, const std::vector<std::string>& tables) {
  if (tables.empty() || conns.empty()) return tables;
  std::vector<std::vector<bool>> locked(conns.size(), std::vector<bool>(tables.size(), false));
  std::vector<std::exception_ptr> errors(conns.size());
  std::vector<std::thread> threads;
  for (size_t k = 0; k < conns.size(); ++k) {
    threads.emplace_back([&, k] {
      try {
        db::Connection& c = conns[k];
        c.Execute("SET SESSION lock_wait_timeout = 0");
        for (size_t i = 0; i < tables.size(); i += kTablesPerStatement) {
          const size_t end = std::min(tables.size(), i + kTablesPerStatement);
          std::string sql;
          for (size_t j = i; j < end; ++j) {
            sql += fmt::format("{}(SELECT 1 FROM {} LIMIT 0)", sql.empty() ? "" : " UNION ALL ", tables[j]);
          }
          try {
            c.Execute(sql);
            for (size_t j = i; j < end; ++j) locked[k][j] = true;
            continue;
          } catch (const db::DbError& e) {
            if (e.error_number() != kNoSuchTable && e.error_number() != kLockWaitTimeout) throw;
          }
          for (size_t j = i; j < end; ++j) {  // one by one, to know which
            try {
              c.Execute(fmt::format("SELECT 1 FROM {} LIMIT 0", tables[j]));
              locked[k][j] = true;
            } catch (const db::DbError& e) {
              if (e.error_number() != kNoSuchTable && e.error_number() != kLockWaitTimeout) throw;
            }
          }
        }
        c.Execute("SET SESSION lock_wait_timeout = 10");
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  std::vector<std::string> all;
  for (size_t j = 0; j < tables.size(); ++j) {
    bool everywhere = true;
    for (size_t k = 0; k < conns.size(); ++k) everywhere = everywhere && locked[k][j];
    if (everywhere) all.push_back(tables[j]);
  }
  return all;
}

struct BinlogPosition {
  std::string file;
  uint64_t pos = 0;
};

std::optional<BinlogPosition> MasterStatus(db::Connection& conn) {
  db::RowSet rs = conn.QueryRows("SHOW MASTER STATUS");
  if (rs.rows.empty() || !rs.rows[0][0] || !rs.rows[0][1]) return std::nullopt;
  return BinlogPosition{*rs.rows[0][0], std::stoull(*rs.rows[0][1])};
}

// binlog_snapshot_file/position of a connection inside a consistent snapshot.
BinlogPosition SnapshotPosition(db::Connection& conn) {
  BinlogPosition p;
  for (const db::Row& row : conn.QueryRows("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'").rows) {
    if (!row[0] || !row[1]) continue;
    if (*row[0] == "Binlog_snapshot_file") p.file = *row[1];
    if (*row[0] == "Binlog_snapshot_position") p.pos = std::stoull(*row[1]);
  }
  return p;
}

// Reads the master's binlog position, or says why a sync point needs one.
std::optional<BinlogPosition> RequireBinlog(db::Connection& control, SyncMode mode) {
  std::optional<BinlogPosition> status = MasterStatus(control);
  if (!status && mode != SyncMode::kNone) {
    throw SyncError(SyncError::Kind::kSetup,
                    "the master has no binary log (log_bin is OFF), so no replica can be "
                    "synchronised with it; use --sync none to compare static data");
  }
  return status;
}

// Starts a consistent snapshot on every connection at the same moment and
// returns each one's binlog position: every START TRANSACTION is sent
// before any answer is read, so the server starts them microseconds apart
// (threads released by a latch spread them over a few hundred: at 7,000
// commits/s 20 tries then failed to agree now and then). The server starts
// a snapshot and reads its binlog position under the lock that orders
// commits, so two snapshots with one position see the same transactions.
std::vector<BinlogPosition> StartSnapshotsTogether(std::vector<db::Connection>& conns) {
  static constexpr std::string_view kStart = "START TRANSACTION WITH CONSISTENT SNAPSHOT";
  auto error_of = [](db::Connection& c) {
    MYSQL* m = c.native();
    return db::DbError(mysql_errno(m), mysql_sqlstate(m), mysql_error(m), std::string(kStart));
  };
  std::optional<db::DbError> error;
  size_t sent = 0;
  for (; sent < conns.size(); ++sent) {
    if (mysql_send_query(conns[sent].native(), kStart.data(), kStart.size()) != 0) {
      error = error_of(conns[sent]);
      break;
    }
  }
  for (size_t i = 0; i < sent; ++i) {  // every answer is read, so each connection stays usable
    if (mysql_read_query_result(conns[i].native()) != 0 && !error) error = error_of(conns[i]);
  }
  if (error) throw *error;
  std::vector<BinlogPosition> positions;
  for (db::Connection& c : conns) positions.push_back(SnapshotPosition(c));
  return positions;
}

bool AllAt(const std::vector<BinlogPosition>& positions) {
  for (const BinlogPosition& p : positions) {
    if (p.file != positions.front().file || p.pos != positions.front().pos) return false;
  }
  return !positions.empty();
}

// N snapshots at one position without blocking anything: started together
// up to `max_tries` times until they agree.
std::optional<BinlogPosition> UnblockedSnapshots(std::vector<db::Connection>& conns, int max_tries, int& tries) {
  for (tries = 1; tries <= max_tries; ++tries) {
    std::vector<BinlogPosition> positions = StartSnapshotsTogether(conns);
    if (AllAt(positions)) return positions.front();
    for (db::Connection& c : conns) c.Execute("ROLLBACK");
  }
  tries = max_tries;
  return std::nullopt;
}

// The fallback: commits blocked (BACKUP STAGE BLOCK_COMMIT, which also runs
// the FLUSH and BLOCK_DDL stages: writes to non-transactional tables and
// DDL wait too) while the snapshots open, so they cannot differ. The block
// is timed from BACKUP STAGE START to END.
void BlockedSnapshots(db::Connection& control, SyncPoint& point, const SyncOptions& options,
                      const std::function<void()>& inside_block) {
  const auto lock_wait = std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(options.timeout).count());
  control.Execute(fmt::format("SET SESSION lock_wait_timeout = {}", lock_wait));
  const auto t0 = Clock::now();
  bool backup_stage = true;
  try {
    control.Execute("BACKUP STAGE START");
  } catch (const db::DbError& e) {
    if (e.error_number() != kParseError) throw;
    backup_stage = false;
  }
  bool released = false;
  auto release = [&] {
    if (released) return;
    released = true;
    control.Execute(backup_stage ? "BACKUP STAGE END" : "UNLOCK TABLES");
  };
  try {
    control.Execute(backup_stage ? "BACKUP STAGE BLOCK_COMMIT" : "FLUSH TABLES WITH READ LOCK");
    point.gtid = control.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
    std::optional<BinlogPosition> status = RequireBinlog(control, options.mode);
    if (status) {
      point.binlog_file = status->file;
      point.binlog_pos = status->pos;
    }
    OpenSnapshots(point.master);
    inside_block();
    release();
    point.commit_block = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
  } catch (...) {
    try {
      release();
    } catch (...) {  // the original error is the one to report
    }
    throw;
  }
  if (point.binlog_file.empty()) return;
  for (size_t i = 0; i < point.master.size(); ++i) {
    BinlogPosition p = SnapshotPosition(point.master[i]);
    if (p.file != point.binlog_file || p.pos != point.binlog_pos) {
      throw SyncError(SyncError::Kind::kSetup,
                      fmt::format("master snapshot {} saw binlog position {}:{} instead of {}:{} "
                                  "although commits were blocked",
                                  i + 1, p.file, p.pos, point.binlog_file, point.binlog_pos));
    }
  }
}

// The master's side: the compared tables guarded against DDL by a
// transaction on `guard` that opened them (a shared metadata lock each; DML
// and commits go on), N snapshots at one binlog position G, the snapshots
// open every guarded table, the schema is read, the guard ends. Nothing
// waits for the sync point but DDL on a compared table (until the check
// ends) and whatever queues behind that DDL.
void MasterStep(db::Connection& control, db::Connection& guard, SyncPoint& point, const SyncOptions& options) {
  const std::vector<std::string> tables =
      options.tables_to_lock ? options.tables_to_lock(control) : std::vector<std::string>{};
  guard.Execute("START TRANSACTION");
  std::vector<std::string> guarded = LockTables(std::span(&guard, 1), tables);
  // Opens the guarded tables on the snapshots and reads what the caller
  // needs at G; false when DDL has changed it since tables_to_lock().
  auto at_point = [&] {
    point.locked_tables = LockTables(point.master, guarded);
    return !options.on_master_frozen || options.on_master_frozen(control);
  };
  RequireBinlog(control, options.mode);
  if (std::optional<BinlogPosition> at = UnblockedSnapshots(point.master, options.snapshot_tries, point.snapshot_tries)) {
    point.binlog_file = at->file;
    point.binlog_pos = at->pos;
    // NULL when the server cannot map the position (its binlog file was
    // purged meanwhile): then the blocked variant reads G itself.
    const std::optional<std::string> gtid =
        control.QueryValue(fmt::format("SELECT BINLOG_GTID_POS({}, {})", control.Quote(at->file), at->pos));
    if (gtid) {
      point.gtid = *gtid;
      if (at_point()) {
        guard.Execute("COMMIT");
        return;
      }
      point.ddl_during_point = true;
    }
    for (db::Connection& c : point.master) c.Execute("ROLLBACK");
  }
  // The guard ends first: a DDL statement waiting for it holds the backup
  // lock BLOCK_DDL waits for, a deadlock the server cannot see. With DDL
  // blocked, what on_master_frozen reads inside the block holds at G, and a
  // table dropped meanwhile is just not locked.
  guard.Execute("COMMIT");
  BlockedSnapshots(control, point, options, [&] { at_point(); });
}

// Starts replication again when it was running before, whatever happens.
class ReplicationRestorer {
 public:
  ReplicationRestorer(db::Connection& slave, bool restart) : slave_(slave), restart_(restart) {}
  void Cancel() { restart_ = false; }
  ~ReplicationRestorer() {
    if (!restart_) return;
    try {
      slave_.Execute("START SLAVE");
    } catch (...) {  // reported by the next sync point or catch-up check
    }
  }

 private:
  db::Connection& slave_;
  bool restart_;
};

// STOP SLAVE within the deadline. When it does not return in time the server
// goes on stopping replication after the current transaction, and nothing
// can restart it reliably from here: say so.
void StopSlave(db::Connection& control, const db::Dsn& dsn, unsigned deadline_s,
               ReplicationRestorer& restorer) {
  try {
    control.Execute("STOP SLAVE");
  } catch (const db::DbError& e) {
    restorer.Cancel();
    std::string status = "SHOW SLAVE STATUS unavailable";
    try {
      db::Connection fresh = OpenCheckerConnection(dsn, deadline_s);
      if (auto st = db::ReadSlaveStatus(fresh)) status = st->Describe();
    } catch (...) {
    }
    throw SyncError(SyncError::Kind::kTimeout,
                    fmt::format("STOP SLAVE did not finish within {} s ({}): the SQL thread is busy "
                                "(a long transaction or a lock wait); replication stops when it is "
                                "done and is left stopped; {}",
                                deadline_s, e.what(), status));
  }
}

db::GtidPos SlaveGtid(db::Connection& slave) {
  return db::GtidPos::Parse(slave.QueryValue("SELECT @@gtid_slave_pos").value_or(""));
}

// Where the slave's SQL thread is, for messages.
std::string SlavePosition(db::Connection& slave, SyncMode mode, const db::SlaveStatus& st) {
  if (mode == SyncMode::kGtid) return "gtid_slave_pos " + SlaveGtid(slave).ToString();
  return fmt::format("applied up to {}:{}", st.relay_master_log_file, st.exec_master_log_pos);
}

bool FileBefore(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// Runs START SLAVE UNTIL the point and waits for the SQL thread to stop there.
void SlaveStep(db::Connection& slave, const db::Dsn& dsn, unsigned deadline_s, const SyncPoint& point,
               const SyncOptions& options, ReplicationRestorer& restorer, std::chrono::microseconds& wait) {
  const auto t0 = Clock::now();
  const auto deadline = t0 + options.timeout;
  const std::string where = options.mode == SyncMode::kGtid
                                ? "GTID " + point.gtid
                                : fmt::format("{}:{}", point.binlog_file, point.binlog_pos);
  auto at_point = [&](const db::SlaveStatus& st) {
    if (options.mode == SyncMode::kGtid) return SlaveGtid(slave).At(db::GtidPos::Parse(point.gtid));
    return st.relay_master_log_file == point.binlog_file && st.exec_master_log_pos == point.binlog_pos;
  };
  auto past_point = [&](const db::SlaveStatus& st) {
    if (options.mode == SyncMode::kGtid) return SlaveGtid(slave).Past(db::GtidPos::Parse(point.gtid));
    return FileBefore(point.binlog_file, st.relay_master_log_file) ||
           (st.relay_master_log_file == point.binlog_file && st.exec_master_log_pos > point.binlog_pos);
  };

  auto stopped_elsewhere = [&](const db::SlaveStatus& st) {
    return SyncError(SyncError::Kind::kReplication,
                     fmt::format("the slave's SQL thread stopped at {} instead of {}: {}",
                                 SlavePosition(slave, options.mode, st), where, st.Describe()),
                     st);
  };

  std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(slave);
  if (!st) throw SyncError(SyncError::Kind::kSetup, "the slave stopped being a replica");
  if (at_point(*st)) {
    wait = {};
    return;
  }
  if (past_point(*st)) {
    throw SyncError(SyncError::Kind::kReplication,
                    fmt::format("the slave is already past the master's {} ({}): it applied "
                                "transactions the master did not log there",
                                where, SlavePosition(slave, options.mode, *st)));
  }
  try {
    if (options.mode == SyncMode::kGtid) {
      slave.Execute("START SLAVE UNTIL master_gtid_pos = " + slave.Quote(point.gtid));
    } else {
      slave.Execute(fmt::format("START SLAVE UNTIL MASTER_LOG_FILE = {}, MASTER_LOG_POS = {}",
                                slave.Quote(point.binlog_file), point.binlog_pos));
    }
  } catch (const db::DbError& e) {
    throw SyncError(SyncError::Kind::kSetup,
                    fmt::format("START SLAVE UNTIL {} failed: {}{}", where, e.what(),
                                options.mode == SyncMode::kGtid ? " (is the slave using GTID? try --sync position)" : ""));
  }
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    st = db::ReadSlaveStatus(slave);
    if (!st) throw SyncError(SyncError::Kind::kSetup, "the slave stopped being a replica");
    if (st->last_sql_errno != 0 || (st->io_running == "No" && st->last_io_errno != 0)) {
      throw SyncError(SyncError::Kind::kReplication,
                      fmt::format("replication failed while the slave ran to {}: {}", where, st->Describe()), st);
    }
    if (st->sql_stopped()) {
      if (at_point(*st)) break;
      throw stopped_elsewhere(*st);
    }
    // MariaDB tests a position UNTIL before it applies the next event, so a
    // slave that has applied everything up to the point keeps running when
    // the master logs nothing after it (the load has ended). The UNTIL still
    // keeps it from applying past the point, so it is there: stop it here.
    if (options.mode == SyncMode::kPosition && at_point(*st)) {
      StopSlave(slave, dsn, deadline_s, restorer);
      st = db::ReadSlaveStatus(slave);
      if (!st) throw SyncError(SyncError::Kind::kSetup, "the slave stopped being a replica");
      if (at_point(*st)) break;
      throw stopped_elsewhere(*st);
    }
    if (Clock::now() >= deadline) {
      const std::string pos = SlavePosition(slave, options.mode, *st);
      // STOP then START (the restorer) clears the UNTIL condition.
      try {
        slave.Execute("STOP SLAVE");
      } catch (const db::DbError&) {
        restorer.Cancel();
      }
      throw SyncError(SyncError::Kind::kTimeout,
                      fmt::format("the slave did not reach {} within {} s ({}; {})", where,
                                  std::chrono::duration_cast<std::chrono::seconds>(options.timeout).count(),
                                  pos, st->Describe()));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  wait = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
}

}  // namespace

const char* ToString(SyncMode mode) {
  switch (mode) {
    case SyncMode::kGtid:
      return "gtid";
    case SyncMode::kPosition:
      return "position";
    case SyncMode::kNone:
      return "none";
  }
  return "?";
}

SyncMode ParseSyncMode(std::string_view text) {
  if (text == "gtid") return SyncMode::kGtid;
  if (text == "position") return SyncMode::kPosition;
  if (text == "none") return SyncMode::kNone;
  throw InputError(fmt::format("--sync: '{}' is not gtid, position or none", text));
}

std::string SyncPoint::Describe() const {
  if (mode == SyncMode::kNone) return "no sync point (--sync none): each side as it is now";
  std::string at = mode == SyncMode::kGtid ? "GTID " + (gtid.empty() ? std::string("(empty)") : gtid)
                                           : fmt::format("binlog {}:{}", binlog_file, binlog_pos);
  const std::string master_side =
      commit_block.count() > 0
          ? fmt::format("master commits blocked {:.1f} ms{}", commit_block.count() / 1000.0,
                        ddl_during_point ? ", DDL ran while the snapshots opened unblocked" : "")
          : fmt::format("master snapshots agreed on try {}, nothing blocked", snapshot_tries);
  std::string waits;
  for (const SlaveAtPoint& s : slaves) {
    if (s.error) continue;
    waits += fmt::format("{}{:.2f} s", waits.empty() ? "" : ", ", s.wait.count() / 1e6);
  }
  return fmt::format("{} ({}; {} reached it in {})", at, master_side, slaves.size() > 1 ? "slaves" : "slave",
                     waits.empty() ? "-" : waits);
}

db::Connection OpenCheckerConnection(const db::Dsn& dsn, unsigned read_timeout_s, db::Overridden* overridden) {
  db::ConnectOptions options;
  options.read_timeout_s = read_timeout_s;
  db::Connection conn(dsn, options);
  db::Overridden changed = db::PinSession(conn);
  if (overridden != nullptr) *overridden = std::move(changed);
  conn.Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  // A metadata lock that DDL holds must not stall the sync point for
  // lock_wait_timeout's default of a year (see LockTables).
  conn.Execute("SET SESSION lock_wait_timeout = 10");
  return conn;
}

namespace {

// One slave's part of a sync point: its connections, held from before the
// master step until its snapshots are open at G.
class SlaveSide {
 public:
  SlaveSide(const db::Dsn& dsn, const SyncOptions& options, SlaveAtPoint& out)
      : dsn_(dsn), options_(options), out_(out) {
    out_.dsn = dsn.Redacted();
    deadline_s_ = static_cast<unsigned>(
        std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(options.timeout).count()));
    // STOP SLAVE waits for the SQL thread to finish its current transaction,
    // which a lock or a huge event can make arbitrarily long: the slave's
    // control statements get a client-side deadline, never longer than any
    // other read of the check.
    control_s_ = options.read_timeout_s > 0 ? std::min(deadline_s_, options.read_timeout_s) : deadline_s_;
  }

  // Connects and, unless kNone, checks it is a healthy replica and stops it.
  void Prepare() {
    Guard([&] {
      control_.emplace(OpenCheckerConnection(dsn_, control_s_));
      for (unsigned i = 0; i < std::max(1u, options_.connections); ++i) {
        out_.snapshots.push_back(OpenCheckerConnection(dsn_, options_.read_timeout_s));
      }
      if (options_.mode == SyncMode::kNone) return;
      std::optional<db::SlaveStatus> st = db::ReadSlaveStatus(*control_);
      if (!st) {
        throw SyncError(SyncError::Kind::kSetup,
                        fmt::format("{} is not a replica (SHOW SLAVE STATUS is empty); use --sync none to "
                                    "compare two servers that do not replicate",
                                    out_.dsn));
      }
      if (st->last_sql_errno != 0) {
        throw SyncError(SyncError::Kind::kReplication, "replication on the slave has failed: " + st->Describe(), st);
      }
      const bool was_running = st->sql_running == "Yes" || st->io_running == "Yes" || st->io_running == "Connecting";
      restorer_.emplace(*control_, was_running);
      // Stopped first: then it cannot apply anything past the G read later.
      StopSlave(*control_, dsn_, control_s_, *restorer_);
    });
  }

  // Runs it to the master's point and opens its snapshots there.
  void ReachPoint(SyncPoint& point, size_t index) {
    Guard([&] {
      if (options_.mode != SyncMode::kNone) {
        SlaveStep(*control_, dsn_, deadline_s_, point, options_, *restorer_, out_.wait);
      }
      OpenSnapshots(out_.snapshots);
      out_.locked_tables = LockTables(out_.snapshots, point.locked_tables);
      if (options_.on_slave_at_point) options_.on_slave_at_point(index, *control_);
    });
  }

  bool failed() const { return out_.error.has_value(); }

 private:
  // A failure of this slave is its error, not the sync point's.
  void Guard(const std::function<void()>& step) {
    if (failed()) return;
    try {
      step();
    } catch (const SyncError& e) {
      out_.error = e;
    } catch (const std::exception& e) {
      out_.error = SyncError(SyncError::Kind::kSetup, fmt::format("{}: {}", out_.dsn, e.what()));
    }
    if (failed()) out_.snapshots.clear();
  }

  const db::Dsn& dsn_;
  const SyncOptions& options_;
  SlaveAtPoint& out_;
  unsigned deadline_s_ = 0, control_s_ = 0;
  std::optional<db::Connection> control_;
  std::optional<ReplicationRestorer> restorer_;  // declared after control_: destroyed first
};

// The slaves' steps at once, each in its own thread.
void EachSlave(std::vector<std::unique_ptr<SlaveSide>>& sides, const std::function<void(SlaveSide&, size_t)>& step) {
  if (sides.size() == 1) return step(*sides[0], 0);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < sides.size(); ++k) threads.emplace_back([&, k] { step(*sides[k], k); });
  for (std::thread& t : threads) t.join();
}

}  // namespace

SyncPoint TakeSyncPoint(const db::Dsn& master, const std::vector<db::Dsn>& slaves, const SyncOptions& options) {
  if (slaves.empty()) throw SyncError(SyncError::Kind::kSetup, "a sync point needs at least one slave");
  SyncPoint point;
  point.mode = options.mode;
  db::Connection master_control = OpenCheckerConnection(master, options.read_timeout_s);
  for (unsigned i = 0; i < std::max(1u, options.connections); ++i) {
    point.master.push_back(OpenCheckerConnection(master, options.read_timeout_s));
  }
  point.slaves.resize(slaves.size());
  std::vector<std::unique_ptr<SlaveSide>> sides;
  for (size_t k = 0; k < slaves.size(); ++k) {
    sides.push_back(std::make_unique<SlaveSide>(slaves[k], options, point.slaves[k]));
  }
  EachSlave(sides, [](SlaveSide& side, size_t) { side.Prepare(); });

  if (options.mode == SyncMode::kNone) {
    const std::vector<std::string> tables =
        options.tables_to_lock ? options.tables_to_lock(master_control) : std::vector<std::string>{};
    OpenSnapshots(point.master);
    point.locked_tables = LockTables(point.master, tables);
    if (options.on_master_frozen) options.on_master_frozen(master_control);
  } else {
    const bool any_ready = std::any_of(sides.begin(), sides.end(), [](auto& s) { return !s->failed(); });
    if (!any_ready) return point;  // each slave says why; nothing to hold the master for
    db::Connection guard = OpenCheckerConnection(master, options.read_timeout_s);
    MasterStep(master_control, guard, point, options);
  }
  EachSlave(sides, [&](SlaveSide& side, size_t k) { side.ReachPoint(point, k); });
  return point;
}

SyncPoint TakeSyncPoint(const db::Dsn& master, const db::Dsn& slave, const SyncOptions& options) {
  SyncPoint point = TakeSyncPoint(master, std::vector<db::Dsn>{slave}, options);
  if (point.slaves[0].error) throw *point.slaves[0].error;
  return point;
}

}  // namespace randsync::checker
