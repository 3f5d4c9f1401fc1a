// Where a provisioned slave starts replicating (`run --position`), one
// type for the choice: the CLI parses its word once, config.json writes it
// back with ToString, and the scenario compares values, not strings.
#pragma once

#include <optional>
#include <string_view>

namespace randsync::scenario {

enum class PositionMode {
  kGtid,  // CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos at the backup's GTID
  kFile,  // MASTER_LOG_FILE/POS at its binlog coordinates; sync points use positions too
};

// "gtid", "file": --position's words and config.json's.
constexpr const char* ToString(PositionMode mode) { return mode == PositionMode::kFile ? "file" : "gtid"; }

constexpr std::optional<PositionMode> ParsePositionMode(std::string_view word) {
  if (word == "gtid") return PositionMode::kGtid;
  if (word == "file") return PositionMode::kFile;
  return std::nullopt;
}

}  // namespace randsync::scenario
