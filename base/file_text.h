// Reading a whole file into memory: the inputs a user names (grammars, data
// specs, schema files, campaign specs, known-bugs files) and the files
// randsync's tools write (dump files, snapshots).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace randsync {

// The whole of `file` as stored, or nullopt when it cannot be opened or
// read (missing, a directory, no permission).
std::optional<std::string> TryReadTextFile(const std::filesystem::path& file);

// The whole of `file`; throws InputError "<file>: cannot read <what>:
// <reason>" on one line when it cannot (reason: "is a directory" or the
// system's message).
std::string ReadTextFile(const std::filesystem::path& file, std::string_view what);

}  // namespace randsync
