#include "runners/scenario/methods/logical_method.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "base/text_util.h"
#include "checker/discovery.h"
#include "runners/backup/logical_dump.h"
#include "runners/backup/users_dump.h"
#include "runners/scenario/accounts_at_point.h"
#include "runners/scenario/consistency_model.h"
#include "runners/scenario/provision_context.h"
#include "runners/server/server_options.h"
#include "runners/server/throwaway_server.h"

namespace randsync::scenario {
namespace {

using Clock = std::chrono::steady_clock;

// What a table list says in one line: "test.a (Aria), test.b (MyISAM) and 3 more".
std::string Few(const std::vector<UncoveredTable>& tables) {
  constexpr size_t kNamed = 3;
  std::string out;
  for (size_t i = 0; i < tables.size() && i < kNamed; ++i) {
    out += fmt::format("{}{} ({})", i ? ", " : "", tables[i].table, tables[i].engine);
  }
  if (tables.size() > kNamed) out += fmt::format(" and {} more", tables.size() - kNamed);
  return out;
}

// The master's accounts, roles and grants (users_dump.h): beside the
// backup, not in it, since mydumper wants its folder new or empty.
std::filesystem::path UsersFile(const ProvisionContext& ctx) {
  return ctx.BackupDir().parent_path() / "backup-users.sql";
}

// A fresh throwaway server has a `test` database; a master need not (the
// user's may have been bootstrapped without it). Left there, it would be
// reported as a schema difference the backup did not cause.
void DropDatabasesTheMasterLacks(const ProvisionContext& ctx, server::ThrowawayServer& slave) {
  const std::vector<std::string> keep = ctx.UserDatabases();
  db::Connection s(db::ParseDsn(slave.Dsn(""), nullptr), ctx.control);
  s.Execute("SET SESSION sql_log_bin = 0");
  for (const std::string& d : checker::ListDatabases(s, {})) {
    if (std::find(keep.begin(), keep.end(), d) == keep.end()) s.Execute("DROP DATABASE " + QuoteIdentifier(d));
  }
}

// A replica's SQL thread, stopped while a logical method backs it up: the
// accounts' global read lock (accounts_at_point.h) holds the SQL thread
// in its commit, and mariadb-dump --dump-slave's STOP SLAVE SQL_THREAD
// then waits for it until the lock ends (measured: the dump waited the
// snapshot wait's 60 s). Stopped first, the replica stands still for the
// accounts, the tool's position and its snapshot alike; it starts again
// when the dump has ended.
class ReplicaApplyStopped {
 public:
  explicit ReplicaApplyStopped(const ProvisionContext& ctx) : replica_(ctx.Master()) {
    replica_.Execute("STOP SLAVE SQL_THREAD");
  }
  ~ReplicaApplyStopped() {
    try {
      replica_.Execute("START SLAVE SQL_THREAD");
    } catch (const std::exception& e) {
      SayProvision(std::string("backup: the replica's SQL thread could not be started again: ") + e.what());
    }
  }
  ReplicaApplyStopped(const ReplicaApplyStopped&) = delete;
  ReplicaApplyStopped& operator=(const ReplicaApplyStopped&) = delete;

