// Several slaves at one sync point (checker/sync_point.h, check_run.h) on
// real servers: a master, two slaves of it (A, B) and a slave of A (C, a
// chain). One master snapshot at G, every slave stopped at G, one verdict
// each: a difference, a failed replication or an unreachable server on one
// slave is named on that slave only.
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "checker/check_report.h"
#include "checker/check_run.h"
#include "db/connection.h"
#include "runners/server/replication.h"
#include "tests/support/shared_server.h"
#include "tests/support/writers.h"

namespace randsync::checker {
namespace {

using namespace std::chrono_literals;

// The program's servers, started on first use.
struct Topology {
  std::unique_ptr<server::ThrowawayServer> master, a, b, c;

  Topology() {
    server::ServerOptions m = testsupport::TestServerOptions("master");
    m.extra_options = server::MasterOptions("ROW");
    master = std::make_unique<server::ThrowawayServer>(m);
    master->Start();
    a = StartSlave("slave-a", 2, master->port());
    b = StartSlave("slave-b", 3, master->port());
    c = StartSlave("slave-c", 4, a->port());  // replicates from A
  }

  static std::unique_ptr<server::ThrowawayServer> StartSlave(const std::string& role, unsigned id, unsigned source_port) {
    server::ServerOptions o = testsupport::TestServerOptions(role);
    o.extra_options = server::SlaveOptions(id);
    auto s = std::make_unique<server::ThrowawayServer>(o);
    s->Start();
    db::Connection conn(db::ParseDsn(s->Dsn("test"), nullptr));
    server::ReplicationSource source;
    source.port = source_port;
    server::StartReplicaAtGtid(conn, source, "");
    return s;
  }

  static db::Dsn Dsn(const server::ThrowawayServer& s) { return db::ParseDsn(s.Dsn(""), nullptr); }
  static db::Connection Connect(const server::ThrowawayServer& s) {
    return db::Connection(db::ParseDsn(s.Dsn("test"), nullptr));
  }

  // Every slave applied what the master logged so far.
  void WaitForAll() {
    db::Connection m = Connect(*master);
    const std::string gtid = m.QueryValue("SELECT @@gtid_binlog_pos").value_or("");
    for (auto* s : {a.get(), b.get(), c.get()}) {
      db::Connection conn = Connect(*s);
      EXPECT_TRUE(server::WaitForGtid(conn, gtid, 60s)) << "a slave did not reach " << gtid;
    }
  }
};

Topology& Servers() {
  static std::unique_ptr<Topology> t;
  if (!t) t = std::make_unique<Topology>();
  return *t;
}

class MultiSlaveCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!testsupport::MariadbInstalled(&why)) GTEST_SKIP() << why;
    try {
      Servers();
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
    db::Connection m = Topology::Connect(*Servers().master);
    m.Execute("DROP DATABASE IF EXISTS ms");
    m.Execute("CREATE DATABASE ms");
    m.Execute("CREATE TABLE ms.t (pk INT PRIMARY KEY, v INT) ENGINE=InnoDB");
    m.Execute("INSERT INTO ms.t SELECT seq, seq FROM seq_1_to_200");
    m.Execute("CREATE TABLE ms.u (pk INT PRIMARY KEY, s VARCHAR(20)) ENGINE=InnoDB");
    m.Execute("INSERT INTO ms.u SELECT seq, CONCAT('s', seq) FROM seq_1_to_50");
    Servers().WaitForAll();
  }

  static CheckOptions Options(std::vector<db::Dsn> slaves) {
    CheckOptions o;
    o.master = Topology::Dsn(*Servers().master);
    o.slaves = std::move(slaves);
    o.filters.databases = {"ms"};
    o.threads = 2;
    o.chunk_size = 16;
    o.sync_timeout = 30s;
    return o;
  }

  static std::vector<db::Dsn> AllSlaves() {
    return {Topology::Dsn(*Servers().a), Topology::Dsn(*Servers().b), Topology::Dsn(*Servers().c)};
  }
};

// Two writers on the master while the check runs.
class Writers : public testsupport::Writers {
 public:
  Writers()
      : testsupport::Writers(Topology::Dsn(*Servers().master), 2, [](unsigned t, uint64_t i) {
          return fmt::format("UPDATE ms.t SET v = v + 1 WHERE pk = {}", 1 + (i * 7 + t) % 200);
        }) {}
};

TEST_F(MultiSlaveCheckTest, EverySlaveIncludingAChainedOneIsEqualAtOnePointUnderWrites) {
  Writers writers;
  std::this_thread::sleep_for(200ms);
  const std::vector<CheckReport> reports = RunChecks(Options(AllSlaves()));
  ASSERT_EQ(reports.size(), 3u);
  for (const CheckReport& r : reports) {
    EXPECT_EQ(r.status, Status::kOk) << Summary(r);
    EXPECT_EQ(r.gtid, reports[0].gtid) << "one sync point for every slave";
    EXPECT_EQ(r.tables.size(), 2u);
    EXPECT_EQ(r.master_rows, 250u);
    EXPECT_EQ(r.slave_rows, 250u);
  }
  EXPECT_FALSE(reports[0].gtid.empty());
  EXPECT_NE(reports[0].slave, reports[2].slave);
  EXPECT_GT(writers.commits(), 0u);
  std::cout << Summary(reports);
}

