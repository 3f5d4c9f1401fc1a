// mariadb-backup: --backup of the master's files under load, --prepare,
// and the slave runs on the prepared directory. Locked (the default), the
// binlog info file is read while commits are blocked; --no-lock copies
// without locks and only InnoDB's record places the copy.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "runners/backup/mariabackup.h"
#include "runners/scenario/consistency_model.h"
#include "runners/scenario/methods/incremental_chain.h"
#include "runners/scenario/methods/method_factories.h"
#include "runners/scenario/position_audit.h"
#include "runners/scenario/provision_context.h"
#include "runners/server/server_options.h"

namespace randsync::scenario {
namespace {

using Clock = std::chrono::steady_clock;

class Mariabackup final : public BackupMethod {
 public:
  explicit Mariabackup(const MethodSettings& s)
      : settings_(s), no_lock_(std::any_of(s.options.begin(), s.options.end(), [](const std::string& x) {
          return server::OptionName(x) == "no-lock";
        })) {
    if (s.unsafe_dump) throw MethodOptionError("--test-unsafe-dump needs --backup mariadb-dump");
    if (s.of_replica && no_lock_) {
      throw MethodOptionError("--backup-from replica: a copy without locks (--no-lock) has no point to read the "
                              "replica's position at; take the replica's backup with locks");
    }
    for (unsigned i : s.apply_order) {
      if (i < 1 || i > s.incrementals) {
        throw MethodOptionError(fmt::format("--test-incremental-order: {} is not an incremental of the chain (1 to "
                                            "--incrementals, {})",
                                            i, s.incrementals));
      }
    }
    if (s.kill_backup_at > s.incrementals) {
      throw MethodOptionError(fmt::format("--kill-backup-at {} needs an incremental to kill: 1 to --incrementals ({})",
                                          s.kill_backup_at, s.incrementals));
    }
  }

  std::string_view name() const override { return "mariabackup"; }
  std::string Variant() const override {
    std::string v = no_lock_ ? "mariabackup --no-lock" : "mariabackup";
    if (settings_.stream) {
      v += " --stream=mbstream";
      if (settings_.stream->compression != backup::StreamCompression::kNone) {
        v += fmt::format(" | {}", backup::ToString(settings_.stream->compression));
      }
    }
    if (settings_.incrementals > 0) v += fmt::format(" + {} incrementals", settings_.incrementals);
    return v;
  }
  const MethodSettings& settings() const override { return settings_; }
  bool ReadsMasterFiles() const override { return true; }
  bool CopiesWithoutLocks() const override { return no_lock_; }
  bool SlaveRunsOnBackup() const override { return true; }

  std::string UncoveredReason(std::string_view engine, bool) const override {
    if (no_lock_) return engine == "innodb" ? "" : "copied without locks while it was written, at no binlog position";
    return engine == "memory" ? "a MEMORY table's rows are in no file: the slave's copy is empty" : "";
  }

  PositionAudit Take(const ProvisionContext& ctx) const override {
    ctx.mark("backup start");
    // Unlocked, DDL goes on during the copy: where it starts bounds the
    // window that DDL is read in (ddl_during_copy.h).
    const std::optional<backup::BackupPosition> copy_start = no_lock_ ? MasterPosition(ctx) : std::nullopt;
    const auto t0 = Clock::now();
    nlohmann::json details = nlohmann::json::object();
    {
      const PhaseIfFailed failed(ctx, "backup");
      SayProvision(fmt::format("backup: {} while the load runs", ToolLine()));
      const double extract_s = backup::Backup(ctx.master.admin, Options(ctx));
      if (settings_.stream) details["extract_s"] = extract_s;  // of the phase's time
    }
    ctx.phase("backup", SecondsSince(t0), details);
    TakeIncrementals(ctx, settings_, Options(ctx));
    ctx.mark("backup end");
    const double seconds = SecondsSince(t0);
    const PhaseIfFailed failed(ctx, "prepare");
    const auto t1 = Clock::now();
    backup::BackupPosition info = backup::Prepare(Options(ctx));
    if (settings_.incrementals > 0) info = ApplyIncrementals(ctx, settings_, Options(ctx));
    PositionAudit a = Place(ctx, info, backup::ReadInnodbBinlogPos(ctx.BackupDir()));
    a.copy_start = copy_start;
    ctx.phase("prepare", SecondsSince(t1), PositionJson(a.start.at));
    SayProvision(fmt::format("backup: taken in {:.1f} s, prepared in {:.1f} s", seconds, SecondsSince(t1)));
    return a;
  }

  // Unlocked, mariadb-backup itself may find DDL in its copy's last phase
  // and refuse it ("DDL operation detected in the late phase of backup
  // ... Backup is inconsistent. Remove --no-lock option to fix."), or find
  // a table's file gone that it listed (a DROP or RENAME during the copy:
  // "FATAL ERROR: ... Can't open datafile test/ddl_t2", seen in CI).
  std::string LimitOfFailure(const std::string& error) const override {
    if (!no_lock_) return "";
    if (error.find("DDL operation detected") != std::string::npos) {
      return UnlockedDdlLimit() + "; mariadb-backup found DDL in its copy and gave it up";
    }
    if (error.find("Can't open datafile") != std::string::npos) {
      return UnlockedDdlLimit() + "; a table's datafile went away while mariadb-backup copied it";
    }
    return "";
  }

