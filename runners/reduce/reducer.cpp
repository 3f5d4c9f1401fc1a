#include "runners/reduce/reducer.h"

#include <stdlib.h>

#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "base/log.h"
#include "runners/reduce/columns.h"
#include "runners/reduce/ddmin.h"
#include "runners/reduce/fresh_pair.h"
#include "runners/reduce/literals.h"
#include "runners/reduce/reduced_test.h"
#include "runners/reduce/relevance.h"
#include "runners/reduce/setup_snapshot.h"
#include "runners/reduce/window_script.h"

namespace randsync::reduce {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

json ReduceReport::ToJson() const {
  return {{"summary", summary},
          {"target", {{"shape", ToString(target.shape)}, {"tables", target.tables}, {"error_number", target.error_number},
                      {"clean_gtid", target.clean_gtid}, {"at", target.at}}},
          {"tables", tables},
          {"statements_before", statements_before},
          {"statements_after", statements_after},
          {"transactions_before", transactions_before},
          {"transactions_after", transactions_after},
          {"setup_rows_before", setup_rows_before},
          {"setup_rows_after", setup_rows_after},
          {"pairs", pairs},
          {"wall_s", wall_s},
          {"budget_ran_out", budget_ran_out},
          {"verify_runs", verify_runs},
          {"reproduced", reproduced},
          {"mtr", mtr},
          {"mtr_reproduced", mtr_reproduced},
          {"server_version", server_version}};
}

ReduceReport ReduceReport::FromJson(const json& j) {
  ReduceReport r;
  r.summary = j.value("summary", "");
  const json t = j.value("target", json::object());
  const std::string shape = t.value("shape", "none");
  for (FailureShape s : {FailureShape::kDivergence, FailureShape::kReplicationError, FailureShape::kMasterCrash,
                         FailureShape::kOther}) {
    if (shape == ToString(s)) r.target.shape = s;
  }
  r.target.tables = t.value("tables", std::vector<std::string>{});
  r.target.error_number = t.value("error_number", 0u);
  r.target.clean_gtid = t.value("clean_gtid", "");
  r.target.at = t.value("at", "");
  r.tables = j.value("tables", std::vector<std::string>{});
  r.statements_before = j.value("statements_before", std::size_t{0});
  r.statements_after = j.value("statements_after", std::size_t{0});
  r.transactions_before = j.value("transactions_before", std::size_t{0});
  r.transactions_after = j.value("transactions_after", std::size_t{0});
  r.setup_rows_before = j.value("setup_rows_before", std::size_t{0});
  r.setup_rows_after = j.value("setup_rows_after", std::size_t{0});
  r.pairs = j.value("pairs", 0u);
  r.wall_s = j.value("wall_s", 0.0);
  r.budget_ran_out = j.value("budget_ran_out", false);
  r.verify_runs = j.value("verify_runs", 0u);
  r.reproduced = j.value("reproduced", 0u);
  r.mtr = j.value("mtr", "");
  r.mtr_reproduced = j.value("mtr_reproduced", false);
  r.server_version = j.value("server_version", "");
  return r;
}

namespace {

json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  json j = json::parse(in, nullptr, false);
  if (!j.is_object()) throw std::runtime_error(p.string() + " is missing or not JSON (not a randsync results folder)");
  return j;
}

// A temporary folder for the trials' servers, removed at the end.
struct WorkDir {
  fs::path path;
  WorkDir() {
    std::string tmpl = (fs::temp_directory_path() / "randsync-reduce-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot create a folder in " + tmpl);
    path = tmpl;
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string Elapsed(Clock::duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  return s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
}

// A phase's first guess (relevance.h): the items, and what they are.
struct Guess {
  Candidate items;
  std::string what;  // "the 3 {what} fail alone"
};

class Reduction {
 public:
  Reduction(const ReduceOptions& o, FreshPairs& pairs, const Target& target)
      : o_(o), pairs_(pairs), target_(target), start_(Clock::now()),
        // The result's verification and the mtr run come out of the budget too.
        deadline_(start_ + o.budget - std::min<Clock::duration>(o.budget / 5, std::chrono::seconds(90))),
        progress_([this](std::stop_token stop) { Report(stop); }) {}

  bool OutOfTime() const {
    if (Clock::now() < deadline_) return false;
    ran_out_ = true;
    return true;
  }
  bool ran_out() const { return ran_out_; }
  Clock::time_point start() const { return start_; }

  // Each candidate on a fresh pair, `jobs` at once; the first (in order)
  // that fails as the target does, or -1.
  int FirstFailing(const std::vector<Script>& scripts) {
    const std::size_t jobs = std::max(1u, o_.jobs);
    for (std::size_t k = 0; k < scripts.size(); k += jobs) {
      std::vector<std::future<TrialOutcome>> running;
      for (std::size_t i = k; i < std::min(scripts.size(), k + jobs); ++i) {
        running.push_back(std::async(std::launch::async, [&, i] { return pairs_.Trial(scripts[i], target_); }));
      }
      int hit = -1;
      for (std::size_t i = 0; i < running.size(); ++i) {
        const TrialOutcome out = running[i].get();
        if (hit < 0 && Reproduces(target_, out)) hit = static_cast<int>(k + i);
      }
      if (hit >= 0) return hit;
      if (OutOfTime()) break;
    }
    return -1;
  }

  // One ddmin phase over `n` items; `make` builds the script of a subset.
  // A smaller `guess` (relevance.h) is replayed first, and ddmin starts
  // from it when it still fails.
  Script Phase(const std::string& name, std::size_t n, const std::function<Script(const Candidate&)>& make,
               std::optional<Guess> guess = std::nullopt) {
    Stage(name, n);
    Candidate all(n);
    std::iota(all.begin(), all.end(), 0);
    if (guess && guess->items.size() < n && !OutOfTime()) {
      const bool fails = FirstFailing({make(guess->items)}) == 0;
      Log("reduce", fmt::format("{}: the {} {} {} ({} replays so far)", name, guess->items.size(), guess->what,
                                fails ? "fail alone" : "do not fail alone", pairs_.pairs_started()));
      if (fails) {
        all = std::move(guess->items);
        SetLeft(all.size());
      }
    }
    const Candidate kept = Ddmin(
        std::move(all),
        [&](const std::vector<Candidate>& batch) {
          std::vector<Script> scripts;
          for (const Candidate& c : batch) scripts.push_back(make(c));
          const int hit = FirstFailing(scripts);
          if (hit >= 0) SetLeft(batch[static_cast<std::size_t>(hit)].size());
          return hit;
        },
        [&] { return OutOfTime(); });
    Log("reduce", fmt::format("{}: {} of {} kept ({} replays so far, {})", name, kept.size(), n,
                              pairs_.pairs_started(), Elapsed(Clock::now() - start_)));
    return make(kept);
  }

  // Each literal of the window's statements (literals.h), the last of a
  // statement first so that the earlier ones keep their offsets, tried in
  // its simpler forms at once; the simplest that still fails stays.
  Script Literals(Script s) {
    std::size_t total = 0, done = 0, simpler = 0;
    for (const ScriptTransaction& tx : s.window) {
      for (const ScriptStatement& st : tx.statements) total += FindLiterals(st.text).size();
    }
    Stage("literals", total);
    for (std::size_t t = 0; t < s.window.size(); ++t) {
      for (std::size_t k = 0; k < s.window[t].statements.size(); ++k) {
        const std::vector<Literal> literals = FindLiterals(s.window[t].statements[k].text);
        for (auto it = literals.rbegin(); it != literals.rend() && !OutOfTime(); ++it) {
          const std::string& text = s.window[t].statements[k].text;
          std::vector<Script> scripts;
          for (const std::string& form : SimplerForms(text.substr(it->begin, it->end - it->begin), it->string)) {
            Script c = s;
            c.window[t].statements[k].text.replace(it->begin, it->end - it->begin, form);
            scripts.push_back(std::move(c));
          }
          if (const int hit = scripts.empty() ? -1 : FirstFailing(scripts); hit >= 0) {
            s = std::move(scripts[static_cast<std::size_t>(hit)]);
            ++simpler;
          }
          SetLeft(total - ++done);
        }
      }
    }
    Log("reduce", fmt::format("literals: {} of {} made simpler ({} replays so far, {})", simpler, total,
                              pairs_.pairs_started(), Elapsed(Clock::now() - start_)));
    return s;
  }

  // What the progress lines name: a ddmin phase (n items) or a step (0).
  void Stage(const std::string& name, std::size_t n = 0) {
    std::lock_guard lock(mu_);
    phase_ = name;
    of_ = n;
    left_ = n;
  }

 private:
  void SetLeft(std::size_t n) {
    std::lock_guard lock(mu_);
    left_ = n;
  }
  // A progress line every 10 s, so a long reduction is never silent.
  void Report(std::stop_token stop) {
    auto next = Clock::now() + std::chrono::seconds(10);
    while (!stop.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (Clock::now() < next) continue;
      next += std::chrono::seconds(10);
      std::lock_guard lock(mu_);
      if (phase_.empty()) continue;
      const std::string left = of_ == 0 ? "" : fmt::format(" {} of {} left,", left_, of_);
      Log("reduce", fmt::format("{}:{} {} replays on fresh servers, {} of {} budget", phase_, left,
                                pairs_.pairs_started(), Elapsed(Clock::now() - start_), Elapsed(o_.budget)));
    }
  }

  const ReduceOptions& o_;
  FreshPairs& pairs_;
  const Target& target_;
  const Clock::time_point start_, deadline_;
  mutable std::atomic<bool> ran_out_{false};
  std::mutex mu_;
  std::string phase_;
  std::size_t of_ = 0, left_ = 0;
  std::jthread progress_;  // last: stops before the members it reads go
};

Script WithTransactions(const Script& s, const Candidate& keep) {
  Script out{s.setup, {}};
  for (std::size_t i : keep) out.window.push_back(s.window[i]);
  return out;
}

// Statement k of the window counted across its transactions.
Script WithStatements(const Script& s, const Candidate& keep) {
  Script out{s.setup, {}};
  std::size_t k = 0, next = 0;
  for (const ScriptTransaction& tx : s.window) {
    ScriptTransaction t{tx.gtid, tx.wrap, {}};
    for (const ScriptStatement& st : tx.statements) {
      if (next < keep.size() && keep[next] == k) {
        t.statements.push_back(st);
        ++next;
      }
      ++k;
    }
    if (!t.statements.empty()) out.window.push_back(std::move(t));
  }
  return out;
}

Script WithTables(const Script& s, const Candidate& keep) {
  Script out{{}, s.window};
  for (std::size_t i : keep) out.setup.push_back(s.setup[i]);
  return out;
}

Script WithRows(const Script& s, const Candidate& keep) {
  Script out{{}, s.window};
  std::size_t k = 0, next = 0;
  for (const SetupTable& t : s.setup) {
    SetupTable copy{t.database, t.name, t.create, {}};
    for (const std::string& row : t.rows) {
      if (next < keep.size() && keep[next] == k) {
        copy.rows.push_back(row);
        ++next;
      }
      ++k;
    }
    out.setup.push_back(std::move(copy));
  }
  return out;
}

// Every droppable column of the setup (columns.h) that no view, trigger
// or routine of it names (a view of all of a table's columns made the
// phase replay 46 times to keep all 10).
std::vector<SetupColumn> SetupColumns(const Script& s) {
  std::vector<SetupColumn> out;
  for (std::size_t t = 0; t < s.setup.size(); ++t) {
    for (std::string& c : DroppableColumns(s.setup[t])) {
      SetupColumn column{t, std::move(c)};
      if (!ADefinitionNames(s, column)) out.push_back(std::move(column));
    }
  }
  return out;
}

// The setup without the columns not in `keep` (a table whose dump is not
// of the shape columns.h reads keeps all of them).
Script WithColumns(const Script& s, const std::vector<SetupColumn>& columns,
                   const Candidate& keep) {
  std::vector<std::vector<std::string>> drop(s.setup.size());
  for (std::size_t i = 0, next = 0; i < columns.size(); ++i) {
    if (next < keep.size() && keep[next] == i) {
      ++next;
    } else {
      drop[columns[i].first].push_back(columns[i].second);
    }
  }
  Script out{{}, s.window};
  for (std::size_t t = 0; t < s.setup.size(); ++t) {
    std::optional<SetupTable> without = WithoutColumns(s.setup[t], drop[t]);
    out.setup.push_back(without ? std::move(*without) : s.setup[t]);
  }
  return out;
}

// Where the failure is at the window's end (a crash's statements in
// flight, the transaction a replication error stopped at), those and what
// defines the names they use; a difference may come from anywhere in it.
std::optional<Guess> EndGuess(const Script& s, const Target& target, std::size_t in_flight) {
  if (target.shape == FailureShape::kMasterCrash && in_flight > 0) {
    return Guess{TheEndAndWhatDefinesItsNames(s, in_flight), "in flight at the crash and those defining what they name"};
  }
  if (target.shape == FailureShape::kReplicationError && !target.at.empty()) {
    return Guess{TheEndAndWhatDefinesItsNames(s, 1), "transactions: the failing one and those defining what it names"};
  }
  return std::nullopt;
}

std::string Summary(Target t, const std::vector<std::string>& tables, const Script& s, const PairSettings& p) {
  t.tables = tables;
  std::string d = t.Describe();
  d[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(d[0])));
  std::string where = fmt::format("binlog_format={}", p.binlog_format);
  for (const auto& o : p.master_options) where += " " + o;
  if (!p.slave_options.empty()) where += fmt::format("; slave {}", fmt::join(p.slave_options, " "));
  const std::size_t n = s.WindowStatements();
  return fmt::format("{} after {} statement{} on the master ({})", d, n, n == 1 ? "" : "s", where);
}

}  // namespace

ReduceReport Reduce(const ReduceOptions& o) {
  const json report = ReadJson(o.run_dir / "report.json");
  const Target target = TargetOf(o.run_dir, report);
  ReduceReport r;
  r.target = target;
  WorkDir work;
  Log("reduce", fmt::format("{} of {}: starting fresh servers like the run's", target.Describe(), o.run_dir.string()));
  FreshPairs pairs(PairSettingsOf(report.value("config", json::object())), work.path);
  Script script;
  script.setup = SnapshotAt(pairs, o.run_dir, target.clean_gtid, work.path / "snapshot");
  script.window = WindowTransactions(o.run_dir, target);
  std::size_t in_flight = 0;
  if (target.shape == FailureShape::kMasterCrash) {
    std::vector<ScriptTransaction> flying = InFlightTransactions(o.run_dir, report);
    in_flight = flying.size();
    Log("reduce", fmt::format("the crash: {} statements in flight after the log's {} transactions", in_flight,
                              script.window.size()));
    for (auto& t : flying) script.window.push_back(std::move(t));
  }
  r.statements_before = script.Statements();
  r.transactions_before = script.window.size();
  r.setup_rows_before = script.SetupRows();
  Log("reduce", fmt::format("the window: {} transactions, {} statements; its start: {} tables, {} rows",
                            script.window.size(), script.WindowStatements(), script.setup.size(), script.SetupRows()));
  Reduction red(o, pairs, target);
  const TrialOutcome first = pairs.Trial(script, target);
  if (!Reproduces(target, first)) {
    throw std::runtime_error(fmt::format("the run's window replayed on fresh servers does not show {}: {}",
                                         target.Describe(), first.detail.empty() ? "it passed" : first.detail));
  }
  Log("reduce", "the whole window fails on fresh servers too: " + first.detail);
  script = red.Phase("transactions", script.window.size(), [&](const Candidate& c) { return WithTransactions(script, c); },
                      EndGuess(script, target, in_flight));
  script = red.Phase("statements", script.WindowStatements(), [&](const Candidate& c) { return WithStatements(script, c); });
  script = red.Phase("tables", script.setup.size(), [&](const Candidate& c) { return WithTables(script, c); },
                      Guess{SetupTheWindowNames(script), "the window's statements name"});
  script = red.Phase("rows", script.SetupRows(), [&](const Candidate& c) { return WithRows(script, c); });
  const auto columns = SetupColumns(script);
  script = red.Phase("columns", columns.size(), [&](const Candidate& c) { return WithColumns(script, columns, c); },
                      Guess{ColumnsTheWindowNames(script, columns), "the window's statements name"});
  script = red.Literals(std::move(script));
  r.budget_ran_out = red.ran_out();

  TrialOutcome last;
  r.verify_runs = o.verify_runs;
  red.Stage(fmt::format("verifying the result {} times", o.verify_runs));
  for (unsigned k = 0; k < o.verify_runs; ++k) {
    TrialOutcome out = pairs.Trial(script, target);
    if (Reproduces(target, out)) {
      ++r.reproduced;
      last = std::move(out);
    }
  }
  const PairSettings& settings = pairs.settings();
  r.statements_after = script.Statements();
  r.transactions_after = script.window.size();
  r.setup_rows_after = script.SetupRows();
  r.server_version = pairs.server_version();
  r.tables = last.differing_tables.empty() ? target.tables : last.differing_tables;
  r.summary = Summary(target, r.tables, script, settings);
  r.pairs = pairs.pairs_started();
  r.wall_s = std::chrono::duration<double>(Clock::now() - red.start()).count();
  const std::string cause = report.value("cause", json::object()).value("summary", "");
  const fs::path dir = o.run_dir / "reduced";
  ReducedTestInput in{script, last, settings, r, o.run_dir.string(), cause};
  WriteReducedTest(dir, in);
  if (o.run_mtr) {
    Log("reduce", "running the mtr test under mariadb-test-run");
    red.Stage("mariadb-test-run");
    const MtrVerdict v = RunMtr(dir, o.mtr_dir, target, work.path / "mtr-var");
    r.mtr = v.detail;
    r.mtr_reproduced = v.as_expected;
  } else {
    r.mtr = "not run (--no-mtr)";
  }
  r.wall_s = std::chrono::duration<double>(Clock::now() - red.start()).count();
  WriteReducedTest(dir, in);
  return r;
}

}  // namespace randsync::reduce
