// DSN parsing: the accepted forms, every rejected form with its message, and
// that the password never shows up in Redacted() or in an error.
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include <string>

#include "db/dsn.h"
#include "base/errors.h"

namespace randsync::db {
namespace {

Dsn Parse(std::string_view text) { return ParseDsn(text, nullptr); }

// The InputError message for `text`, or "" when it parses.
std::string ErrorOf(std::string_view text) {
  try {
    Parse(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(DsnTest, FullTcpForm) {
  Dsn d = Parse("mysql://root:secret@127.0.0.1:3307/test");
  EXPECT_EQ(d.user, "root");
  ASSERT_TRUE(d.password.has_value());
  EXPECT_EQ(*d.password, "secret");
  EXPECT_EQ(d.host, "127.0.0.1");
  EXPECT_EQ(d.port, 3307u);
  EXPECT_EQ(d.database, "test");
  EXPECT_TRUE(d.socket.empty());
  EXPECT_FALSE(d.tls.enabled);
}

TEST(DsnTest, DefaultsAndOptionalParts) {
  Dsn d = Parse("mysql://root@db.example.com/test");
  EXPECT_FALSE(d.password.has_value());
  EXPECT_EQ(d.host, "db.example.com");
  EXPECT_EQ(d.port, kDefaultPort);

  Dsn no_db = Parse("mysql://root@localhost");
  EXPECT_EQ(no_db.database, "");
  EXPECT_EQ(Parse("mysql://root@localhost/").database, "");

  EXPECT_EQ(Parse("mariadb://u@h/d").user, "u");
  EXPECT_EQ(Parse("MySQL://u@h/d").host, "h");
}

TEST(DsnTest, EmptyPasswordIsAPassword) {
  Dsn d = ParseDsn("mysql://root:@h/test", "from-env");
  ASSERT_TRUE(d.password.has_value());
  EXPECT_EQ(*d.password, "");
}

TEST(DsnTest, PasswordFromEnvironmentOnlyWhenAbsent) {
  EXPECT_EQ(ParseDsn("mysql://root@h/test", "envpw").password, "envpw");
  EXPECT_EQ(ParseDsn("mysql://root:dsnpw@h/test", "envpw").password, "dsnpw");

  ::setenv(kPasswordEnvVar, "fromvar", 1);
  EXPECT_EQ(ParseDsn("mysql://root@h/test").password, "fromvar");
  ::unsetenv(kPasswordEnvVar);
  EXPECT_FALSE(ParseDsn("mysql://root@h/test").password.has_value());
}

TEST(DsnTest, UnixSocket) {
  Dsn d = Parse("mysql://root@localhost/test?socket=/run/mysqld/mysqld.sock");
  EXPECT_EQ(d.host, "localhost");
  EXPECT_EQ(d.socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(d.database, "test");
  EXPECT_EQ(Parse("mysql://root@localhost?socket=/tmp/a%20b.sock").socket, "/tmp/a b.sock");
  // An '@' inside the socket path does not end the user part.
  Dsn at = Parse("mysql://root@localhost/test?socket=/tmp/srv@1.sock");
  EXPECT_EQ(at.user, "root");
  EXPECT_EQ(at.socket, "/tmp/srv@1.sock");
}

TEST(DsnTest, TlsOptions) {
  Dsn d = Parse("mysql://u@h/test?ssl=1");
  EXPECT_TRUE(d.tls.enabled);
  EXPECT_TRUE(Parse("mysql://u@h/test?ssl").tls.enabled);
  EXPECT_FALSE(Parse("mysql://u@h/test?ssl=0").tls.enabled);

  Dsn ca = Parse("mysql://u@h/test?ssl-ca=/etc/ca.pem&ssl_cert=/c.pem&ssl-key=/k.pem"
                 "&ssl-verify-server-cert=true&ssl-capath=/etc/certs");
  EXPECT_TRUE(ca.tls.enabled);  // any ssl-* path turns TLS on
  EXPECT_EQ(ca.tls.ca, "/etc/ca.pem");
  EXPECT_EQ(ca.tls.cert, "/c.pem");
  EXPECT_EQ(ca.tls.key, "/k.pem");
  EXPECT_EQ(ca.tls.capath, "/etc/certs");
  EXPECT_TRUE(ca.tls.verify_server_cert);
}

TEST(DsnTest, PercentEncodingAndSpecialPasswords) {
  Dsn d = Parse("mysql://us%40er:p%3Aw%2Fd%25@h/my%2Fdb");
  EXPECT_EQ(d.user, "us@er");
  EXPECT_EQ(*d.password, "p:w/d%");
  EXPECT_EQ(d.database, "my/db");
  // Unencoded '@' and ':' in a password still work.
  Dsn raw = Parse("mysql://root:p@ss:w0rd@127.0.0.1:3306/test");
  EXPECT_EQ(raw.user, "root");
  EXPECT_EQ(*raw.password, "p@ss:w0rd");
  EXPECT_EQ(raw.host, "127.0.0.1");
  EXPECT_EQ(raw.port, 3306u);
}

TEST(DsnTest, Ipv6Host) {
  Dsn d = Parse("mysql://u@[::1]:3310/test");
  EXPECT_EQ(d.host, "::1");
  EXPECT_EQ(d.port, 3310u);
  EXPECT_EQ(Parse("mysql://u@[fe80::1]/t").port, kDefaultPort);
}

TEST(DsnTest, MalformedInputsNameTheProblem) {
  struct Case {
    const char* dsn;
    const char* expected;  // a part of the message
  };
  const Case cases[] = {
      {"root@localhost/test", "expected mysql://"},
      {"", "expected mysql://"},
      {"postgres://u@h/d", "unsupported scheme 'postgres'"},
      {"mysql://localhost/test", "missing user"},
      {"mysql://@localhost/test", "missing user"},
      {"mysql://:pw@localhost/test", "missing user"},
      {"mysql://u@/test", "missing host"},
      {"mysql://u@:3306/test", "missing host before ':'"},
      {"mysql://u@bad host/test", "invalid host name 'bad host'"},
      {"mysql://u@h:/test", "empty port"},
      {"mysql://u@h:abc/test", "port must be a number from 1 to 65535, not 'abc'"},
      {"mysql://u@h:0/test", "not '0'"},
      {"mysql://u@h:65536/test", "not '65536'"},
      {"mysql://u@h:99999999/test", "port must be a number"},
      {"mysql://u@::1/test", "IPv6 host must be written in brackets"},
      {"mysql://u@[::1/test", "unclosed '['"},
      {"mysql://u@[::1]x/test", "unexpected text after ']'"},
      {"mysql://u@[zz]/test", "invalid IPv6 address"},
      {"mysql://u@h/a/b", "database name must not contain '/'"},
      {"mysql://u@h/test?sock=/x", "unknown option 'sock'"},
      {"mysql://u@h/test?socket", "option socket needs a value"},
      {"mysql://u@h/test?socket=", "option socket needs a value"},
      {"mysql://u@localhost/test?socket=/a&socket=/b", "option socket given twice"},
      {"mysql://u@127.0.0.1/test?socket=/tmp/s.sock", "socket= needs host localhost"},
      {"mysql://u@h/test?ssl=maybe", "option ssl must be 0 or 1"},
      {"mysql://u@h/test?ssl=0&ssl-ca=/ca.pem", "ssl=0 contradicts"},
      {"mysql://u%zz@h/test", "bad percent-escape in the user"},
      {"mysql://u@h/te%4", "bad percent-escape in the database name"},
  };
  for (const Case& c : cases) {
    std::string message = ErrorOf(c.dsn);
    EXPECT_NE(message.find(c.expected), std::string::npos)
        << "DSN '" << c.dsn << "' gave '" << message << "', expected '" << c.expected << "'";
    EXPECT_EQ(message.rfind("DSN: ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(DsnTest, ErrorsNeverShowThePassword) {
  const char* bad[] = {
      "mysql://root:Sup3rS3cret@h:port/test",
      "mysql://root:Sup3rS3cret@h/a/b",
      "mysql://root:Sup3rS3cret@h/test?bogus=1",
      "mysql://root:Sup3rS3cret%zz@h/test",
      "mysql://root:Sup3rS3cret@/test",
      "root:Sup3rS3cret@h/test",
  };
  for (const char* dsn : bad) {
    std::string message = ErrorOf(dsn);
    EXPECT_FALSE(message.empty()) << dsn;
    EXPECT_EQ(message.find("Sup3rS3cret"), std::string::npos) << message;
  }
}

TEST(DsnTest, RedactedHidesPasswordAndRoundTrips) {
  Dsn d = Parse("mysql://root:Sup3rS3cret@127.0.0.1:3307/test");
  EXPECT_EQ(d.Redacted(), "mysql://root:***@127.0.0.1:3307/test");
  EXPECT_EQ(Parse("mysql://root@h/test").Redacted(), "mysql://root@h:3306/test");
  EXPECT_EQ(ParseDsn("mysql://root@h/test", "envpw").Redacted(), "mysql://root:***@h:3306/test");

  Dsn sock = Parse("mysql://r%40x@localhost/my%2Fdb?socket=/tmp/s.sock&ssl-ca=/ca.pem");
  std::string redacted = sock.Redacted();
  EXPECT_EQ(redacted, "mysql://r%40x@localhost/my%2Fdb?socket=/tmp/s.sock&ssl=1&ssl-ca=/ca.pem");
  Dsn again = Parse(redacted);
  EXPECT_EQ(again.user, "r@x");
  EXPECT_EQ(again.database, "my/db");
  EXPECT_EQ(again.socket, "/tmp/s.sock");
  EXPECT_EQ(again.tls.ca, "/ca.pem");

  EXPECT_EQ(Parse("mysql://u@[::1]:3310/t").Redacted(), "mysql://u@[::1]:3310/t");
}

}  // namespace
}  // namespace randsync::db

namespace randsync::db {
namespace {

TEST(DsnPasswordFile, FirstLineIsThePasswordAndNeverShown) {
  std::string path = ::testing::TempDir() + "/randsync-pw-test";
  {
    std::ofstream(path) << "s3cr@t:pw\nsecond line\n";
  }
  Dsn d = ParseDsn("mysql://root@127.0.0.1:3306/test?password-file=" + path, nullptr);
  ASSERT_TRUE(d.password.has_value());
  EXPECT_EQ(*d.password, "s3cr@t:pw");
  EXPECT_EQ(d.Redacted().find("s3cr"), std::string::npos) << d.Redacted();
  std::remove(path.c_str());
  try {
    ParseDsn("mysql://root@127.0.0.1/test?password-file=/nonexistent/pw", nullptr);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/pw"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace randsync::db
