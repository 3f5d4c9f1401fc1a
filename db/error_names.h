// The symbolic name of every MariaDB server and client error number
// ("ER_SP_DOES_NOT_EXIST" for 1305, "CR_SERVER_LOST" for 2013), taken at
// build time from Connector/C's own mysqld_error.h and errmsg.h, so that a
// summary names every number the server can send. Thread-safe.
#pragma once

namespace randsync::db {

// nullptr for a number neither header defines.
const char* ErrorName(unsigned error_number);

}  // namespace randsync::db
