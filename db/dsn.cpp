#include "db/dsn.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>

// DSN mistakes are user input errors like a bad schema file: the CLI reports
// them the same way (one line, exit status of a bad command line).
#include "base/errors.h"

namespace randsync::db {

namespace {

[[noreturn]] void Fail(const std::string& what) { throw InputError("DSN: " + what); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `part` names the component in the error; its text is never echoed because
// it may be (or be next to) the password.
std::string PercentDecode(std::string_view text, const char* part) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      Fail(std::string("bad percent-escape in the ") + part + " (use %XX with two hex digits)");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Inverse of PercentDecode for Redacted(): escapes only what the parser would
// otherwise split on, so the redacted form stays readable and re-parsable.
// `special` lists the characters to escape besides '%' and control bytes.
std::string PercentEncode(std::string_view text, std::string_view special) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '%' || u < 0x20 || u == 0x7f || special.find(c) != std::string_view::npos) {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

// In the user and database name; and in option values, where '/' is common
// (socket and certificate paths) and harmless.
constexpr std::string_view kComponentSpecial = "@:/?&#= ";
constexpr std::string_view kValueSpecial = "@?&#= ";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ParseBool(std::string_view value, const std::string& option) {
  std::string v = Lower(value);
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  Fail("option " + option + " must be 0 or 1, not '" + std::string(value) + "'");
}

// The `@` that ends the user info: the first one whose following host
// segment (up to `/`, `?` or the end) holds no further `@`. This lets an
// unencoded `@` appear in the password (a later `@` follows it) and in a
// socket path inside the query (no `@` before the `?`).
size_t FindUserInfoEnd(std::string_view rest) {
  for (size_t at = rest.find('@'); at != std::string_view::npos;
       at = rest.find('@', at + 1)) {
    size_t seg_end = rest.find_first_of("/?", at + 1);
    std::string_view seg = rest.substr(at + 1, seg_end == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : seg_end - at - 1);
    if (seg.find('@') == std::string_view::npos) return at;
  }
  return std::string_view::npos;
}

bool ValidHostName(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

unsigned ParsePort(std::string_view text) {
  if (text.empty()) Fail("empty port after ':'");
  if (text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    Fail("port must be a number from 1 to 65535, not '" + std::string(text) + "'");
  }
  unsigned port = static_cast<unsigned>(std::stoul(std::string(text)));
  if (port < 1 || port > 65535) {
    Fail("port must be a number from 1 to 65535, not '" + std::string(text) + "'");
  }
  return port;
}

void ParseHostPort(std::string_view text, Dsn& dsn) {
  if (text.empty()) Fail("missing host after '@'");
  std::string_view port_text;
  bool has_port = false;
  if (text.front() == '[') {  // [IPv6]
    size_t close = text.find(']');
    if (close == std::string_view::npos) Fail("unclosed '[' in the host");
    dsn.host = std::string(text.substr(1, close - 1));
    std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') Fail("unexpected text after ']' in the host");
      has_port = true;
      port_text = after.substr(1);
    }
    if (dsn.host.empty() || !std::all_of(dsn.host.begin(), dsn.host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        })) {
      Fail("invalid IPv6 address '" + dsn.host + "'");
    }
  } else {
    size_t colon = text.find(':');
    std::string_view host = text.substr(0, colon);
    if (colon != std::string_view::npos) {
      if (text.find(':', colon + 1) != std::string_view::npos) {
        Fail("an IPv6 host must be written in brackets, e.g. [::1]:3306");
      }
      has_port = true;
      port_text = text.substr(colon + 1);
    }
    if (host.empty()) Fail("missing host before ':'");
    if (!ValidHostName(host)) Fail("invalid host name '" + std::string(host) + "'");
    dsn.host = std::string(host);
  }
  if (has_port) dsn.port = ParsePort(port_text);
}

// Canonical (dashed) option name, or empty when unknown.
std::string CanonicalOption(std::string_view name) {
  std::string n = Lower(name);
  std::replace(n.begin(), n.end(), '_', '-');
  static const std::set<std::string> kKnown = {
      "socket", "ssl", "ssl-ca", "ssl-capath", "ssl-cert", "ssl-key", "ssl-verify-server-cert",
      "password-file"};
  return kKnown.count(n) ? n : std::string();
}

// password-file=PATH: the password is the file's first line (without its
// newline), so that it stays out of command lines, logs and shell history.
void ReadPasswordFile(const std::string& path, Dsn& dsn) {
  std::ifstream in(path);
  if (!in) Fail("password-file " + path + " cannot be read");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  dsn.password = line;
}

void ParseOptions(std::string_view query, Dsn& dsn) {
  std::set<std::string> seen;
  std::optional<bool> ssl_flag;
  bool ssl_paths = false;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;  // tolerate "?&a=b" and trailing '&'
    size_t eq = item.find('=');
    std::string_view raw_name = item.substr(0, eq);
    std::string name = CanonicalOption(raw_name);
    if (name.empty()) {
      Fail("unknown option '" + std::string(raw_name) +
           "' (known: socket, password-file, ssl, ssl-ca, ssl-capath, ssl-cert, "
           "ssl-key, ssl-verify-server-cert)");
    }
    if (!seen.insert(name).second) Fail("option " + name + " given twice");
    if (eq == std::string_view::npos) {
      if (name == "ssl") {  // bare `?ssl` reads as ssl=1
        ssl_flag = true;
        continue;
      }
      Fail("option " + name + " needs a value (" + name + "=...)");
    }
    std::string value = PercentDecode(item.substr(eq + 1), ("value of option " + name).c_str());
    if (name == "ssl") {
      ssl_flag = ParseBool(value, name);
    } else if (name == "ssl-verify-server-cert") {
      dsn.tls.verify_server_cert = ParseBool(value, name);
    } else {
      if (value.empty()) Fail("option " + name + " needs a value (" + name + "=...)");
      if (name == "socket") dsn.socket = value;
      if (name == "password-file") {
        ReadPasswordFile(value, dsn);
        continue;
      }
      if (name == "ssl-ca") dsn.tls.ca = value;
      if (name == "ssl-capath") dsn.tls.capath = value;
      if (name == "ssl-cert") dsn.tls.cert = value;
      if (name == "ssl-key") dsn.tls.key = value;
      if (name != "socket") ssl_paths = true;
    }
  }
  if (ssl_flag == false && (ssl_paths || dsn.tls.verify_server_cert)) {
    Fail("ssl=0 contradicts the other ssl options");
  }
  dsn.tls.enabled = ssl_flag.value_or(false) || ssl_paths || dsn.tls.verify_server_cert;
}

}  // namespace

