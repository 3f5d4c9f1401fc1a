#include "engine/load/load_engine.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "db/connection.h"
#include "engine/load/worker.h"

namespace randsync::load {

namespace {

using Clock = RunControl::Clock;

// The supervisor's heartbeat: how late a deadline, a Stop() or a watchdog
// KILL can be.
constexpr auto kTick = std::chrono::milliseconds(50);
// Between two attempts to open the watchdog's admin connection.
constexpr auto kAdminRetry = std::chrono::seconds(1);

}  // namespace

nlohmann::json LoadResult::ToJson() const {
  nlohmann::json fatal_json = nullptr;
  if (fatal) {
    fatal_json = {{"thread", fatal->thread},
                  {"class", ToString(fatal->outcome)},
                  {"errno", fatal->error_number},
                  {"sqlstate", fatal->sqlstate},
                  {"message", fatal->message},
                  {"sql", fatal->sql},
                  {"at_s", fatal->at_s}};
  }
  return {{"status", ExitCode(status)},
          {"status_name", ToString(status)},
          {"stop_reason", ToString(reason)},
          {"fatal", fatal_json},
          {"summary", summary.ToJson()}};
}

LoadEngine::LoadEngine(LoadOptions options)
    : options_(std::move(options)), control_(options_, options_.threads) {
  if (!options_.program) throw std::invalid_argument("load: no grammar program given");
  if (options_.threads == 0) throw std::invalid_argument("load: threads must be at least 1");
  // One schema and one set of dictionaries for all generators (each would
  // otherwise build its own).
  if (!options_.schema) options_.schema = std::make_shared<Schema>(DefaultSchema());
  if (!options_.values) {
    options_.values = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  }
}

LoadEngine::~LoadEngine() {
  if (started_ && !waited_) {
    Stop();
    Wait();
  }
}

void LoadEngine::Start() {
  if (started_) throw std::logic_error("LoadEngine::Start called twice");
  started_ = true;
  if (!options_.query_log_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options_.query_log_dir, ec);
    if (ec) {
      throw std::runtime_error("cannot create query log directory " +
                               options_.query_log_dir.string() + ": " + ec.message());
    }
  }
  control_.set_start(Clock::now());
  for (uint32_t i = 0; i < options_.threads; ++i) {
    workers_.push_back(std::make_unique<Worker>(i + 1, control_));
  }
  for (uint32_t i = 0; i < options_.threads; ++i) {
    Worker* w = workers_[i].get();
    try {
      threads_.emplace_back(options_.stack_bytes, [w] { w->Run(); });
    } catch (const std::exception& e) {
      FatalEvent f;
      f.thread = i + 1;
      f.outcome = Outcome::kEnvironment;
      f.message = std::string("cannot start worker thread: ") + e.what();
      control_.ReportFatal(std::move(f));
      // The workers that never ran must still count as finished.
      for (uint32_t j = i; j < options_.threads; ++j) control_.WorkerFinished();
      break;
    }
  }
  supervisor_ = std::thread([this] { Supervise(); });
  if (options_.show_progress) {
    progress_ = std::make_unique<ProgressLine>([this] {
      LiveCounters c = Live();
      ProgressSample s;
      s.elapsed_s = c.elapsed_s;
      s.statements = c.statements;
      s.errors = c.statements - c.outcome(Outcome::kOk);
      s.syntax = c.outcome(Outcome::kSyntax);
      s.unknown = c.outcome(Outcome::kUnknownError);
      s.reconnects = c.reconnects;
      s.paused = control_.paused();
      return s;
    });
    progress_->Start();
  }
}

LoadResult LoadEngine::Wait() {
  if (!started_) throw std::logic_error("LoadEngine::Wait before Start");
  if (!waited_) {
    if (supervisor_.joinable()) supervisor_.join();
    for (BigStackThread& t : threads_) t.join();
    if (progress_) progress_->Stop();
    waited_ = true;
  }
  std::vector<const WorkerStats*> stats;
  for (const auto& w : workers_) stats.push_back(&w->stats());
  LoadResult r;
  r.summary = Summarize(stats, std::chrono::duration<double>(end_ - control_.start()).count());
  r.summary.watchdog_kills = watchdog_kills_.load();
  r.reason = control_.reason();
  r.fatal = control_.fatal();
  r.status = r.fatal ? r.fatal->status() : Status::kOk;
  return r;
}

