// What makes two failed trials "the same failure", for grouping a campaign's
// results: the status plus the first error or the first differing table,
// with what varies from run to run (GTIDs, ports, paths, row values) left
// out. Examples:
//   STATUS_DIVERGENCE: first differing table `test`.`B`
//   STATUS_REPLICATION_FAILURE: Last_SQL_Errno=1062 on table test.AA
//   STATUS_SERVER_CRASHED: mariadbd (slave) signal 9 (Killed)
//   STATUS_BACKUP_FAILURE: mariadb-backup --backup failed (exit code N)
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
