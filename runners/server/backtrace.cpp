#include "runners/server/backtrace.h"

#include <chrono>
#include <string>
#include <vector>

#include "runners/server/child_process.h"

namespace randsync::server {

namespace fs = std::filesystem;

namespace {

std::optional<fs::path> FindGdb() {
  for (const char* p : {"/usr/bin/gdb", "/usr/local/bin/gdb"}) {
    std::error_code ec;
    if (fs::exists(p, ec)) return fs::path(p);
  }
  return std::nullopt;
}

}  // namespace

std::optional<fs::path> WriteBacktrace(const fs::path& mariadbd, const fs::path& datadir,
                                       const fs::path& out_dir, pid_t pid) {
  std::error_code ec;
  fs::path core;
  for (const fs::path& c : {datadir / ("core." + std::to_string(pid)), datadir / "core"}) {
    if (fs::is_regular_file(c, ec)) {
      core = c;
      break;
    }
  }
  std::optional<fs::path> gdb = FindGdb();
  if (core.empty() || !gdb) return std::nullopt;
  fs::path out = out_dir / "backtrace.txt";
  try {
    pid_t child = SpawnChild({{gdb->string(), "-batch", "-nx", "-ex", "thread apply all bt",
                               mariadbd.string(), core.string()},
                              {},
                              out});
    auto exit = WaitChild(child, std::chrono::minutes(2));
    if (!exit) {
      KillChild(child);
      return std::nullopt;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (!fs::is_regular_file(out, ec) || fs::file_size(out, ec) == 0) return std::nullopt;
  return out;
}

}  // namespace randsync::server
