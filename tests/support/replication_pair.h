// A master and a slave that replicates from it (GTID, ROW format), started
// once per test program on first use and stopped at exit. Tests that plant
// differences on the slave write there directly (a replica is writable).
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "db/connection.h"
#include "db/dsn.h"
#include "runners/server/throwaway_server.h"

namespace randsync::testsupport {

class ReplicationPair {
 public:
  server::ThrowawayServer& master() { return *master_; }
  server::ThrowawayServer& slave() { return *slave_; }
  db::Dsn MasterDsn(std::string_view database = "test") const;
  db::Dsn SlaveDsn(std::string_view database = "test") const;
  db::Connection Master(std::string_view database = "test") const { return db::Connection(MasterDsn(database)); }
  db::Connection Slave(std::string_view database = "test") const { return db::Connection(SlaveDsn(database)); }
  // Waits until the slave applied everything the master logged so far;
  // fails the test (and returns false) after 60 s.
  bool WaitForSlave();

 private:
  friend ReplicationPair& SharedReplicationPair();
  ReplicationPair();
  std::unique_ptr<server::ThrowawayServer> master_;
  std::unique_ptr<server::ThrowawayServer> slave_;
};

// The program's pair, started on first call; throws if it cannot start.
ReplicationPair& SharedReplicationPair();

// Fixture: skips without MariaDB, fails when the pair cannot start.
class ReplicationPairTest : public ::testing::Test {
 protected:
  void SetUp() override;
  ReplicationPair& pair() { return *pair_; }

 private:
  ReplicationPair* pair_ = nullptr;
};

}  // namespace randsync::testsupport
