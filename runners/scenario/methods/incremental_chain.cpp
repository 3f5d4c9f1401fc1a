#include "runners/scenario/methods/incremental_chain.h"

#include <thread>

#include <fmt/format.h>

#include "runners/server/log_tail.h"

namespace randsync::scenario {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Waits `interval` while the load runs, giving up when the run does.
void WaitBetween(const ProvisionContext& ctx, std::chrono::seconds interval) {
  const auto until = Clock::now() + interval;
  while (Clock::now() < until) {
    if (ctx.abandon) {
      if (const std::string why = ctx.abandon(); !why.empty()) {
        throw backup::ToolAbandoned("the incremental chain given up: " + why);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// Whether the tool's log, past byte `from`, shows a tablespace being
// copied ("Copying ./db/t.ibd to .../t.ibd.delta", or "Streaming
// ./db/t.ibd" into a stream): the incremental is mid-copy.
bool CopyingTablespaces(const fs::path& log, std::uintmax_t from) {
  for (const std::string& line : server::ReadLogTail(log, 100000, from)) {
    const bool copying = line.find("Copying ./") != std::string::npos || line.find("Streaming ./") != std::string::npos;
    if (copying && line.find(".ibd") != std::string::npos) return true;
  }
  return false;
}

// The SIGKILL --kill-backup-at asks for; returns whether it landed
// mid-copy. The killed incremental's folder is thrown away.
bool KillMidCopy(const ProvisionContext& ctx, const backup::MariabackupOptions& inc, unsigned i) {
  const fs::path log = inc.log_dir / inc.log_name;
  const std::uintmax_t from = server::LogSize(log);
  const auto t0 = Clock::now();
  const bool killed = backup::BackupKilledWhen(ctx.master.admin, inc, [&] { return CopyingTablespaces(log, from); });
  std::error_code ec;
  fs::remove_all(inc.target_dir, ec);
  if (inc.stream) fs::remove(backup::StreamFile(inc.target_dir, *inc.stream), ec);
  SayProvision(killed ? fmt::format("backup: incremental {} SIGKILLed mid-copy after {:.1f} s (--kill-backup-at {}); "
                                    "taking it again",
                                    i, SecondsSince(t0), i)
                      : fmt::format("backup: incremental {} ended in {:.1f} s before the kill --kill-backup-at {} "
                                    "asks for could land; taking it again",
                                    i, SecondsSince(t0), i));
  return killed;
}

}  // namespace

fs::path IncrementalDir(const ProvisionContext& ctx, unsigned i) {
  return ctx.BackupDir().parent_path() / "incrementals" / fmt::format("inc{}", i);
}

void TakeIncrementals(const ProvisionContext& ctx, const MethodSettings& s, const backup::MariabackupOptions& full) {
  for (unsigned i = 1; i <= s.incrementals; ++i) {
    WaitBetween(ctx, s.incremental_interval);
    backup::MariabackupOptions inc = full;
    inc.target_dir = IncrementalDir(ctx, i);
    inc.incremental_basedir = i == 1 ? full.target_dir : IncrementalDir(ctx, i - 1);
    inc.log_name = fmt::format("backup-inc{}.log", i);
    const PhaseIfFailed failed(ctx, fmt::format("incremental {}", i));
    const auto t0 = Clock::now();
    nlohmann::json details = nlohmann::json::object();
    if (i == s.kill_backup_at) {
      const bool killed = KillMidCopy(ctx, inc, i);
      details["killed_mid_copy"] = killed;
      details["note"] = killed ? "SIGKILLed mid-copy, taken again" : "ended before the kill landed, taken again";
    }
    SayProvision(fmt::format("backup: incremental {} of {} (on {}) while the load runs", i, s.incrementals,
                             inc.incremental_basedir.filename().string()));
    const double extract_s = backup::Backup(ctx.master.admin, inc);
    if (inc.stream) details["extract_s"] = extract_s;  // of the phase's time
    ctx.phase(fmt::format("incremental {}", i), SecondsSince(t0), details);
  }
}

backup::BackupPosition ApplyIncrementals(const ProvisionContext& ctx, const MethodSettings& s,
                                         const backup::MariabackupOptions& full) {
  std::vector<unsigned> order = s.apply_order;
  if (order.empty()) {
    for (unsigned i = 1; i <= s.incrementals; ++i) order.push_back(i);
  } else {
    SayProvision(fmt::format("backup: negative control: the incrementals applied in the order {} instead of 1 to {}",
                             fmt::join(order, ","), s.incrementals));
  }
  backup::BackupPosition at;
  for (size_t k = 0; k < order.size(); ++k) {
    const unsigned i = order[k];
    try {
      at = backup::PrepareIncremental(full, IncrementalDir(ctx, i));
    } catch (const backup::BackupError& e) {
      const unsigned expected = k == 0 ? 1 : order[k - 1] + 1;
      throw backup::BackupError(fmt::format(
          "applying incremental {} after {} failed{}: {}", i, k == 0 ? "the full backup" : fmt::format("incremental {}", order[k - 1]),
          i != expected ? fmt::format(" (it was taken on {}, so the chain is broken there)",
                                      i == 1 ? "the full backup" : fmt::format("incremental {}", i - 1))
                        : "",
          e.what()));
    }
    SayProvision(fmt::format("backup: incremental {} applied: {}:{} GTID {}", i, at.binlog_file, at.binlog_pos,
                             at.gtid.empty() ? "-" : at.gtid));
  }
  return at;
}

}  // namespace randsync::scenario
