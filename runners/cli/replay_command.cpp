// `randsync replay RUN_DIR`: runs a recorded `randsync run` again, from the
// command line and working directory its config.json recorded (so the same
// grammar files, options and seed; the same server build unless --basedir /
// --mariadbd say otherwise, which is how a failure is bisected across
// builds). With --from-query-logs the workers send the recorded statements
// instead of generating. A campaign trial's run folder replays the same way.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "runners/cli/bisect_exit.h"
#include "runners/cli/subcommands.h"

namespace randsync::cli {
namespace {

namespace fs = std::filesystem;

struct ReplayCliOptions {
  std::string run_dir;
  bool from_query_logs = false;
  std::string results = "results";
  std::string basedir;
  std::string mariadbd;
  BisectOptions bisect;
};

// `args` without every `name value` / `name=value`.
std::vector<std::string> Without(const std::vector<std::string>& args, const std::string& name) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      ++i;  // and its value
      continue;
    }
    if (args[i].rfind(name + "=", 0) == 0) continue;
    out.push_back(args[i]);
  }
  return out;
}

int Replay(const ReplayCliOptions& o) {
  const fs::path dir = fs::absolute(o.run_dir);
  std::ifstream in(dir / "config.json");
  const nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  if (!config.is_object() || !config.contains("command_line") || config["command_line"].empty()) {
    throw std::runtime_error((dir / "config.json").string() +
                             ": no recorded command line (not a `randsync run` results folder, or one from an "
                             "older randsync)");
  }
  std::vector<std::string> recorded = config["command_line"].get<std::vector<std::string>>();
  std::vector<std::string> args(recorded.begin() + 1, recorded.end());
  // What the replay decides itself replaces what was recorded.
  for (const char* name : {"--results", "--replay-queries", "--bisect-bad"}) args = Without(args, name);
  std::erase(args, std::string("--bisect-exit"));
  if (!o.basedir.empty()) args = Without(args, "--basedir");
  if (!o.mariadbd.empty()) args = Without(args, "--mariadbd");
  args.push_back("--results");
  args.push_back(fs::absolute(o.results).string());
  if (o.from_query_logs) {
    if (!fs::is_directory(dir / "queries")) throw std::runtime_error(dir.string() + " has no queries/ folder");
    args.push_back("--replay-queries");
    args.push_back((dir / "queries").string());
  }
  if (!o.basedir.empty()) {
    args.push_back("--basedir");
    args.push_back(fs::absolute(o.basedir).string());
  }
  if (!o.mariadbd.empty()) {
    args.push_back("--mariadbd");
    args.push_back(fs::absolute(o.mariadbd).string());
  }
  if (o.bisect.enabled) {
    args.push_back("--bisect-exit");
    args.push_back("--bisect-bad");
    args.push_back(o.bisect.bad);
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const std::string cwd = config.value("working_dir", "");
  std::string shown = "randsync";
  for (const auto& a : args) shown += " " + a;
  Log("", fmt::format("replay of {} (in {}):\n  {}", dir.string(), cwd, shown));
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
    throw std::runtime_error("cannot enter the recorded working directory " + cwd);
  }
  std::vector<char*> argv;
  const std::string binary = ec ? recorded[0] : self.string();
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stderr);
  execv(binary.c_str(), argv.data());
  throw std::runtime_error("cannot run " + binary);
}

}  // namespace

Runner RegisterReplay(CLI::App& app) {
  auto o = std::make_shared<ReplayCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay", "Run a recorded `randsync run` (results/<run-id>/, also a campaign trial's) again: same command "
                "line, seed and server build; --from-query-logs sends the recorded statements");
  cmd->add_option("run_dir", o->run_dir, "The recorded run's results folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_flag("--from-query-logs", o->from_query_logs,
                "Send the statements of the run's queries/thread-N.sql instead of generating");
  cmd->add_option("--results", o->results, "Where the replay's results/<run-id>/ goes")->capture_default_str();
  cmd->add_option("--basedir", o->basedir, "Another server build for both servers (bisecting)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--mariadbd", o->mariadbd, "Another mariadbd binary (bisecting)")->check(CLI::ExistingFile);
  AddBisectOptions(*cmd, o->bisect);
  return [o]() -> int { return Replay(*o); };
}

}  // namespace randsync::cli
