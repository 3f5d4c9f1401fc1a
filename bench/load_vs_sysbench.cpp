// randsync's load engine against sysbench oltp_point_select, on one server.
//
// Starts one throwaway server, lets `sysbench oltp_point_select prepare` fill
// sbtest.sbtest1 (--table-size rows), then runs, in the same process run and
// on the same table, with the same thread count, both on the text protocol:
//  (a) sysbench oltp_point_select --db-ps-mode=disable --rand-type=uniform:
//      "SELECT c FROM sbtest1 WHERE id=<1..N>", one query per event;
//  (b) randsync's LoadEngine with a grammar producing the same statements
//      (see PointSelectGrammar below), in a child process of its own
//      (this program re-executed with --child-randsync) so that its CPU
//      time is measured apart from the parent's.
// Each round runs both; the order alternates between rounds. Prints
// statements/s of each, randsync/sysbench, and the client CPU seconds
// (user + sys) per 100k statements. Target: ratio >= 0.9.
//
// Both clients share the machine with the server: on a small box the
// client's CPU per statement decides the rate as much as the server does.
//
//   load_vs_sysbench [--threads 8] [--time 20] [--table-size 100000]
//                    [--rounds 2] [--id-style alternatives|arithmetic|perl]
//                    [--buffer-pool 256M] [--basedir DIR]
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <iterator>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "db/connection.h"
#include "db/dsn.h"
#include "engine/generator/program.h"
#include "engine/grammar/parser.h"
#include "engine/load/load_engine.h"
#include "engine/values/values.h"
#include "runners/server/throwaway_server.h"

using namespace randsync;

namespace {

struct Args {
  unsigned threads = 8;
  unsigned time_s = 20;
  uint64_t table_size = 100000;
  unsigned rounds = 2;
  std::string id_style = "alternatives";
  std::string buffer_pool = "256M";
  std::string basedir;
  // Child mode: run only randsync's part against this DSN.
  bool child = false;
  std::string dsn;
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  CLI::App app{"randsync's load engine against sysbench oltp_point_select on one server", "load_vs_sysbench"};
  app.add_option("--threads", a.threads, "Threads of both clients")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--time", a.time_s, "Seconds per client and round")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--table-size", a.table_size, "Rows of sbtest1")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--rounds", a.rounds, "Alternating rounds")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--id-style", a.id_style, "How the grammar draws the id")
      ->check(CLI::IsMember({"alternatives", "arithmetic", "perl"}))
      ->capture_default_str();
  app.add_option("--buffer-pool", a.buffer_pool, "innodb_buffer_pool_size")->capture_default_str();
  app.add_option("--basedir", a.basedir, "Server installation or build tree");
  // Internal: the forked child runs only randsync's part against this DSN.
  app.add_option("--child-randsync", a.dsn)->group("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  a.child = !a.dsn.empty();
  return a;
}

