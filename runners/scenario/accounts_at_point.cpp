#include "runners/scenario/accounts_at_point.h"

#include <chrono>
#include <exception>
#include <future>
#include <optional>
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

// Until `snapshots` transactions of connections newer than `after_id`
// exist, `finished` says the tool ended, or 60 s pass.
void WaitForSnapshots(db::Connection& watch, uint64_t after_id, unsigned snapshots,
                      const std::function<bool()>& finished) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  const std::string count =
      fmt::format("SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id > {}", after_id);
  while (Clock::now() < deadline && !finished()) {
    if (std::stoul(watch.QueryValue(count).value_or("0")) >= snapshots) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
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

backup::BackupPosition DumpWithAccounts(const MasterEndpoint& master, const backup::UsersDumpOptions& users,
                                        unsigned snapshots, const std::function<backup::BackupPosition()>& dump,
                                        PositionCheck& check) {
  std::optional<db::Connection> lock(std::in_place, master.dsn);
  db::Connection watch(master.dsn);
  backup::BackupPosition accounts;
  std::string accounts_dumped;
  std::future<backup::BackupPosition> tool;
  try {
    lock->Execute("SET SESSION lock_wait_timeout = 60");
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
