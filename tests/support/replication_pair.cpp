#include "tests/support/replication_pair.h"

#include <chrono>
#include <memory>
#include <mutex>

#include "runners/server/replication.h"
#include "runners/server/server_error.h"
#include "tests/support/shared_server.h"

namespace randsync::testsupport {

ReplicationPair::ReplicationPair() {
  server::ServerOptions m = TestServerOptions("master");
  m.extra_options = server::MasterOptions("ROW");
  server::ServerOptions s = TestServerOptions("slave");
  s.extra_options = server::SlaveOptions(2);
  master_ = std::make_unique<server::ThrowawayServer>(m);
  slave_ = std::make_unique<server::ThrowawayServer>(s);
  master_->Start();
  slave_->Start();
  // Both were bootstrapped empty (database `test` is created unlogged), so
  // replication starts from the empty position.
  db::Connection slave_conn = Slave();
  server::ReplicationSource source;
  source.port = master_->port();
  server::StartReplicaAtGtid(slave_conn, source, "");
}

db::Dsn ReplicationPair::MasterDsn(std::string_view database) const {
  return db::ParseDsn(master_->Dsn(database), nullptr);
}

db::Dsn ReplicationPair::SlaveDsn(std::string_view database) const {
  return db::ParseDsn(slave_->Dsn(database), nullptr);
}

bool ReplicationPair::WaitForSlave() {
  db::Connection m = Master();
  db::Connection s = Slave();
  const std::string gtid = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
  const bool reached = server::WaitForGtid(s, gtid, std::chrono::seconds(60));
  EXPECT_TRUE(reached) << "slave did not reach " << gtid << " in 60 s";
  return reached;
}

ReplicationPair& SharedReplicationPair() {
  static std::unique_ptr<ReplicationPair> shared;
  static std::string failure;
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (!failure.empty()) {
    throw server::ServerError(server::ServerErrorKind::kStartFailed,
                              "replication pair failed to start earlier: " + failure);
  }
  if (!shared) {
    try {
      shared.reset(new ReplicationPair());
    } catch (const std::exception& e) {
      failure = e.what();
      throw;
    }
  }
  return *shared;
}

void ReplicationPairTest::SetUp() {
  std::string why;
  if (!MariadbInstalled(&why)) GTEST_SKIP() << why;
  try {
    pair_ = &SharedReplicationPair();
    pair_->master().CheckAlive();
    pair_->slave().CheckAlive();
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
}

}  // namespace randsync::testsupport
