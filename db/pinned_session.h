// The session settings randsync's reading connections pin, so that no
// global setting of a server changes what a SELECT returns or how
// randsync's own SQL parses. A slave started with
// --sql-mode=PAD_CHAR_TO_FULL_LENGTH returns every CHAR value padded; with
// ANSI_QUOTES or ORACLE, NO_BACKSLASH_ESCAPES or EMPTY_STRING_IS_NULL
// randsync's literals parse otherwise; a default time zone moves every
// TIMESTAMP; a global sql_select_limit cuts results short; a short
// net_write_timeout drops a connection that reads a big chunk slowly.
//
// Applied right after connecting (one SET statement), before any other
// statement of the session. Thread-safe: the list is constant.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "db/connection.h"

namespace randsync::db {

struct PinnedSetting {
  const char* name;   // a session system variable
  const char* value;  // as SQL: a quoted string or a number
};

// Every pinned setting, in the order they are set.
const std::vector<PinnedSetting>& PinnedSettings();

// Sets them all on `c` and returns the values the session had before that
// differed (name -> value as the server printed it): what the server's
// globals, the connect handshake or init_connect would have used. Throws
// db::DbError like any statement.
using Overridden = std::map<std::string, std::string>;
Overridden PinSession(Connection& c);

// The pinned settings as name -> value (unquoted), for reports.
std::map<std::string, std::string> PinnedValues();

}  // namespace randsync::db
