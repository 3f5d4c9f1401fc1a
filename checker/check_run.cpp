#include "checker/check_run.h"

#include <mysqld_error.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "base/text_util.h"
#include "checker/chunk_plan.h"
#include "checker/fix_sql.h"
#include "checker/row_hash.h"
#include "checker/table_hasher.h"
#include "db/connection.h"
#include "db/db_error.h"
#include "db/send_buffer.h"

namespace randsync::checker {
namespace {


using Clock = std::chrono::steady_clock;
constexpr int kSyncAttempts = 3;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// Client errors that mean the connection (and its snapshot) is gone: the
// check cannot go on.
bool ConnectionLost(const db::DbError& e) {
  const unsigned n = e.error_number();
  return n == 2006 || n == 2013 || n == 2055 || n == 1927 /* ER_CONNECTION_KILLED */;
}

// The server rolled the snapshot's transaction back: chosen as a deadlock
// victim (InnoDB's, or the metadata lock detector's against DDL waiting
// for the tables the snapshots hold). The connection lives on in a new
// transaction, at another point: nothing it reads now may be compared.
// Seen in CI once: planning a table failed with 1213 on a master snapshot,
// its later reads were newer than the slave's, and the check reported
// rows missing on the slave that the final check found equal.
bool SnapshotRolledBack(const db::DbError& e) {
  constexpr unsigned kLockDeadlock = 1213;
  return e.error_number() == kLockDeadlock;
}

bool SnapshotLost(const db::DbError& e) { return ConnectionLost(e) || SnapshotRolledBack(e); }

// Serialises progress callbacks from the lanes.
class Progress {
 public:
  explicit Progress(const std::function<void(const CheckProgress&)>& fn) : fn_(fn) {}
  void Report(const std::string& phase, uint64_t done, uint64_t total, uint64_t rows = 0) {
    if (!fn_) return;
    std::lock_guard lock(mu_);
    fn_(CheckProgress{phase, done, total, rows});
  }

 private:
  const std::function<void(const CheckProgress&)>& fn_;
  std::mutex mu_;
};

// Runs `lane(i)` for i in [0, n), each in its own thread (see check_run.h);
// the first exception a lane throws is rethrown once all have ended.
void RunLanes(unsigned n, const std::function<void(unsigned)>& lane) {
  std::mutex mu;
  std::exception_ptr first;
  {
    std::vector<std::jthread> threads;
    threads.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        try {
          lane(i);
        } catch (...) {
          std::lock_guard lock(mu);
          if (!first) first = std::current_exception();
        }
      });
    }
  }
  if (first) std::rethrow_exception(first);
}

// Consecutive chunks of one table read by one statement (table_hasher.h).
struct Run {
  size_t table = 0, first = 0, last = 0;  // chunks [first, last)
};

// Sides: 0 is the master, 1 + k the slave options.slaves[k] of the sync
// point. The master's side hashes every table some slave compares.
struct Work {
  explicit Work(size_t sides)
      : digests(sides), wanted(sides), table_error(sides), table_errno(sides), fatal(sides),
        stopped(new std::atomic<bool>[sides]) {
    for (size_t s = 0; s < sides; ++s) stopped[s] = false;
  }
  std::vector<TablePlan> plans;            // per table (index = tables index)
  std::vector<std::pair<size_t, size_t>> items;  // (table, chunk)
  std::vector<size_t> item_base;           // per table: the item of its chunk 0
  std::vector<Run> runs;                   // how the items are read
  std::vector<std::vector<ChunkDigest>> digests;   // [side][item]
  std::vector<std::vector<bool>> wanted;           // [side][table]: hashed on that side
  std::vector<std::vector<std::string>> table_error;  // [side][table], first error
  std::vector<std::vector<unsigned>> table_errno;     // its error number (0: not a server's)
  std::mutex mu;
  std::vector<std::string> fatal;  // [side]: a lost connection, the side cannot go on
  std::unique_ptr<std::atomic<bool>[]> stopped;

