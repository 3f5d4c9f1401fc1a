// Running the external backup tools (mariadb-backup, mariadb-dump, the
// mariadb client): finding the binary, and one step with a deadline and a
// log, failing with BackupError and the log's tail.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "runners/backup/mariabackup.h"
#include "runners/server/admin_connection.h"

namespace randsync::backup {

// `given` when set (and executable), else the first executable candidate.
// Throws BackupError naming `what` and the Debian package to install.
std::filesystem::path FindTool(const std::filesystem::path& given, std::initializer_list<const char*> candidates,
                               const std::string& what, const std::string& package);

// Runs `argv` to completion within `timeout`, its stdout and stderr appended
// to `log`; a tool that cannot start, fails or misses the deadline (it is
// killed) throws BackupError, one line with the log's line that says why
// (mydumper's CRITICAL line, else the last error line) and the log's path.
// `abandon`, when set, is asked once a second: a reason kills the tool and
// throws ToolAbandoned with it.
void RunTool(const std::string& what, std::vector<std::string> argv, const std::filesystem::path& log,
             std::chrono::seconds timeout, const AbandonCheck& abandon = {});

// A fault of the test's making: runs `argv` as RunTool does, but asks
// `kill_now` every 20 ms and SIGKILLs the tool the first time it says yes
// (mid-copy, as Percona-QA's kill -9 between incrementals does). Returns
// true when it was killed so, false when it ended cleanly first; a tool
// that fails or misses the deadline throws BackupError as RunTool's does.
bool RunToolUntil(const std::string& what, std::vector<std::string> argv, const std::filesystem::path& log,
                  std::chrono::seconds timeout, const std::function<bool()>& kill_now);

}  // namespace randsync::backup