 private:
  db::Connection replica_;
};

}  // namespace

LogicalMethod::LogicalMethod(MethodSettings settings, std::optional<backup::DumpLocking> locking)
    : settings_(std::move(settings)), locking_(locking) {}

std::string LogicalMethod::UncoveredReason(std::string_view engine, bool sequence) const {
  if (locking() == backup::DumpLocking::kGlobalReadLock) return sequence ? SequenceUnderLock() : "";
  if (sequence) return "a sequence's value changes outside transactions: dumped at another moment than the point";
  return engine == "innodb" ? "" : "read outside the dump's snapshot: its rows are of another moment than the point";
}

std::optional<BackupMethod::Choice> LogicalMethod::ChooseLocking(db::Connection& m,
                                                                 const std::vector<std::string>& databases) const {
  if (settings_.unsafe_dump || locking_) return std::nullopt;
  const std::shared_ptr<const BackupMethod> snapshot = WithLocking(backup::DumpLocking::kSnapshot);
  const std::shared_ptr<const BackupMethod> locked = WithLocking(backup::DumpLocking::kGlobalReadLock);
  const std::vector<UncoveredTable> left = UncoveredTables(m, databases, *snapshot);
  if (UncoveredTables(m, databases, *locked).size() >= left.size()) return Choice{snapshot, ""};
  return Choice{locked, fmt::format("{} {} no snapshot holds ({}): {} takes them under a global read lock, so the "
                                    "load's writers wait while {}; --backup-option={} keeps the load running and "
                                    "leaves them inconsistent",
                                    left.size(), left.size() == 1 ? "table" : "tables", Few(left),
                                    locked->Variant(), LockedWhile(), SnapshotOption())};
}

PositionAudit LogicalMethod::Take(const ProvisionContext& ctx) const {
  ctx.mark("backup start");
  const auto t0 = Clock::now();
  PositionAudit a;
  PositionCheck accounts;  // the accounts dump against the data's point
  {
    const PhaseIfFailed failed(ctx, "backup");
    SayProvision(fmt::format("backup: {}{} while the load runs", Variant(),
                             settings_.unsafe_dump ? " (negative control)" : ""));
    std::optional<ReplicaApplyStopped> stopped;
    if (settings_.of_replica) stopped.emplace(ctx);
    if (settings_.unsafe_dump) {
      a.start = {"SHOW MASTER STATUS before the dump", Dump(ctx)};
    } else {
      backup::UsersDumpOptions users;
      users.users_file = UsersFile(ctx);
      a.start = {PositionSourceName(),
                 DumpWithAccounts(ctx.master, ctx.control, users, Snapshots(), [&] { return Dump(ctx); }, accounts)};
    }
  }
  ctx.mark("backup end");
  ctx.phase("backup", SecondsSince(t0), PositionJson(a.start.at));
  SayProvision(fmt::format("backup: taken in {:.1f} s", SecondsSince(t0)));
  if (!accounts.what.empty()) a.checks.push_back(accounts);
  return a;
}

void LogicalMethod::Restore(const ProvisionContext& ctx, server::ThrowawayServer& slave) const {
  const PhaseIfFailed failed(ctx, "restore");
  const auto t0 = Clock::now();
  DropDatabasesTheMasterLacks(ctx, slave);
  if (!settings_.unsafe_dump) {
    backup::DumpOptions users;
    users.dump_file = UsersFile(ctx);
    users.log_dir = ctx.LogDir();
    users.timeout = ctx.options.backup_timeout;
    users.abandon = ctx.abandon;
    backup::Restore(slave.Admin(""), users);
  }
  Load(ctx, slave);
  ctx.phase("restore", SecondsSince(t0), nlohmann::json::object());
}

// A snapshot holds no metadata lock on the tables it has not read yet:
// DDL on one of them (ALTER, TRUNCATE, a drop and re-create) between the
// snapshot's start and the dump's read of it makes the read fail with
// ER_TABLE_DEF_CHANGED (1412), whatever the server. A global read lock
// (--lock-all-tables) holds DDL off instead.
// A table dropped (or renamed away) after the dump listed its tables and
// before it read it fails the same way: "Table 'test.t1' doesn't exist"
// (seen from mydumper --trx-consistency-only under ddl_during_backup.yy).
std::string LogicalMethod::LimitOfFailure(const std::string& error) const {
  if (locking() != backup::DumpLocking::kSnapshot) return "";
  const bool changed = error.find("1412") != std::string::npos ||
                       error.find("Table definition has changed") != std::string::npos;
  const bool gone = error.find("doesn't exist") != std::string::npos;
  if (gone) {
    return fmt::format("{} cannot read a table DDL dropped or renamed after the dump listed it: a consistent "
                       "snapshot holds no lock on the tables it has not read yet; a global read lock ({}) holds DDL "
                       "off",
                       Variant(), WithLocking(backup::DumpLocking::kGlobalReadLock)->Variant());
  }
  if (!changed) return "";
  return fmt::format("{} cannot read a table DDL changed after its snapshot began (ER_TABLE_DEF_CHANGED): a "
                     "consistent snapshot holds no lock on the tables it has not read yet; a global read lock ({}) "
                     "holds DDL off",
                     Variant(), WithLocking(backup::DumpLocking::kGlobalReadLock)->Variant());
}

std::optional<backup::DumpLocking> LockingFromOptions(const MethodSettings& s, std::string_view method,
                                                      std::string_view snapshot_option, std::string_view lock_option) {
  if (s.incrementals > 0 || s.kill_backup_at > 0 || !s.apply_order.empty()) {
    throw MethodOptionError(fmt::format("--{} needs --backup mariabackup (a {} has no incrementals)",
                                        s.incrementals > 0      ? "incrementals"
                                        : s.kill_backup_at > 0 ? "kill-backup-at"
                                                               : "test-incremental-order",
                                        method));
  }
  if (s.stream) {
    throw MethodOptionError(fmt::format("--stream needs --backup mariabackup ({} writes SQL, not an mbstream)", method));
  }
  if (!s.options.empty() && s.unsafe_dump) {
    throw MethodOptionError("--backup-option and --test-unsafe-dump both say how the dump locks; give one");
  }
  std::optional<backup::DumpLocking> l;
  for (const std::string& opt : s.options) {
    const std::string name = "--" + server::OptionName(opt);
    if (name == snapshot_option) {
      l = backup::DumpLocking::kSnapshot;
    } else if (!lock_option.empty() && name == lock_option) {
      l = backup::DumpLocking::kGlobalReadLock;
    } else {
      throw MethodOptionError(fmt::format(
          "--backup-option {}: with --backup {} it only chooses how the dump locks ({}{}{}); randsync gives the "
          "tool its other options",
          opt, method, snapshot_option, lock_option.empty() ? "" : " or ", lock_option));
    }
  }
  return l;
}

}  // namespace randsync::scenario
