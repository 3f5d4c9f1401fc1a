// Real servers for GoogleTest programs: one shared server per test program,
// started on first use and stopped at exit, plus a fixture that skips the
// test when MariaDB is not installed at all (and fails it when it is but
// cannot start: a broken server is a finding, not a reason to skip).
//
// $RANDSYNC_BASEDIR points the tests at another server build (installed or
// build tree), as --basedir does for randsync.
//
// The namespace is not randsync::testing: inside namespace randsync that
// name would hide GoogleTest's ::testing for every test that includes this.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "runners/server/admin_connection.h"
#include "runners/server/server_options.h"
#include "runners/server/throwaway_server.h"

namespace randsync::testsupport {

// Options for a test server named `role`, honouring $RANDSYNC_BASEDIR.
// Throws ServerError(kBinaryMissing) if that basedir holds no server.
server::ServerOptions TestServerOptions(std::string role);

// Whether mariadbd is installed (or $RANDSYNC_BASEDIR names a build); if
// not, *why says what is missing. Everything else that is wrong with the
// setup makes tests fail, not skip.
bool MariadbInstalled(std::string* why = nullptr);

// The program's shared server, started on first call. Throws ServerError if
// it cannot start (again on later calls, without retrying).
server::ThrowawayServer& SharedServer();

// A connection to `database` on `s` over TCP.
server::AdminConnection Connect(const server::ThrowawayServer& s,
                                std::string_view database = "test");

// Test fixture over the shared server. Each test gets its own connection to
// database `test`.
class SharedServerTest : public ::testing::Test {
 protected:
  void SetUp() override;

  server::ThrowawayServer& server() { return *server_; }
  server::AdminConnection& sql() { return *conn_; }
  void Exec(std::string_view statement) { conn_->Exec(statement); }
  std::optional<std::string> QueryValue(std::string_view query) {
    return conn_->QueryValue(query);
  }

 private:
  server::ThrowawayServer* server_ = nullptr;
  std::optional<server::AdminConnection> conn_;
};

}  // namespace randsync::testsupport

// In a test body (not a fixture): skip the test when MariaDB is missing.
#define RANDSYNC_SKIP_WITHOUT_MARIADB()                                              \
  do {                                                                               \
    std::string randsync_skip_why;                                                   \
    if (!::randsync::testsupport::MariadbInstalled(&randsync_skip_why)) {            \
      GTEST_SKIP() << randsync_skip_why;                                             \
    }                                                                                \
  } while (0)
