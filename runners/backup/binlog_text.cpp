#include "runners/backup/binlog_text.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "base/text_util.h"
#include "runners/backup/backup_tool.h"
#include "runners/backup/client_defaults_file.h"
#include "runners/backup/mariabackup.h"

namespace randsync::backup {
namespace fs = std::filesystem;
namespace {


}  // namespace

namespace {

// Runs mariadb-binlog with `source` (the connection or the files, already
// quoted) and the reading options of `r`, feeding each line to `on_line`.
// `where` names the source in an error.
void RunBinlogTool(const BinlogTextRead& r, const std::string& source, const std::string& where,
                   const std::function<bool(std::string_view line)>& on_line) {
  const fs::path binary =
      FindTool(r.binary, {"/usr/bin/mariadb-binlog", "/usr/bin/mysqlbinlog"}, "mariadb-binlog", "mariadb-client");
  char errname[] = "/tmp/randsync-binlog-err-XXXXXX";
  const int errfd = mkstemp(errname);
  if (errfd < 0) throw BackupError("cannot create a temporary file in /tmp");
  close(errfd);
  std::string files;
  for (const std::string& f : r.files) files += " " + ShellQuote(f);
  const std::string command = fmt::format(
      "exec timeout -s KILL {} {}{} --base64-output=decode-rows{}{}{}{} 2>{}", r.timeout.count(),
      ShellQuote(binary.string()), source, r.verbose ? " --verbose" : "",
      r.start_position.empty() ? "" : " --start-position=" + ShellQuote(r.start_position),
      r.stop_position == 0 ? "" : fmt::format(" --stop-position={}", r.stop_position), files, ShellQuote(errname));
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw BackupError("cannot run " + binary.string());
  bool stopped = false;
  std::string line;
  char buf[65536];
  while (!stopped && std::fgets(buf, sizeof buf, pipe.get()) != nullptr) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;  // a long line goes on
    line.pop_back();
    stopped = !on_line(line);
    line.clear();
  }
  const int status = pclose(pipe.release());
  std::string error;
  {
    std::ifstream err(errname);
    std::getline(err, error);
    std::error_code ec;
    fs::remove(errname, ec);
  }
  if (!stopped && status != 0) {
    throw BackupError(fmt::format("mariadb-binlog {} at {} failed (status {}): {}", where,
                                  r.start_position.empty() ? r.files.front() : r.start_position,
                                  WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                                  error.empty() ? "no message (killed at its deadline?)" : error));
  }
}

}  // namespace

void ReadBinlogText(const server::AdminTarget& master, const BinlogTextRead& r,
                    const std::function<bool(std::string_view line)>& on_line) {
  ClientDefaultsFile defaults(master);
  RunBinlogTool(r, " --defaults-file=" + ShellQuote(defaults.path().string()) + " --read-from-remote-server",
                fmt::format("from {}:{}", master.host, master.port), on_line);
}

void ReadLocalBinlogText(const BinlogTextRead& r, const std::function<bool(std::string_view line)>& on_line) {
  if (r.files.empty()) throw BackupError("no binary log file to read");
  RunBinlogTool(r, " --no-defaults", "of " + r.files.front(), on_line);
}

}  // namespace randsync::backup
