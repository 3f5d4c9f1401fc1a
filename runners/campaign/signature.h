// What makes two failed trials "the same failure", for grouping a campaign's
// results: from the typed fields of report.json's "failure"
// (scenario/run_failure.h), the status, the kind of step, the error, the
// table and the server at fault; where it happened and the GTID, which vary
// between runs of one bug, are left out. Examples:
//   STATUS_DIVERGENCE: divergence first differing table `test`.`B`
//   STATUS_REPLICATION_FAILURE: replication ER_DUP_ENTRY (1062) on table test.AA on the slave: SQL thread
//   STATUS_SERVER_CRASHED: crash on the slave: signal 9 (Killed)
//   STATUS_BACKUP_FAILURE: backup: mariadb-backup --backup failed (exit code N): ...
// A report without those fields (written by an older randsync) is read
// from its sentences as before: the reason's first line with what varies
// (digits, paths) left out.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace randsync::campaign {

// From a run's report.json document and its folder (for the checks' JSON).
std::string FailureSignature(const nlohmann::json& report, const std::filesystem::path& run_dir);

// Digits runs -> "N", paths -> their file name, cut to `max` characters.
std::string Normalize(const std::string& text, size_t max = 120);

}  // namespace randsync::campaign
