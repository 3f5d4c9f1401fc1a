#include "runners/scenario/timeline.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "base/log.h"
#include "db/connection.h"
#include "db/replication_status.h"
#include "engine/load/load_engine.h"

namespace randsync::scenario {
namespace {

// A status read must never stall the sampler for long.
db::ConnectOptions QuickOptions() {
  db::ConnectOptions o = db::ConnectOptions::Bounded(2);
  o.connect_timeout_s = 1;
  return o;
}

// Summed from the error classes, not statements minus ok: the counters are
// read without a lock and must not underflow.
uint64_t Errors(const load::LiveCounters& live) {
  uint64_t n = 0;
  for (load::Outcome o : load::kAllOutcomes) {
    if (o != load::Outcome::kOk) n += live.outcome(o);
  }
  return n;
}

std::string Optional(const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : ""; }

}  // namespace

Timeline::Timeline(const std::filesystem::path& csv, unsigned progress_every)
    : out_(csv), progress_every_(progress_every) {
  out_ << "second,statements,errors,slave_lag_s,slave_behind_trx,events\n" << std::flush;
  thread_ = std::thread([this] { Loop(); });
}

Timeline::~Timeline() { Stop(); }

void Timeline::AttachLoad(const load::LoadEngine* engine) {
  std::lock_guard lock(mu_);
  engine_ = engine;
  if (engine_ == nullptr) return;
  const load::LiveCounters live = engine_->Live();
  last_statements_ = live.statements;
  last_errors_ = Errors(live);
}

void Timeline::AttachReplication(std::optional<db::Dsn> master, std::optional<db::Dsn> slave) {
  std::lock_guard lock(mu_);
  master_ = std::move(master);
  slave_ = std::move(slave);
}

void Timeline::Mark(const std::string& event) {
  std::lock_guard lock(mu_);
  pending_events_.push_back(event);
}

double Timeline::Now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::vector<TimelineSample> Timeline::Samples() const {
  std::lock_guard lock(mu_);
  return samples_;
}

void Timeline::Stop() {
  if (stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  SampleOnce(static_cast<unsigned>(Now()) + 1);  // the last, partial second and its events
}

void Timeline::Loop() {
  unsigned second = 1;
  while (!stop_) {
    const auto due = start_ + std::chrono::seconds(second);
    while (!stop_ && std::chrono::steady_clock::now() < due) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (stop_) break;
    SampleOnce(second);
    // A slow status read skips seconds rather than drifting behind.
    second = std::max(second + 1, static_cast<unsigned>(Now()) + 1);
  }
}

void Timeline::SampleOnce(unsigned second) {
  TimelineSample s;
  s.second = second;
  std::optional<db::Dsn> master, slave;
  {
    std::lock_guard lock(mu_);
    master = master_;
    slave = slave_;
  }
  // Replication first, outside the lock: these reads may take a moment.
  if (slave) {
    try {
      db::Connection sc(*slave, QuickOptions());
      if (auto st = db::ReadSlaveStatus(sc)) s.slave_lag_s = st->seconds_behind;
      if (master) {
        db::Connection mc(*master, QuickOptions());
        const db::GtidPos m = db::GtidPos::Parse(mc.QueryValue("SELECT @@gtid_binlog_pos").value_or(""));
        const db::GtidPos sl = db::GtidPos::Parse(sc.QueryValue("SELECT @@gtid_slave_pos").value_or(""));
        uint64_t behind = 0;
        for (const auto& [domain, e] : m.domains) {
          auto it = sl.domains.find(domain);
          const uint64_t at = it == sl.domains.end() ? 0 : it->second.seq_no;
          if (e.seq_no > at) behind += e.seq_no - at;
        }
        s.slave_behind_trx = behind;
      }
    } catch (const std::exception&) {
      // A server that is down or stopping: an empty lag says so.
    }
  }
  std::lock_guard lock(mu_);
  if (engine_ != nullptr) {
    const load::LiveCounters live = engine_->Live();
    const uint64_t errors = Errors(live);
    s.statements = live.statements >= last_statements_ ? live.statements - last_statements_ : 0;
    s.errors = errors >= last_errors_ ? errors - last_errors_ : 0;
    last_statements_ = live.statements;
    last_errors_ = errors;
  }
  s.events.swap(pending_events_);
  samples_.push_back(s);
  WriteRow(s);
  MaybeSayProgress(s);
}

void Timeline::MaybeSayProgress(const TimelineSample& s) {
  progress_statements_ += s.statements;
  progress_errors_ += s.errors;
  if (progress_every_ == 0 || s.second % progress_every_ != 0 || engine_ == nullptr) return;
  std::string slave;
  if (s.slave_behind_trx) slave = fmt::format(", slave {} transactions behind", *s.slave_behind_trx);
  if (s.slave_lag_s) slave += fmt::format(" ({} s)", *s.slave_lag_s);
  Log("run", fmt::format("{} s: {:.0f} statements/s, {} errors in the last {} s{}", s.second,
                         static_cast<double>(progress_statements_) / progress_every_, progress_errors_,
                         progress_every_, slave));
  progress_statements_ = progress_errors_ = 0;
}

void Timeline::WriteRow(const TimelineSample& s) {
  std::string events;
  for (const auto& e : s.events) events += (events.empty() ? "" : ";") + e;
  out_ << fmt::format("{},{},{},{},{},{}\n", s.second, s.statements, s.errors, Optional(s.slave_lag_s),
                      Optional(s.slave_behind_trx), events)
       << std::flush;
}

LoadRate RateInWindow(const std::vector<TimelineSample>& samples, double from, double to, double load_start,
                      double load_end) {
  LoadRate r;
  uint64_t during = 0, before = 0, after = 0;
  for (const auto& s : samples) {
    // Row `second` covers (second-1, second]; keep only whole load seconds.
    const double begin = s.second - 1.0, end = s.second;
    if (begin < load_start || end > load_end) continue;
    if (begin >= from && end <= to) {
      during += s.statements;
      ++r.during_s;
    } else if (end <= from) {
      before += s.statements;
      ++r.before_s;
    } else if (begin >= to) {
      after += s.statements;
      ++r.after_s;
    }
  }
  auto mean = [](uint64_t n, unsigned s) { return s ? static_cast<double>(n) / s : 0.0; };
  r.during = mean(during, r.during_s);
  r.before = mean(before, r.before_s);
  r.after = mean(after, r.after_s);
  return r;
}

}  // namespace randsync::scenario
