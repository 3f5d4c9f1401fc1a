#include "base/log.h"

#include <cstdio>
#include <mutex>
#include <string>

namespace randsync {

void Log(std::string_view scope, std::string_view line) {
  std::string text = "randsync: ";
  if (!scope.empty()) {
    text.append(scope);
    text += ": ";
  }
  text.append(line);
  text += '\n';
  static std::mutex mu;
  const std::lock_guard<std::mutex> lock(mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace randsync
