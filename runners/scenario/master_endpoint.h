// How `randsync run` reaches its master: a throwaway server it started, or
// the user's own (--master DSN). Everything after the master's start (data,
// load, backup, replication, checks, timeline) goes through this, so the
// two kinds differ only in who starts and stops the server.
#pragma once

#include <string>

#include "db/dsn.h"
#include "runners/scenario/methods/backup_method.h"
#include "runners/server/admin_connection.h"
#include "runners/server/replication.h"
#include "runners/server/throwaway_server.h"

namespace randsync::scenario {

struct MasterEndpoint {
  db::Dsn dsn;                        // no default database
  server::AdminTarget admin;          // for the backup tools (no database)
  server::ReplicationSource source;   // what the slave's CHANGE MASTER TO names
  std::string data_database = "test";  // where the data and the load go
  unsigned server_id = 1;
  std::string binlog_format;          // the master's, as it runs
  std::string description;            // for progress lines and the report
  bool external = false;
  // The account the slave replicates as when randsync made one for this
  // run ("randsync_repl_..."; dropped by DropReplicationAccount), else "".
  std::string replication_account;
};

MasterEndpoint EndpointOf(const server::ThrowawayServer& master, const std::string& binlog_format);

// Connects to the user's master and checks what the run needs before
// anything is written to it, each failure one line naming the cause and
// the fix: reachable; binary log on; a MariaDB server (GTID, BACKUP
// STAGE); for a method that copies files (ReadsMasterFiles), its datadir
// on this machine. The slave's master.info keeps its replication password in plain
// text, and the slave's datadir is part of the results: so the slave
// replicates as a throwaway account with a random password and REPLICATION
// SLAVE, made unlogged; when the DSN's user may not create it, as the
// DSN's user (`warning` says so). Throws std::runtime_error.
MasterEndpoint ExternalMaster(const db::Dsn& dsn, const BackupMethod& method, std::string& warning);

// Drops the throwaway replication account, unlogged; never throws (a
// master that is gone keeps it: "randsync_repl_..." names it).
void DropReplicationAccount(const MasterEndpoint& master);

}  // namespace randsync::scenario
