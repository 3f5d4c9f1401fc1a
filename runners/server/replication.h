// Making a server a replica of another, and waiting for it: the statements
// of ../shared/reference/provisioning.md in one place, for the main job, the
// checker's tests and the benchmarks.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"

namespace randsync::server {

class ThrowawayServer;

struct ReplicationSource {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string user = "root";
  std::string password;
  // MASTER_DELAY: the slave applies each event only this many seconds after
  // the master wrote it (a delayed replica; also a way to make a slave
  // that cannot catch up in time, for tests).
  unsigned delay_s = 0;
};

// SET GLOBAL gtid_slave_pos = `gtid_slave_pos`; CHANGE MASTER TO ...
// MASTER_USE_GTID = slave_pos; START SLAVE. Throws db::DbError.
void StartReplicaAtGtid(db::Connection& slave, const ReplicationSource& source,
                        std::string_view gtid_slave_pos);

// CHANGE MASTER TO ... MASTER_LOG_FILE = `file`, MASTER_LOG_POS = `pos`,
// MASTER_USE_GTID = no; START SLAVE: the classic coordinates, for servers
// or users without GTID. Throws db::DbError.
void StartReplicaAtPosition(db::Connection& slave, const ReplicationSource& source, std::string_view file,
                            uint64_t pos);

// MASTER_POS_WAIT(`file`, `pos`, timeout): true when the slave's SQL thread
// executed up to there, false on timeout. Throws db::DbError.
bool WaitForPosition(db::Connection& slave, std::string_view file, uint64_t pos, std::chrono::seconds timeout);

// MASTER_GTID_WAIT(`gtid`, ...) in one-second slices up to `timeout`: true
// when the slave applied it; false on timeout or, as soon as it happens,
// when a replication thread stopped (not retrying) with an error (MASTER_GTID_WAIT itself
// would wait out the timeout: a reduce trial that stopped the slave took
// the whole 60 s). Throws db::DbError.
bool WaitForGtid(db::Connection& slave, std::string_view gtid, std::chrono::seconds timeout);

// The options a throwaway master needs: binary log, server id 1, `format`.
std::vector<std::string> MasterOptions(std::string_view binlog_format = "ROW");
// A throwaway slave's: server id `id`, its own binary log (so it can be a
// master later and so its snapshots report positions too).
std::vector<std::string> SlaveOptions(unsigned id = 2);

}  // namespace randsync::server
