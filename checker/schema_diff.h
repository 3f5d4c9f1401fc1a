// Schema comparison: the checker's answer to "are the two sides even the
// same tables?", reported before (and independently of) any row hashing.
//
// Everything is read from information_schema with one set-based query per
// object kind and database, never one query per table: a database with a
// thousand tables costs a handful of round trips on each side.
//
// What is compared, per database pair:
//  * the database itself (missing, extra, default charset and collation);
//  * tables (missing, extra, type, engine, collation, options, comment);
//  * columns (type, nullability, default, charset, collation, extra, the
//    generation expression, comment) and the order of the columns;
//  * indexes (uniqueness, columns in order with prefix length and
//    direction, index type, comment, IGNORED), CHECK constraints and
//    foreign keys (columns, referenced table and columns, rules);
//  * views, triggers, stored routines and events (definitions and the
//    properties that change what they do).
// Children of an object that exists on one side only (the columns of a
// missing table, say) are not reported again.
//
// Deliberately not compared: AUTO_INCREMENT counters (they legitimately run
// ahead on either side: rolled-back inserts, InnoDB's counter persistence,
// auto_increment_increment/offset), which is also why the SHOW CREATE TABLE
// text is not compared; an event's STATUS (a replicated event is
// SLAVESIDE_DISABLED on the slave by design) and ORIGINATOR (the server id);
// and timestamps (CREATED, LAST_ALTERED, LAST_EXECUTED).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace randsync::db {
class Connection;
}

namespace randsync::checker {

// One database compared on both sides. The names may differ (tests compare
// db `a` with db `b` on one server): the slave's quoted name is rewritten to
// the master's in definitions that embed it (view bodies, say), and objects
// are reported under the master's name.
struct DatabasePair {
  std::string master;
  std::string slave;
};

struct SchemaDifference {
  // e.g. "`db`.`t1`", "`db`.`t1`.`c`", "index `db`.`t1`.`k1`",
  // "trigger `db`.`trg`", "view `db`.`v1`", "procedure `db`.`p`",
  // "function `db`.`f`", "event `db`.`e`", "database `db`",
  // "check `db`.`t1`.`chk`", "foreign key `db`.`t1`.`fk`".
  std::string object;
  // A short kind: "missing on slave", "extra on slave", "column type",
  // "nullability", "default", "charset", "collation", "column order",
  // "engine", "index definition", "view definition", "trigger definition",
  // "routine definition", "routine parameters", "return type",
  // "event definition", "event schedule", "check definition",
  // "foreign key definition", ...
  std::string what;
  std::string master;  // the master's side, human-readable ("" when absent)
  std::string slave;   // the slave's side ("" when absent)

  // One line: "<object>: <what>: master <m>, slave <s>" (an absent side is
  // shown as "(absent)", newlines as "\n").
  std::string ToString() const;

  bool operator==(const SchemaDifference&) const = default;
};

// Compares the schemas of each pair in `databases` (master's side on
// `master`, slave's on `slave`; the same connection may serve both). The
// result is sorted by object, then what; empty when the schemas match.
// Throws db::DbError when a query fails.
std::vector<SchemaDifference> CompareSchemas(db::Connection& master, db::Connection& slave,
                                             const std::vector<DatabasePair>& databases);

// The same in two steps, for a sync point: each side's schema is read at the
// moment it is at the point (the master while its DDL is blocked, the slave
// while it is stopped there), and compared afterwards.
class SchemaSnapshot {
 public:
  SchemaSnapshot();
  ~SchemaSnapshot();
  SchemaSnapshot(SchemaSnapshot&&) noexcept;
  SchemaSnapshot& operator=(SchemaSnapshot&&) noexcept;

 private:
  friend SchemaSnapshot ReadSchema(db::Connection&, const std::vector<DatabasePair>&, bool);
  friend std::vector<SchemaDifference> CompareSchemas(const SchemaSnapshot&, const SchemaSnapshot&);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads the master's (`slave_side` false) or the slave's side of each pair.
SchemaSnapshot ReadSchema(db::Connection& conn, const std::vector<DatabasePair>& databases,
                          bool slave_side);
std::vector<SchemaDifference> CompareSchemas(const SchemaSnapshot& master, const SchemaSnapshot& slave);

}  // namespace randsync::checker
