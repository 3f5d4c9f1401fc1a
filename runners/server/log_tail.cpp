#include "runners/server/log_tail.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <string_view>

namespace randsync::server {

namespace {

bool Blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

bool ContainsNoCase(const std::string& hay, const std::string& needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  return it != hay.end();
}

// mariadbd ends every failed start with "[ERROR] Aborting"; the cause is
// the line before.
bool Generic(const std::string& line) {
  auto end = line.find_last_not_of(" \t.");
  if (end == std::string::npos) return true;
  std::string_view s(line.data(), end + 1);
  return s.ends_with("Aborting");
}

}  // namespace

std::uintmax_t LogSize(const std::filesystem::path& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  return ec ? 0 : size;
}

std::vector<std::string> ReadLogTail(const std::filesystem::path& file, std::size_t lines,
                                     std::uintmax_t from) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  // 64 KiB holds 50 lines of any sane log; a longer line is cut at the front.
  constexpr std::streamoff kWindow = 64 * 1024;
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  std::streamoff first = std::min(size, static_cast<std::streamoff>(from));
  std::streamoff start = std::max<std::streamoff>(first, size - kWindow);
  in.seekg(start);
  std::string buf(static_cast<std::size_t>(size - start), '\0');
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.resize(static_cast<std::size_t>(in.gcount()));

  std::vector<std::string> out;
  std::size_t pos = 0;
  if (start > first) {  // the first line is probably partial
    pos = buf.find('\n');
    pos = (pos == std::string::npos) ? buf.size() : pos + 1;
  }
  while (pos < buf.size()) {
    std::size_t nl = buf.find('\n', pos);
    if (nl == std::string::npos) nl = buf.size();
    std::string line = buf.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    pos = nl + 1;
  }
  if (out.size() > lines) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(lines));
  return out;
}

std::string TellingLine(const std::vector<std::string>& lines) {
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->find("[ERROR]") != std::string::npos && !Generic(*it)) return *it;
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (ContainsNoCase(*it, "error") && !Generic(*it)) return *it;
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!Blank(*it) && !Generic(*it)) return *it;
  }
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!Blank(*it)) return *it;
  }
  return "";
}

std::string JoinLastLines(const std::vector<std::string>& lines, std::size_t n) {
  std::vector<const std::string*> picked;
  for (auto it = lines.rbegin(); it != lines.rend() && picked.size() < n; ++it) {
    if (!Blank(*it)) picked.push_back(&*it);
  }
  std::string out;
  for (auto it = picked.rbegin(); it != picked.rend(); ++it) {
    if (!out.empty()) out += " | ";
    out += **it;
  }
  return out;
}

}  // namespace randsync::server