bool LoadEngine::Pause(std::chrono::milliseconds timeout) { return control_.Pause(timeout); }

void LoadEngine::Resume() { control_.Resume(); }

LiveCounters LoadEngine::Live() const {
  LiveCounters c;
  c.elapsed_s = control_.Elapsed();
  for (const auto& w : workers_) {
    const WorkerStats& s = w->stats();
    c.statements += s.statements();
    c.queries += s.queries();
    c.reconnects += s.reconnects();
    for (Outcome o : kAllOutcomes) c.outcomes[static_cast<size_t>(o)] += s.outcome(o);
  }
  return c;
}

std::vector<uint64_t> LoadEngine::ConnectionIds() const {
  std::vector<uint64_t> ids;
  for (const auto& w : workers_) ids.push_back(w->connection_id());
  return ids;
}

std::vector<LoadEngine::InFlight> LoadEngine::InFlightStatements() const {
  std::vector<InFlight> busy;
  for (const auto& w : workers_) {
    if (auto b = w->busy()) busy.push_back({w->thread_id(), b->seq, b->since});
  }
  return busy;
}

std::string LoadEngine::RunningStatement(uint32_t thread, uint64_t seq) const {
  for (const auto& w : workers_) {
    if (w->thread_id() == thread) return w->RunningStatement(seq);
  }
  return "";
}

void LoadEngine::Supervise() {
  const auto deadline = options_.duration.count() > 0 ? control_.start() + options_.duration
                                                      : Clock::time_point::max();
  std::vector<uint64_t> killed_seq(workers_.size(), 0);
  std::optional<Clock::time_point> stopping_since;
  bool interrupted = false;
  while (control_.running() > 0) {
    const auto now = Clock::now();
    if (!control_.stopping()) {
      if (control_.stop_requested_async()) {
        control_.RequestStop(StopReason::kStopped);
      } else if (now >= deadline) {
        control_.RequestStop(StopReason::kDeadline);
      }
    }
    if (control_.stopping()) {
      if (!stopping_since) stopping_since = now;
      // Statements still running after the grace have their sockets shut
      // under them: whatever state the server is in (even hung), the run
      // ends within about stop_grace.
      if (!interrupted && now - *stopping_since >= options_.stop_grace) {
        for (const auto& w : workers_) w->InterruptIo();
        interrupted = true;
      }
    } else if (options_.statement_timeout.count() > 0) {
      Watchdog(killed_seq);
    }
    std::this_thread::sleep_for(kTick);
  }
  end_ = Clock::now();
  admin_.reset();
  // Every worker ended by itself: Stop() reached them before this loop
  // noticed it, or they all reached their query limits.
  control_.RequestStop(control_.stop_requested_async() ? StopReason::kStopped
                                                       : StopReason::kQueryLimit);
}

// KILL QUERY for statements running past twice the statement timeout, from
// an admin connection of our own (the worker is blocked in its read).
// max_statement_time alone is not enough: the server checks it only at
// certain points (not inside stored routines, not in every wait).
void LoadEngine::Watchdog(std::vector<uint64_t>& killed_seq) {
  const auto now = Clock::now();
  const auto limit = 2 * options_.statement_timeout;
  for (size_t i = 0; i < workers_.size(); ++i) {
    const auto busy = workers_[i]->busy();
    if (!busy || busy->seq == killed_seq[i] || now - busy->since < limit) continue;
    const uint64_t id = workers_[i]->connection_id();
    if (id == 0) continue;
    if (!admin_) {
      if (now < admin_retry_) return;
      try {
        // Bounded: a server that stops answering must not freeze the
        // supervisor (it also ends the workers at a stop).
        db::ConnectOptions co = db::ConnectOptions::Bounded(5);
        co.connect_timeout_s = 2;
        admin_.emplace(options_.dsn, co);
      } catch (const db::DbError&) {
        admin_retry_ = now + kAdminRetry;  // the worker will see why itself
        return;
      }
    }
    killed_seq[i] = busy->seq;  // once per statement, whatever happens
    try {
      admin_->Execute("KILL QUERY " + std::to_string(id));
      watchdog_kills_.fetch_add(1);
    } catch (const db::DbError& e) {
      if (e.error_number() >= 2000) admin_.reset();  // lost: reopen next time
    }
  }
}

}  // namespace randsync::load
