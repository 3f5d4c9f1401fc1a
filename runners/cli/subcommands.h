// Each subcommand registers its options on the app and returns the function
// that runs it once parsing succeeded.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace randsync::cli {

using Runner = std::function<int()>;

Runner RegisterGen(CLI::App& app);
Runner RegisterLoad(CLI::App& app);
Runner RegisterCheck(CLI::App& app);
Runner RegisterRun(CLI::App& app);
Runner RegisterCampaign(CLI::App& app);
Runner RegisterReplay(CLI::App& app);
Runner RegisterExplain(CLI::App& app);
Runner RegisterReduce(CLI::App& app);

}  // namespace randsync::cli
