#include "checker/check_run.h"

#include <mysqld_error.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

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

// Runs `lane(i)` for i in [0, n) as concurrent TBB tasks (see check_run.h).
void RunLanes(unsigned n, const std::function<void(unsigned)>& lane) {
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism, n + 1);
  tbb::task_arena arena(static_cast<int>(n), 0);
  arena.execute([&] {
    tbb::task_group group;
    for (unsigned i = 0; i < n; ++i) group.run([&lane, i] { lane(i); });
    group.wait();
  });
}

// Consecutive chunks of one table read by one statement (table_hasher.h).
struct Run {
  size_t table = 0, first = 0, last = 0;  // chunks [first, last)
};

struct Work {
  std::vector<TablePlan> plans;            // per table (index = tables index)
  std::vector<std::pair<size_t, size_t>> items;  // (table, chunk)
  std::vector<size_t> item_base;           // per table: the item of its chunk 0
  std::vector<Run> runs;                   // how the items are read
  std::vector<ChunkDigest> master, slave;  // per item
  std::vector<std::string> table_error;    // per table, first error
  std::vector<unsigned> table_errno;       // its error number (0: not a server's)
  std::mutex mu;
  std::string fatal;
  std::atomic<bool> stop{false};

  void Fail(size_t table, const std::string& what, unsigned error_number) {
    std::lock_guard lock(mu);
    if (!table_error[table].empty()) return;
    table_error[table] = what;
    table_errno[table] = error_number;
  }
  void Fatal(const std::string& what) {
    std::lock_guard lock(mu);
    if (fatal.empty()) fatal = what;
    stop = true;
  }
};

std::string TableName(const TableRef& t) { return QuoteIdentifier(t.database) + "." + QuoteIdentifier(t.table); }

