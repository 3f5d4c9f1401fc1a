// The position a slave starts from, where it came from, and the evidence
// that it is right, gathered before replication starts:
//
//   sources  Every backup method records its point more than once: the
//            binlog info file and InnoDB's own record (mariabackup), a
//            file/position and a GTID (mariadb-dump, mydumper). The slave
//            starts from the one the method's data is consistent with
//            (InnoDB's after --no-lock); the others must agree with it:
//            the same GTID as BINLOG_GTID_POS(file, pos) on the master, or
//            (locked mariabackup) nothing but non-InnoDB writes between
//            InnoDB's position and the info file's.
//   data     The first transactions after the start, read from the
//            master's binary log, must not be in the restored data yet: a
//            row an insert writes must be absent, a row an update or delete
//            changes must be there as its before image says. A start too
//            far back finds its own rows already there; one too far ahead
//            finds the rows the skipped transactions changed.
//
// A check that cannot decide (statement-format events, a DDL first, no row
// of a covered table in the window) says so and is not a failure; one that
// finds a contradiction is (Status::kPositionMismatch).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "runners/backup/binlog_rows.h"
#include "runners/backup/mariabackup.h"
#include "runners/server/admin_connection.h"

namespace randsync::scenario {

enum class AuditVerdict { kConfirmed, kWrong, kUndecided };
const char* ToString(AuditVerdict verdict);  // "confirmed", "wrong", "undecided"

// One place a backup recorded its point.
struct PositionSource {
  std::string name;  // "binlog info file", "InnoDB at prepare", "dump header", ...
  backup::BackupPosition at;
};

// One cross-check, with what it found in a sentence.
struct PositionCheck {
  std::string what;
  AuditVerdict verdict = AuditVerdict::kUndecided;
  std::string detail;
  // The data check found it wrong on a transaction committed in one phase
  // (binlog_rows.h BinlogTransaction::one_phase).
  bool by_one_phase_commit = false;
};

struct PositionAudit {
  PositionSource start;                // where the slave starts
  std::vector<PositionSource> others;  // what the other sources said
  std::vector<PositionCheck> checks;
  double seconds = 0;
  // --no-lock: how far the binlog info file (written at the copy's end)
  // lies ahead of the InnoDB position the slave starts from, in bytes of
  // binary log.
  std::optional<uint64_t> info_file_ahead_bytes;
  // --no-lock: where the master's binary log was when the copy started
  // (the window its DDL is read in, ddl_during_copy.h).
  std::optional<backup::BackupPosition> copy_start;

  // Wrong if any check is; confirmed if one is and none is wrong.
  AuditVerdict verdict() const;
  const PositionCheck* FirstWrong() const;
  nlohmann::json ToJson() const;
};

// A position some check found wrong: the run's kPositionMismatch, or,
// when `method_limit` says why the method could not do better, its
// kMethodLimit.
class PositionMismatchError : public std::runtime_error {
 public:
  explicit PositionMismatchError(const std::string& what, std::string method_limit = "")
      : std::runtime_error(what), method_limit_(std::move(method_limit)) {}
  const std::string& method_limit() const { return method_limit_; }

 private:
  std::string method_limit_;
};

// Bytes of binary log from `from` to `to` (SHOW BINARY LOGS sizes); 0 when
// `to` is not after `from`.
uint64_t BinlogBytesBetween(db::Connection& master, const backup::BackupPosition& from,
                            const backup::BackupPosition& to);

// The GTID position at file:pos of the master's binary log
// (BINLOG_GTID_POS); "" when the master cannot say.
std::string GtidAt(db::Connection& master, const std::string& file, uint64_t pos);

// Whether a source's GTID is the one the master logged at its file/position.
PositionCheck CheckGtidAgreesWithFilePos(db::Connection& master, const PositionSource& source);

// Locked mariabackup: InnoDB's position at or before the info file's, with
// no change to an InnoDB table logged between them.
PositionCheck CheckInnodbWithinLockedCopy(db::Connection& master, const backup::BackupPosition& innodb,
                                          const backup::BackupPosition& info);

struct DataAuditOptions {
  std::size_t transactions = 50;  // read on each side of the start
  // Engines whose tables the method makes consistent at its point
  // (lower case: "innodb", "aria", ...); other tables are not looked at.
  std::function<bool(const std::string& engine)> covered;
  std::string binlog_binary;  // empty: the system's mariadb-binlog
};

// The data check against `restored`, the provisioned slave before it
// replicates: the last transactions before the start must all be in it
// (the last change of each row they touch), the first ones after it none.
// `start` is read as a GTID when `by_gtid`, else as file/pos (then only
// the transactions after it are read unless the master can translate it to
// a GTID).
PositionCheck CheckDataAtPosition(const server::AdminTarget& master_tool, db::Connection& master,
                                  db::Connection& restored, const backup::BackupPosition& start, bool by_gtid,
                                  const DataAuditOptions& options);

// The comparison itself, on transactions already read (testable against
// any server that holds the "restored" tables).
PositionCheck CompareWithRestoredData(db::Connection& restored, const std::vector<backup::BinlogTransaction>& before,
                                      const std::vector<backup::BinlogTransaction>& after,
                                      const DataAuditOptions& options);

// Whether `restored` holds the row changes of transactions logged after a
// start, read oldest first: each row's first change after the start
// decides (not yet applied, the row is as that change found it; otherwise
// the data holds it or a later change). Rows of tables that are not
// covered, missing or without a usable key are not counted.
class HeldRowsJudge {
 public:
  struct Count {
    std::size_t applied = 0, pending = 0;
  };
  HeldRowsJudge(db::Connection& restored, const DataAuditOptions& options);
  ~HeldRowsJudge();
  HeldRowsJudge(const HeldRowsJudge&) = delete;
  HeldRowsJudge& operator=(const HeldRowsJudge&) = delete;
  Count Judge(const backup::BinlogTransaction& t);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// `gtid` moved back by `n` transactions in every domain ("0-1-100", 10 ->
// "0-1-90"); nullopt when a domain has fewer than n before it.
std::optional<std::string> GtidBefore(const std::string& gtid, uint64_t n);

}  // namespace randsync::scenario
