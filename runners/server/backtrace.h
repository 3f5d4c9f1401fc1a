// Backtraces of crashed servers: when mariadbd dumped a core (ThrowawayServer
// starts it with --core-file and an unlimited core size) and gdb is
// installed, `thread apply all bt` of that core is written next to the error
// log, so the crash report names the crashing frames.
#pragma once

#include <filesystem>
#include <optional>

#include <sys/types.h>

namespace randsync::server {

// Looks for the core of `pid` in `datadir` (`core` or `core.<pid>`, the
// kernel's default core_pattern) and runs gdb on it. Returns the backtrace
// file (in `out_dir`), or nullopt when there is no core or no gdb, or gdb
// failed or took longer than two minutes.
std::optional<std::filesystem::path> WriteBacktrace(const std::filesystem::path& mariadbd,
                                                    const std::filesystem::path& datadir,
                                                    const std::filesystem::path& out_dir, pid_t pid);

}  // namespace randsync::server
