// One load worker: a thread with its own Generator, Connection, query log
// and counters. It sends the generator's statements one by one (blocking
// I/O), classifies every outcome, survives KILLed connections, and reports
// the first fatal outcome to the RunControl, which stops everybody.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "db/connection.h"
#include "db/db_error.h"
#include "engine/generator/generator.h"
#include "engine/load/executor_comments.h"
#include "engine/load/query_log.h"
#include "engine/load/run_control.h"
#include "engine/load/stats.h"

namespace randsync::load {

class Worker {
 public:
  // `thread_id` is 1-based (threadN rules, thread-N.sql).
  Worker(uint32_t thread_id, RunControl& control);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The thread body; returns when the run stops, the query limit is reached
  // or this worker met a fatal outcome. Calls control.WorkerFinished().
  void Run();

  uint32_t thread_id() const { return thread_id_; }
  const WorkerStats& stats() const { return stats_; }

  // --- For the supervisor (any thread).
  // CONNECTION_ID() of the current session; 0 while not connected.
  uint64_t connection_id() const { return connection_id_.load(std::memory_order_relaxed); }
  // Number of the statement now running and since when; nullopt when idle.
  struct Busy {
    uint64_t seq;
    RunControl::Clock::time_point since;
  };
  std::optional<Busy> busy() const;
  // The text of statement `seq` while it runs, else "" (it ended, or
  // another one runs).
  std::string RunningStatement(uint64_t seq) const;
  // Shuts the session's socket down under a blocked read or write, which then
  // fails at once (CR_SERVER_LOST). For stopping: any server state, even a
  // hung one, lets the worker go.
  void InterruptIo();

 private:
  void Loop();
  // Sends the statements of a recorded query log instead of generating.
  void Replay(const std::filesystem::path& log);
  // Sends one statement; false when the worker must end.
  bool Execute(std::string_view sql);
  // After a lost connection: reconnects if the server still answers, else
  // reports it gone. False when the worker must end.
  bool Recover(std::string_view sql, const db::DbError& error);
  // Opens a session (connect + session settings) or throws DbError.
  db::Connection OpenSession(unsigned connect_timeout_s);
  void Install(std::optional<db::Connection> conn);
  void Fatal(Outcome outcome, unsigned error_number, std::string sqlstate, std::string message,
             std::string_view sql);

  const uint32_t thread_id_;
  RunControl& control_;
  WorkerStats stats_;
  std::unique_ptr<Generator> generator_;
  QueryLog log_;
  // The load engine is RQG's executor 1; server_version is set per session.
  ExecutorCommentContext comment_context_;
  std::string rewritten_;  // RewriteExecutorComments' scratch, reused

  std::mutex conn_mu_;  // guards conn_ and socket_ against InterruptIo()
  std::optional<db::Connection> conn_;
  int socket_ = -1;
  std::atomic<uint64_t> connection_id_{0};
  std::atomic<uint64_t> seq_{0};
  std::atomic<int64_t> busy_since_ns_{0};  // steady clock, 0 when idle
  mutable std::mutex running_mu_;           // guards running_sql_
  std::string running_sql_;                 // the statement seq_ numbers
};

}  // namespace randsync::load
