#include "runners/campaign/trial_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "base/status.h"
#include "runners/campaign/signature.h"

namespace randsync::campaign {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

// A trial whose status cannot be read counts as an environment failure.
constexpr int kEnvironmentExit = ExitCode(Status::kEnvironment);

using Clock = std::chrono::steady_clock;

// fork + exec with stdout/stderr to `log`; the child gets its own process
// group so that a signal to the campaign (Ctrl-C in a terminal) reaches the
// campaign first, which then ends its trials in order.
pid_t Spawn(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Waits for `pid` until `deadline` (or `stop`); returns its status, or
// nullopt.
std::optional<int> WaitUntil(pid_t pid, Clock::time_point deadline, const std::atomic<bool>* stop = nullptr) {
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return kEnvironmentExit;
    if (Clock::now() >= deadline || (stop != nullptr && *stop)) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

json TrialResult::ToJson() const {
  return {{"index", trial.index},   {"seed", trial.seed},         {"args", trial.args},
          {"choice", trial.choice}, {"exit_status", exit_status}, {"status", status},
          {"reason", reason},       {"signature", signature},     {"known_bug", known_bug}, {"seconds", seconds},
          {"timed_out", timed_out}, {"interrupted", interrupted}, {"run_dir", run_dir.string()}};
}

TrialResult TrialResult::FromJson(const json& j) {
  TrialResult r;
  r.trial.index = j.value("index", 0u);
  r.trial.seed = j.value("seed", uint64_t{0});
  r.trial.args = j.value("args", std::vector<std::string>{});
  r.trial.choice = j.value("choice", std::vector<std::string>{});
  r.exit_status = j.value("exit_status", kEnvironmentExit);
  r.status = j.value("status", "");
  r.reason = j.value("reason", "");
  r.signature = j.value("signature", "");
  r.known_bug = j.value("known_bug", "");
  r.seconds = j.value("seconds", 0.0);
  r.timed_out = j.value("timed_out", false);
  r.interrupted = j.value("interrupted", false);
  r.run_dir = j.value("run_dir", "");
  return r;
}

TrialResult RunTrial(const Trial& trial, const TrialOptions& o) {
  TrialResult r;
  r.trial = trial;
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  std::vector<std::string> argv = {o.randsync.string(), "run"};
  argv.insert(argv.end(), trial.args.begin(), trial.args.end());
  for (const std::string& a : {std::string("--seed"), std::to_string(trial.seed), std::string("--results"),
                               (o.dir / "results").string()}) {
    argv.push_back(a);
  }
  for (const std::string& f : o.known_bugs) {
    argv.push_back("--known-bugs");
    argv.push_back(f);
  }
  const auto start = Clock::now();
  const pid_t pid = Spawn(argv, o.dir / "trial.log");
  std::optional<int> rc;
  if (pid > 0) {
    rc = WaitUntil(pid, start + o.timeout, o.stop);
    if (!rc) {
      // Over its time: SIGINT ends a run cleanly with a partial report.
      r.interrupted = o.stop != nullptr && *o.stop;
      r.timed_out = !r.interrupted;
      kill(pid, SIGINT);
      rc = WaitUntil(pid, Clock::now() + o.grace);
      if (!rc) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        rc = WaitUntil(pid, Clock::now() + std::chrono::seconds(10));
      }
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.exit_status = rc.value_or(kEnvironmentExit);
  r.run_dir = fs::read_symlink(o.dir / "results" / "latest", ec);
  if (!ec) r.run_dir = o.dir / "results" / r.run_dir;
  std::ifstream in(r.run_dir / "report.json");
  const json report = ec ? json() : json::parse(in, nullptr, false);
  if (report.is_object()) {
    r.status = report.value("status", "");
    r.reason = report.value("reason", "");
    if (r.exit_status != 0) r.signature = FailureSignature(report, r.run_dir);
    if (r.exit_status != 0) r.known_bug = report.value("known_bug", json::object()).value("id", "");
  } else {
    // No report: the run died before writing one (or could not start).
    r.status = "STATUS_ENVIRONMENT_FAILURE";
    r.exit_status = r.exit_status == 0 ? kEnvironmentExit : r.exit_status;
    r.reason = pid > 0 ? fmt::format("the run left no report (exit {}); see {}", r.exit_status,
                                     (o.dir / "trial.log").string())
                       : "cannot start " + o.randsync.string();
    r.signature = r.status + ": no report";
  }
  if (r.timed_out) {
    r.reason = fmt::format("over the trial time limit of {} s; {}", o.timeout.count(), r.reason);
    r.signature = r.status + ": over the trial time limit";
    if (r.exit_status == 0) r.exit_status = kEnvironmentExit;
  }
  return r;
}

}  // namespace randsync::campaign
