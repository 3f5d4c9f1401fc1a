// How a tool learns where to connect and with which password: a private
// options file, never its command line (every local user can read
// /proc/*/cmdline) nor its log. The file holds a [client] group (user,
// password, socket or host and port), which mariadb-backup, mariadb-dump,
// the mariadb client, mariadb-binlog, mydumper and myloader all read; it is
// made mode 0600 in /tmp and removed when the object goes.
#pragma once

#include <filesystem>
#include <string>

#include "runners/server/admin_connection.h"

namespace randsync::backup {

class ClientDefaultsFile {
 public:
  // Throws BackupError when the file cannot be made.
  explicit ClientDefaultsFile(const server::AdminTarget& target);
  ~ClientDefaultsFile();
  ClientDefaultsFile(const ClientDefaultsFile&) = delete;
  ClientDefaultsFile& operator=(const ClientDefaultsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The tool's first argument: MariaDB's tools read it as well as the
  // system's option files; mydumper and myloader (0.10) know only
  // --defaults-file.
  std::string ExtraFileArgument() const { return "--defaults-extra-file=" + path_.string(); }
  std::string FileArgument() const { return "--defaults-file=" + path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace randsync::backup
