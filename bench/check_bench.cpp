// Consistency checkers on the same data, in one run: pt-table-checksum,
// CHECKSUM TABLE and `randsync check`.
//
// Starts a throwaway master (binlog ROW) and a throwaway slave replicating
// from it by GTID, fills database `bench` with --rows rows over four tables
// of mixed types (ints, varchar, char, text, datetime, double, decimal, a
// MEDIUMBLOB in one table, a secondary key in one, a two-column primary key
// in one) with server-side INSERT ... SELECT FROM seq_A_to_B batches, waits
// until the slave has applied everything and runs ANALYZE TABLE on both.
// Then, --repeat times, interleaved so that drift hits every method alike:
//  (a) pt-table-checksum on the master, the slave found through a DSN table
//      (percona.dsns), --replicate=percona.checksums, default chunking
//      (--slave-skip-tolerance=2 against random skips, see RunPt); it
//      must report every table with ERRORS 0 and DIFFS 0 and exit 0;
//  (b) CHECKSUM TABLE of all tables on the master, then on the slave
//      (sequential pair), and on both at once (two threads); the values of
//      the two servers must agree;
//  (c) `randsync check --master ... --slave ... --databases bench --threads N
//      --json FILE` for each N of --threads-list (0: no --threads, randsync's
//      default); exit 0 and "status" in the
//      JSON must say equal. Skipped with a note when the binary has no
//      `check` subcommand.
// Prints min and median wall seconds, the peak RSS of the client process
// (wait4's ru_maxrss; CHECKSUM TABLE runs inside this program and has no
// client of its own), the CPU seconds of both servers and of the client
// process, and ratios to pt-table-checksum and to the
// CHECKSUM TABLE pair. Target: randsync <= 1/3 of pt-table-checksum and
// <= 1.2x the sequential CHECKSUM TABLE pair.
//
//   check_bench [--rows 2000000] [--repeat 3] [--threads-list 0,4]
//               [--randsync PATH] [--buffer-pool 1G] [--batch 250000]
//               [--pt-table-checksum PATH] [--skip-pt] [--basedir DIR] [--hold S]
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "db/dsn.h"
#include "runners/server/replication.h"
#include "runners/server/throwaway_server.h"

using namespace randsync;

