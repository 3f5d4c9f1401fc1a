#include "engine/load/worker.h"

#include <mysql.h>
#include <sys/socket.h>

#include <thread>
#include <utility>

#include <fmt/format.h>

#include "engine/load/error_classes.h"

namespace randsync::load {

namespace {

using Clock = RunControl::Clock;

constexpr unsigned kFirstConnectTimeoutS = 10;
// While probing whether the server is still there: short, so that a hung
// server cannot hold the probe much past reconnect_grace.
constexpr unsigned kProbeConnectTimeoutS = 2;
constexpr auto kProbeInterval = std::chrono::milliseconds(200);
// Refused connections in a row that prove nothing listens any more.
constexpr int kRefusalsMeaningGone = 3;

int64_t Ticks(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

Worker::Worker(uint32_t thread_id, RunControl& control)
    : thread_id_(thread_id), control_(control) {}

Worker::~Worker() = default;

void Worker::Run() {
  try {
    Loop();
  } catch (const std::exception& e) {
    // Nothing below should throw past its own handling; if something does,
    // the run must still end with a reason rather than a terminate().
    Fatal(Outcome::kEnvironment, 0, "", std::string("worker failed: ") + e.what(), "");
  }
  log_.Close();
  Install(std::nullopt);
  control_.WorkerFinished();
}

void Worker::Loop() {
  const LoadOptions& o = control_.options();
  GeneratorOptions g;
  g.seed = o.seed;
  g.thread_id = thread_id_;
  g.thread_count = o.threads;
  g.schema = o.schema;
  g.values = o.values;
  try {
    // Built here, on the worker's own thread: its Perl interpreter must live
    // and die on one OS thread.
    generator_ = std::make_unique<Generator>(o.program, g);
  } catch (const std::exception& e) {
    Fatal(Outcome::kEnvironment, 0, "", std::string("grammar: ") + e.what(), "");
    return;
  }
  if (!o.query_log_dir.empty()) {
    try {
      log_.Open(QueryLogPath(o.query_log_dir, thread_id_));
      log_.Comment(fmt::format("randsync query log: thread {} of {}, seed {}; replay with "
                               "mariadb --force",
                               thread_id_, o.threads, o.seed));
    } catch (const std::exception& e) {
      Fatal(Outcome::kEnvironment, 0, "", e.what(), "");
      return;
    }
  }
  try {
    Install(OpenSession(kFirstConnectTimeoutS));
  } catch (const db::DbError& e) {
    // Before the load started nothing has crashed: a server we cannot reach
    // at all is a setup problem.
    Fatal(Outcome::kEnvironment, e.error_number(), e.sqlstate(), "cannot connect: " + e.message(),
          "");
    return;
  }

  if (!o.replay_dir.empty()) {
    Replay(QueryLogPath(o.replay_dir, thread_id_));
    return;
  }
  uint64_t done = 0;
  while (!control_.ShouldStop()) {
    if (o.queries_per_thread != 0 && done >= o.queries_per_thread) return;
    if (!control_.TakeQuery()) return;
    const std::vector<std::string_view>* statements = nullptr;
    try {
      statements = &generator_->Next();
    } catch (const std::exception& e) {
      // RQG ends the worker with STATUS_ENVIRONMENT_FAILURE when the grammar
      // cannot produce a query (endless recursion, a Perl block that dies).
      Fatal(Outcome::kEnvironment, 0, "", std::string("grammar: ") + e.what(), "");
      return;
    }
    ++done;
    stats_.RecordQuery();
    for (std::string_view sql : *statements) {
      control_.Gate([this] { log_.Flush(); });
      if (control_.ShouldStop()) return;
      if (!Execute(sql)) return;
    }
  }
}

void Worker::Replay(const std::filesystem::path& log) {
  std::optional<QueryLogReader> reader;
  try {
    reader.emplace(log);
  } catch (const std::exception& e) {
    Fatal(Outcome::kEnvironment, 0, "", e.what(), "");
    return;
  }
  std::string sql;
  while (!control_.ShouldStop() && reader->Next(sql)) {
    if (!control_.TakeQuery()) return;
    stats_.RecordQuery();
    control_.Gate([this] { log_.Flush(); });
    if (control_.ShouldStop()) return;
    if (!Execute(sql)) return;
  }
}

bool Worker::Execute(std::string_view generated) {
  // RQG resolves /*executorN */, /*+mysql: */ and /*!!NNNNNN */ right before
  // sending; the log and any fatal report show what was actually sent.
  const std::string_view sql =
      RewriteExecutorComments(generated, comment_context_, rewritten_);
  log_.Statement(sql);
  {
    // One short lock per statement (its capacity reused): what a stall
    // report names, read only when a stall is found.
    std::lock_guard lock(running_mu_);
    running_sql_.assign(sql);
  }
  const Clock::time_point t0 = Clock::now();
  seq_.fetch_add(1, std::memory_order_relaxed);
  busy_since_ns_.store(Ticks(t0), std::memory_order_relaxed);
  Outcome outcome = Outcome::kOk;
  std::optional<db::DbError> error;
  try {
    conn_->Execute(sql);
  } catch (const db::DbError& e) {
    error = e;
    outcome = e.error_number() == 0 ? Outcome::kUnknownError
                                    : ClassifyError(e.error_number(), e.sqlstate(), e.message());
  }
  busy_since_ns_.store(0, std::memory_order_relaxed);
  const auto latency =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();

  // A connection lost while the run is stopping is our own doing (the
  // socket is shut down under statements that outlive the stop grace) or a
  // consequence of another worker's fatal event: not a statement outcome.
  if (outcome == Outcome::kServerGone && control_.ShouldStop()) return false;

  stats_.RecordStatement(outcome, error ? error->error_number() : 0,
                         error ? std::string_view(error->message()) : std::string_view(),
                         static_cast<uint64_t>(latency));
  if (!error) return true;
  log_.Comment(fmt::format("ERROR {}", error->error_number()));
  switch (outcome) {
    case Outcome::kServerGone:
      return Recover(sql, *error);
    case Outcome::kCorruption:
    case Outcome::kEnvironment:
      Fatal(outcome, error->error_number(), error->sqlstate(), error->message(), sql);
      return false;
    default:
      return true;
  }
}

bool Worker::Recover(std::string_view sql, const db::DbError& error) {
  Install(std::nullopt);  // the old session is dead either way
  const auto deadline = Clock::now() + control_.options().reconnect_grace;
  std::optional<db::DbError> last;
  int refusals = 0;
  for (;;) {
    if (control_.ShouldStop()) return false;
    if (control_.shutdown_expected()) break;
    try {
      Install(OpenSession(kProbeConnectTimeoutS));
      // The server answers: the connection was KILLed (or dropped), not
      // lost with the server. RQG downgrades this case the same way.
      stats_.RecordReconnect();
      log_.Comment(fmt::format("reconnected after ERROR {} (connection {})",
                               error.error_number(), connection_id()));
      return true;
    } catch (const db::DbError& e) {
      last = e;
      const Outcome o = ClassifyError(e.error_number(), e.sqlstate(), e.message());
      refusals = o == Outcome::kServerGone ? refusals + 1 : 0;
    }
    if (refusals >= kRefusalsMeaningGone || Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kProbeInterval);
  }
  if (control_.shutdown_expected()) {
    control_.RequestStop(StopReason::kServerShutdown);
    return false;
  }
  if (last && ClassifyError(last->error_number(), last->sqlstate(), last->message()) ==
                  Outcome::kEnvironment) {
    // The server is up but refuses us (too many connections, out of memory).
    Fatal(Outcome::kEnvironment, last->error_number(), last->sqlstate(),
          "cannot reconnect: " + last->message(), sql);
  } else {
    Fatal(Outcome::kServerGone, error.error_number(), error.sqlstate(), error.message(), sql);
  }
  return false;
}

db::Connection Worker::OpenSession(unsigned connect_timeout_s) {
  db::ConnectOptions co;
  co.connect_timeout_s = connect_timeout_s;
  // As RQG (mysql_multi_statements=1): its compound-statement heuristic keeps
  // e.g. "DROP PROCEDURE p ; CREATE PROCEDURE p () BEGIN ... ; END" as one
  // query string, which only runs as a multi-statement. Execute() drains
  // every result and throws on the first failing statement, so an error in
  // a later statement is classified like any other.
  co.multi_statements = true;
  db::Connection conn(control_.options().dsn, co);
  // A client-side field of the handshake: no round trip per reconnect.
  comment_context_.server_version = ServerVersionNumber(conn.server_version());
  // A replay sends the recorded log, which already holds these statements
  // where the recorded run sent them (after each connect): not twice.
  if (!control_.options().replay_dir.empty()) return conn;
  // Logged: a replay of the query log runs the session the same way.
  auto session_set = [&](const std::string& set) {
    conn.Execute(set);
    log_.Statement(set);
  };
  if (const auto timeout = control_.options().statement_timeout; timeout.count() > 0) {
    session_set(fmt::format("SET SESSION max_statement_time = {:.3f}",
                            std::chrono::duration<double>(timeout).count()));
  }
  if (const auto lock_wait = control_.options().lock_wait_timeout; lock_wait.count() > 0) {
    session_set(fmt::format("SET SESSION lock_wait_timeout = {}", lock_wait.count()));
  }
  return conn;
}

void Worker::Install(std::optional<db::Connection> conn) {
  std::lock_guard lock(conn_mu_);
  conn_ = std::move(conn);  // closes the old session, if any
  socket_ = conn_ ? static_cast<int>(mysql_get_socket(conn_->native())) : -1;
  connection_id_.store(conn_ ? conn_->thread_id() : 0, std::memory_order_relaxed);
}

std::optional<Worker::Busy> Worker::busy() const {
  const int64_t ns = busy_since_ns_.load(std::memory_order_relaxed);
  if (ns == 0) return std::nullopt;
  return Busy{seq_.load(std::memory_order_relaxed),
              Clock::time_point(std::chrono::duration_cast<Clock::duration>(
                  std::chrono::nanoseconds(ns)))};
}

std::string Worker::RunningStatement(uint64_t seq) const {
  std::lock_guard lock(running_mu_);
  const bool running = busy_since_ns_.load(std::memory_order_relaxed) != 0 && seq_.load(std::memory_order_relaxed) == seq;
  return running ? running_sql_ : std::string();
}

void Worker::InterruptIo() {
  std::lock_guard lock(conn_mu_);
  if (socket_ >= 0) ::shutdown(socket_, SHUT_RDWR);
}

void Worker::Fatal(Outcome outcome, unsigned error_number, std::string sqlstate,
                   std::string message, std::string_view sql) {
  log_.Comment(fmt::format("fatal: {}: {}", ToString(outcome), message));
  log_.Flush();
  FatalEvent e;
  e.thread = thread_id_;
  e.outcome = outcome;
  e.error_number = error_number;
  e.sqlstate = std::move(sqlstate);
  e.message = std::move(message);
  e.sql = std::string(sql);
  e.at_s = control_.Elapsed();
  control_.ReportFatal(std::move(e));
}

}  // namespace randsync::load
