// A sync point: N consistent snapshots on the master and N on the slave that
// all show the data as of one master binlog position G, taken while load and
// replication go on (design.md, Checker).
//
// Master (connection A plus snapshot connections 1..N, all opened first):
//   A: BACKUP STAGE START; BACKUP STAGE BLOCK_DDL     -- DDL waits, commits go on
//      tables_to_lock()                              -- the tables to compare
//   A: BACKUP STAGE BLOCK_COMMIT                     -- commits wait from here
//      SELECT @@gtid_binlog_pos (G), SHOW MASTER STATUS (file:pos)
//   1..N: START TRANSACTION WITH CONSISTENT SNAPSHOT
//   1..N: open every table (metadata locks until the check ends; a table
//         DDL holds is left out at once, never waited for)
//      on_master_frozen()                            -- e.g. read the schema
//   A: BACKUP STAGE END                              -- commits and DDL resume
// An ALTER TABLE already running when BLOCK_DDL is taken is not stopped by
// it (only its final rename is); such a table must be left out by the
// caller (information_schema shows it with no engine).
//   check: every snapshot's binlog_snapshot_file/position equals file:pos
// Slave (stopped before the master step, so it cannot already be past G):
//   STOP SLAVE; ...master step...; START SLAVE UNTIL master_gtid_pos = 'G'
//   poll SHOW SLAVE STATUS until the SQL thread stops; @@gtid_slave_pos = G
//   1..N: START TRANSACTION WITH CONSISTENT SNAPSHOT, open every table
//   on_slave_at_point()
//   START SLAVE (only if it was running before)
// The position variant uses START SLAVE UNTIL MASTER_LOG_FILE/POS and
// Relay_Master_Log_File/Exec_Master_Log_Pos; kNone opens the snapshots on
// both sides with no coordination (static data, or two unrelated servers).
//
// Commits on the master are blocked only between BLOCK_COMMIT and END: a
// few statements on connections that are already open (measured and
// returned). DDL on the compared tables waits until the snapshots end (the
// check is done), on both sides; DML on a table whose DDL waits queues
// behind it, so a grammar heavy in ALTER TABLE slows down during a check. Servers without BACKUP STAGE (before 10.4) use FLUSH TABLES
// WITH READ LOCK for the same window.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/pinned_session.h"
#include "db/dsn.h"

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
  // Called on the master's control connection while DDL is blocked: the
  // tables (`db`.`t`, quoted) the snapshots open and lock.
  std::function<std::vector<std::string>(db::Connection&)> tables_to_lock;
  // Called on the master's control connection while commits and DDL are
  // blocked, and on the slave's while its SQL thread is stopped at G: the
  // schema seen by both is the schema at G.
  std::function<void(db::Connection&)> on_master_frozen;
  std::function<void(db::Connection&)> on_slave_at_point;
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
  SyncError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct SyncPoint {
  SyncMode mode = SyncMode::kNone;
  std::string gtid;         // master @@gtid_binlog_pos at the point
  std::string binlog_file;  // master SHOW MASTER STATUS at the point
  uint64_t binlog_pos = 0;
  std::chrono::microseconds commit_block{0};  // how long master commits waited
  std::chrono::microseconds slave_wait{0};    // START SLAVE UNTIL .. stopped
  // Open transactions (consistent snapshots): master[i] and slave[i] see the
  // data at the point. Sessions are pinned (OpenCheckerConnection): a
  // TIMESTAMP or a CHAR reads alike whatever each server's globals.
  std::vector<db::Connection> master;
  std::vector<db::Connection> slave;
  // The tables of tables_to_lock() that every snapshot on both sides holds
  // open; the others (DDL held them, or missing on a side) are not
  // readable consistently at this point.
  std::vector<std::string> locked_tables;

  std::string Describe() const;  // "GTID 0-1-1234 (commits blocked 12 ms, ...)"
};

// Opens the control and snapshot connections and runs the protocol above.
// Throws SyncError, or db::DbError for a failure outside the protocol.
// Replication is left running as it was found, also when this throws.
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
