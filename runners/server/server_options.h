// What a throwaway server is started from and with: binaries, options,
// directories, time limits. Plain data plus the lookup of a server build's
// binaries (an installed tree or a build tree), so bisecting across builds is
// just a different --basedir.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace randsync::server {

struct ServerOptions {
  // The server binary. FromBasedir() fills it from a server build.
  std::filesystem::path mariadbd = "/usr/sbin/mariadbd";
  // mariadb-install-db; empty means: look next to mariadbd, then in ../bin,
  // ../scripts, then /usr/bin.
  std::filesystem::path install_db;
  // Set by FromBasedir(): passed on as --basedir (installed tree) or
  // --srcdir/--builddir and --lc-messages-dir (build tree) so the server
  // finds its own share files rather than the system's.
  std::filesystem::path basedir;
  bool build_tree = false;
  std::filesystem::path source_dir;  // build tree only: the MariaDB sources

  // Server options, "--opt=val" (a missing "--" is added). They come after
  // ours on the command line, so they win; --port=N is honoured (the DSN uses
  // it) and the options ThrowawayServer manages itself (--datadir, --socket,
  // --log-error, --pid-file, --bind-address, --user, defaults files) are
  // rejected. Options named innodb* also go to the bootstrap, since InnoDB's
  // file format (page size, checksums, undo tablespaces) is fixed there.
  std::vector<std::string> extra_options;
  // Options for mariadb-install-db's bootstrap server only.
  std::vector<std::string> bootstrap_options;

  // Where the datadir, socket, error log and pid file go. Empty: a fresh
  // $TMPDIR/randsync-<role>-XXXXXX, removed on a clean Stop(). Given: created
  // if missing; only its data/ subdirectory is removed on Stop(), the logs
  // stay (it is usually a results/<run-id>/ folder).
  std::filesystem::path datadir_parent;
  // Start on an existing datadir (a restored backup) instead of
  // bootstrapping one; it is never removed.
  std::filesystem::path datadir;

  uint16_t port = 0;  // 0: pick a free port on 127.0.0.1
  // Until mariadbd accepts connections (crash recovery of a big datadir or
  // a sanitizer build can take a while).
  std::chrono::milliseconds startup_timeout = std::chrono::seconds(60);
  std::chrono::milliseconds bootstrap_timeout = std::chrono::seconds(120);
  // After SIGTERM, how long a shutdown may take before SIGKILL.
  std::chrono::milliseconds shutdown_deadline = std::chrono::seconds(30);
  // Names the server in error messages, temp dirs and the error log file.
  std::string role = "server";
  // Keep the datadir after Stop() (failure artifacts).
  bool keep_datadir = false;

  // Options for the server build in `basedir`: <basedir>/bin/mariadbd,
  // sbin/mariadbd or (build tree) sql/mariadbd; older builds' mysqld and
  // mysql_install_db are found too. Throws ServerError(kBinaryMissing).
  static ServerOptions FromBasedir(const std::filesystem::path& basedir);
};

// The binaries and the layout arguments derived from ServerOptions.
struct ServerLayout {
  std::filesystem::path mariadbd;
  std::filesystem::path install_db;
  std::vector<std::string> server_args;     // --basedir, --lc-messages-dir...
  std::vector<std::string> bootstrap_args;  // --basedir or --srcdir/--builddir
};

// Checks that the binaries exist and are executable. Throws
// ServerError(kBinaryMissing): "mariadbd not found at X".
ServerLayout ResolveLayout(const ServerOptions& options);

// "--opt_name=val" -> "opt-name" (no dashes, '_' -> '-', no "loose-"
// prefix, no value), for comparing option names.
std::string OptionName(const std::string& option);

// Whether an option shapes InnoDB's files, so that a datadir must be
// bootstrapped with it: innodb-*, and the plugins those may need (a key
// management plugin for --innodb-encrypt-*: plugin-load*, plugin-dir,
// file-key-management*).
bool ShapesInnodbFiles(const std::string& option);

}  // namespace randsync::server
