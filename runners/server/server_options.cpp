#include "runners/server/server_options.h"

#include <unistd.h>

#include <fstream>
#include <initializer_list>
#include <optional>

#include <fmt/format.h>

#include "runners/server/server_error.h"

namespace randsync::server {

namespace fs = std::filesystem;

namespace {

bool IsExecutable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

std::optional<fs::path> FirstExecutable(const fs::path& base,
                                        std::initializer_list<const char*> rel) {
  for (const char* r : rel) {
    fs::path p = base / r;
    if (IsExecutable(p)) return p;
  }
  return std::nullopt;
}

// An out-of-source build records its source dir in CMakeCache.txt; the
// bootstrap needs it for the SQL scripts (mariadb-install-db --srcdir).
fs::path SourceDirOfBuild(const fs::path& build) {
  std::ifstream in(build / "CMakeCache.txt");
  std::string line;
  for (const char* key : {"MySQL_SOURCE_DIR:STATIC=", "CMAKE_HOME_DIRECTORY:INTERNAL="}) {
    in.clear();
    in.seekg(0);
    while (std::getline(in, line)) {
      if (line.rfind(key, 0) == 0) return fs::path(line.substr(std::string(key).size()));
    }
  }
  return build;  // in-source build
}

}  // namespace

std::string OptionName(const std::string& option) {
  std::string s = option;
  while (!s.empty() && s.front() == '-') s.erase(0, 1);
  if (auto eq = s.find('='); eq != std::string::npos) s.resize(eq);
  for (char& c : s) {
    if (c == '_') c = '-';
  }
  if (s.rfind("loose-", 0) == 0) s.erase(0, 6);
  return s;
}

bool ShapesInnodbFiles(const std::string& option) {
  const std::string name = OptionName(option);
  return name.rfind("innodb", 0) == 0 || name.rfind("plugin-load", 0) == 0 || name == "plugin-dir" ||
         name.rfind("file-key-management", 0) == 0;
}

ServerOptions ServerOptions::FromBasedir(const fs::path& basedir_in) {
  std::error_code ec;
  fs::path basedir = fs::absolute(basedir_in, ec);
  if (!fs::is_directory(basedir, ec)) {
    throw ServerError(ServerErrorKind::kBinaryMissing,
                      fmt::format("server basedir {} is not a directory", basedir.string()));
  }
  ServerOptions o;
  o.basedir = basedir;
  if (auto p = FirstExecutable(basedir, {"sql/mariadbd", "sql/mysqld"})) {
    o.build_tree = true;
    o.mariadbd = *p;
    o.source_dir = SourceDirOfBuild(basedir);
  } else if (auto q = FirstExecutable(basedir, {"bin/mariadbd", "sbin/mariadbd", "bin/mysqld",
                                                "sbin/mysqld", "libexec/mysqld"})) {
    o.mariadbd = *q;
  } else {
    throw ServerError(ServerErrorKind::kBinaryMissing,
                      fmt::format("mariadbd not found under {} (tried bin/, sbin/ and sql/)",
                                  basedir.string()));
  }
  if (auto p = FirstExecutable(basedir, {"scripts/mariadb-install-db", "bin/mariadb-install-db",
                                         "scripts/mysql_install_db", "bin/mysql_install_db"})) {
    o.install_db = *p;
  }
  return o;
}

ServerLayout ResolveLayout(const ServerOptions& o) {
  ServerLayout l;
  if (!IsExecutable(o.mariadbd)) {
    throw ServerError(ServerErrorKind::kBinaryMissing,
                      fmt::format("mariadbd not found at {}", o.mariadbd.string()));
  }
  l.mariadbd = o.mariadbd;

  if (!o.install_db.empty()) {
    if (!IsExecutable(o.install_db)) {
      throw ServerError(ServerErrorKind::kBinaryMissing,
                        fmt::format("mariadb-install-db not found at {}", o.install_db.string()));
    }
    l.install_db = o.install_db;
  } else {
    fs::path dir = o.mariadbd.parent_path();
    auto found = FirstExecutable(dir, {"mariadb-install-db", "../bin/mariadb-install-db",
                                       "../scripts/mariadb-install-db", "mysql_install_db",
                                       "../bin/mysql_install_db", "../scripts/mysql_install_db"});
    if (!found) found = FirstExecutable("/usr/bin", {"mariadb-install-db", "mysql_install_db"});
    if (!found) {
      throw ServerError(ServerErrorKind::kBinaryMissing,
                        fmt::format("mariadb-install-db not found next to {} nor in /usr/bin",
                                    o.mariadbd.string()));
    }
    l.install_db = found->lexically_normal();
  }

  if (o.build_tree) {
    l.bootstrap_args = {"--srcdir=" + o.source_dir.string(), "--builddir=" + o.basedir.string()};
    l.server_args = {"--lc-messages-dir=" + (o.basedir / "sql/share").string()};
  } else if (!o.basedir.empty()) {
    l.bootstrap_args = {"--basedir=" + o.basedir.string()};
    l.server_args = {"--basedir=" + o.basedir.string()};
    std::error_code ec;
    for (const char* rel : {"lib/plugin", "lib/mysql/plugin", "lib64/mysql/plugin"}) {
      if (fs::is_directory(o.basedir / rel, ec)) {
        l.server_args.push_back("--plugin-dir=" + (o.basedir / rel).string());
        break;
      }
    }
  }
  return l;
}

}  // namespace randsync::server
