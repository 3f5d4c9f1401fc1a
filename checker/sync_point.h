// A sync point: N consistent snapshots on the master and N on the slave that
// all show the data as of one master binlog position G, taken while load and
// replication go on (design.md, Checker).
//
// Master (control A, guard B and snapshot connections 1..N, all opened
// first):
//   A: tables_to_lock()                              -- the tables to compare
//   B: START TRANSACTION; open every table           -- DDL on them now waits
//   1..N: START TRANSACTION WITH CONSISTENT SNAPSHOT, all sent before any
//         answer is read; until every binlog_snapshot_file/position agrees
//         (= G's file:pos), ROLLBACK and again, up to snapshot_tries
//   A: SELECT BINLOG_GTID_POS(file, pos)             -- G
//   1..N: open every table B holds (metadata locks until the check ends; a
//         table DDL holds or awaits is left out at once, never waited for)
//   A: on_master_frozen()                            -- e.g. read the schema
//   B: COMMIT
//   (on_master_frozen() false: DDL ran meanwhile; 1..N roll back and the
//   blocked variant below runs, with on_master_frozen() inside the block)
// The server starts a snapshot and reads its binlog position under the lock
// that orders commits (LOCK_commit_ordered), so snapshots with one position
// see the same transactions: nothing on the master waits for the sync
// point, neither commits nor writes to non-transactional tables (only
// transactional tables are compared while writers run). When the tries never
// agree (a commit between every pair of snapshot starts), the snapshots open
// inside BACKUP STAGE START..BLOCK_COMMIT..END instead (FLUSH TABLES WITH
// READ LOCK before 10.4); that block, which also holds non-transactional
// writes and DDL, is timed from START to END and reported as commit_block.
// The schema read at the point (on_master_frozen) is then read inside it.
// An ALTER TABLE already running (it holds a lock compatible with B's) goes
// on until its final rename, which waits; such a table must be left out by
// the caller if information_schema shows it with no engine.
// Slave (stopped before the master step, so it cannot already be past G):
//   STOP SLAVE; ...master step...; START SLAVE UNTIL master_gtid_pos = 'G'
//   poll SHOW SLAVE STATUS until the SQL thread stops; @@gtid_slave_pos = G
//   1..N: START TRANSACTION WITH CONSISTENT SNAPSHOT, open every table
//   on_slave_at_point()
//   START SLAVE (only if it was running before)
// Several slaves: every one is stopped before the master step and each runs
// to G in its own thread at once, so a slave of a slave (which can reach G
// only once its master has) needs no order. What fails on one slave (not a
// replica, replication error, timeout) is that slave's error only: the
// others are still at G. A slave of a slave needs --sync gtid: a binlog
// position is the master's, not its intermediate's.
// The position variant uses START SLAVE UNTIL MASTER_LOG_FILE/POS and
// Relay_Master_Log_File/Exec_Master_Log_Pos; kNone opens the snapshots on
// both sides with no coordination (static data, or two unrelated servers).
//
// DDL on the compared tables waits until the snapshots end (the check is
// done), on both sides; DML on a table whose DDL waits queues behind it, so
// a grammar heavy in ALTER TABLE slows down during a check.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/pinned_session.h"
#include "db/dsn.h"
#include "db/replication_status.h"

