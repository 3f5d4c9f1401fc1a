// What a sync point costs the load: the longest statement stall the load
// saw during each sync point, for the sync point as randsync takes it (N
// snapshots started together until they agree, nothing blocked) and for the
// BACKUP STAGE BLOCK_COMMIT protocol it replaced (snapshot_tries = 0: the
// anchor), against the same-length window with no sync point at all (the
// load's own latency).
//
// Starts a throwaway master (binlog ROW) and slave replicating by GTID (it
// skips the load's tables: only the master's side is measured). For
// each workload
//   default            RQG's default data (GendataSimple) and the shipped
//                      grammars/default.yy, every table InnoDB;
//   nontransactional   the same with AA, BB as MyISAM and CC, DD as Aria, so
//                      that the load writes non-transactional tables too,
//                      and one more session that writes a MyISAM table of
//                      its own (bench_slow.t) in statements of 300 ms
//                      (INSERT ... SELECT SLEEP(0.3)), one after the other:
//                      what BACKUP STAGE's FLUSH/BLOCK_DDL wait for;
// it runs the load (--threads, 8) --runs times and takes --points sync
// points of each kind per run, interleaved with no-sync windows as long as
// the last sync point took, each --gap apart. Only transactional tables are compared while writers run,
// so only they are locked (as `randsync run` does). Prints, per workload
// and kind, the median and the worst stall over all points of all runs,
// the commit block, the snapshot tries and the window's length, then the
// statement of each kind's worst stall; exits 1 if a sync point failed.
//
//   sync_stall_bench [--threads 8] [--runs 3] [--points 4] [--gap-ms 1500]
//                    [--workloads default,nontransactional]
//                    [--grammar grammars/default.yy] [--basedir DIR]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/text_util.h"
#include "checker/sync_point.h"
#include "db/connection.h"
#include "db/dsn.h"
#include "engine/gendata/gendata.h"
#include "engine/grammar/parser.h"
#include "engine/load/load_engine.h"
#include "engine/load/stall_meter.h"
#include "runners/server/replication.h"
#include "runners/server/throwaway_server.h"

