// db::WidenServerSendBuffer against the shared server. The server sends a
// result when its session's network buffer fills (or the result ends), so
// the buffer's size is visible from the client: rows of 1 KB that are
// followed by a slow row arrive at once through a 16 KB buffer, but only
// after the slow row through a 1 MB one.
#include <chrono>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "db/connection.h"
#include "db/dsn.h"
#include "db/raw_row_stream.h"
#include "db/send_buffer.h"
#include "tests/support/shared_server.h"

namespace randsync::db {
namespace {

using Clock = std::chrono::steady_clock;

class SendBufferServerTest : public testsupport::SharedServerTest {
 protected:
  Connection Connect() { return Connection(ParseDsn(server().Dsn("test"), nullptr)); }

  // Seconds until the first of 41 rows of ~1 KB arrives when producing row
  // 40 takes 2 s; checks that every row arrives.
  double SecondsToFirstRow(Connection& conn) {
    const auto start = Clock::now();
    RawRowStream rows(conn,
                      "SELECT seq, REPEAT('x', 1000), IF(seq = 40, SLEEP(2), 0) FROM seq_1_to_41");
    EXPECT_TRUE(rows.Next());
    const double first = std::chrono::duration<double>(Clock::now() - start).count();
    int count = 1;
    while (rows.Next()) ++count;
    EXPECT_EQ(count, 41);
    return first;
  }
};

TEST_F(SendBufferServerTest, AWidenedSessionSendsInBigWrites) {
  Connection plain = Connect();
  EXPECT_LT(SecondsToFirstRow(plain), 1.0) << "a default 16 KB buffer sends the first rows at once";

  Connection widened = Connect();
  EXPECT_EQ(WidenServerSendBuffer(widened), size_t{1} << 20);
  EXPECT_GE(SecondsToFirstRow(widened), 1.5) << "the first rows should wait in a 1 MB buffer";
  // The session is otherwise unchanged.
  EXPECT_EQ(widened.QueryValue("SELECT 6 * 7"), "42");
}

TEST_F(SendBufferServerTest, NothingIsDoneWhenMaxAllowedPacketIsSmall) {
  const std::string old = QueryValue("SELECT @@GLOBAL.max_allowed_packet").value_or("16777216");
  Exec("SET GLOBAL max_allowed_packet = 65536");
  struct Restore {
    Connection admin;
    std::string value;
    ~Restore() { admin.Execute("SET GLOBAL max_allowed_packet = " + value); }
  } restore{Connect(), old};
  Connection small = Connect();  // the session value is taken at connect
  EXPECT_EQ(WidenServerSendBuffer(small), 0u);
  EXPECT_EQ(small.QueryValue("SELECT 6 * 7"), "42");
  EXPECT_LT(SecondsToFirstRow(small), 1.0);
}

}  // namespace
}  // namespace randsync::db
