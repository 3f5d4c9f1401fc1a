// Writing a results file so that a full disk or an unwritable folder is an
// error naming the file, never a silently empty or truncated report.
#pragma once

#include <filesystem>
#include <string_view>

namespace randsync::scenario {

// Writes `text` to `path` (replacing it). Throws std::runtime_error
// ("cannot write results/x/report.json: No space left on device").
void WriteResultFile(const std::filesystem::path& path, std::string_view text);

}  // namespace randsync::scenario
