// One consistency check of a master and a slave: discovery, a sync point,
// schema comparison at that point, chunk planning, parallel hashing of every
// chunk on both servers, drill-down of differing chunks to rows, fix SQL.
//
//   CheckOptions o;  o.master = ...;  o.slaves = {...};
//   CheckReport r = RunCheck(o);      // never throws: a check that cannot be
//                                     // made is a status with its error;
//   r.status                          // Status, also the exit code
//   std::vector<CheckReport> all = RunChecks(o);   // several slaves
//
// Several slaves: one sync point (one master snapshot at G, every slave
// stopped at G, sync_point.h), the master's chunks hashed once and compared
// with each slave's; one report, and verdict, per slave. A slave that cannot
// be reached or brought to G is its own verdict only.
//
// Parallelism: each side has `threads` snapshot connections (the sync
// point's). One thread per connection ("lane") pulls chunks from that
// side's queue, so both servers scan the same chunk sequence at the same
// time, each at its own pace (every slave's lanes, too). The lanes block
// on network I/O, so each is a thread of its own: a TBB arena would need a
// process-wide tbb::global_control to exceed the cores, and concurrent
// checks (the reducer's parallel trials) then capped each other's lanes.
//
// Default lane count: this machine's cores, at most 4 (DefaultCheckThreads).
// The servers are usually on the same machine (randsync run starts them
// there), and each lane keeps a server thread and a client thread busy:
// lanes beyond the cores only add switching (measured with check_bench on 2
// cores, data in the buffer pools: 4 lanes per server took 5-13% longer
// than 2; data much larger than the pools is the exception, see README).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "checker/discovery.h"
#include "checker/row_diff.h"
#include "checker/schema_diff.h"
#include "checker/sync_point.h"
#include "db/dsn.h"

namespace randsync::checker {

// The number of cores, between 1 and 4: see above.
unsigned DefaultCheckThreads();

// A check ends ok, 103 (the slave's SQL/IO thread failed), 110 (cannot
// check), 111 (schema or data differ) or 112 (the slave did not reach the
// sync point in time): base/status.h.

struct CheckProgress {
  std::string phase;  // "sync", "schema", "plan", "hash", "drill-down"
  uint64_t done = 0;  // chunks (both sides) or tables
  uint64_t total = 0;
  uint64_t rows = 0;  // rows hashed so far, both sides
};

struct CheckOptions {
  db::Dsn master;
  std::vector<db::Dsn> slaves;  // RunCheck: exactly one
  Filters filters;
  unsigned threads = DefaultCheckThreads();  // connections (and lanes) per server
  uint64_t chunk_size = 10000;
  SyncMode sync = SyncMode::kGtid;
  std::chrono::seconds sync_timeout{60};
  // Every read of the check's connections, on both servers, gets an answer
  // within this or the check fails naming the server: a server that stops
  // answering (SIGSTOPped, hung) must not freeze the check. Rows stream
  // while a chunk is read, so this bounds a silence, not a chunk.
  unsigned read_timeout_s = 300;
  // The writers are stopped and the slave caught up: tables in
  // non-transactional engines are compared too.
  bool quiesced = false;
  uint64_t max_diff_rows = 100;  // listed per table
  bool fix_sql = false;          // collect statements that make the slave match
  std::function<void(const CheckProgress&)> progress;  // from any thread, serialised
};

struct TableCheck {
  enum class Outcome { kEqual, kDifferent, kSkipped, kError };
  TableRef ref;
  std::string key_name;  // "PRIMARY", a unique key, or "" (whole-table multiset)
  size_t chunks = 0;
  uint64_t master_rows = 0;
  uint64_t slave_rows = 0;
  Outcome outcome = Outcome::kEqual;
  std::string note;                  // why skipped, or the error
  std::vector<std::string> differing_ranges;  // WHERE text of each differing chunk
  uint64_t missing = 0, extra = 0, different = 0;
  std::vector<RowDifference> rows;   // the first max_diff_rows
  std::vector<std::string> columns;  // names, for reports
  std::vector<std::string> fix_sql;
};
const char* ToString(TableCheck::Outcome outcome);

struct CheckReport {
  Status status = Status::kOk;
  std::string error;  // set when the check could not be made (status 103/110/112)
  // The error behind it, when one is known: the slave's Last_SQL_Errno (else
  // Last_IO_Errno) and the table it names, or a server/client error number.
  unsigned error_number = 0;
  std::string error_table;
  std::string master;  // redacted DSNs
  std::string slave;
  SyncMode sync = SyncMode::kGtid;
  std::string sync_description;
  std::string gtid;
  std::string binlog_file;
  uint64_t binlog_pos = 0;
  double commit_block_ms = 0;  // 0 unless the snapshots needed the commit block
  int snapshot_tries = 0;       // starts of the master's N snapshots until they agreed
  int sync_retries = 0;  // sync points abandoned: DDL held a table, or a snapshot was rolled back
  // The server rolled a snapshot's transaction back during the check (a
  // deadlock victim): what it read after is of another point, so the check
  // says nothing (status 110); RunChecks takes the point again first.
  bool snapshot_rolled_back = false;
  double slave_wait_s = 0;
  unsigned threads = 0;
  uint64_t chunk_size = 0;
  std::vector<SchemaDifference> schema;
  std::vector<TableCheck> tables;
  uint64_t master_rows = 0, slave_rows = 0, chunks = 0;
  // The session settings every checker connection pins
  // (db/pinned_session.h), and what each server's sessions would have had
  // instead: its globals, or what its handshake or init_connect set.
  std::map<std::string, std::string> pinned_session;
  std::map<std::string, std::string> master_session_overridden, slave_session_overridden;
  // Phase times, seconds.
  double sync_s = 0, schema_s = 0, plan_s = 0, hash_s = 0, drill_s = 0, total_s = 0;
};

// One report per slave of options.slaves, in their order.
std::vector<CheckReport> RunChecks(const CheckOptions& options);
// options.slaves holds one slave: its report.
CheckReport RunCheck(const CheckOptions& options);

}  // namespace randsync::checker
