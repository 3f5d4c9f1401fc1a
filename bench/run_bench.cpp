// What the main job costs and where its time goes: runs `randsync run` (the
// embedded default unless told otherwise) for each backup method, --repeat
// times interleaved, and prints from each run's report.json
//  - the median time of every phase (master+data, backup, prepare, slave
//    start, restore, each sync point, catch-up, final check) and of the whole
//    run;
//  - the load rate while the backup ran against the rate before it (the
//    master alone; timeline.csv's whole seconds, same run), and their
//    ratio: what the backup costs the master; and the rate after it, when
//    the slave replicates on the same machine;
//  - the status of every run (a benchmark of a failing run means nothing:
//    the program exits 1 if any run was not ok).
//
//   run_bench [--randsync PATH] [--paths mariabackup,mariadb-dump,mydumper,chain-2,stream-zstd,replica,...]
//             [--repeat 2] [--duration 60] [--threads 8] [--seed 1]
//             [--results DIR] [-- extra randsync run options...]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Runs argv with stdout and stderr to `log`; returns the exit status.
int RunLogged(const std::vector<std::string>& argv, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "w");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The provisioning paths --paths names: the run options each adds. A
// METHOD+OPTION not in the table is METHOD with --backup-option=--OPTION.
const std::map<std::string, std::vector<std::string>>& Paths() {
  static const std::map<std::string, std::vector<std::string>> paths = {
      {"mariabackup", {"--backup", "mariabackup"}},
      {"mariadb-dump", {"--backup", "mariadb-dump"}},
      {"mydumper", {"--backup", "mydumper"}},
      {"chain-2", {"--incrementals", "2", "--incremental-interval", "2"}},
      {"chain-4-kill", {"--incrementals", "4", "--incremental-interval", "2", "--kill-backup-at", "2"}},
      {"stream", {"--stream", "mbstream"}},
      {"stream-zstd", {"--stream", "mbstream", "--compress", "zstd"}},
      {"stream-lz4", {"--stream", "mbstream", "--compress", "lz4"}},
      {"parallel-4", {"--backup-parallel", "4"}},
      {"encrypt", {"--encrypt"}},
      {"partial", {"--tables", "^test\\.(A|B|CC)$"}},
      {"replica", {"--backup-from", "replica"}},
      {"replica-chain", {"--backup-from", "replica", "--chain"}},
      {"replica-dump", {"--backup-from", "replica", "--backup", "mariadb-dump"}},
      {"replica-mydumper", {"--backup-from", "replica", "--backup", "mydumper"}},
      {"xa", {"--grammar", "grammars/xa_prepared.yy"}},  // run from the source tree
      {"ddl", {"--grammar", "grammars/ddl_during_backup.yy"}},  // run from the source tree
  };
  return paths;
}

std::vector<std::string> PathArgs(const std::string& path) {
  if (auto it = Paths().find(path); it != Paths().end()) return it->second;
  const auto plus = path.find('+');
  std::vector<std::string> args = {"--backup", path.substr(0, plus)};
  if (plus != std::string::npos) args.push_back("--backup-option=--" + path.substr(plus + 1));
  return args;
}

struct MethodFigures {
  std::vector<std::string> phase_order;
  std::map<std::string, std::vector<double>> phases;
  std::vector<double> total, during, before, after, ratio;
  std::vector<double> info_ahead;  // --no-lock: the info file's lead over InnoDB's position, bytes
  std::vector<std::string> statuses;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Phase times of `randsync run` and the load rate during the backup vs before it");
  std::string randsync = (fs::path(argv[0]).parent_path() / "randsync").string();
  std::vector<std::string> backups = {"mariabackup", "mariadb-dump", "mydumper"};
  unsigned repeat = 2, duration = 60, threads = 8;
  uint64_t seed = 1;
  std::string results = "/tmp/randsync-run-bench";
  std::vector<std::string> extra;
  app.add_option("--randsync", randsync, "The randsync binary")->capture_default_str();
  std::string names;
  for (const auto& [name, args] : Paths()) names += (names.empty() ? "" : ", ") + name;
  app.add_option("--paths,--backups", backups,
                 "Provisioning paths (" + names + "); METHOD+OPTION adds --backup-option=--OPTION (mariabackup+no-lock)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--repeat", repeat, "Runs per method (interleaved)")->capture_default_str();
  app.add_option("--duration", duration, "--duration of each run")->capture_default_str();
  app.add_option("--threads", threads, "--threads of each run")->capture_default_str();
  app.add_option("--seed", seed, "Seed of the first round (+1 per round)")->capture_default_str();
  app.add_option("--results", results, "Where the runs' results go")->capture_default_str();
  app.add_option("extra", extra, "Further `randsync run` options (after --)");
  CLI11_PARSE(app, argc, argv);
  if (access(randsync.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "run_bench: %s is not executable (build randsync first, or pass --randsync)\n",
                 randsync.c_str());
    return 2;
  }

