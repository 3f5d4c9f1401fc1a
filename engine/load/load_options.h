// What a load run is given: the workload (program, schema, values, seed),
// where it goes (DSN), how many threads for how long, and its safety nets.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "db/dsn.h"
#include "engine/generator/program.h"
#include "engine/load/big_stack_thread.h"
#include "engine/schema/schema.h"
#include "engine/values/values.h"

namespace randsync::load {

struct LoadOptions {
  uint32_t threads = 10;  // RQG's --threads default
  // How long the load runs (wall clock from Start(), pauses included);
  // zero: until a query limit or Stop().
  std::chrono::milliseconds duration{0};
  // RQG's --queries counts per thread; zero: no limit. A query is one
  // Generator::Next() (one or more statements). The run ends with
  // kQueryLimit when every worker has reached its limit.
  uint64_t queries_per_thread = 0;
  // A limit over all threads together; zero: none. Which thread runs which
  // query then depends on timing, so prefer queries_per_thread for replay.
  uint64_t queries_total = 0;

  uint64_t seed = 1;
  std::shared_ptr<const Program> program;  // required
  std::shared_ptr<const Schema> schema;    // null: DefaultSchema()
  std::shared_ptr<const ValueGenerator> values;  // null: no dictionaries

  db::Dsn dsn;  // every worker connects here, with the DSN's default database

  // Zero: none. Otherwise each session runs SET SESSION max_statement_time,
  // and a watchdog KILL QUERYs any statement still running after twice this
  // (max_statement_time is not checked everywhere, e.g. inside stored
  // routines), from a separate admin connection.
  std::chrono::milliseconds statement_timeout{0};
  // Zero: the server's (a day by default). Otherwise each session runs SET
  // SESSION lock_wait_timeout: how long a statement waits for a metadata
  // lock. A grammar's ALTER or OPTIMIZE inside other sessions' transactions
  // can close a cycle of metadata and InnoDB locks that the server does not
  // detect; this breaks it (ER_LOCK_WAIT_TIMEOUT, an expected error) instead
  // of freezing the load. MariaDB's own RQG runs use 10 s.
  std::chrono::seconds lock_wait_timeout{0};
  // After a lost connection: how long to keep trying a fresh one before the
  // server counts as gone. A refused connection (nothing listens) three times
  // in a row ends the wait early.
  std::chrono::milliseconds reconnect_grace{5000};
  // After the run is told to stop: how long a running statement may take to
  // finish before its socket is shut down under it (so that every stop ends
  // within about this, whatever the server does).
  std::chrono::milliseconds stop_grace{1000};

  // Empty: no query logs. Otherwise created if missing; one thread-N.sql
  // per worker (see query_log.h).
  std::filesystem::path query_log_dir;
  // Empty: generate. Otherwise each worker N sends the statements of
  // replay_dir/thread-N.sql (a recorded run's query logs) in order instead
  // of generating, and ends when its log does. The program is still
  // required (it is not used to generate). The sessions are then set only
  // by the log (statement_timeout and lock_wait_timeout are not applied
  // again): it holds the recorded run's SET SESSIONs where they were sent.
  std::filesystem::path replay_dir;
  // Progress on stderr: a live line on a terminal, a line every 10 s in a
  // log (progress.h).
  bool show_progress = false;
  size_t stack_bytes = kWorkerStackBytes;
};

}  // namespace randsync::load