namespace randsync::checker {

enum class SyncMode { kGtid, kPosition, kNone };
const char* ToString(SyncMode mode);
SyncMode ParseSyncMode(std::string_view text);  // throws InputError

struct SyncOptions {
  SyncMode mode = SyncMode::kGtid;
  unsigned connections = 4;  // snapshots per side
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  // The read timeout of the master's control connection and of every
  // snapshot connection (OpenCheckerConnection).
  unsigned read_timeout_s = 300;
  // Starts of the N master snapshots together before commits are blocked
  // for them instead; 0 blocks at once. Under the default load (8 threads,
  // ~3,000 commits/s) the first start agrees most of the time.
  int snapshot_tries = 20;
  // Called on the master's control connection before anything is locked:
  // the tables (`db`.`t`, quoted) the snapshots open and lock.
  std::function<std::vector<std::string>(db::Connection&)> tables_to_lock;
  // Called on the master's control connection once its snapshots are open
  // at G and hold the locked tables: true when what it reads now is what
  // held at G, i.e. no DDL ran since tables_to_lock() (the caller compares
  // the two reads; DDL on objects the snapshots do not hold is not held
  // off). False makes the sync point open the master's snapshots again
  // inside the commit block, where no DDL runs, and call it once more there
  // (that answer is not asked). Unset: nothing to read.
  std::function<bool(db::Connection&)> on_master_frozen;
  // Called on the slave's control connection while its SQL thread is
  // stopped at G: with on_master_frozen, the schema seen by both sides is
  // the schema at G.
  // With several slaves, called for each (its index in the slaves given),
  // from that slave's thread: the hook must be safe to call concurrently.
  std::function<void(size_t slave, db::Connection&)> on_slave_at_point;
};

// Why a sync point could not be made. kTimeout: the slave did not reach G in
// time; kReplication: its SQL or IO thread failed; kSetup: a server lacks
// what the protocol needs (no binlog, not a replica, privileges, lost
// connection).
class SyncError : public std::runtime_error {
 public:
  // kBusy: DDL held a table the snapshots had to open; trying again later
  // usually works.
  enum class Kind { kTimeout, kReplication, kSetup, kBusy };
  SyncError(Kind kind, const std::string& what, std::optional<db::SlaveStatus> slave = std::nullopt)
      : std::runtime_error(what), kind_(kind), slave_(std::move(slave)) {}
  Kind kind() const { return kind_; }
  // The slave's status when it is what failed (kReplication, kTimeout).
  const std::optional<db::SlaveStatus>& slave_status() const { return slave_; }

 private:
  Kind kind_;
  std::optional<db::SlaveStatus> slave_;
};

// One slave at the point: its snapshots, or why it could not be brought there.
struct SlaveAtPoint {
  std::string dsn;  // redacted, for messages
  std::vector<db::Connection> snapshots;  // slave[i] sees what master[i] sees
  std::chrono::microseconds wait{0};      // START SLAVE UNTIL .. stopped
  // The master's locked tables that every snapshot of this slave holds too.
  std::vector<std::string> locked_tables;
  std::optional<SyncError> error;  // set: no snapshots, this slave is not at G
};

struct SyncPoint {
  SyncMode mode = SyncMode::kNone;
  std::string gtid;         // master @@gtid_binlog_pos at the point
  std::string binlog_file;  // master SHOW MASTER STATUS at the point
  uint64_t binlog_pos = 0;
  // How long the master's commits (and writes to non-transactional tables)
  // waited: zero unless the snapshots could not agree unblocked.
  std::chrono::microseconds commit_block{0};
  int snapshot_tries = 0;  // times the N master snapshots were started together
  // DDL changed what on_master_frozen reads while the snapshots opened
  // unblocked: they were opened again inside the commit block.
  bool ddl_during_point = false;
  // Open transactions (consistent snapshots): master[i] and every slave's
  // snapshots[i] see the data at the point. Sessions are pinned
  // (OpenCheckerConnection): a TIMESTAMP or a CHAR reads alike whatever
  // each server's globals.
  std::vector<db::Connection> master;
  std::vector<SlaveAtPoint> slaves;  // in the order given
  // The tables of tables_to_lock() that every master snapshot holds open;
  // the others (DDL held them) are not readable consistently at this point.
  std::vector<std::string> locked_tables;

  std::string Describe() const;  // "GTID 0-1-1234 (commits blocked 12 ms, ...)"
};

// Opens the control and snapshot connections and runs the protocol above
// for every slave (at least one). Throws SyncError, or db::DbError, for a
// failure of the master's side; a slave's failure is its SlaveAtPoint's
// error. Replication is left running as it was found, also when this throws.
SyncPoint TakeSyncPoint(const db::Dsn& master, const std::vector<db::Dsn>& slaves, const SyncOptions& options);

// One slave: its failure is thrown too.
SyncPoint TakeSyncPoint(const db::Dsn& master, const db::Dsn& slave, const SyncOptions& options);

// A connection prepared like the snapshot connections: its session pinned
// (db/pinned_session.h: sql_mode, time zone, character sets, limits), so
// that no global setting of a server changes what it reads; used for
// control connections too. A non-zero read timeout bounds every statement
// on the client side. `overridden`, when given, receives what the pinning
// changed.
db::Connection OpenCheckerConnection(const db::Dsn& dsn, unsigned read_timeout_s = 0,
                                     db::Overridden* overridden = nullptr);

}  // namespace randsync::checker
