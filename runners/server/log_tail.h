// Reading the end of a server error log (or bootstrap output) for error
// messages and crash reports, without reading a multi-gigabyte log whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace randsync::server {

// The last `lines` lines of the file (fewer if it is shorter or missing),
// ignoring what comes before byte `from` (what earlier runs wrote).
std::vector<std::string> ReadLogTail(const std::filesystem::path& file, std::size_t lines = 50,
                                     std::uintmax_t from = 0);

// The file's size, 0 if it is missing.
std::uintmax_t LogSize(const std::filesystem::path& file);

// The line that best says what went wrong: the last "[ERROR]" line, else the
// last line mentioning "error", else the last non-empty line, skipping the
// generic "[ERROR] Aborting" where there is anything else; "" if none.
std::string TellingLine(const std::vector<std::string>& lines);

// The last `n` non-empty lines joined with " | ", for one-line messages.
std::string JoinLastLines(const std::vector<std::string>& lines, std::size_t n);

}  // namespace randsync::server
