// Reading a schema snapshot from a live server, the way RQG's executor
// caches its metadata (see schema.h for what is included and how it is
// classified).
#pragma once

#include "db/dsn.h"
#include "engine/schema/schema.h"

namespace randsync {

namespace db {
class Connection;
}

// Connects to `dsn` and reads the snapshot. default_database is the DSN's
// database, or `test` (RQG's default DSN) when the DSN names none. Throws
// db::DbError when the server cannot be reached or a query fails.
Schema ReadSchemaFromServer(const db::Dsn& dsn);

// Same over an open connection (which must not be inside a transaction whose
// snapshot predates the tables to be seen).
Schema ReadSchemaFromServer(db::Connection& connection, const std::string& default_database);

}  // namespace randsync