Dsn ParseDsn(std::string_view text) { return ParseDsn(text, std::getenv(kPasswordEnvVar)); }

Dsn ParseDsn(std::string_view text, const char* fallback_password) {
  Dsn dsn;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    Fail("expected mysql://user[:password]@host[:port]/database");
  }
  std::string scheme = Lower(text.substr(0, sep));
  if (scheme != "mysql" && scheme != "mariadb") {
    bool plain = !scheme.empty() && std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    Fail("unsupported scheme" + (plain ? " '" + scheme + "'" : std::string()) +
         " (expected mysql://)");
  }
  std::string_view rest = text.substr(sep + 3);

  size_t at = FindUserInfoEnd(rest);
  if (at == std::string_view::npos) Fail("missing user (mysql://user@host/database)");
  std::string_view userinfo = rest.substr(0, at);
  size_t colon = userinfo.find(':');
  dsn.user = PercentDecode(userinfo.substr(0, colon), "user");
  if (dsn.user.empty()) Fail("missing user before '@'");
  if (colon != std::string_view::npos) {
    dsn.password = PercentDecode(userinfo.substr(colon + 1), "password");
  } else if (fallback_password != nullptr) {
    dsn.password = std::string(fallback_password);
  }

  std::string_view after = rest.substr(at + 1);
  size_t q = after.find('?');
  std::string_view query = q == std::string_view::npos ? std::string_view() : after.substr(q + 1);
  std::string_view location = after.substr(0, q);
  size_t slash = location.find('/');
  ParseHostPort(location.substr(0, slash), dsn);
  if (slash != std::string_view::npos) {
    std::string_view db = location.substr(slash + 1);
    if (db.find('/') != std::string_view::npos) {
      Fail("database name must not contain '/' (write %2F)");
    }
    dsn.database = PercentDecode(db, "database name");
  }
  ParseOptions(query, dsn);

  if (!dsn.socket.empty() && Lower(dsn.host) != "localhost") {
    Fail("socket= needs host localhost, not '" + dsn.host +
         "' (Connector/C would ignore the socket and use TCP)");
  }
  return dsn;
}

std::string Dsn::Redacted() const {
  std::string out = "mysql://" + PercentEncode(user, kComponentSpecial);
  if (password) out += ":***";
  out += '@';
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (socket.empty()) out += ":" + std::to_string(port);
  out += "/" + PercentEncode(database, kComponentSpecial);

  std::string options;
  auto add = [&options](const std::string& name, const std::string& value) {
    options += (options.empty() ? "?" : "&") + name + "=" + PercentEncode(value, kValueSpecial);
  };
  if (!socket.empty()) add("socket", socket);
  if (tls.enabled) add("ssl", "1");
  if (!tls.ca.empty()) add("ssl-ca", tls.ca);
  if (!tls.capath.empty()) add("ssl-capath", tls.capath);
  if (!tls.cert.empty()) add("ssl-cert", tls.cert);
  if (!tls.key.empty()) add("ssl-key", tls.key);
  if (tls.verify_server_cert) add("ssl-verify-server-cert", "1");
  return out + options;
}

}  // namespace randsync::db
