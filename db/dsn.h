// Where to connect: a DSN in URL form.
//
//   mysql://user[:password]@host[:port][/database][?option&option...]
//   mysql://user@localhost/database?socket=/path/to/mysqld.sock
//   mysql://user@[::1]:3307/test?ssl=1&ssl-ca=/etc/ca.pem
//
// `mariadb://` is accepted as a synonym of `mysql://`. User, password,
// database and option values are percent-decoded, so a password holding
// `@ : / ? & %` can be written as %40 %3A %2F %3F %26 %25 (an unencoded `@`
// or `:` in the password also works: the host starts after the `@` that is
// followed by a plain host name).
//
// Options: socket=PATH (host must be localhost: Connector/C ignores the
// socket for any other host, which would silently connect elsewhere),
// ssl=0|1, ssl-ca=PATH, ssl-capath=DIR, ssl-cert=PATH, ssl-key=PATH,
// ssl-verify-server-cert=0|1 (underscores may replace the dashes). Any ssl-*
// path option turns TLS on.
//
// The password may also come from a file: `?password-file=PATH` (its first
// line), or from the environment variable
// RANDSYNC_PASSWORD, used only when the DSN has no `:password` part, so that
// it stays out of process listings and shell history. Neither the password
// nor anything derived from it ever appears in Redacted() or in an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace randsync::db {

inline constexpr unsigned kDefaultPort = 3306;
inline constexpr const char* kPasswordEnvVar = "RANDSYNC_PASSWORD";

struct TlsOptions {
  bool enabled = false;
  std::string ca;      // CA certificate file
  std::string capath;  // directory of CA certificates
  std::string cert;    // client certificate
  std::string key;     // client private key
  bool verify_server_cert = false;
};

struct Dsn {
  std::string user;
  std::optional<std::string> password;  // nullopt: connect without one
  std::string host;                     // "localhost" when socket is set
  unsigned port = kDefaultPort;
  std::string database;  // may be empty: no default database
  std::string socket;    // unix socket path; empty: TCP
  TlsOptions tls;

  // The DSN with the password replaced by `***`, for logs and errors.
  std::string Redacted() const;
};

// Parses `text`; the password falls back to $RANDSYNC_PASSWORD. Throws
// InputError ("DSN: <what is wrong>", one line, never the password).
Dsn ParseDsn(std::string_view text);

// Same, with the fallback password given explicitly (nullptr: none).
Dsn ParseDsn(std::string_view text, const char* fallback_password);

}  // namespace randsync::db
