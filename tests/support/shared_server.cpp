#include "tests/support/shared_server.h"

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <mutex>

#include "runners/server/server_error.h"

namespace randsync::testsupport {

server::ServerOptions TestServerOptions(std::string role) {
  server::ServerOptions o;
  if (const char* basedir = std::getenv("RANDSYNC_BASEDIR"); basedir != nullptr && *basedir) {
    o = server::ServerOptions::FromBasedir(basedir);
  }
  o.role = std::move(role);
  return o;
}

// Only a missing mariadbd is a reason to skip. A set $RANDSYNC_BASEDIR that
// holds no server, or a mariadbd without mariadb-install-db, is a broken
// setup: the tests run and fail with the one-line error.
bool MariadbInstalled(std::string* why) {
  if (const char* basedir = std::getenv("RANDSYNC_BASEDIR"); basedir != nullptr && *basedir) {
    return true;
  }
  server::ServerOptions defaults;
  if (::access(defaults.mariadbd.c_str(), X_OK) == 0) return true;
  if (why) *why = "MariaDB is not installed: no " + defaults.mariadbd.string();
  return false;
}

server::ThrowawayServer& SharedServer() {
  // Destroyed at exit, which stops the server and removes its datadir.
  static std::unique_ptr<server::ThrowawayServer> shared;
  static std::string failure;
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (!failure.empty()) {
    throw server::ServerError(server::ServerErrorKind::kStartFailed,
                              "shared test server failed to start earlier: " + failure);
  }
  if (!shared) {
    auto s = std::make_unique<server::ThrowawayServer>(TestServerOptions("shared"));
    try {
      s->Start();
    } catch (const std::exception& e) {
      failure = e.what();
      throw;
    }
    shared = std::move(s);
  }
  return *shared;
}

server::AdminConnection Connect(const server::ThrowawayServer& s, std::string_view database) {
  return server::AdminConnection(s.Admin(database));
}

void SharedServerTest::SetUp() {
  std::string why;
  if (!MariadbInstalled(&why)) GTEST_SKIP() << why;
  try {
    server_ = &SharedServer();
    server_->CheckAlive();
    conn_.emplace(Connect(*server_));
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
}

}  // namespace randsync::testsupport
