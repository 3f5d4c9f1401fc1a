#include "base/status.h"

namespace randsync {
namespace {

struct StatusInfo {
  Status status;
  const char* name;
  const char* label;
  const char* bisect_name;
  int rank;
};

constexpr StatusInfo kInfo[] = {
    {Status::kOk, "STATUS_OK", "ok", "ok", 0},
    {Status::kMethodLimit, "STATUS_METHOD_LIMIT", "method limit", "limit", 1},
    {Status::kEnvironment, "STATUS_ENVIRONMENT_FAILURE", "environment failure", "environment", 2},
    {Status::kBackupFailure, "STATUS_BACKUP_FAILURE", "backup failure", "backup", 3},
    {Status::kPositionMismatch, "STATUS_POSITION_MISMATCH", "position mismatch", "position", 4},
    {Status::kCatchupTimeout, "STATUS_CATCHUP_TIMEOUT", "catch-up timeout", "catchup", 5},
    {Status::kReplicationFailure, "STATUS_REPLICATION_FAILURE", "replication failure", "replication", 6},
    {Status::kDivergence, "STATUS_DIVERGENCE", "divergence", "divergence", 7},
    {Status::kDatabaseCorruption, "STATUS_DATABASE_CORRUPTION", "database corruption", "corruption", 8},
    {Status::kServerHung, "STATUS_SERVER_DEADLOCKED", "server hung", "hang", 9},
    {Status::kServerCrashed, "STATUS_SERVER_CRASHED", "server crashed", "crash", 10},
};

const StatusInfo& Info(Status s) {
  for (const StatusInfo& i : kInfo) {
    if (i.status == s) return i;
  }
  return kInfo[2];  // unreachable for a valid enumerator
}

}  // namespace

const char* ToString(Status s) { return Info(s).name; }
const char* Label(Status s) { return Info(s).label; }
const char* BisectName(Status s) { return Info(s).bisect_name; }

std::optional<Status> StatusFromExitCode(int exit_code) {
  for (const StatusInfo& i : kInfo) {
    if (ExitCode(i.status) == exit_code) return i.status;
  }
  return std::nullopt;
}

std::optional<Status> StatusFromName(std::string_view name) {
  for (const StatusInfo& i : kInfo) {
    if (name == i.name || name == i.bisect_name) return i.status;
  }
  return std::nullopt;
}

int Rank(int exit_code) {
  const std::optional<Status> s = StatusFromExitCode(exit_code);
  return Info(s.value_or(Status::kEnvironment)).rank;
}

Status Worse(Status a, Status b) { return Rank(ExitCode(b)) > Rank(ExitCode(a)) ? b : a; }

}  // namespace randsync
