// The randsync command line: CLI11 subcommands, config-file support and the
// one-line error contract (bad option -> one line on stderr, non-zero exit).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace randsync::cli {

// Exit codes of the command line itself. Run statuses (101 crash, 103
// replication failure, ...) come from the scenarios and are documented in the
// README; these two cover "the user asked for something we cannot do".
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;          // bad option, missing argument
inline constexpr int kExitEnvironment = ExitCode(Status::kEnvironment);

int Main(int argc, char** argv);

// The command line Main() was called with (argv[0] included), for the
// results a run records so that it can be replayed.
const std::vector<std::string>& InvocationArgs();

}  // namespace randsync::cli