  size_t sides() const { return digests.size(); }
  bool Stopped(size_t side) const { return stopped[0] || stopped[side]; }
  void Fail(size_t side, size_t table, const std::string& what, unsigned error_number) {
    std::lock_guard lock(mu);
    if (!table_error[side][table].empty()) return;
    table_error[side][table] = what;
    table_errno[side][table] = error_number;
  }
  void Fatal(size_t side, const std::string& what, bool rolled_back = false) {
    std::lock_guard lock(mu);
    if (fatal[side].empty()) fatal[side] = what;
    if (rolled_back) snapshot_rolled_back = true;
    stopped[side] = true;
  }
  bool snapshot_rolled_back = false;  // a Fatal was a snapshot the server rolled back
};

std::string TableName(const TableRef& t) { return QuoteIdentifier(t.database) + "." + QuoteIdentifier(t.table); }

// Plans every table the master's side hashes, on its snapshot
// connections, in parallel.
void PlanAll(SyncPoint& point, const std::vector<TableRef>& tables, Work& work, uint64_t chunk_size,
             Progress& progress) {
  work.plans.resize(tables.size());
  std::atomic<size_t> next{0}, done{0};
  RunLanes(static_cast<unsigned>(point.master.size()), [&](unsigned lane) {
    for (size_t i; !work.Stopped(0) && (i = next++) < tables.size();) {
      if (!work.wanted[0][i]) continue;  // skipped for every slave
      try {
        work.plans[i] = PlanTable(point.master[lane], tables[i].database, tables[i].table, chunk_size);
      } catch (const db::DbError& e) {
        if (SnapshotLost(e)) work.Fatal(0, "master: " + std::string(e.what()), SnapshotRolledBack(e));
        work.Fail(0, i, fmt::format("planning chunks: {}", e.what()), e.error_number());
      }
      progress.Report("plan", ++done, tables.size());
    }
  });
}

// How the items are read. A table whose InnoDB clustered PRIMARY KEY is
// made of integer columns is read in runs of consecutive chunks, each one
// key-ordered SELECT cut apart by the client: the server then evaluates no
// range per row and runs one statement per run, together about an eighth of
// its CPU in a full check. Other keys (strings with collations, temporals,
// decimals) are read chunk by chunk, the server comparing. A run is at most one lane's
// fair share of all chunks, so that a big table still spreads over the
// lanes, and runs are taken longest first, so that no lane starts a long one
// at the end.
std::vector<Run> PlanRuns(const std::vector<TableRef>& tables, const Work& work, unsigned lanes) {
  std::vector<Run> runs;
  const size_t share = std::max<size_t>(1, (work.items.size() + lanes - 1) / lanes);
  for (size_t t = 0; t < tables.size(); ++t) {
    if (work.item_base[t] == std::string::npos) continue;  // not hashed
    const size_t chunks = work.plans[t].chunks.size();
    const bool streamed = !work.plans[t].integer_key_columns().empty() && tables[t].engine == "InnoDB";
    const size_t step = streamed ? share : 1;
    for (size_t first = 0; first < chunks; first += step) runs.push_back({t, first, std::min(chunks, first + step)});
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const Run& a, const Run& b) { return a.last - a.first > b.last - b.first; });
  return runs;
}

// The snapshot connections of a side (none for a slave not at the point).
std::vector<db::Connection>& SideConnections(SyncPoint& point, size_t side) {
  return side == 0 ? point.master : point.slaves[side - 1].snapshots;
}

std::string SideName(const SyncPoint& point, size_t side) {
  if (side == 0) return "master";
  return point.slaves.size() == 1 ? "slave" : "slave " + point.slaves[side - 1].dsn;
}