// Plans every table on the master's snapshot connections, in parallel.
void PlanAll(SyncPoint& point, const std::vector<TableCheck>& tables, Work& work, uint64_t chunk_size,
             Progress& progress) {
  work.plans.resize(tables.size());
  std::atomic<size_t> next{0}, done{0};
  RunLanes(static_cast<unsigned>(point.master.size()), [&](unsigned lane) {
    for (size_t i; !work.stop && (i = next++) < tables.size();) {
      if (tables[i].outcome != TableCheck::Outcome::kEqual) continue;  // skipped
      try {
        work.plans[i] = PlanTable(point.master[lane], tables[i].ref.database, tables[i].ref.table, chunk_size);
      } catch (const db::DbError& e) {
        if (ConnectionLost(e)) work.Fatal("master: " + std::string(e.what()));
        work.Fail(i, fmt::format("planning chunks: {}", e.what()), e.error_number());
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
std::vector<Run> PlanRuns(const std::vector<TableCheck>& tables, const Work& work, unsigned lanes) {
  std::vector<Run> runs;
  const size_t share = std::max<size_t>(1, (work.items.size() + lanes - 1) / lanes);
  for (size_t t = 0; t < tables.size(); ++t) {
    if (work.item_base[t] == std::string::npos) continue;  // not hashed
    const size_t chunks = work.plans[t].chunks.size();
    const bool streamed = !work.plans[t].integer_key_columns().empty() &&
                          tables[t].ref.engine == "InnoDB";
    const size_t step = streamed ? share : 1;
    for (size_t first = 0; first < chunks; first += step) runs.push_back({t, first, std::min(chunks, first + step)});
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const Run& a, const Run& b) { return a.last - a.first > b.last - b.first; });
  return runs;
}

// Hashes every item on both sides: lanes [0, n) are the master's, [n, 2n)
// the slave's.
void HashAll(SyncPoint& point, Work& work, Progress& progress) {
  const unsigned n = static_cast<unsigned>(point.master.size());
  work.master.assign(work.items.size(), {});
  work.slave.assign(work.items.size(), {});
  std::atomic<size_t> next[2] = {0, 0};
  std::atomic<uint64_t> done{0}, rows{0}, reported{0};
  const uint64_t total = 2 * work.items.size();
  RunLanes(2 * n, [&](unsigned lane) {
    const bool slave = lane >= n;
    db::Connection& conn = slave ? point.slave[lane - n] : point.master[lane];
    std::vector<ChunkDigest>& out = slave ? work.slave : work.master;
    RowHasher hasher;
    // Strings are hashed as stored: no conversion to the connection
    // charset, which is both cheaper for the server and the exact bytes.
    // (Restored below: the drill-down shows values in utf8mb4.) A column
    // whose charset differs between the sides is a schema difference.
    try {
      conn.Execute("SET SESSION character_set_results = NULL");
    } catch (const db::DbError& e) {
      work.Fatal(fmt::format("{}: {}", slave ? "slave" : "master", e.what()));
    }
    // Results in 1 MB writes (send_buffer.h); an optimisation only, so a
    // server or proxy that refuses it is read as it is.
    try {
      db::WidenServerSendBuffer(conn);
    } catch (const db::DbError& e) {
      if (ConnectionLost(e)) work.Fatal(fmt::format("{}: {}", slave ? "slave" : "master", e.what()));
    }
    for (size_t r; !work.stop && (r = next[slave]++) < work.runs.size();) {
      const Run& run = work.runs[r];
      const TablePlan& plan = work.plans[run.table];
      const size_t base = work.item_base[run.table];
      uint64_t counted = 0;  // chunks of this run in `done`
      auto count = [&](uint64_t chunks, uint64_t chunk_rows) {
        counted += chunks;
        rows += chunk_rows;
        const uint64_t d = done += chunks;
        if (d - reported >= 16 || d == total) {
          reported = d;
          progress.Report("hash", d, total, rows);
        }
      };
      try {
        const std::vector<ChunkDigest> digests = HashChunkRun(
            conn, plan, run.first, run.last, plan.database, hasher,
            [&](const ChunkDigest& d) { count(1, d.rows); });
        for (size_t c = run.first; c < run.last; ++c) out[base + c] = digests[c - run.first];
      } catch (const db::DbError& e) {
        if (ConnectionLost(e)) work.Fatal(fmt::format("{}: {}", slave ? "slave" : "master", e.what()));
        // Recorded per table: ER_TABLE_DEF_CHANGED (DDL after the point) is
        // reported as not compared, anything else as an error.
        work.Fail(run.table, fmt::format("{}: {}", slave ? "slave" : "master", e.what()), e.error_number());
      }
      count(run.last - run.first - counted, 0);  // a failed run's chunks are done too
    }
    try {
      conn.Execute("SET SESSION character_set_results = utf8mb4");
    } catch (const db::DbError& e) {
      work.Fatal(fmt::format("{}: {}", slave ? "slave" : "master", e.what()));
    }
  });
}

// Narrows each differing chunk to rows, on the first snapshot pair.
void DrillDown(SyncPoint& point, const Work& work, TableCheck& table, size_t t,
               const std::vector<size_t>& chunks, const CheckOptions& options) {
  const TablePlan& plan = work.plans[t];
  for (size_t c : chunks) {
    DiffOptions d;
    d.max_rows = options.max_diff_rows > table.rows.size() ? options.max_diff_rows - table.rows.size() : 0;
    ChunkDiff diff = DiffChunk(point.master[0], plan.database, point.slave[0], plan.database, plan, c, d);
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

// RunCheck's work; may throw what its helpers throw.
CheckReport RunCheckUnguarded(const CheckOptions& options) {
  const auto t_start = Clock::now();
  CheckReport report;
  report.master = options.master.Redacted();
  report.slave = options.slave.Redacted();
  report.sync = options.sync;
  report.threads = std::max(1u, options.threads);
  report.chunk_size = std::max<uint64_t>(1, options.chunk_size);
  Progress progress(options.progress);

  std::optional<SyncPoint> point;
  std::optional<SchemaSnapshot> master_schema, slave_schema;
  std::vector<TableRef> tables;
  try {
    // Databases of both sides: one that exists on the slave only is a
    // difference too.
    std::vector<DatabasePair> pairs;
    {
      report.pinned_session = db::PinnedValues();
      db::Connection m =
          OpenCheckerConnection(options.master, options.read_timeout_s, &report.master_session_overridden);
      db::Connection s = OpenCheckerConnection(options.slave, options.read_timeout_s, &report.slave_session_overridden);
      std::set<std::string> names;
      for (auto& d : ListDatabases(m, options.filters)) names.insert(d);
      for (auto& d : ListDatabases(s, options.filters)) names.insert(d);
      for (const std::string& d : names) pairs.push_back({d, d});
    }
    progress.Report("sync", 0, 1);
    SyncOptions sync;
    sync.mode = options.sync;
    sync.connections = report.threads;
    sync.timeout = options.sync_timeout;
    sync.read_timeout_s = options.read_timeout_s;
    double schema_s = 0;
    auto compared = [&](const TableRef& t) {
      return !t.busy && (t.transactional || options.quiesced || options.sync == SyncMode::kNone);
    };
    // The tables and schema as the sync point starts; read again at the
    // point: a difference means DDL ran in between (on objects the
    // snapshots do not hold), and the point is taken again with DDL blocked.
    std::optional<SchemaSnapshot> schema_before;
    std::vector<std::string> master_databases;
    for (const auto& p : pairs) master_databases.push_back(p.master);
    sync.tables_to_lock = [&](db::Connection& c) {
      tables = ListTables(c, master_databases, options.filters);
      schema_before = ReadSchema(c, pairs, false);
      std::vector<std::string> lock;
      for (const TableRef& t : tables) {
        if (compared(t)) lock.push_back(TableName(t));
      }
      return lock;
    };
    sync.on_master_frozen = [&](db::Connection& c) {
      const auto t0 = Clock::now();
      std::vector<TableRef> now = ListTables(c, master_databases, options.filters);
      master_schema = ReadSchema(c, pairs, false);
      const bool unchanged = SameTables(now, tables) && schema_before &&
                             CompareSchemas(*schema_before, *master_schema).empty();
      tables = std::move(now);
      schema_s += Seconds(t0);
      return unchanged;
    };
    sync.on_slave_at_point = [&](db::Connection& c) {
      const auto t0 = Clock::now();
      slave_schema = ReadSchema(c, pairs, true);
      schema_s += Seconds(t0);
    };
    const auto t_sync = Clock::now();
    // DDL that holds a table when the snapshots open it makes the point
    // fail with kBusy; a moment later the DDL is done.
    for (int attempt = 1;; ++attempt) {
      try {
        schema_s = 0;
        point = TakeSyncPoint(options.master, options.slave, sync);
        break;
      } catch (const SyncError& e) {
        if (e.kind() != SyncError::Kind::kBusy || attempt == kSyncAttempts) throw;
        report.sync_retries++;
        progress.Report("sync", attempt, kSyncAttempts);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
    }
    report.sync_s = Seconds(t_sync) - schema_s;
    report.schema_s = schema_s;
    report.sync_description = point->Describe();
    report.gtid = point->gtid;
    report.binlog_file = point->binlog_file;
    report.binlog_pos = point->binlog_pos;
    report.commit_block_ms = point->commit_block.count() / 1000.0;
    report.snapshot_tries = point->snapshot_tries;
    report.slave_wait_s = point->slave_wait.count() / 1e6;
    report.schema = CompareSchemas(*master_schema, *slave_schema);
    // A table being rebuilt by ALTER at the point has no readable schema
    // on the master: whatever the comparison says about it is noise.
    const std::set<std::string> locked(point->locked_tables.begin(), point->locked_tables.end());
    std::vector<std::string> busy;
    std::set<std::string> absent_on_slave;
    for (const SchemaDifference& d : report.schema) {
      if (d.what == "missing on slave") absent_on_slave.insert(d.object);
    }
    for (TableRef& t : tables) {
      const std::string name = TableName(t);
      if (compared(t) && locked.count(name) == 0 && absent_on_slave.count(name) == 0) {
        t.busy = true;  // DDL held it
      }
      if (t.busy) busy.push_back(name);
    }
    std::erase_if(report.schema, [&](const SchemaDifference& d) {
      return std::any_of(busy.begin(), busy.end(), [&](const std::string& b) { return NamesTable(d.object, b); });
    });
    // Checking some tables only (a partial backup): the other objects of
    // their databases are not the slave's to have.
    if (!options.filters.tables.empty()) {
      std::erase_if(report.schema, [&](const SchemaDifference& d) {
        return std::none_of(tables.begin(), tables.end(),
                            [&](const TableRef& t) { return NamesTable(d.object, TableName(t)); });
      });
    }
  } catch (const SyncError& e) {
    report.status = StatusOf(e);
    report.error = e.what();
    if (const auto& st = e.slave_status(); st && st->has_error()) {
      report.error_number = st->error_number();
      report.error_table = st->failing_table();
    }
    report.total_s = Seconds(t_start);
    return report;
  } catch (const std::exception& e) {
    report.status = Status::kEnvironment;
    report.error = e.what();
    if (const auto* db_error = dynamic_cast<const db::DbError*>(&e)) report.error_number = db_error->error_number();
    report.total_s = Seconds(t_start);
    return report;
  }

  // Which tables are compared, and how.
  std::set<std::string> missing_on_slave;
  for (const SchemaDifference& d : report.schema) {
    if (d.what == "missing on slave") missing_on_slave.insert(d.object);
  }
  for (const TableRef& ref : tables) {
    TableCheck t;
    t.ref = ref;
    if (ref.busy) {
      t.outcome = TableCheck::Outcome::kSkipped;
      t.note = "DDL held it at the sync point (an ALTER TABLE was running or waiting)";
    } else if (missing_on_slave.count(TableName(ref)) != 0) {
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

  Work work;
  work.table_error.resize(report.tables.size());
  work.table_errno.resize(report.tables.size());
  work.item_base.assign(report.tables.size(), std::string::npos);
  const auto t_plan = Clock::now();
  PlanAll(*point, report.tables, work, report.chunk_size, progress);
  report.plan_s = Seconds(t_plan);
  for (size_t t = 0; t < report.tables.size(); ++t) {
    TableCheck& tc = report.tables[t];
    if (tc.outcome != TableCheck::Outcome::kEqual || !work.table_error[t].empty()) continue;
    tc.key_name = work.plans[t].key_name;
    tc.chunks = work.plans[t].chunks.size();
    for (const auto& c : work.plans[t].columns) tc.columns.push_back(c.name);
    work.item_base[t] = work.items.size();
    for (size_t c = 0; c < tc.chunks; ++c) work.items.emplace_back(t, c);
  }
  work.runs = PlanRuns(report.tables, work, report.threads);
  report.chunks = work.items.size();
  const auto t_hash = Clock::now();
  if (!work.stop) HashAll(*point, work, progress);
  report.hash_s = Seconds(t_hash);
  if (work.stop) {
    report.status = Status::kEnvironment;
    report.error = "lost a connection during the check: " + work.fatal;
    report.total_s = Seconds(t_start);
    return report;
  }

  // Compare digests, then drill down.
  std::vector<std::vector<size_t>> differing(report.tables.size());
  for (size_t i = 0; i < work.items.size(); ++i) {
    const auto [t, c] = work.items[i];
    report.tables[t].master_rows += work.master[i].rows;
    report.tables[t].slave_rows += work.slave[i].rows;
    if (!(work.master[i] == work.slave[i])) differing[t].push_back(c);
  }
  const auto t_drill = Clock::now();
  bool any_error = false;
  bool any_difference = !report.schema.empty();
  for (size_t t = 0; t < report.tables.size(); ++t) {
    TableCheck& tc = report.tables[t];
    report.master_rows += tc.master_rows;
    report.slave_rows += tc.slave_rows;
    if (!work.table_error[t].empty()) {
      // The table's definition changed after the snapshot (DDL after the point).
      const bool ddl = work.table_errno[t] == ER_TABLE_DEF_CHANGED;
      tc.outcome = ddl ? TableCheck::Outcome::kSkipped : TableCheck::Outcome::kError;
      tc.note = ddl ? "changed by DDL after the sync point: " + work.table_error[t] : work.table_error[t];
      any_error = any_error || !ddl;
      continue;
    }
    if (tc.outcome != TableCheck::Outcome::kEqual || differing[t].empty()) continue;
    tc.outcome = TableCheck::Outcome::kDifferent;
    any_difference = true;
    for (size_t c : differing[t]) tc.differing_ranges.push_back(work.plans[t].chunks[c].where);
    progress.Report("drill-down", t, report.tables.size());
    try {
      DrillDown(*point, work, tc, t, differing[t], options);
      if (tc.missing + tc.extra + tc.different == 0) {
        // Chunks are hashed as the binary images of rows, which depend on
        // the column types; rows are compared by value.
        tc.note = "the chunks' digests differ but every row compares equal by value: the column types "
                  "differ (see the schema differences)";
      }
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
  report.total_s = Seconds(t_start);
  return report;
}

}  // namespace

CheckReport RunCheck(const CheckOptions& options) {
  const auto t_start = Clock::now();
  std::string error;
  try {
    return RunCheckUnguarded(options);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "an exception that is not a std::exception";
  }
  // Whatever escaped is a check that could not be made, never a crash.
  CheckReport report;
  report.master = options.master.Redacted();
  report.slave = options.slave.Redacted();
  report.sync = options.sync;
  report.status = Status::kEnvironment;
  report.error = "the check stopped: " + error;
  report.total_s = Seconds(t_start);
  return report;
}

}  // namespace randsync::checker
