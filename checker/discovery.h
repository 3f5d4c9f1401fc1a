// Which databases and tables a check covers: every user database of the
// master (system schemas excluded) narrowed by --databases and --tables.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace randsync::db {
class Connection;
}

namespace randsync::checker {

struct Filters {
  std::vector<std::string> databases;  // empty: all user databases
  // "db.table" or "table" (in any selected database); empty: all tables.
  std::vector<std::string> tables;
};

struct TableRef {
  std::string database;
  std::string table;
  std::string engine;
  uint64_t estimated_rows = 0;  // information_schema.TABLES.TABLE_ROWS
  // Whether a consistent snapshot covers it (InnoDB and friends). Others
  // (Aria, MyISAM, MEMORY) are compared only when the writers are stopped.
  bool transactional = true;
  // A SEQUENCE: its one row changes outside transactions (NEXTVAL, SETVAL),
  // so it is not transactional either, whatever its engine.
  bool sequence = false;
  // information_schema could not open it: an ALTER TABLE is rebuilding it
  // right now ("skipped since its definition is being modified by
  // concurrent DDL statement"). Its schema and data are in flux.
  bool busy = false;
};

// mysql, information_schema, performance_schema, sys.
bool IsSystemDatabase(const std::string& name);

// The selected databases that exist on this server, sorted.
std::vector<std::string> ListDatabases(db::Connection& conn, const Filters& filters);

// BASE TABLEs (and system-versioned tables) of `databases` matching the
// filters, sorted by database and name. Views are schema objects only.
std::vector<TableRef> ListTables(db::Connection& conn, const std::vector<std::string>& databases,
                                 const Filters& filters);

}  // namespace randsync::checker