TEST_F(MultiSlaveCheckTest, ADifferenceOnOneSlaveIsThatSlavesVerdictOnly) {
  db::Connection b = Topology::Connect(*Servers().b);
  b.Execute("UPDATE ms.t SET v = -1 WHERE pk = 77");
  const std::vector<CheckReport> reports = RunChecks(Options(AllSlaves()));
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0].status, Status::kOk) << Summary(reports[0]);
  EXPECT_EQ(reports[2].status, Status::kOk) << Summary(reports[2]);
  ASSERT_EQ(reports[1].status, Status::kDivergence) << Summary(reports[1]);
  EXPECT_EQ(WorstStatus(reports), Status::kDivergence);
  for (const TableCheck& t : reports[1].tables) {
    if (t.ref.table != "t") {
      EXPECT_EQ(t.outcome, TableCheck::Outcome::kEqual);
      continue;
    }
    ASSERT_EQ(t.rows.size(), 1u);
    ASSERT_EQ(t.rows[0].key_values.size(), 1u);
    EXPECT_EQ(t.rows[0].key_values[0], "77");
  }
  b.Execute("UPDATE ms.t SET v = 77 WHERE pk = 77");
}

TEST_F(MultiSlaveCheckTest, CommandLineNamesOnlyTheSlaveThatDiffers) {
  db::Connection b = Topology::Connect(*Servers().b);
  b.Execute("DELETE FROM ms.u WHERE pk = 5");
  const std::string json = ::testing::TempDir() + "multi_slave.json";
  const std::string out = ::testing::TempDir() + "multi_slave.txt";
  const std::string cmd = fmt::format(
      "{} check --quiet --master {} --slave {} --slave {} --databases ms --threads 2 --json {} > {} 2>&1",
      RANDSYNC_BINARY, Servers().master->Dsn(""), Servers().a->Dsn(""), Servers().b->Dsn(""), json, out);
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 111);
  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["status"], 111);
  ASSERT_EQ(j["slaves"].size(), 2u);
  EXPECT_EQ(j["slaves"][0]["result"], "ok");
  EXPECT_EQ(j["slaves"][1]["result"], "divergence");
  const CheckReport back = CheckReportFromJson(j["slaves"][1]);
  EXPECT_NE(back.slave.find(std::to_string(Servers().b->port())), std::string::npos) << back.slave;
  std::ifstream text(out);
  const std::string printed((std::istreambuf_iterator<char>(text)), {});
  std::cout << printed;
  const std::string a_port = std::to_string(Servers().a->port());
  const std::string b_port = std::to_string(Servers().b->port());
  EXPECT_NE(printed.find(fmt::format("127.0.0.1:{}/: equal", a_port)), std::string::npos) << printed;
  EXPECT_NE(printed.find(fmt::format("127.0.0.1:{}/: divergence", b_port)), std::string::npos) << printed;
  b.Execute("INSERT INTO ms.u VALUES (5, 's5')");
}

TEST_F(MultiSlaveCheckTest, FailedReplicationOrNoServerIsOneSlavesVerdict) {
  // C's SQL thread fails on a duplicate key; D does not exist.
  db::Connection c = Topology::Connect(*Servers().c);
  c.Execute("INSERT INTO ms.u VALUES (1000, 'c only')");
  db::Connection m = Topology::Connect(*Servers().master);
  m.Execute("INSERT INTO ms.u VALUES (1000, 'master')");
  std::vector<db::Dsn> slaves = AllSlaves();
  db::Dsn nowhere = slaves[0];
  nowhere.port = 1;
  slaves.push_back(nowhere);
  const std::vector<CheckReport> reports = RunChecks(Options(slaves));
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[0].status, Status::kOk) << Summary(reports[0]);
  EXPECT_EQ(reports[1].status, Status::kOk) << Summary(reports[1]);
  EXPECT_EQ(reports[2].status, Status::kReplicationFailure) << Summary(reports[2]);
  EXPECT_EQ(reports[2].error_number, 1062u) << reports[2].error;
  EXPECT_EQ(reports[3].status, Status::kEnvironment) << Summary(reports[3]);
  EXPECT_EQ(WorstStatus(reports), Status::kReplicationFailure);
  // Repair C: drop its conflicting row and let it apply the master's.
  c.Execute("DELETE FROM ms.u WHERE pk = 1000");
  c.Execute("START SLAVE");
  Servers().WaitForAll();
}

}  // namespace
}  // namespace randsync::checker