// The grammar equivalent to oltp_point_select: "SELECT c FROM sbtest1 WHERE
// id=<uniform 1..N>". RQG has no built-in for an integer range, and grammar
// words are always separated by non-word text, so _digit tokens cannot be
// glued into one number. Three ways:
//  alternatives (default): `row_id: 1 | 2 | ... | N ;`, a rule with one
//      literal alternative per row. Pure grammar, exactly uniform, and the
//      statement text is byte for byte sysbench's; a draw is one uniform
//      index into the rule's alternatives (the Program compiles each
//      alternative to one text op, so N = 100k costs a few MB, once).
//  arithmetic: `id=1+_digit*10000+...+_digit` (N a power of 10): pure
//      grammar, but the server evaluates the expression.
//  perl: `id={ $prng->int(1, N) }`, RQG's idiom: a Perl call per statement.
std::string PointSelectGrammar(const std::string& style, uint64_t n) {
  if (style == "perl") {
    return "query: SELECT c FROM sbtest1 WHERE id={ $prng->int(1, " + std::to_string(n) +
           ") } ;\n";
  }
  if (style == "arithmetic") {
    unsigned digits = 0;
    uint64_t p = 1;
    while (p < n) {
      p *= 10;
      ++digits;
    }
    if (p != n) throw std::invalid_argument("--id-style arithmetic needs a power of 10 as table size");
    std::string expr = "1";
    for (unsigned d = digits; d-- > 0;) {
      uint64_t weight = 1;
      for (unsigned k = 0; k < d; ++k) weight *= 10;
      expr += "+_digit";
      if (weight > 1) expr += "*" + std::to_string(weight);
    }
    return "query: SELECT c FROM sbtest1 WHERE id=" + expr + " ;\n";
  }
  std::string g = "query: SELECT c FROM sbtest1 WHERE id=row_id ;\nrow_id:";
  g.reserve(g.size() + n * 9);
  for (uint64_t i = 1; i <= n; ++i) {
    if (i > 1) g += " |";
    if (i % 16 == 0) g += "\n ";
    g += " " + std::to_string(i);
  }
  g += " ;\n";
  return g;
}