// One lane: hashes the runs of its side that side wants, on `conn`.
void HashLane(db::Connection& conn, size_t side, const std::string& name, Work& work, std::atomic<size_t>& next,
              const std::function<void(uint64_t chunks, uint64_t rows)>& count) {
  RowHasher hasher;
  // Strings are hashed as stored: no conversion to the connection
  // charset, which is both cheaper for the server and the exact bytes.
  // (Restored below: the drill-down shows values in utf8mb4.) A column
  // whose charset differs between the sides is a schema difference.
  try {
    conn.Execute("SET SESSION character_set_results = NULL");
  } catch (const db::DbError& e) {
    work.Fatal(side, fmt::format("{}: {}", name, e.what()));
  }
  // Results in 1 MB writes (send_buffer.h); an optimisation only, so a
  // server or proxy that refuses it is read as it is.
  try {
    db::WidenServerSendBuffer(conn);
  } catch (const db::DbError& e) {
    if (ConnectionLost(e)) work.Fatal(side, fmt::format("{}: {}", name, e.what()));
  }
  for (size_t r; !work.Stopped(side) && (r = next++) < work.runs.size();) {
    const Run& run = work.runs[r];
    if (!work.wanted[side][run.table]) continue;
    const TablePlan& plan = work.plans[run.table];
    const size_t base = work.item_base[run.table];
    uint64_t counted = 0;  // chunks of this run already counted
    try {
      const std::vector<ChunkDigest> digests =
          HashChunkRun(conn, plan, run.first, run.last, plan.database, hasher, [&](const ChunkDigest& d) {
            ++counted;
            count(1, d.rows);
          });
      for (size_t c = run.first; c < run.last; ++c) work.digests[side][base + c] = digests[c - run.first];
    } catch (const db::DbError& e) {
      if (SnapshotLost(e)) work.Fatal(side, fmt::format("{}: {}", name, e.what()), SnapshotRolledBack(e));
      // Recorded per table: ER_TABLE_DEF_CHANGED (DDL after the point) is
      // reported as not compared, anything else as an error.
      work.Fail(side, run.table, fmt::format("{}: {}", name, e.what()), e.error_number());
    }
    count(run.last - run.first - counted, 0);  // a failed run's chunks are done too
  }
  try {
    conn.Execute("SET SESSION character_set_results = utf8mb4");
  } catch (const db::DbError& e) {
    work.Fatal(side, fmt::format("{}: {}", name, e.what()));
  }
}

// Hashes every item on every side at once: each side's lanes pull runs
// from that side's own cursor, so all servers scan the same sequence, each
// at its own pace.
void HashAll(SyncPoint& point, Work& work, Progress& progress) {
  struct Lane {
    size_t side;
    db::Connection* conn;
  };
  std::vector<Lane> lanes;
  uint64_t total = 0;
  for (size_t side = 0; side < work.sides(); ++side) {
    work.digests[side].assign(work.items.size(), {});
    for (db::Connection& c : SideConnections(point, side)) lanes.push_back({side, &c});
    if (SideConnections(point, side).empty()) continue;
    for (const auto& [t, c] : work.items) total += work.wanted[side][t] ? 1 : 0;
  }
  std::unique_ptr<std::atomic<size_t>[]> next(new std::atomic<size_t>[work.sides()]);
  for (size_t side = 0; side < work.sides(); ++side) next[side] = 0;
  std::atomic<uint64_t> done{0}, rows{0}, reported{0};
  RunLanes(static_cast<unsigned>(lanes.size()), [&](unsigned i) {
    const Lane& lane = lanes[i];
    HashLane(*lane.conn, lane.side, SideName(point, lane.side), work, next[lane.side],
             [&](uint64_t chunks, uint64_t chunk_rows) {
               rows += chunk_rows;
               const uint64_t d = done += chunks;
               if (d - reported >= 16 || d == total) {
                 reported = d;
                 progress.Report("hash", d, total, rows);
               }
             });
  });
}

// Narrows each differing chunk to rows, on the first snapshot pair.
void DrillDown(db::Connection& master, db::Connection& slave, const Work& work, TableCheck& table, size_t t,
               const std::vector<size_t>& chunks, const CheckOptions& options) {
  const TablePlan& plan = work.plans[t];
  for (size_t c : chunks) {
    DiffOptions d;
    d.max_rows = options.max_diff_rows > table.rows.size() ? options.max_diff_rows - table.rows.size() : 0;
    ChunkDiff diff = DiffChunk(master, plan.database, slave, plan.database, plan, c, d);
    table.missing += diff.missing;
    table.extra += diff.extra;
    table.different += diff.different;
    if (options.fix_sql) {
      for (std::string& s : FixStatements(plan, plan.database, diff)) table.fix_sql.push_back(std::move(s));
    }
    for (RowDifference& r : diff.rows) table.rows.push_back(std::move(r));
  }
}

