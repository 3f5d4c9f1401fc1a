// Watches a running slave between checks: a replication thread that stops
// (the SQL thread on an apply error, the IO thread on a lost or refused
// master) is a replication failure as soon as it is seen, not at the next
// sync point. Polled from the run's main thread, between sync points and
// while the load ends, never while a check runs (a sync point stops the
// slave's SQL thread itself).
//
// Not thread-safe: one thread polls it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "db/dsn.h"

namespace randsync::scenario {

// A stopped replication thread, with what MariaDB says about it and the
// transaction it stopped at.
struct ReplicationStop {
  std::string thread;  // "SQL" or "IO"
  unsigned error_number = 0;
  std::string error;  // Last_SQL_Error / Last_IO_Error
  std::string table;  // the table the SQL thread's error names, if any
  // The transaction the SQL thread failed on: its GTID and binlog position
  // on the master ("" when not known, e.g. for the IO thread).
  std::string gtid;
  std::string event_position;  // "master-bin.000001:4567"
  std::string status;          // SHOW SLAVE STATUS, one line

  std::string Describe() const;
  nlohmann::json ToJson() const;
};

class ReplicationWatch {
 public:
  // Connections with short read timeouts: a hung server must not hang the
  // poll (a dead one is the crash watch's business).
  ReplicationWatch(const db::Dsn& master, const db::Dsn& slave);

  // One look at the slave; a stop when a replication thread is not running.
  // A connection that fails is reported as no stop (the crash watch names a
  // dead server; the next poll reconnects).
  std::optional<ReplicationStop> Poll();

 private:
  std::string EventGtid(const std::string& file, uint64_t pos);

  db::Dsn master_dsn_, slave_dsn_;
  std::optional<db::Connection> master_, slave_;
};

}  // namespace randsync::scenario