namespace {

using namespace randsync;
using Clock = std::chrono::steady_clock;

struct Args {
  unsigned threads = 8;
  unsigned runs = 3;
  unsigned points = 4;
  unsigned gap_ms = 1500;
  std::string grammar = RANDSYNC_SOURCE_DIR "/grammars/default.yy";
  std::string basedir;
  std::string workloads = "default,nontransactional";
};

struct Figures {
  std::vector<double> stall_ms, block_ms, tries, window_ms;
  std::string worst_statement;  // the statement of the worst stall, "thread N: ..."
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Worst(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The transactional tables of `test`, quoted: what the checker compares
// while writers run.
std::vector<std::string> TransactionalTables(db::Connection& c) {
  std::vector<std::string> out;
  for (const db::Row& r : c.QueryRows("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                      "'test' AND table_type = 'BASE TABLE' AND engine = 'InnoDB'")
                              .rows) {
    out.push_back("`test`.`" + *r[0] + "`");
  }
  return out;
}

// What makes BACKUP STAGE wait: a write to a MyISAM table that runs for a
// while (here 300 ms, one after the other). Its own thread, not measured,
// on a table of its own database, so that the load never waits for it
// itself (it did on test.BB: 3.6 s stalls with no sync point at all).
class SlowWriter {
 public:
  explicit SlowWriter(const std::string& dsn)
      : thread_([this, dsn] {
          db::Connection c(db::ParseDsn(dsn, nullptr));
          c.Execute("CREATE DATABASE IF NOT EXISTS bench_slow");
          c.Execute("CREATE OR REPLACE TABLE bench_slow.t (i INT) ENGINE=MyISAM");
          while (!stop_) c.Execute("INSERT INTO bench_slow.t SELECT SLEEP(0.3)");
        }) {}
  ~SlowWriter() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void PrepareData(const std::string& mdsn, bool nontransactional) {
  db::Connection m(db::ParseDsn(mdsn, nullptr));
  m.Execute("DROP DATABASE IF EXISTS test");
  m.Execute("CREATE DATABASE test");
  GendataOptions go;
  Generate(db::ParseDsn(mdsn, nullptr), SimpleData{}, go);
  if (!nontransactional) return;
  for (const char* t : {"AA", "BB"}) m.Execute(fmt::format("ALTER TABLE test.{} ENGINE=MyISAM", t));
  for (const char* t : {"CC", "DD"}) m.Execute(fmt::format("ALTER TABLE test.{} ENGINE=Aria", t));
}

// One window: a sync point of the given kind, or none for `idle` (as long
// as the last sync point took: a longer window sees more of the load's own
// tail of slow statements, and the comparison would flatter no sync point).
// Returns the window's length.
std::chrono::milliseconds Window(load::LoadEngine& engine, const std::string& mdsn, const std::string& sdsn,
                                 int tries, bool sync, std::chrono::milliseconds idle, Figures& f) {
  load::StallMeter meter(engine);
  const auto t0 = Clock::now();
  meter.Start();
  if (sync) {
    checker::SyncOptions o;
    o.snapshot_tries = tries;
    o.timeout = std::chrono::seconds(60);
    o.tables_to_lock = TransactionalTables;
    checker::SyncPoint p = checker::TakeSyncPoint(db::ParseDsn(mdsn, nullptr), db::ParseDsn(sdsn, nullptr), o);
    f.block_ms.push_back(p.commit_block.count() / 1000.0);
    f.tries.push_back(p.snapshot_tries);
  } else {
    std::this_thread::sleep_for(idle);
  }
  const auto window = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  const load::Stall stall = meter.Stop();
  const double ms = stall.longest.count() / 1000.0;
  if (f.stall_ms.empty() || ms > Worst(f.stall_ms)) {
    f.worst_statement = fmt::format("{:.1f} ms, thread {}{}: {}", ms, stall.thread,
                                    stall.still_running ? " (still running)" : "", Shorten(stall.statement, 160));
  }
  f.stall_ms.push_back(ms);
  f.window_ms.push_back(static_cast<double>(window.count()));
  return window;
}

void RunWorkload(const Args& args, const std::string& name, bool nontransactional, const std::string& mdsn,
                 const std::string& sdsn, std::map<std::string, Figures>& out) {
  auto values = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  auto program = std::make_shared<Program>(grammar::ParseGrammarText(ReadFile(args.grammar), args.grammar), *values);
  for (unsigned run = 1; run <= args.runs; ++run) {
    PrepareData(mdsn, nontransactional);
    load::LoadOptions o;
    o.threads = args.threads;
    o.duration = std::chrono::seconds(3600);
    o.program = program;
    o.values = values;
    o.dsn = db::ParseDsn(mdsn, nullptr);
    o.seed = run;
    load::LoadEngine engine(o);
    engine.Start();
    std::optional<SlowWriter> slow;
    if (nontransactional) slow.emplace(mdsn);
    std::chrono::milliseconds last_sync{150};
    for (unsigned k = 0; k < args.points; ++k) {
      for (auto [kind, sync, tries] : {std::tuple{"no sync point", false, 0},
                                       std::tuple{"snapshots (randsync)", true, 20},
                                       std::tuple{"BLOCK_COMMIT (anchor)", true, 0}}) {
        std::this_thread::sleep_for(std::chrono::milliseconds(args.gap_ms));
        const auto took = Window(engine, mdsn, sdsn, tries, sync, last_sync, out[name + "|" + kind]);
        if (sync) last_sync = took;
      }
    }
    engine.Stop();
    load::LoadResult r = engine.Wait();
    std::printf("  %s run %u: %llu statements, %.0f/s\n", name.c_str(), run,
                static_cast<unsigned long long>(r.summary.statements), r.summary.statements_per_s);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app("sync-point stall: randsync's snapshots against BLOCK_COMMIT and no sync point");
  app.add_option("--threads", args.threads);
  app.add_option("--runs", args.runs);
  app.add_option("--points", args.points, "sync points of each kind per run");
  app.add_option("--gap-ms", args.gap_ms);
  app.add_option("--grammar", args.grammar);
  app.add_option("--basedir", args.basedir);
  app.add_option("--workloads", args.workloads, "default,nontransactional");
  CLI11_PARSE(app, argc, argv);

  server::ServerOptions base =
      args.basedir.empty() ? server::ServerOptions{} : server::ServerOptions::FromBasedir(args.basedir);
  server::ServerOptions mo = base;
  mo.role = "stall-bench-master";
  mo.extra_options = server::MasterOptions("ROW");
  server::ServerOptions so = base;
  so.role = "stall-bench-slave";
  so.extra_options = server::SlaveOptions(2);
  // The slave skips the load's database: its SQL thread (one, on a machine
  // the load already fills) fell ever further behind a MyISAM/Aria load,
  // and a slave's data is not what this bench measures. STOP SLAVE and the
  // UNTIL wait still run as in every sync point.
  so.extra_options.push_back("--replicate-wild-ignore-table=test.%");
  try {
    server::ThrowawayServer master(mo);
    server::ThrowawayServer slave(so);
    master.Start();
    slave.Start();
    const std::string mdsn = master.Dsn("test");
    const std::string sdsn = slave.Dsn("test");
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    db::Connection sc(db::ParseDsn(sdsn, nullptr));
    server::StartReplicaAtGtid(sc, {"127.0.0.1", master.port(), "root", ""}, "");
    std::printf("sync_stall_bench: %u threads, %u runs x %u points per kind, %u ms apart; %ld cpus\n",
                args.threads, args.runs, args.points, args.gap_ms, sysconf(_SC_NPROCESSORS_ONLN));
    std::map<std::string, Figures> figures;
    for (const char* w : {"default", "nontransactional"}) {
      if (args.workloads.find(w) != std::string::npos) RunWorkload(args, w, w[0] == 'n', mdsn, sdsn, figures);
    }
    std::printf("\n%-18s %-22s %12s %12s %14s %10s %10s\n", "workload", "sync point", "stall med ms",
                "stall max ms", "block med/max", "tries max", "window ms");
    for (const auto& [key, f] : figures) {
      const std::string workload = key.substr(0, key.find('|'));
      const std::string kind = key.substr(key.find('|') + 1);
      std::printf("%-18s %-22s %12.1f %12.1f %6.1f/%-7.1f %10.0f %10.0f\n", workload.c_str(), kind.c_str(),
                  Median(f.stall_ms), Worst(f.stall_ms), Median(f.block_ms), Worst(f.block_ms), Worst(f.tries),
                  Median(f.window_ms));
    }
    std::printf("\nthe worst stall's statement:\n");
    for (const auto& [key, f] : figures) std::printf("  %s: %s\n", key.c_str(), f.worst_statement.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sync_stall_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