Status StatusOf(const SyncError& e) {
  switch (e.kind()) {
    case SyncError::Kind::kTimeout:
      return Status::kCatchupTimeout;
    case SyncError::Kind::kReplication:
      return Status::kReplicationFailure;
    case SyncError::Kind::kSetup:
    case SyncError::Kind::kBusy:
      return Status::kEnvironment;
  }
  return Status::kEnvironment;
}

// Same tables with the same engines: no DDL changed the list in between.
bool SameTables(const std::vector<TableRef>& a, const std::vector<TableRef>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].database != b[i].database || a[i].table != b[i].table || a[i].engine != b[i].engine ||
        a[i].busy != b[i].busy || a[i].sequence != b[i].sequence) {
      return false;
    }
  }
  return true;
}

}  // namespace

unsigned DefaultCheckThreads() { return std::clamp(std::thread::hardware_concurrency(), 1u, 4u); }


const char* ToString(TableCheck::Outcome outcome) {
  switch (outcome) {
    case TableCheck::Outcome::kEqual:
      return "equal";
    case TableCheck::Outcome::kDifferent:
      return "different";
    case TableCheck::Outcome::kSkipped:
      return "skipped";
    case TableCheck::Outcome::kError:
      return "error";
  }
  return "?";
}

namespace {

// Whether a schema difference's object ("`db`.`t`", "`db`.`t`.`c`",
// "index `db`.`t`.`k`") is table `table` ("`db`.`t`") or one of its parts.
bool NamesTable(const std::string& object, const std::string& table) {
  const size_t at = object.find(table);
  return at != std::string::npos && (at + table.size() == object.size() || object[at + table.size()] == '.');
}

// What a check reads at the sync point, for all slaves.
struct AtPoint {
  std::optional<SyncPoint> point;
  std::vector<TableRef> tables;  // the master's, at the point
  std::optional<SchemaSnapshot> master_schema;
  std::vector<std::optional<SchemaSnapshot>> slave_schema;  // per slave at the point
  std::vector<double> slave_schema_s;
  double master_schema_s = 0;
};

bool Compared(const TableRef& t, const CheckOptions& options) {
  return !t.busy && (t.transactional || options.quiesced || options.sync == SyncMode::kNone);
}

// Takes the sync point (again, while DDL holds a table it must open) and
// reads the schema of every side at it. `slaves`: the DSNs still checked.
void TakePoint(const CheckOptions& options, const std::vector<db::Dsn>& slaves, unsigned threads, AtPoint& at,
               CheckReport& common, Progress& progress) {
  // Databases of every side: one that exists on a slave only is a
  // difference too.
  std::vector<DatabasePair> pairs;
  {
    db::Connection m = OpenCheckerConnection(options.master, options.read_timeout_s);
    std::set<std::string> names;
    for (auto& d : ListDatabases(m, options.filters)) names.insert(d);
    for (const db::Dsn& dsn : slaves) {
      db::Connection s = OpenCheckerConnection(dsn, options.read_timeout_s);
      for (auto& d : ListDatabases(s, options.filters)) names.insert(d);
    }
    for (const std::string& d : names) pairs.push_back({d, d});
  }
  progress.Report("sync", 0, 1);
  SyncOptions sync;
  sync.mode = options.sync;
  sync.connections = threads;
  sync.timeout = options.sync_timeout;
  sync.read_timeout_s = options.read_timeout_s;
  // The tables and schema as the sync point starts; read again at the
  // point: a difference means DDL ran in between (on objects the
  // snapshots do not hold), and the point is taken again with DDL blocked.
  std::optional<SchemaSnapshot> schema_before;
  std::vector<std::string> master_databases;
  for (const auto& p : pairs) master_databases.push_back(p.master);
  sync.tables_to_lock = [&](db::Connection& c) {
    at.tables = ListTables(c, master_databases, options.filters);
    schema_before = ReadSchema(c, pairs, false);
    std::vector<std::string> lock;
    for (const TableRef& t : at.tables) {
      if (Compared(t, options)) lock.push_back(TableName(t));
    }
    return lock;
  };
  sync.on_master_frozen = [&](db::Connection& c) {
    const auto t0 = Clock::now();
    std::vector<TableRef> now = ListTables(c, master_databases, options.filters);
    at.master_schema = ReadSchema(c, pairs, false);
    const bool unchanged = SameTables(now, at.tables) && schema_before &&
                           CompareSchemas(*schema_before, *at.master_schema).empty();
    at.tables = std::move(now);
    at.master_schema_s += Seconds(t0);
    return unchanged;
  };
  at.slave_schema.clear();
  at.slave_schema.resize(slaves.size());
  at.slave_schema_s.assign(slaves.size(), 0);
  sync.on_slave_at_point = [&](size_t k, db::Connection& c) {  // from slave k's thread
    const auto t0 = Clock::now();
    at.slave_schema[k] = ReadSchema(c, pairs, true);
    at.slave_schema_s[k] = Seconds(t0);
  };
  const auto t_sync = Clock::now();
  // DDL that holds a table when the snapshots open it makes the point
  // fail with kBusy; a moment later the DDL is done.
  for (int attempt = 1;; ++attempt) {
    try {
      at.master_schema_s = 0;
      at.point = TakeSyncPoint(options.master, slaves, sync);
      break;
    } catch (const SyncError& e) {
      if (e.kind() != SyncError::Kind::kBusy || attempt == kSyncAttempts) throw;
      common.sync_retries++;
      progress.Report("sync", attempt, kSyncAttempts);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  const double slave_schema_s = *std::max_element(at.slave_schema_s.begin(), at.slave_schema_s.end());
  common.schema_s = at.master_schema_s + slave_schema_s;
  common.sync_s = Seconds(t_sync) - common.schema_s;
  const SyncPoint& point = *at.point;
  common.sync_description = point.Describe();
  common.gtid = point.gtid;
  common.binlog_file = point.binlog_file;
  common.binlog_pos = point.binlog_pos;
  common.commit_block_ms = point.commit_block.count() / 1000.0;
  common.snapshot_tries = point.snapshot_tries;
}

// A sync point that could not be made, in a report.
void Failed(CheckReport& report, const SyncError& e) {
  report.status = StatusOf(e);
  report.error = e.what();
  if (const auto& st = e.slave_status(); st && st->has_error()) {
    report.error_number = st->error_number();
    report.error_table = st->failing_table();
  }
}

void Failed(CheckReport& report, const std::exception& e) {
  report.status = Status::kEnvironment;
  report.error = e.what();
  if (const auto* db_error = dynamic_cast<const db::DbError*>(&e)) report.error_number = db_error->error_number();
}

// One slave's schema differences and the tables it compares, with the
// reason for each one it does not.
void SchemaAndTables(const CheckOptions& options, const AtPoint& at, const SlaveAtPoint& slave,
                     const SchemaSnapshot& slave_schema, CheckReport& report) {
  report.schema = CompareSchemas(*at.master_schema, slave_schema);
  // A table being rebuilt by ALTER at the point has no readable schema
  // on the master: whatever the comparison says about it is noise.
  const std::set<std::string> locked(slave.locked_tables.begin(), slave.locked_tables.end());
  std::set<std::string> missing_on_slave;
  for (const SchemaDifference& d : report.schema) {
    if (d.what == "missing on slave") missing_on_slave.insert(d.object);
  }
  std::vector<std::string> busy;
  for (const TableRef& ref : at.tables) {
    const std::string name = TableName(ref);
    // DDL held it on a side when a compared table is not locked everywhere.
    const bool held = ref.busy || (Compared(ref, options) && locked.count(name) == 0 &&
                                   missing_on_slave.count(name) == 0);
    if (held) busy.push_back(name);
    TableCheck t;
    t.ref = ref;
    if (held) {
      t.outcome = TableCheck::Outcome::kSkipped;
      t.note = "DDL held it at the sync point (an ALTER TABLE was running or waiting)";
    } else if (missing_on_slave.count(name) != 0) {
      t.outcome = TableCheck::Outcome::kSkipped;
      t.note = "missing on the slave (a schema difference)";
    } else if (!ref.transactional && options.sync != SyncMode::kNone && !options.quiesced) {
      t.outcome = TableCheck::Outcome::kSkipped;
      t.note = fmt::format("{} not transactional: no snapshot covers it while writers run; "
                           "compared only with --quiesced",
                           ref.sequence ? "a sequence's value is" : ref.engine + " is");
    }
    report.tables.push_back(std::move(t));
  }
  std::erase_if(report.schema, [&](const SchemaDifference& d) {
    return std::any_of(busy.begin(), busy.end(), [&](const std::string& b) { return NamesTable(d.object, b); });
  });
  // Checking some tables only (a partial backup): the other objects of
  // their databases are not the slave's to have.
  if (!options.filters.tables.empty()) {
    std::erase_if(report.schema, [&](const SchemaDifference& d) {
      return std::none_of(at.tables.begin(), at.tables.end(),
                          [&](const TableRef& t) { return NamesTable(d.object, TableName(t)); });
    });
  }
}

// Plans and hashes every table some slave compares, on every side at once.
// checked[k]: the report of point.slaves[k] (nullptr: that slave is not at G).
void PlanAndHash(AtPoint& at, const std::vector<CheckReport*>& checked, Work& work,
                 Progress& progress, CheckReport& common) {
  const size_t n = at.tables.size();
  for (auto& w : work.wanted) w.assign(n, false);
  for (auto& e : work.table_error) e.assign(n, "");
  for (auto& e : work.table_errno) e.assign(n, 0);
  for (size_t k = 0; k < checked.size(); ++k) {
    if (checked[k] == nullptr) continue;
    for (size_t t = 0; t < n; ++t) {
      if (checked[k]->tables[t].outcome == TableCheck::Outcome::kEqual) work.wanted[0][t] = true;
    }
  }
  work.item_base.assign(n, std::string::npos);
  const auto t_plan = Clock::now();
  PlanAll(*at.point, at.tables, work, common.chunk_size, progress);
  common.plan_s = Seconds(t_plan);
  for (size_t t = 0; t < n; ++t) {
    if (!work.wanted[0][t] || !work.table_error[0][t].empty()) {
      work.wanted[0][t] = false;
      continue;
    }
    work.item_base[t] = work.items.size();
    for (size_t c = 0; c < work.plans[t].chunks.size(); ++c) work.items.emplace_back(t, c);
  }
  for (size_t k = 0; k < checked.size(); ++k) {
    if (checked[k] == nullptr) continue;
    for (size_t t = 0; t < n; ++t) {
      TableCheck& tc = checked[k]->tables[t];
      if (tc.outcome != TableCheck::Outcome::kEqual || !work.wanted[0][t]) continue;
      work.wanted[1 + k][t] = true;
      tc.key_name = work.plans[t].key_name;
      tc.chunks = work.plans[t].chunks.size();
      for (const auto& c : work.plans[t].columns) tc.columns.push_back(c.name);
    }
  }
  work.runs = PlanRuns(at.tables, work, common.threads);
  common.chunks = work.items.size();
  const auto t_hash = Clock::now();
  if (!work.Stopped(0)) HashAll(*at.point, work, progress);
  common.hash_s = Seconds(t_hash);
}

// Compares one slave's digests with the master's and drills down into the
// chunks that differ: the slave's verdict.
void Verdict(const CheckOptions& options, AtPoint& at, size_t k, Work& work, Progress& progress,
             CheckReport& report) {
  const size_t side = 1 + k;
  std::vector<std::vector<size_t>> differing(report.tables.size());
  report.chunks = 0;
  for (size_t i = 0; i < work.items.size(); ++i) {
    const auto [t, c] = work.items[i];
    if (!work.wanted[side][t]) continue;
    ++report.chunks;
    report.tables[t].master_rows += work.digests[0][i].rows;
    report.tables[t].slave_rows += work.digests[side][i].rows;
    if (!(work.digests[0][i] == work.digests[side][i])) differing[t].push_back(c);
  }
  const auto t_drill = Clock::now();
  bool any_error = false;
  bool any_difference = !report.schema.empty();
  for (size_t t = 0; t < report.tables.size(); ++t) {
    TableCheck& tc = report.tables[t];
    report.master_rows += tc.master_rows;
    report.slave_rows += tc.slave_rows;
    const bool master_failed = !work.table_error[0][t].empty();
    const std::string& error = master_failed ? work.table_error[0][t] : work.table_error[side][t];
    if (tc.outcome == TableCheck::Outcome::kEqual && !error.empty()) {
      // The table's definition changed after the snapshot (DDL after the point).
      const bool ddl = (master_failed ? work.table_errno[0][t] : work.table_errno[side][t]) == ER_TABLE_DEF_CHANGED;
      tc.outcome = ddl ? TableCheck::Outcome::kSkipped : TableCheck::Outcome::kError;
      tc.note = ddl ? "changed by DDL after the sync point: " + error : error;
      any_error = any_error || !ddl;
      continue;
    }
    if (tc.outcome != TableCheck::Outcome::kEqual || differing[t].empty()) continue;
    tc.outcome = TableCheck::Outcome::kDifferent;
    any_difference = true;
    for (size_t c : differing[t]) tc.differing_ranges.push_back(work.plans[t].chunks[c].where);
    progress.Report("drill-down", t, report.tables.size());
    try {
      DrillDown(at.point->master[0], at.point->slaves[k].snapshots[0], work, tc, t, differing[t], options);
      if (tc.missing + tc.extra + tc.different == 0) {
        // Chunks are hashed as the binary images of rows, which depend on
        // the column types; rows are compared by value.
        tc.note = "the chunks' digests differ but every row compares equal by value: the column types "
                  "differ (see the schema differences)";
      }
    } catch (const db::DbError& e) {
      if (SnapshotRolledBack(e)) {
        report.snapshot_rolled_back = true;
        report.status = Status::kEnvironment;
        report.error = std::string("a snapshot was rolled back during the drill-down: ") + e.what();
        return;
      }
      tc.note = std::string("drill-down failed: ") + e.what();
    } catch (const std::exception& e) {
      tc.note = std::string("drill-down failed: ") + e.what();
    }
  }
  report.drill_s = Seconds(t_drill);
  if (any_difference) {
    report.status = Status::kDivergence;
  } else if (any_error) {
    report.status = Status::kEnvironment;
    report.error = "some tables could not be compared (see their notes)";
  }
}

// RunChecks' work; may throw what its helpers throw.
std::vector<CheckReport> RunChecksUnguarded(const CheckOptions& options) {
  const auto t_start = Clock::now();
  CheckReport common;
  common.master = options.master.Redacted();
  common.sync = options.sync;
  common.threads = std::max(1u, options.threads);
  common.chunk_size = std::max<uint64_t>(1, options.chunk_size);
  common.pinned_session = db::PinnedValues();
  Progress progress(options.progress);
  const size_t slave_count = options.slaves.size();
  std::vector<CheckReport> reports(slave_count);
  std::vector<db::Overridden> slave_overridden(slave_count);
  // Each slave's own connection first: one that cannot be reached is its
  // verdict, the others are still checked.
  std::vector<size_t> reachable;
  std::vector<db::Dsn> dsns;
  try {
    OpenCheckerConnection(options.master, options.read_timeout_s, &common.master_session_overridden);
  } catch (const std::exception& e) {
    Failed(common, e);
  }
  for (size_t k = 0; k < slave_count; ++k) {
    try {
      OpenCheckerConnection(options.slaves[k], options.read_timeout_s, &slave_overridden[k]);
      reachable.push_back(k);
      dsns.push_back(options.slaves[k]);
    } catch (const std::exception& e) {
      Failed(reports[k], e);
    }
  }
  auto finish = [&] {
    for (size_t k = 0; k < slave_count; ++k) {
      CheckReport& r = reports[k];
      CheckReport own = std::move(r);  // this slave's verdict, on the point's common part
      r = common;
      r.slave = options.slaves[k].Redacted();
      r.slave_session_overridden = slave_overridden[k];
      if (own.status != Status::kOk || !own.error.empty()) {
        r.status = own.status;
        r.error = own.error;
        r.error_number = own.error_number;
        r.error_table = own.error_table;
        r.snapshot_rolled_back = own.snapshot_rolled_back;
      }
      r.slave_wait_s = own.slave_wait_s;
      r.schema = std::move(own.schema);
      r.tables = std::move(own.tables);
      r.master_rows = own.master_rows;
      r.slave_rows = own.slave_rows;
      r.chunks = own.chunks;
      r.drill_s = own.drill_s;
      r.total_s = Seconds(t_start);
    }
    return reports;
  };
  if (common.status != Status::kOk || reachable.empty()) return finish();

  AtPoint at;
  try {
    TakePoint(options, dsns, common.threads, at, common, progress);
  } catch (const SyncError& e) {
    Failed(common, e);
    return finish();
  } catch (const std::exception& e) {
    Failed(common, e);
    return finish();
  }
  std::vector<CheckReport*> checked(dsns.size(), nullptr);
  for (size_t j = 0; j < dsns.size(); ++j) {
    CheckReport& r = reports[reachable[j]];
    const SlaveAtPoint& slave = at.point->slaves[j];
    r.slave_wait_s = slave.wait.count() / 1e6;
    if (slave.error) {
      Failed(r, *slave.error);
      continue;
    }
    SchemaAndTables(options, at, slave, *at.slave_schema[j], r);
    checked[j] = &r;
  }
  Work work(1 + dsns.size());
  PlanAndHash(at, checked, work, progress, common);
  const char* lost = work.snapshot_rolled_back ? "a snapshot was rolled back during the check: "
                                                : "lost a connection during the check: ";
  if (work.Stopped(0)) {
    common.status = Status::kEnvironment;
    common.error = lost + work.fatal[0];
    common.snapshot_rolled_back = work.snapshot_rolled_back;
    return finish();
  }
  for (size_t j = 0; j < dsns.size(); ++j) {
    if (checked[j] == nullptr) continue;
    if (work.Stopped(1 + j)) {
      checked[j]->status = Status::kEnvironment;
      checked[j]->error = lost + work.fatal[1 + j];
      checked[j]->snapshot_rolled_back = work.snapshot_rolled_back;
      continue;
    }
    Verdict(options, at, j, work, progress, *checked[j]);
  }
  return finish();
}

// A check whose work threw: a check that could not be made, never a crash.
CheckReport Stopped(const CheckOptions& options, const db::Dsn& slave, const std::string& error, double seconds) {
  CheckReport report;
  report.master = options.master.Redacted();
  report.slave = slave.Redacted();
  report.sync = options.sync;
  report.status = Status::kEnvironment;
  report.error = "the check stopped: " + error;
  report.total_s = seconds;
  return report;
}

}  // namespace

std::vector<CheckReport> RunChecks(const CheckOptions& options) {
  const auto t_start = Clock::now();
  std::string error;
  try {
    // A snapshot the server rolled back proves nothing: the point is
    // taken again (the deadlock it lost is over by then).
    int retries = 0;
    for (;;) {
      std::vector<CheckReport> reports = RunChecksUnguarded(options);
      const bool lost = std::any_of(reports.begin(), reports.end(),
                                    [](const CheckReport& r) { return r.snapshot_rolled_back; });
      if (!lost || retries == kSyncAttempts) {
        for (CheckReport& r : reports) r.sync_retries += retries;
        return reports;
      }
      ++retries;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "an exception that is not a std::exception";
  }
  std::vector<CheckReport> reports;
  for (const db::Dsn& slave : options.slaves) reports.push_back(Stopped(options, slave, error, Seconds(t_start)));
  return reports;
}

CheckReport RunCheck(const CheckOptions& options) {
  if (options.slaves.size() != 1) {
    return Stopped(options, options.slaves.empty() ? db::Dsn{} : options.slaves[0],
                   fmt::format("RunCheck compares one slave, not {}", options.slaves.size()), 0);
  }
  return RunChecks(options).front();
}

}  // namespace randsync::checker
