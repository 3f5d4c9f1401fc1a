// Errors from the server lifecycle. Each is one line that names the cause, so
// a buildbot log or the CLI's one-line error contract can show it as is; the
// kind lets a scenario map it to a run status (crash -> 101, the rest -> 110).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace randsync::server {

enum class ServerErrorKind {
  kBinaryMissing,   // mariadbd or mariadb-install-db not found / not executable
  kBadOption,       // an extra option ThrowawayServer manages itself
  kFilesystem,      // temp dir, datadir or log file could not be created
  kBootstrap,       // mariadb-install-db failed or timed out
  kPort,            // no free port, or the requested port is taken
  kStartFailed,     // mariadbd exited while starting up
  kStartupTimeout,  // mariadbd did not accept connections in time
  kCrashed,         // mariadbd exited without being asked to
  kSql,             // an administrative statement failed
  kSpawn,           // fork/exec failed
};

class ServerError : public std::runtime_error {
 public:
  ServerError(ServerErrorKind kind, const std::string& what,
              std::vector<std::string> log_tail = {})
      : std::runtime_error(what), kind_(kind), log_tail_(std::move(log_tail)) {}

  ServerErrorKind kind() const { return kind_; }
  // The last lines of the server's error log (or bootstrap output) at the
  // time of the failure, for reports; what() only quotes the telling line.
  const std::vector<std::string>& log_tail() const { return log_tail_; }

 private:
  ServerErrorKind kind_;
  std::vector<std::string> log_tail_;
};

}  // namespace randsync::server
