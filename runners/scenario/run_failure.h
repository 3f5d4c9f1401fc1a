// What ended a run (or happened after the first failure), as typed fields
// that campaigns group by and reports show, beside the sentence for people:
// report.json's "failure" (the first) and "failures" (all). Written and read
// back by the same code (ToJson/FromJson), so no reader parses a message.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace randsync::scenario {

// Which step failed, finer than the status: 112 is a sync point's or the
// final catch-up's, 103 a check's or the replication watch's.
enum class FailureKind {
  kLoad,          // a load worker's fatal outcome (crash, corruption, environment)
  kBackup,        // taking, preparing or restoring the backup
  kPositionAudit, // the backup's position contradicted by its data
  kReplication,   // the slave's SQL or IO thread stopped with an error
  kSyncPoint,     // a check's sync point could not be made (timeout, setup)
  kCheck,         // a check could not compare (an error while reading)
  kDivergence,    // a check found master and slave different
  kCatchup,       // the slave did not reach the master's end in time
  kHang,          // a server stopped answering
  kCrash,         // a server process died
  kEnvironment,   // randsync could not go on (input, disk, interrupted)
};
const char* ToString(FailureKind kind);
FailureKind ParseFailureKind(std::string_view text);  // unknown text: kEnvironment

struct RunFailure {
  Status status = Status::kEnvironment;
  FailureKind kind = FailureKind::kEnvironment;
  std::string where{};        // the phase or check: "sync-point-2", "backup", "catch-up"
  std::string server{};       // "master" or "slave" when one server is at fault
  std::string table{};        // the table at fault, as the source names it
  std::string gtid{};         // the point or transaction
  unsigned error_number = 0;  // a server/client error, Last_SQL_Errno or Last_IO_Errno
  std::string detail{};       // a short fixed descriptor: "signal 9 (Killed)"
  std::string reason{};       // the whole sentence

  // The typed fields as one line for people and grep: "kind replication,
  // where sync-point-2, server slave, table `test`.`t`, GTID 0-1-55, error
  // 1032 (ER_KEY_NOT_FOUND), Update_rows_v1"; empty fields are left out.
  std::string Fields() const;

  nlohmann::json ToJson() const;  // with the error's name and the status's
  static RunFailure FromJson(const nlohmann::json& j);
};

}  // namespace randsync::scenario
