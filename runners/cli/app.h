// The randsync command line: CLI11 subcommands, config-file support and the
// one-line error contract (bad option -> one line on stderr, non-zero exit).
#pragma once

namespace randsync::cli {

// Exit codes of the command line itself. Run statuses (101 crash, 103
// replication failure, ...) come from the scenarios and are documented in the
// README; these two cover "the user asked for something we cannot do".
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;          // bad option, missing argument
inline constexpr int kExitEnvironment = 110;  // RQG's STATUS_ENVIRONMENT_FAILURE

int Main(int argc, char** argv);

}  // namespace randsync::cli
