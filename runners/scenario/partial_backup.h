// A partial backup (`run --tables REGEX`, `--databases LIST`): the backup
// takes only the selected tables of the master, the slave replicates only
// them (--replicate-do-table), and the checks compare exactly them.
//
// The selection is resolved once, before the backup starts, to the base
// tables that exist then ("db.t"); each method takes that list its own way
// (mariabackup --databases="mysql db.t ...", mariadb-dump DB T..., mydumper
// --regex of exactly those names). Tables created later are not in it.
// Only ROW format: a statement-format event that reads a left-out table
// (INSERT ... SELECT) would change a provisioned one on the slave from rows
// it does not have.
#pragma once

#include <string>
#include <vector>

#include "db/connection.h"

namespace randsync::scenario {

struct BackupSelection {
  std::string tables_regex;            // matched against "db.table" (as mariabackup's --tables)
  std::vector<std::string> databases;  // whole databases; empty: every user database
  bool partial() const { return !tables_regex.empty() || !databases.empty(); }
  // "--tables 'test\.(A|B)$'" or "--databases db1,db2", for the report.
  std::string Describe() const;
};

// The base tables of `user_databases` on the master that `selection`
// takes, "db.t", sorted. Throws std::runtime_error for a bad regex, a
// database that does not exist, or a selection that takes nothing.
std::vector<std::string> SelectedTables(db::Connection& master, const std::vector<std::string>& user_databases,
                                        const BackupSelection& selection);

// The slave's replication filter for those tables: one
// --replicate-do-table=db.t each.
std::vector<std::string> ReplicationFilterFor(const std::vector<std::string>& tables);

// The databases of "db.t" names, sorted, each once.
std::vector<std::string> DatabasesOf(const std::vector<std::string>& tables);

}  // namespace randsync::scenario
