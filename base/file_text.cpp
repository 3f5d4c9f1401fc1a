#include "base/file_text.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/errors.h"

namespace randsync {
namespace {

// The reason `file` cannot be read, or "" once `text` holds it.
std::string Read(const std::filesystem::path& file, std::string& text) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return "is a directory";
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) return errno != 0 ? std::strerror(errno) : "cannot open";
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return errno != 0 ? std::strerror(errno) : "read error";
  text = std::move(s).str();
  return "";
}

}  // namespace

std::optional<std::string> TryReadTextFile(const std::filesystem::path& file) {
  std::string text;
  if (!Read(file, text).empty()) return std::nullopt;
  return text;
}

std::string ReadTextFile(const std::filesystem::path& file, std::string_view what) {
  std::string text;
  const std::string reason = Read(file, text);
  if (!reason.empty()) throw InputError(file.string() + ": cannot read " + std::string(what) + ": " + reason);
  return text;
}

}  // namespace randsync