double CpuSeconds(const struct rusage& r) {
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

// utime + stime of a process (the server), from /proc/<pid>/stat.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string LoadAvg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

// --- child mode: randsync's load, timed and measured from the inside.
int ChildMain(const Args& args) {
  db::Dsn dsn = db::ParseDsn(args.dsn, nullptr);
  auto values = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  auto program = std::make_shared<Program>(
      grammar::ParseGrammarText(PointSelectGrammar(args.id_style, args.table_size),
                                "point_select.yy"),
      *values);
  load::LoadOptions o;
  o.threads = args.threads;
  o.duration = std::chrono::seconds(args.time_s);
  o.program = program;
  o.values = values;
  o.dsn = dsn;
  o.seed = 1;

  struct rusage before {}, after {};
  getrusage(RUSAGE_SELF, &before);
  load::LoadEngine engine(o);
  load::LoadResult r = engine.Run();
  getrusage(RUSAGE_SELF, &after);
  std::fputs(r.summary.ToText().c_str(), stderr);
  if (r.fatal) std::fprintf(stderr, "fatal: %s\n", r.fatal->Describe().c_str());
  std::printf("randsync-result statements=%llu failed=%llu elapsed=%.6f rate=%.3f cpu=%.6f\n",
              static_cast<unsigned long long>(r.summary.statements),
              static_cast<unsigned long long>(r.summary.failed()), r.summary.elapsed_s,
              r.summary.statements_per_s, CpuSeconds(after) - CpuSeconds(before));
  std::fflush(stdout);
  return r.fatal ? 1 : 0;
}

// --- parent: child processes with their stdout and resource usage.
struct ChildRun {
  int status = 0;
  std::string out;
  struct rusage usage {};
};

ChildRun Spawn(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    std::vector<char*> av;
    for (const std::string& s : argv) av.push_back(const_cast<char*>(s.c_str()));
    av.push_back(nullptr);
    execvp(av[0], av.data());
    std::fprintf(stderr, "load_vs_sysbench: cannot run %s: %s\n", av[0], std::strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  ChildRun run;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  while (wait4(pid, &run.status, 0, &run.usage) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
    throw std::runtime_error(argv[0] + " " + argv[1] + " failed (status " +
                             std::to_string(run.status) + "); output:\n" + run.out);
  }
  return run;
}

struct Measure {
  std::string who;
  unsigned round = 0;
  uint64_t statements = 0;
  double rate = 0;
  double cpu_s = 0;        // client CPU of the load phase
  double cpu_total_s = 0;  // the whole client process
  double server_cpu_s = 0;  // mariadbd's CPU during the whole client process
  std::string load;
};

std::vector<std::string> SysbenchArgv(const Args& a, uint16_t port, const std::string& cmd) {
  return {"sysbench",
          "oltp_point_select",
          "--db-driver=mysql",
          "--mysql-host=127.0.0.1",
          "--mysql-port=" + std::to_string(port),
          "--mysql-user=root",
          "--mysql-password=",
          "--mysql-db=sbtest",
          "--tables=1",
          "--table-size=" + std::to_string(a.table_size),
          "--threads=" + std::to_string(cmd == "prepare" ? 1u : a.threads),
          "--time=" + std::to_string(a.time_s),
          "--report-interval=0",
          "--db-ps-mode=disable",
          "--rand-type=uniform",
          cmd};
}

Measure RunSysbench(const Args& a, uint16_t port, unsigned round) {
  Measure m;
  m.who = "sysbench";
  m.round = round;
  m.load = LoadAvg();
  ChildRun r = Spawn(SysbenchArgv(a, port, "run"));
  std::smatch q;
  static const std::regex kQueries(R"(queries:\s+(\d+)\s+\(([0-9.]+) per sec\.\))");
  if (!std::regex_search(r.out, q, kQueries)) {
    throw std::runtime_error("no 'queries:' line in sysbench's output:\n" + r.out);
  }
  static const std::regex kErrors(R"(ignored errors:\s+(\d+))");
  std::smatch e;
  if (std::regex_search(r.out, e, kErrors) && e[1] != "0") {
    std::fprintf(stderr, "load_vs_sysbench: sysbench ignored %s errors\n", e[1].str().c_str());
  }
  m.statements = std::stoull(q[1]);
  m.rate = std::stod(q[2]);
  m.cpu_s = m.cpu_total_s = CpuSeconds(r.usage);
  return m;
}

Measure RunRandsync(const Args& a, const std::string& self, const std::string& dsn,
                    unsigned round) {
  Measure m;
  m.who = "randsync";
  m.round = round;
  m.load = LoadAvg();
  ChildRun r = Spawn({self, "--child-randsync", dsn, "--threads", std::to_string(a.threads),
                      "--time", std::to_string(a.time_s), "--table-size",
                      std::to_string(a.table_size), "--id-style", a.id_style});
  unsigned long long statements = 0, failed = 0;
  double elapsed = 0, rate = 0, cpu = 0;
  const char* line = std::strstr(r.out.c_str(), "randsync-result ");
  if (line == nullptr ||
      std::sscanf(line, "randsync-result statements=%llu failed=%llu elapsed=%lf rate=%lf cpu=%lf",
                  &statements, &failed, &elapsed, &rate, &cpu) != 5) {
    throw std::runtime_error("no result line from the randsync child:\n" + r.out);
  }
  if (failed != 0) std::fprintf(stderr, "load_vs_sysbench: randsync: %llu statements failed\n", failed);
  m.statements = statements;
  m.rate = rate;
  m.cpu_s = cpu;
  m.cpu_total_s = CpuSeconds(r.usage);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  if (args.child) {
    try {
      return ChildMain(args);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "load_vs_sysbench (randsync child): %s\n", e.what());
      return 1;
    }
  }

  server::ServerOptions so = args.basedir.empty()
                                 ? server::ServerOptions{}
                                 : server::ServerOptions::FromBasedir(args.basedir);
  so.role = "sysbench-bench";
  so.extra_options = {"--innodb-buffer-pool-size=" + args.buffer_pool,
                      "--max-connections=200"};
  try {
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    server::ThrowawayServer server(so);
    server.Start();
    {
      db::Connection c(db::ParseDsn(server.Dsn("test"), nullptr));
      c.Execute("CREATE DATABASE sbtest");
    }
    std::printf("load_vs_sysbench: %u threads, %u s per run, %u round(s), sbtest1 of %llu rows, "
                "randsync id style %s, server %s\n",
                args.threads, args.time_s, args.rounds,
                static_cast<unsigned long long>(args.table_size), args.id_style.c_str(),
                server.Dsn("sbtest").c_str());
    std::printf("machine: %ld cpus online, load average %s\n", sysconf(_SC_NPROCESSORS_ONLN),
                LoadAvg().c_str());
    std::fflush(stdout);
    Spawn(SysbenchArgv(args, server.port(), "prepare"));
    const std::string dsn = server.Dsn("sbtest");

    std::vector<Measure> all;
    for (unsigned round = 1; round <= args.rounds; ++round) {
      const bool sysbench_first = round % 2 == 1;
      for (int k = 0; k < 2; ++k) {
        const double server_cpu0 = ProcessCpuSeconds(server.pid());
        Measure m = (k == 0) == sysbench_first ? RunSysbench(args, server.port(), round)
                                               : RunRandsync(args, self, dsn, round);
        m.server_cpu_s = ProcessCpuSeconds(server.pid()) - server_cpu0;
        std::printf("  round %u %-8s %10llu statements %10.0f/s  client CPU %6.2f s "
                    "(process %6.2f s)  server CPU %6.2f s  load avg before %s\n",
                    round, m.who.c_str(), static_cast<unsigned long long>(m.statements), m.rate,
                    m.cpu_s, m.cpu_total_s, m.server_cpu_s, m.load.c_str());
        std::fflush(stdout);
        all.push_back(m);
      }
      server.CheckAlive();
    }
    server.Stop();

    // Per round, then the mean over rounds (rates) and the pooled CPU per
    // statement (CPU seconds summed over rounds / statements summed).
    std::printf("\n%-6s %-9s %12s %18s %15s %15s\n", "round", "client", "statements/s",
                "randsync/sysbench", "client CPU s", "server CPU s");
    std::printf("%-6s %-9s %12s %18s %15s %15s\n", "", "", "", "", "per 100k stmts",
                "per 100k stmts");
    struct Pool {
      double rate = 0, cpu = 0, server_cpu = 0;
      uint64_t statements = 0;
      void Add(const Measure& m) {
        rate += m.rate;
        cpu += m.cpu_s;
        server_cpu += m.server_cpu_s;
        statements += m.statements;
      }
    } sb_pool, rs_pool;
    auto row = [](const std::string& round, const char* who, double rate, double ratio,
                  double cpu, double server_cpu, uint64_t statements) {
      const double per = statements == 0 ? 0 : 100000.0 / static_cast<double>(statements);
      char ratio_text[32] = "";
      if (ratio > 0) std::snprintf(ratio_text, sizeof ratio_text, "%.3f", ratio);
      std::printf("%-6s %-9s %12.0f %18s %15.3f %15.3f\n", round.c_str(), who, rate, ratio_text,
                  cpu * per, server_cpu * per);
    };
    for (unsigned round = 1; round <= args.rounds; ++round) {
      const Measure* sb = nullptr;
      const Measure* rs = nullptr;
      for (const Measure& m : all) {
        if (m.round != round) continue;
        (m.who == "sysbench" ? sb : rs) = &m;
      }
      row(std::to_string(round), "sysbench", sb->rate, 0, sb->cpu_s, sb->server_cpu_s,
          sb->statements);
      row(std::to_string(round), "randsync", rs->rate, rs->rate / sb->rate, rs->cpu_s,
          rs->server_cpu_s, rs->statements);
      sb_pool.Add(*sb);
      rs_pool.Add(*rs);
    }
    row("mean", "sysbench", sb_pool.rate / args.rounds, 0, sb_pool.cpu, sb_pool.server_cpu,
        sb_pool.statements);
    row("mean", "randsync", rs_pool.rate / args.rounds, rs_pool.rate / sb_pool.rate, rs_pool.cpu,
        rs_pool.server_cpu, rs_pool.statements);
    std::printf("load average at the end: %s\n", LoadAvg().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "load_vs_sysbench: %s\n", e.what());
    return 1;
  }
  return 0;
}
