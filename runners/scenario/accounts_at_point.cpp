#include "runners/scenario/accounts_at_point.h"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <future>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "db/db_error.h"
#include "runners/scenario/binlog_events.h"

namespace randsync::scenario {
namespace {

using Clock = std::chrono::steady_clock;

backup::BackupPosition PositionNow(db::Connection& c) {
  db::RowSet st = c.QueryRows("SHOW MASTER STATUS");
  if (st.rows.empty()) throw backup::BackupError("the master has no binary log (SHOW MASTER STATUS is empty)");
  return {st.rows[0].at(0).value_or(""), std::stoull(st.rows[0].at(1).value_or("0")),
          c.QueryValue("SELECT @@gtid_binlog_pos").value_or("")};
}

// The connections newer than `after_id` with an InnoDB read view open, as
// SHOW ENGINE INNODB STATUS lists them:
//   ---TRANSACTION (0x7f64...), ACTIVE 0 sec
//   MariaDB thread id 32, OS thread handle ..., query id 3321 localhost root
//   Trx read view will not see trx with id >= 51, sees < 51
// Not INNODB_TRX: InnoDB refreshes that table's cache only when it was last
// read more than 100 ms ago (trx0i_s.cc), so polled every few ms it never
// changed and the lock was held for the whole dump (measured: 0.17 s of a
// 0.18 s mariadb-dump).
unsigned SnapshotsOpenAfter(db::Connection& c, uint64_t after_id) {
  const db::RowSet rs = c.QueryRows("SHOW ENGINE INNODB STATUS");
  if (rs.rows.empty() || rs.rows[0].size() < 3) return 0;
  std::istringstream text(rs.rows[0][2].value_or(""));
  std::set<uint64_t> open;
  uint64_t thread = 0;
  bool active = false;
  for (std::string line; std::getline(text, line);) {
    if (line.rfind("---TRANSACTION", 0) == 0) {
      active = line.find("ACTIVE") != std::string::npos;
      thread = 0;
    } else if (line.rfind("MariaDB thread id ", 0) == 0) {
      thread = std::strtoull(line.c_str() + 18, nullptr, 10);
    } else if (line.rfind("Trx read view", 0) == 0 && active && thread > after_id) {
      open.insert(thread);
    }
  }
  return static_cast<unsigned>(open.size());
}

// Until `snapshots` read views of connections newer than `after_id` are
// open, `finished` says the tool ended, or 60 s pass (with
// kHoldUntilToolEnds: until the tool ends, however long).
void WaitForSnapshots(db::Connection& watch, uint64_t after_id, unsigned snapshots,
                      const std::function<bool()>& finished) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  const bool until_end = snapshots == kHoldUntilToolEnds;  // the tool's own timeout bounds it
  while ((until_end || Clock::now() < deadline) && !finished()) {
    if (!until_end && SnapshotsOpenAfter(watch, after_id) >= snapshots) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(until_end ? 20 : 3));
  }
}

PositionCheck CompareWithAccounts(db::Connection& m, const backup::BackupPosition& accounts,
                                  const backup::BackupPosition& data) {
  PositionCheck c;
  c.what = "accounts dump vs the data's position";
  if (CompareBinlogPositions(accounts, data) == 0) {
    c.verdict = AuditVerdict::kConfirmed;
    c.detail = fmt::format("both at {}:{}", data.binlog_file, data.binlog_pos);
    return c;
  }
  std::string statement;
  const bool reached = ForEachBinlogEvent(m, accounts, data, 100000, [&](const BinlogEvent& e) {
    if (e.type == "Query" && backup::IsAccountStatement(e.info)) statement = fmt::format("{}:{} {}", e.file, e.pos, e.info.substr(0, 120));
    return statement.empty();
  });
  if (!statement.empty()) {
    c.verdict = AuditVerdict::kWrong;
    c.detail = fmt::format("the accounts were dumped at {}:{}, the data at {}:{}, and an account statement lies "
                           "between them ({})",
                           accounts.binlog_file, accounts.binlog_pos, data.binlog_file, data.binlog_pos, statement);
  } else {
    c.verdict = reached ? AuditVerdict::kConfirmed : AuditVerdict::kUndecided;
    c.detail = fmt::format("the accounts were dumped at {}:{}, the data at {}:{}, {}", accounts.binlog_file,
                           accounts.binlog_pos, data.binlog_file, data.binlog_pos,
                           reached ? "with no account statement between them" : "too far apart to compare");
  }
  return c;
}

}  // namespace

backup::BackupPosition DumpWithAccounts(const MasterEndpoint& master, const db::ConnectOptions& control,
                                        const backup::UsersDumpOptions& users, unsigned snapshots,
                                        const std::function<backup::BackupPosition()>& dump, PositionCheck& check) {
  // FLUSH TABLES WITH READ LOCK waits for the statements running on the
  // master (the load's are bounded by its lock_wait_timeout of 10 s): no
  // longer than a control read may take, and the read a little longer.
  const unsigned lock_wait_s = control.read_timeout_s > 0 ? control.read_timeout_s : 60;
  db::ConnectOptions lock_options = control;
  if (lock_options.read_timeout_s > 0) lock_options.read_timeout_s += 5;
  std::optional<db::Connection> lock(std::in_place, master.dsn, lock_options);
  db::Connection watch(master.dsn, control);
  backup::BackupPosition accounts;
  std::string accounts_dumped;
  std::future<backup::BackupPosition> tool;
  try {
    lock->Execute(fmt::format("SET SESSION lock_wait_timeout = {}", lock_wait_s));
    lock->Execute("FLUSH TABLES WITH READ LOCK");
    const uint64_t after_id = std::stoull(watch.QueryValue("SELECT MAX(ID) FROM information_schema.PROCESSLIST").value_or("0"));
    accounts = PositionNow(watch);
    const backup::UsersDump u = backup::DumpUsers(watch, users);
    accounts_dumped = fmt::format("{} accounts and roles, {} privilege rows", u.accounts, u.rows);
    tool = std::async(std::launch::async, dump);
    WaitForSnapshots(watch, after_id, snapshots,
                     [&] { return tool.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready; });
    lock->Execute("UNLOCK TABLES");
  } catch (const db::DbError& e) {
    lock.reset();  // the lock goes with its session
    if (tool.valid()) tool.wait();
    throw backup::BackupError(std::string("the global read lock for the accounts dump: ") + e.what());
  }
  const backup::BackupPosition data = tool.get();
  check = CompareWithAccounts(watch, accounts, data);
  check.detail = accounts_dumped + ": " + check.detail;
  return data;
}

}  // namespace randsync::scenario
