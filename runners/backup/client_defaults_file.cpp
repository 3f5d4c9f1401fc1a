#include "runners/backup/client_defaults_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "runners/backup/mariabackup.h"

namespace randsync::backup {
namespace fs = std::filesystem;

namespace {

// An option value in double quotes, so that '#', spaces and quotes stay
// part of it.
std::string Quoted(const std::string& value) {
  std::string out = "\"";
  for (char c : value) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

}  // namespace

ClientDefaultsFile::ClientDefaultsFile(const server::AdminTarget& t) {
  char name[] = "/tmp/randsync-client-XXXXXX";
  const int fd = mkstemp(name);  // mode 0600
  if (fd < 0) throw BackupError("cannot create a temporary options file in /tmp");
  fchmod(fd, 0600);
  close(fd);
  path_ = name;
  std::ofstream out(path_);
  out << "[client]\nuser=" << Quoted(t.user) << "\n";
  if (!t.password.empty()) out << "password=" << Quoted(t.password) << "\n";
  if (!t.socket.empty()) {
    out << "socket=" << Quoted(t.socket) << "\n";
  } else {
    out << "host=" << t.host << "\nport=" << t.port << "\n";
  }
  out.flush();
  if (!out) throw BackupError("cannot write the temporary options file " + path_.string() + " (is /tmp full?)");
}

ClientDefaultsFile::~ClientDefaultsFile() {
  std::error_code ec;
  fs::remove(path_, ec);
}

}  // namespace randsync::backup
