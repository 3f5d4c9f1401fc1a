#include "runners/scenario/provision_context.h"

#include <exception>
#include <utility>

#include "base/log.h"
#include "checker/discovery.h"

namespace randsync::scenario {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

fs::path ProvisionContext::SlaveDir() const {
  if (name != "slave") return options.slave_dir.empty() ? run_dir / name : options.slave_dir.parent_path() / name;
  return options.slave_dir.empty() ? run_dir / "slave" : options.slave_dir;
}

fs::path ProvisionContext::BackupDir() const {
  const std::string backup = name == "slave" ? "backup" : "backup-" + name;
  return options.slave_dir.empty() ? run_dir / backup : options.slave_dir / backup;
}

std::vector<std::string> ProvisionContext::UserDatabases() const {
  db::Connection m = Master();
  return checker::ListDatabases(m, {});
}

void SayProvision(const std::string& line) { Log("run", line); }

nlohmann::json PositionJson(const backup::BackupPosition& at) {
  return {{"binlog_file", at.binlog_file}, {"binlog_pos", at.binlog_pos}, {"gtid", at.gtid}};
}

double SecondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

PhaseIfFailed::PhaseIfFailed(const ProvisionContext& ctx, std::string name)
    : ctx_(ctx), name_(std::move(name)), start_(Clock::now()), exceptions_(std::uncaught_exceptions()) {}

PhaseIfFailed::~PhaseIfFailed() {
  if (std::uncaught_exceptions() > exceptions_) ctx_.phase(name_, SecondsSince(start_), {{"result", "failed"}});
}

}  // namespace randsync::scenario
