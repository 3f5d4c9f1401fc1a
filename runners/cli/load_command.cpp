// `randsync load`: hammer a server with grammar-driven statements from N
// threads. With --master it loads an existing server; without, it starts a
// throwaway mariadbd, fills it with data, loads it and stops it.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "db/dsn.h"
#include "engine/gendata/gendata.h"
#include "engine/load/load_engine.h"
#include "engine/schema/schema_reader.h"
#include "runners/cli/app.h"
#include "runners/cli/subcommands.h"
#include "runners/cli/workload.h"
#include "runners/server/child_registry.h"
#include "runners/server/server_error.h"
#include "runners/server/throwaway_server.h"

namespace randsync::cli {

namespace fs = std::filesystem;

namespace {

struct LoadCliOptions {
  WorkloadOptions workload;
  std::string master;
  std::optional<std::string> gendata;  // "" = RQG's default data, else a .zz
  bool no_gendata = false;
  uint32_t threads = 8;
  double duration_s = 60;
  uint64_t queries = 0;
  uint64_t seed = 1;
  double statement_timeout_s = 0;
  unsigned lock_wait_timeout_s = 0;
  std::string query_log_dir;
  std::string report;
  // throwaway server
  std::string basedir;
  std::string mariadbd;
  std::string install_db;
  std::vector<std::string> mysqld_options;
  bool keep_server_files = false;
};

// SIGINT/SIGTERM: the first one stops the load gracefully (the summary is
// still printed and the servers shut down); a second one kills every server
// we started and exits at once.
std::atomic<load::LoadEngine*> g_engine{nullptr};
std::atomic<int> g_signals{0};

extern "C" void OnSignal(int sig) {
  if (g_signals.fetch_add(1) == 0) {
    if (load::LoadEngine* e = g_engine.load()) {
      e->Stop();
      return;
    }
  }
  server::KillRegisteredChildren();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void Say(const std::string& s) { Log("", s); }

GendataSource SourceFor(const LoadCliOptions& o) {
  if (o.gendata && !o.gendata->empty()) return DataSpecFile{*o.gendata};
  return SimpleData{};
}

// Fills `dsn`'s server with the test data and reports what it made.
void FillData(const db::Dsn& dsn, const LoadCliOptions& o, const Workload& w) {
  GendataOptions g;
  g.seed = o.seed;
  g.dict_dirs = w.dict_dirs;
  std::string what = o.gendata && !o.gendata->empty() ? *o.gendata : "RQG's default data";
  Say("gendata: " + what);
  GendataResult r = Generate(dsn, SourceFor(o), g);
  Say(fmt::format("gendata: {} tables, {} rows in {:.1f} s", r.tables.size(), r.rows, r.seconds));
  for (const std::string& t : r.skipped) Say("gendata: skipped " + t + " (the server would refuse it)");
  for (const std::string& t : r.not_created) Say("gendata: warning: left out " + t);
}

int RunLoad(LoadCliOptions o) {
  if (o.workload.grammar.empty()) o.workload.grammar = DefaultGrammarPath();
  // Everything that can be checked offline is checked before a server starts.
  Workload w = LoadWorkload(o.workload);
  CheckWorkloadRunnable(w, o.threads, o.gendata ? *o.gendata : std::string(), o.seed);

  std::unique_ptr<server::ThrowawayServer> server;
  db::Dsn dsn;
  bool fill = o.gendata.has_value();
  if (!o.master.empty()) {
    dsn = db::ParseDsn(o.master);
  } else {
    server::ServerOptions so;
    if (!o.basedir.empty()) so = server::ServerOptions::FromBasedir(o.basedir);
    if (!o.mariadbd.empty()) so.mariadbd = o.mariadbd;
    if (!o.install_db.empty()) so.install_db = o.install_db;
    so.extra_options = o.mysqld_options;
    so.role = "master";
    server = std::make_unique<server::ThrowawayServer>(so);
    server->set_keep_datadir(o.keep_server_files);
    Say("starting a throwaway mariadbd (" + so.mariadbd.string() + ")");
    server->Start();
    Say(fmt::format("master: 127.0.0.1:{}, error log {}", server->port(), server->error_log().string()));
    dsn = db::ParseDsn(server->Dsn("test"), nullptr);  // root without a password: not $RANDSYNC_PASSWORD
    fill = !o.no_gendata;  // a fresh server has nothing to load otherwise
  }
  if (fill) FillData(dsn, o, w);

  load::LoadOptions lo;
  lo.threads = o.threads;
  lo.duration = std::chrono::milliseconds(static_cast<int64_t>(o.duration_s * 1000));
  lo.queries_per_thread = o.queries;
  lo.seed = o.seed;
  lo.program = w.program;
  lo.values = w.values;
  // Like RQG, the generators pick from what the server really holds.
  lo.schema = std::make_shared<Schema>(ReadSchemaFromServer(dsn));
  lo.dsn = dsn;
  lo.statement_timeout = std::chrono::milliseconds(static_cast<int64_t>(o.statement_timeout_s * 1000));
  lo.lock_wait_timeout = std::chrono::seconds(o.lock_wait_timeout_s);
  lo.query_log_dir = o.query_log_dir;
  lo.show_progress = true;

  load::LoadEngine engine(lo);
  g_engine.store(&engine);
  Say(fmt::format("load: {} threads, {}, seed {}", o.threads,
                  o.duration_s > 0 ? fmt::format("{:g} s", o.duration_s) : std::string("no time limit"),
                  o.seed));
  load::LoadResult result = engine.Run();
  g_engine.store(nullptr);

  std::fputs(result.summary.ToText().c_str(), stdout);
  std::fflush(stdout);
  Status status = result.status;
  if (result.fatal) Say(std::string(ToString(status)) + ": " + result.fatal->Describe());

  nlohmann::json report = result.ToJson();
  if (server) {
    // A lost connection is a crash only if the server really went away.
    if (auto crash = server->Poll()) {
      status = Status::kServerCrashed;
      server->set_keep_datadir(true);
      Say(crash->Describe());
      std::string tail = "last lines of " + crash->error_log.string() + ":";
      for (const std::string& line : crash->log_tail) tail += "\n  " + line;
      Say(tail);
      report["server_exit"] = crash->Describe();
      report["error_log_tail"] = crash->log_tail;
    } else {
      server::StopOutcome stop = server->Stop();
      if (stop != server::StopOutcome::kClean) {
        Say(std::string("master did not shut down cleanly: ") + server::ToString(stop));
      }
    }
  }
  report["exit_status"] = ExitCode(status);
  report["status"] = ToString(status);
  if (!o.report.empty()) {
    std::ofstream(o.report) << report.dump(2) << "\n";
  }
  Say(std::string("status ") + ToString(status));
  return ExitCode(status);
}

}  // namespace

Runner RegisterLoad(CLI::App& app) {
  auto o = std::make_shared<LoadCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "load",
      "Run a grammar-driven multithreaded load: against --master, or on a throwaway server "
      "started, filled with data and stopped by randsync");
  AddWorkloadOptions(*cmd, o->workload, false);
  cmd->get_option("--grammar")->description("Grammar file (.yy); default: grammars/default.yy");
  cmd->add_option("--master", o->master, "Load this server (mysql://user@host:port/db) instead of a throwaway one");
  cmd->add_option("--gendata", o->gendata,
                  "Create test data first: RQG's default data, or the tables of a .zz data spec "
                  "(default on a throwaway server)")
      ->expected(0, 1)
      ->default_str("");
  cmd->add_flag("--no-gendata", o->no_gendata, "Do not create data on the throwaway server");
  cmd->add_option("-T,--threads", o->threads, "Worker threads, one connection each")
      ->check(CLI::Range(1u, 4096u))
      ->capture_default_str();
  cmd->add_option("-d,--duration", o->duration_s, "Seconds to run (0: until --queries or Ctrl-C)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("-n,--queries", o->queries, "Queries per thread (0: no limit), as RQG's --queries");
  cmd->add_option("-s,--seed", o->seed, "Seed of the data and of every thread's stream")->capture_default_str();
  cmd->add_option("--statement-timeout", o->statement_timeout_s,
                  "Seconds a statement may run (max_statement_time, then KILL QUERY); 0: none")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--lock-wait-timeout", o->lock_wait_timeout_s,
                  "Seconds a statement may wait for a metadata lock (the session's lock_wait_timeout; "
                  "10 breaks the lock cycles of DDL grammars); 0: the server's")
      ->check(CLI::Range(0u, 31536000u));
  cmd->add_option("--query-log", o->query_log_dir,
                  "Directory for per-thread query logs (thread-N.sql) that replay exactly");
  cmd->add_option("--report", o->report, "Write the run's outcome and counters as JSON to this file");
  cmd->add_option("--basedir", o->basedir, "Server installation or build tree to start mariadbd from")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--mariadbd", o->mariadbd, "The mariadbd binary (default /usr/sbin/mariadbd)");
  cmd->add_option("--install-db", o->install_db, "The mariadb-install-db script used to bootstrap");
  cmd->add_option("--mysqld", o->mysqld_options, "Server option for the throwaway server, e.g. --mysqld=--binlog-format=row (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--keep-server-files", o->keep_server_files, "Keep the throwaway server's datadir and logs");
  return [o]() -> int {
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    return RunLoad(*o);
  };
}

}  // namespace randsync::cli
