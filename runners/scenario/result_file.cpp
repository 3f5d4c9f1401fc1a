#include "runners/scenario/result_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace randsync::scenario {

void WriteResultFile(const std::filesystem::path& path, std::string_view text) {
  // stdio rather than ofstream: fclose reports the error of a delayed
  // write (ENOSPC often shows only there), with errno.
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(written ? errno : write_errno));
  }
}

}  // namespace randsync::scenario