  std::optional<backup::BackupPosition> ReplicaSourcePosition(const ProvisionContext& ctx) const override {
    return backup::ReadSlaveInfo(ctx.BackupDir());
  }

  // Unlocked, the start is InnoDB's own record: its GTID is the master's
  // translation, and the info file reads file/position and GTID at
  // different moments, rightly apart. Locked, InnoDB's record must lie
  // within the copy.
  void AuditSources(const ProvisionContext&, db::Connection& m, PositionAudit& a) const override {
    if (no_lock_) return;
    a.checks.push_back(CheckGtidAgreesWithFilePos(m, a.start));
    if (!a.others.empty()) a.checks.push_back(CheckInnodbWithinLockedCopy(m, a.others.front().at, a.start.at));
  }

 private:
  // The tool as run: "mariadb-backup --backup --no-lock --stream=mbstream | zstd".
  std::string ToolLine() const {
    std::string line = "mariadb-backup --backup";
    if (no_lock_) line += " --no-lock";
    if (settings_.of_replica) line += settings_.slave_info ? " --slave-info --safe-slave-backup" : " --safe-slave-backup";
    if (settings_.parallel > 0) line += fmt::format(" --parallel={}", settings_.parallel);
    if (settings_.stream) {
      line += " --stream=mbstream";
      if (settings_.stream->compression != backup::StreamCompression::kNone) {
        line += fmt::format(" | {}", backup::ToString(settings_.stream->compression));
      }
      line += " | mbstream -x";
    }
    return line;
  }

  // SHOW MASTER STATUS of the server backed up, nullopt without a binlog.
  static std::optional<backup::BackupPosition> MasterPosition(const ProvisionContext& ctx) {
    db::Connection m = ctx.Master();
    const db::RowSet rs = m.QueryRows("SHOW MASTER STATUS");
    if (rs.rows.empty() || !rs.rows[0][0] || !rs.rows[0][1]) return std::nullopt;
    return backup::BackupPosition{*rs.rows[0][0], std::stoull(*rs.rows[0][1]), ""};
  }

  backup::MariabackupOptions Options(const ProvisionContext& ctx) const {
    backup::MariabackupOptions b;
    b.target_dir = ctx.BackupDir();
    b.log_dir = ctx.LogDir();
    b.timeout = ctx.options.backup_timeout;
    b.abandon = ctx.abandon;
    b.binary = ctx.options.backup_binary;
    b.extra_backup_options = settings_.options;
    // A replica's backup: its SQL thread stopped while the copy's
    // non-InnoDB part is taken, and its master's position recorded.
    if (settings_.of_replica) {
      b.extra_backup_options.push_back("--safe-slave-backup");
      if (settings_.slave_info) b.extra_backup_options.push_back("--slave-info");
    }
    // A partial backup: the selected tables, and the system tables the
    // slave needs to start.
    if (!ctx.selected_tables.empty()) {
      b.extra_backup_options.push_back(fmt::format("--databases=mysql {}", fmt::join(ctx.selected_tables, " ")));
    }
    b.stream = settings_.stream;
    b.parallel = settings_.parallel;
    return b;
  }

  // Where the copy lies in the binary log. Locked, the info file (read
  // while commits were blocked) is its point, and InnoDB's record must
  // agree with it; unlocked, only InnoDB's record is: the copy's InnoDB
  // data is that of the last transaction InnoDB committed in it, and the
  // info file is written later, when the copy ends.
  PositionAudit Place(const ProvisionContext& ctx, const backup::BackupPosition& info,
                      std::optional<backup::BackupPosition> innodb) const {
    db::Connection m = ctx.Master();
    if (innodb) innodb->gtid = GtidAt(m, innodb->binlog_file, innodb->binlog_pos);
    PositionAudit a;
    const PositionSource info_source{"binlog info file", info};
    if (!no_lock_) {
      a.start = info_source;
      if (innodb) a.others.push_back({"InnoDB at prepare", *innodb});
      return a;
    }
    if (!innodb) {
      throw backup::BackupError(
          "--no-lock: the prepare recovered no InnoDB binlog position (no xtrabackup_binlog_pos_innodb), so the "
          "unlocked copy cannot be placed in the binary log");
    }
    a.start = {"InnoDB at prepare", *innodb};
    a.others.push_back(info_source);
    a.info_file_ahead_bytes = BinlogBytesBetween(m, *innodb, info);
    SayProvision(fmt::format(
        "backup: --no-lock: the slave starts at InnoDB's position {}:{} (GTID {}), {} bytes of binlog before the "
        "info file's {}:{}",
        innodb->binlog_file, innodb->binlog_pos, innodb->gtid.empty() ? "-" : innodb->gtid, *a.info_file_ahead_bytes,
        info.binlog_file, info.binlog_pos));
    return a;
  }

  MethodSettings settings_;
  bool no_lock_;
};

}  // namespace

std::shared_ptr<const BackupMethod> MakeMariabackup(const MethodSettings& settings) {
  return std::make_shared<Mariabackup>(settings);
}

}  // namespace randsync::scenario