namespace {

struct Args {
  uint64_t rows = 2000000;
  unsigned repeat = 3;
  std::vector<unsigned> threads_list = {0, 4};  // 0: randsync's default
  std::string randsync;
  std::string buffer_pool = "1G";
  uint64_t batch = 250000;
  std::string pt = "/usr/bin/pt-table-checksum";
  bool skip_pt = false;
  std::string basedir;
  unsigned hold_s = 0;
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  CLI::App app{"pt-table-checksum, CHECKSUM TABLE and randsync check on one master and slave",
               "check_bench"};
  app.add_option("--rows", a.rows, "Rows over all tables")
      ->check(CLI::Range(uint64_t{1000}, uint64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--repeat", a.repeat, "Timed runs of every method")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--threads-list", a.threads_list,
                 "randsync check --threads values (comma list; 0: its default, the cores up to 4)")
      ->delimiter(',')
      ->check(CLI::NonNegativeNumber);
  app.add_option("--randsync", a.randsync,
                 "randsync binary (default: randsync next to this program)");
  app.add_option("--buffer-pool", a.buffer_pool, "innodb_buffer_pool_size of each server")
      ->capture_default_str();
  app.add_option("--batch", a.batch, "Rows per INSERT ... SELECT while loading")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--pt-table-checksum", a.pt, "pt-table-checksum binary")->capture_default_str();
  app.add_flag("--skip-pt", a.skip_pt, "Do not run pt-table-checksum");
  app.add_option("--basedir", a.basedir, "Server installation or build tree");
  app.add_option("--hold", a.hold_s,
                 "After loading, keep the servers up this many seconds (for profiling by hand)"
                 " instead of timing the methods");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  return a;
}

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string LoadAvg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

double CpuSeconds(const struct rusage& r) {
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

// utime + stime of a process (a server), from /proc/<pid>/stat.
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

// --- the dataset --------------------------------------------------------

struct TableSpec {
  std::string name;
  unsigned share_percent;  // of --rows
  std::string create;
  // SELECT list over `seq` (the row number, 1-based within the table).
  std::string select;
};

std::vector<TableSpec> Tables() {
  return {
      {"t1", 40,
       "CREATE TABLE bench.t1 (id INT NOT NULL PRIMARY KEY, a INT, b BIGINT, v VARCHAR(100),"
       " t TEXT, dt DATETIME, d DOUBLE, n DECIMAL(12,2), KEY k_a (a)) ENGINE=InnoDB",
       "seq,"
       " IF(seq % 13 = 0, NULL, CAST((seq * 2654435761) % 1000003 AS SIGNED) - 500000),"
       " (seq * 2654435761) % 9223372036854775783,"
       " IF(seq % 17 = 0, NULL, LEFT(CONCAT(MD5(seq), SHA1(seq)), 5 + seq % 70)),"
       " IF(seq % 19 = 0, NULL, LEFT(REPEAT(CONCAT(SHA2(seq, 256), ' '), 4), 30 + (seq * 7) % 200)),"
       " TIMESTAMP'1990-01-01 00:00:00' + INTERVAL ((seq * 7919) % 1000000000) SECOND,"
       " IF(seq % 23 = 0, NULL, seq * 1.1 + SIN(seq)),"
       " (seq % 10000000) / 100 - 12345.67"},
      {"t2", 30,
       "CREATE TABLE bench.t2 (id BIGINT NOT NULL PRIMARY KEY, c CHAR(32) NOT NULL,"
       " v VARCHAR(64), dt DATETIME(6), d DOUBLE, n DECIMAL(18,6), s SMALLINT, u INT UNSIGNED)"
       " ENGINE=InnoDB",
       "seq * 3,"
       " MD5(CONCAT('c', seq)),"
       " IF(seq % 11 = 0, '', LEFT(SHA1(seq * 7), 1 + seq % 40)),"
       " IF(seq % 29 = 0, NULL, TIMESTAMP'2001-02-03 04:05:06' + INTERVAL (seq * 37) SECOND"
       "    + INTERVAL (seq % 1000000) MICROSECOND),"
       " 1e6 / seq + seq,"
       " IF(seq % 2, 1, -1) * ((seq * 7919) % 999999999999 + (seq % 1000000) / 1000000),"
       " seq % 32000,"
       " (seq * 40503) % 4294967296"},
      {"t3", 20,
       "CREATE TABLE bench.t3 (id INT NOT NULL PRIMARY KEY, v VARCHAR(40), b MEDIUMBLOB,"
       " dt DATETIME, n DECIMAL(10,3)) ENGINE=InnoDB",
       "seq,"
       " CONCAT('name-', seq),"
       " IF(seq % 31 = 0, NULL, LEFT(REPEAT(UNHEX(SHA2(seq, 512)), 8), 200 + seq % 200)),"
       " TIMESTAMP'2020-01-01 00:00:00' - INTERVAL seq MINUTE,"
       " (seq % 1000000) / 1000"},
      {"t4", 10,
       "CREATE TABLE bench.t4 (g INT NOT NULL, id INT NOT NULL, v VARCHAR(20), d DOUBLE,"
       " dt DATETIME, t TINYTEXT, PRIMARY KEY (g, id)) ENGINE=InnoDB",
       "seq % 97, seq,"
       " HEX(seq * 2654435761),"
       " IF(seq % 7 = 0, NULL, SQRT(seq)),"
       " TIMESTAMP'1970-01-02 00:00:00' + INTERVAL seq HOUR,"
       " IF(seq % 5 = 0, NULL, LEFT(MD5(seq), seq % 33))"},
  };
}

uint64_t RowsOf(const TableSpec& t, uint64_t total) { return total * t.share_percent / 100; }

std::string TableList(const std::vector<TableSpec>& tables) {
  std::string s;
  for (const TableSpec& t : tables) s += (s.empty() ? "bench." : ", bench.") + t.name;
  return s;
}

void LoadData(db::Connection& master, const std::vector<TableSpec>& tables, const Args& args) {
  master.Execute("CREATE DATABASE bench");
  for (const TableSpec& t : tables) master.Execute(t.create);
  master.Execute("SET SESSION unique_checks = 0, foreign_key_checks = 0");
  const uint64_t total = args.rows;
  uint64_t done = 0;
  const auto start = Clock::now();
  for (const TableSpec& t : tables) {
    const uint64_t n = RowsOf(t, total);
    for (uint64_t from = 1; from <= n; from += args.batch) {
      const uint64_t to = std::min(n, from + args.batch - 1);
      done += master.Execute("INSERT INTO bench." + t.name + " SELECT " + t.select +
                             " FROM seq_" + std::to_string(from) + "_to_" + std::to_string(to));
      const double s = Seconds(start);
      std::printf("\r  loading: %s rows %llu..%llu; %llu of %llu rows, %.1f s (%.0f rows/s)   ",
                  t.name.c_str(), static_cast<unsigned long long>(from),
                  static_cast<unsigned long long>(to), static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(total), s, static_cast<double>(done) / s);
      std::fflush(stdout);
    }
  }
  std::printf("\n");
}

// --- child processes ----------------------------------------------------

struct ChildRun {
  int status = 0;
  std::string out;  // stdout and stderr together
  double wall_s = 0;
  long max_rss_kb = 0;
  double cpu_s = 0;  // user + sys of the child
};

// Runs argv with stdout+stderr captured; times it from fork to reaping.
ChildRun Spawn(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const auto start = Clock::now();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    std::vector<char*> av;
    for (const std::string& s : argv) av.push_back(const_cast<char*>(s.c_str()));
    av.push_back(nullptr);
    execvp(av[0], av.data());
    std::fprintf(stderr, "check_bench: cannot run %s: %s\n", av[0], std::strerror(errno));
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
  struct rusage usage {};
  while (wait4(pid, &run.status, 0, &usage) < 0 && errno == EINTR) {
  }
  run.wall_s = Seconds(start);
  run.max_rss_kb = usage.ru_maxrss;
  run.cpu_s = CpuSeconds(usage);
  return run;
}

std::string Describe(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// --- the methods --------------------------------------------------------

struct Sample {
  double wall_s = 0;
  long max_rss_kb = -1;     // -1: no client process of its own
  double client_cpu_s = -1;  // -1: likewise
  double servers_cpu_s = 0;  // both mariadbd, filled in by the caller
};

// (a) pt-table-checksum; throws unless every table was compared with no
// error and no difference.
Sample RunPt(const Args& args, uint16_t master_port, const std::vector<TableSpec>& tables,
             bool verbose) {
  const std::string port = std::to_string(master_port);
  ChildRun r = Spawn({args.pt, "h=127.0.0.1,P=" + port + ",u=root",
                      "--recursion-method=dsn=h=127.0.0.1,P=" + port + ",u=root,D=percona,t=dsns",
                      "--databases=bench", "--replicate=percona.checksums",
                      "--no-check-binlog-format",
                      // A table the master checksums in one chunk is skipped
                      // (exit 64) when the slave's EXPLAIN estimate is over
                      // chunk size x --chunk-size-limit; with the dynamic chunk
                      // size that happened at random to the 400k-row t3
                      // (412237 estimated on the slave against a limit of
                      // 404752). This tolerates estimates up to 2x.
                      "--slave-skip-tolerance=2"});
  if (verbose) std::printf("%s", r.out.c_str());
  if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
    throw std::runtime_error("pt-table-checksum failed (" + Describe(r.status) + "):\n" + r.out);
  }
  // Rows: TS ERRORS DIFFS ROWS [DIFF_ROWS] CHUNKS SKIPPED TIME TABLE
  std::map<std::string, bool> seen;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::vector<std::string> w{std::istream_iterator<std::string>(f),
                               std::istream_iterator<std::string>()};
    if (w.size() < 8 || w.back().rfind("bench.", 0) != 0) continue;
    if (w[1] != "0" || w[2] != "0") {
      throw std::runtime_error("pt-table-checksum reported errors or diffs:\n" + r.out);
    }
    seen[w.back()] = true;
  }
  for (const TableSpec& t : tables) {
    if (!seen.count("bench." + t.name)) {
      throw std::runtime_error("pt-table-checksum did not report bench." + t.name + ":\n" + r.out);
    }
  }
  return {r.wall_s, r.max_rss_kb, r.cpu_s};
}

// CHECKSUM TABLE of all tables on one server: "table=value ..." for comparing.
std::string ChecksumAll(const std::string& dsn, const std::string& list) {
  db::Connection c(db::ParseDsn(dsn, nullptr));
  db::RowSet rs = c.QueryRows("CHECKSUM TABLE " + list);
  std::string s;
  for (const auto& row : rs.rows) {
    s += row.at(0).value_or("?") + "=" + row.at(1).value_or("NULL") + " ";
  }
  return s;
}

Sample RunChecksumSequential(const std::string& mdsn, const std::string& sdsn,
                             const std::string& list) {
  const auto start = Clock::now();
  std::string m = ChecksumAll(mdsn, list);
  std::string s = ChecksumAll(sdsn, list);
  Sample out{Seconds(start)};
  if (m != s) throw std::runtime_error("CHECKSUM TABLE differs: master " + m + "; slave " + s);
  return out;
}

Sample RunChecksumParallel(const std::string& mdsn, const std::string& sdsn,
                           const std::string& list) {
  const auto start = Clock::now();
  std::string m, s, error;
  std::thread other([&] {
    try {
      s = ChecksumAll(sdsn, list);
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  try {
    m = ChecksumAll(mdsn, list);
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  Sample out{Seconds(start)};
  if (!error.empty()) throw std::runtime_error(error);
  if (m != s) throw std::runtime_error("CHECKSUM TABLE differs: master " + m + "; slave " + s);
  return out;
}

std::string ThreadsLabel(unsigned threads) { return threads == 0 ? "default" : std::to_string(threads); }

// (c) randsync check; throws unless it exits 0 (equal) and writes a JSON
// report with a "status" (returned in *status).
Sample RunRandsync(const Args& args, uint16_t mport, uint16_t sport, unsigned threads,
                   const std::filesystem::path& json_path, bool verbose, std::string* status) {
  std::filesystem::remove(json_path);
  std::vector<std::string> argv = {args.randsync, "check", "--master",
                                   "mysql://root@127.0.0.1:" + std::to_string(mport) + "/", "--slave",
                                   "mysql://root@127.0.0.1:" + std::to_string(sport) + "/", "--databases",
                                   "bench", "--json", json_path.string()};
  if (threads != 0) {
    argv.push_back("--threads");
    argv.push_back(std::to_string(threads));
  }
  ChildRun r = Spawn(argv);
  if (verbose) std::printf("%s", r.out.c_str());
  if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
    throw std::runtime_error("randsync check --threads " + ThreadsLabel(threads) + " failed (" +
                             Describe(r.status) + "):\n" + r.out);
  }
  std::ifstream f(json_path);
  if (!f) throw std::runtime_error("randsync check wrote no " + json_path.string());
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    throw std::runtime_error("randsync check's JSON does not parse: " + std::string(e.what()));
  }
  if (!j.contains("status")) throw std::runtime_error("randsync check's JSON has no \"status\"");
  *status = j["status"].is_string() ? j["status"].get<std::string>() : j["status"].dump();
  if (j.contains("seconds")) *status += " phases " + j["seconds"].dump();
  return {r.wall_s, r.max_rss_kb, r.cpu_s};
}

// Whether `randsync check --help` works.
bool HasCheck(const std::string& randsync, std::string* why) {
  if (access(randsync.c_str(), X_OK) != 0) {
    *why = randsync + " is not an executable";
    return false;
  }
  ChildRun r = Spawn({randsync, "check", "--help"});
  if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
    *why = randsync + " check --help: " + Describe(r.status) + ": " +
           r.out.substr(0, r.out.find('\n'));
    return false;
  }
  return true;
}

// --- report -------------------------------------------------------------

struct Method {
  std::string name;
  std::vector<Sample> samples;
  bool is_randsync = false;

  double Min() const {
    double m = samples.at(0).wall_s;
    for (const Sample& s : samples) m = std::min(m, s.wall_s);
    return m;
  }
  double Median() const {
    std::vector<double> v;
    for (const Sample& s : samples) v.push_back(s.wall_s);
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  double MedianOf(double Sample::*field) const {
    std::vector<double> v;
    for (const Sample& s : samples) v.push_back(s.*field);
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  long PeakRssKb() const {
    long m = -1;
    for (const Sample& s : samples) m = std::max(m, s.max_rss_kb);
    return m;
  }
};

}  // namespace

int main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  if (args.randsync.empty()) args.randsync = (self.parent_path() / "randsync").string();

  server::ServerOptions base = args.basedir.empty()
                                   ? server::ServerOptions{}
                                   : server::ServerOptions::FromBasedir(args.basedir);
  const std::vector<std::string> common = {"--innodb-buffer-pool-size=" + args.buffer_pool,
                                           "--innodb-log-file-size=512M",
                                           "--max-allowed-packet=64M", "--max-connections=200"};
  server::ServerOptions mo = base;
  mo.role = "check-bench-master";
  mo.extra_options = common;
  for (const std::string& o : server::MasterOptions("ROW")) mo.extra_options.push_back(o);
  server::ServerOptions so = base;
  so.role = "check-bench-slave";
  so.extra_options = common;
  for (const std::string& o : server::SlaveOptions(2)) so.extra_options.push_back(o);

  try {
    const std::vector<TableSpec> tables = Tables();
    const std::string list = TableList(tables);

    server::ThrowawayServer master(mo);
    server::ThrowawayServer slave(so);
    master.Start();
    slave.Start();
    const std::string mdsn = master.Dsn("test");
    const std::string sdsn = slave.Dsn("test");
    db::Connection mc(db::ParseDsn(mdsn, nullptr));
    db::Connection sc(db::ParseDsn(sdsn, nullptr));
    server::StartReplicaAtGtid(sc, {"127.0.0.1", master.port(), "root", ""}, "");

    std::printf("check_bench: %llu rows over %zu tables, buffer pool %s, %u run(s) per method\n",
                static_cast<unsigned long long>(args.rows), tables.size(),
                args.buffer_pool.c_str(), args.repeat);
    std::printf("master %s (binlog ROW), slave %s\n", mdsn.c_str(), sdsn.c_str());
    std::printf("machine: %ld cpus online, load average %s\n", sysconf(_SC_NPROCESSORS_ONLN),
                LoadAvg().c_str());
    std::fflush(stdout);

    auto start = Clock::now();
    LoadData(mc, tables, args);
    const double load_s = Seconds(start);
    // The DSN table pt-table-checksum finds the slave through (replicates too).
    mc.Execute("CREATE DATABASE percona");
    mc.Execute(
        "CREATE TABLE percona.dsns (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT,"
        " dsn VARCHAR(255) NOT NULL)");
    mc.Execute("INSERT INTO percona.dsns (dsn) VALUES ('h=127.0.0.1,P=" +
               std::to_string(slave.port()) + ",u=root')");
    const std::string gtid = mc.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
    start = Clock::now();
    if (!server::WaitForGtid(sc, gtid, std::chrono::seconds(1800))) {
      throw std::runtime_error("the slave did not reach " + gtid + " in 30 min");
    }
    const double catchup_s = Seconds(start);
    for (db::Connection* c : {&mc, &sc}) {
      c->QueryRows("ANALYZE TABLE " + list);
    }
    std::printf("loaded in %.1f s, slave caught up %.1f s later (gtid %s)\n", load_s, catchup_s,
                gtid.c_str());
    for (const TableSpec& t : tables) {
      auto size = mc.QueryValue(
          "SELECT ROUND((data_length + index_length) / 1048576) FROM information_schema.tables"
          " WHERE table_schema = 'bench' AND table_name = '" + t.name + "'");
      std::printf("  bench.%s: %llu rows, %s MB\n", t.name.c_str(),
                  static_cast<unsigned long long>(RowsOf(t, args.rows)),
                  size.value_or("?").c_str());
    }
    // An untimed pass on both so that every method starts from the same
    // warm buffer pools (the slave's pages were written by replication).
    RunChecksumParallel(mdsn, sdsn, list);
    if (args.hold_s > 0) {
      std::printf("holding the servers for %u s: master pid %d, slave pid %d\n", args.hold_s,
                  static_cast<int>(master.pid()), static_cast<int>(slave.pid()));
      std::fflush(stdout);
      // Until the time is up or SIGINT/SIGTERM: either way main returns and
      // the servers' destructors stop them and remove their directories.
      sigset_t stop;
      sigemptyset(&stop);
      sigaddset(&stop, SIGINT);
      sigaddset(&stop, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &stop, nullptr);
      const timespec wait{static_cast<time_t>(args.hold_s), 0};
      sigtimedwait(&stop, nullptr, &wait);
      return 0;
    }
    std::fflush(stdout);

    std::string why;
    const bool have_check = HasCheck(args.randsync, &why);
    if (!have_check) {
      std::printf("randsync check: SKIPPED (%s)\n", why.c_str());
    } else {
      std::printf("randsync: %s\n", args.randsync.c_str());
    }

    std::vector<Method> methods;
    if (!args.skip_pt) methods.push_back({"pt-table-checksum", {}, false});
    methods.push_back({"CHECKSUM TABLE, master then slave", {}, false});
    methods.push_back({"CHECKSUM TABLE, both at once", {}, false});
    if (have_check) {
      for (unsigned t : args.threads_list) {
        methods.push_back({"randsync check --threads " + ThreadsLabel(t), {}, true});
      }
    }
    const std::filesystem::path json_path = master.dir() / "check_bench.json";

    for (unsigned rep = 1; rep <= args.repeat; ++rep) {
      for (Method& m : methods) {
        const bool first = rep == 1;
        Sample s;
        std::string status;
        const double servers_cpu0 = ProcessCpuSeconds(master.pid()) + ProcessCpuSeconds(slave.pid());
        if (m.name == "pt-table-checksum") {
          s = RunPt(args, master.port(), tables, first);
        } else if (m.name == "CHECKSUM TABLE, master then slave") {
          s = RunChecksumSequential(mdsn, sdsn, list);
        } else if (m.name == "CHECKSUM TABLE, both at once") {
          s = RunChecksumParallel(mdsn, sdsn, list);
        } else {
          const std::string label = m.name.substr(m.name.rfind(' ') + 1);
          const unsigned t = label == "default" ? 0 : static_cast<unsigned>(std::stoul(label));
          s = RunRandsync(args, master.port(), slave.port(), t, json_path, first, &status);
        }
        s.servers_cpu_s =
            ProcessCpuSeconds(master.pid()) + ProcessCpuSeconds(slave.pid()) - servers_cpu0;
        m.samples.push_back(s);
        std::printf("  run %u  %-36s %8.3f s", rep, m.name.c_str(), s.wall_s);
        std::printf("  servers CPU %6.2f s", s.servers_cpu_s);
        if (s.client_cpu_s >= 0) std::printf("  client CPU %6.2f s", s.client_cpu_s);
        if (s.max_rss_kb >= 0) std::printf("  peak RSS %6.1f MB", s.max_rss_kb / 1024.0);
        if (!status.empty()) std::printf("  status %s", status.c_str());
        std::printf("  (load avg %s)\n", LoadAvg().c_str());
        std::fflush(stdout);
      }
      master.CheckAlive();
      slave.CheckAlive();
    }

    const Method* pt = nullptr;
    const Method* pair = nullptr;
    for (const Method& m : methods) {
      if (m.name == "pt-table-checksum") pt = &m;
      if (m.name == "CHECKSUM TABLE, master then slave") pair = &m;
    }
    std::printf("\n%-36s %8s %9s %12s %8s %10s %12s %11s\n", "method", "min s", "median s",
                "peak RSS MB", "vs pt", "vs CT pair", "servers CPU", "client CPU");
    for (const Method& m : methods) {
      char rss[32] = "-";
      if (m.PeakRssKb() >= 0) std::snprintf(rss, sizeof rss, "%.1f", m.PeakRssKb() / 1024.0);
      char vs_pt[32] = "-";
      if (pt) std::snprintf(vs_pt, sizeof vs_pt, "%.3f", m.Median() / pt->Median());
      char vs_pair[32] = "-";
      if (pair) std::snprintf(vs_pair, sizeof vs_pair, "%.3f", m.Median() / pair->Median());
      char client_cpu[32] = "-";
      if (m.samples.at(0).client_cpu_s >= 0) {
        std::snprintf(client_cpu, sizeof client_cpu, "%.2f", m.MedianOf(&Sample::client_cpu_s));
      }
      std::printf("%-36s %8.3f %9.3f %12s %8s %10s %12.2f %11s\n", m.name.c_str(), m.Min(),
                  m.Median(), rss, vs_pt, vs_pair, m.MedianOf(&Sample::servers_cpu_s), client_cpu);
    }
    std::printf("(ratios of median wall times; CPU seconds are medians: both mariadbd together,"
                " and the client process)\n");
    std::printf("bar: randsync check <= 1/3 of pt-table-checksum (ratio <= 0.333) and <= 1.2x the"
                " CHECKSUM TABLE pair (ratio <= 1.200)\n");
    for (const Method& m : methods) {
      if (!m.is_randsync) continue;
      std::printf("  %-34s", m.name.c_str());
      if (pt) {
        const double r = m.Median() / pt->Median();
        std::printf("  vs pt %.3f %s", r, r <= 1.0 / 3 ? "MET" : "MISSED");
      }
      if (pair) {
        const double r = m.Median() / pair->Median();
        std::printf("  vs CHECKSUM TABLE pair %.3f %s", r, r <= 1.2 ? "MET" : "MISSED");
      }
      std::printf("\n");
    }
    if (!have_check) std::printf("  randsync check not measured: %s\n", why.c_str());
    std::printf("load average at the end: %s\n", LoadAvg().c_str());
    std::fflush(stdout);
    slave.Stop();
    master.Stop();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "\ncheck_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
