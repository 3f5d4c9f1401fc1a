#include "runners/cli/app.h"

#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "base/log.h"
#include "runners/cli/subcommands.h"

namespace randsync::cli {

namespace {

// CLI11's default failure output is several lines (message + full help);
// a buildbot log wants one line that names the cause.
std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '\n') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string>& Invocation() {
  static std::vector<std::string> args;
  return args;
}

}  // namespace

const std::vector<std::string>& InvocationArgs() { return Invocation(); }

int Main(int argc, char** argv) {
  Invocation().assign(argv, argv + argc);
  CLI::App app{"randsync: grammar-driven load, backup-provisioned slaves and "
               "consistency checks for MariaDB replication",
               "randsync"};
  app.require_subcommand(1);
  app.set_config("--config", "", "Read options from a TOML/INI file", false);
  app.set_version_flag("--version", "randsync 0.1");

  std::vector<std::pair<std::string, Runner>> runners = {
      {"gen", RegisterGen(app)},
      {"load", RegisterLoad(app)},
      {"check", RegisterCheck(app)},
      {"run", RegisterRun(app)},
      {"campaign", RegisterCampaign(app)},
      {"replay", RegisterReplay(app)},
      {"explain", RegisterExplain(app)},
      {"reduce", RegisterReduce(app)},
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    Log("", OneLine(e.what()) + " (see --help)");
    return kExitUsage;
  }

  try {
    for (CLI::App* sub : app.get_subcommands()) {
      for (auto& [name, run] : runners) {
        if (sub->get_name() == name) return run();
      }
    }
  } catch (const std::exception& e) {
    Log("", OneLine(e.what()));
    return kExitEnvironment;
  }
  return kExitUsage;
}

}  // namespace randsync::cli