  std::map<std::string, MethodFigures> figures;
  bool all_ok = true;
  for (unsigned round = 0; round < repeat; ++round) {
    for (const auto& method : backups) {
      const fs::path root = fs::path(results) / method;
      std::vector<std::string> args = {randsync, "run", "--duration", std::to_string(duration),
                                       "--threads", std::to_string(threads), "--seed", std::to_string(seed + round),
                                       "--results", root.string()};
      const std::vector<std::string> path = PathArgs(method);
      args.insert(args.end(), path.begin(), path.end());
      args.insert(args.end(), extra.begin(), extra.end());
      fs::create_directories(root);
      const auto t0 = std::chrono::steady_clock::now();
      const int rc = RunLogged(args, root / fmt::format("round{}.log", round + 1));
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::ifstream in(root / "latest" / "report.json");
      json r = json::parse(in, nullptr, false);
      MethodFigures& f = figures[method];
      if (r.is_discarded()) {
        std::fprintf(stderr, "run_bench: %s round %u: exit %d and no report\n", method.c_str(), round + 1, rc);
        all_ok = false;
        continue;
      }
      f.statuses.push_back(r.value("status", "?"));
      if (rc != 0) all_ok = false;
      f.total.push_back(wall);
      for (const auto& p : r["phases"]) {
        const std::string name = p.value("phase", "?");
        if (!f.phases.count(name)) f.phase_order.push_back(name);
        f.phases[name].push_back(p.value("seconds", 0.0));
        if (p.contains("extract_s")) {  // a stream's decompress and mbstream -x, part of the phase
          const std::string extract = ": of it, extract";
          if (!f.phases.count(name + extract)) f.phase_order.push_back(name + extract);
          f.phases[name + extract].push_back(p.value("extract_s", 0.0));
        }
      }
      const json audit = r.contains("backup_position") ? r["backup_position"].value("audit", json::object()) : json();
      if (audit.is_object() && audit.contains("info_file_ahead_bytes")) {
        f.info_ahead.push_back(audit["info_file_ahead_bytes"].get<double>());
      }
      if (r.contains("load_rate")) {
        f.during.push_back(r["load_rate"].value("during_backup_per_s", 0.0));
        f.before.push_back(r["load_rate"].value("before_backup_per_s", 0.0));
        f.after.push_back(r["load_rate"].value("after_backup_per_s", 0.0));
        f.ratio.push_back(r["load_rate"].value("ratio", 0.0));
      }
      std::fprintf(stderr, "run_bench: %s round %u: %s in %.1f s\n", method.c_str(), round + 1,
                   r.value("status", "?").c_str(), wall);
    }
  }

  std::printf("randsync run, %u threads, %u s of load, %u round(s) per method; median seconds\n", threads, duration,
              repeat);
  for (const auto& method : backups) {
    const MethodFigures& f = figures[method];
    std::printf("\n%s (statuses:", method.c_str());
    for (const auto& s : f.statuses) std::printf(" %s", s.c_str());
    std::printf(")\n");
    for (const auto& name : f.phase_order) {
      std::printf("  %-26s %8.2f\n", name.c_str(), Median(f.phases.at(name)));
    }
    std::printf("  %-26s %8.2f\n", "whole run", Median(f.total));
    if (!f.info_ahead.empty()) {
      std::printf("  binlog info file ahead of InnoDB's position: median %.0f bytes (min %.0f, max %.0f)\n",
                  Median(f.info_ahead), *std::min_element(f.info_ahead.begin(), f.info_ahead.end()),
                  *std::max_element(f.info_ahead.begin(), f.info_ahead.end()));
    }
    if (f.ratio.empty()) {
      std::printf("  load during the backup: backup shorter than one whole second of load, no figure\n");
    } else {
      std::printf("  load during the backup %.0f statements/s, before it %.0f: ratio %.2f (min %.2f); after it "
                  "(slave replicating on this machine) %.0f\n",
                  Median(f.during), Median(f.before), Median(f.ratio),
                  *std::min_element(f.ratio.begin(), f.ratio.end()), Median(f.after));
    }
  }
  return all_ok ? 0 : 1;
}
