// Every backup method `randsync run --backup` knows, by its word.
#include <array>
#include <stdexcept>
#include <string>

#include "runners/scenario/methods/backup_method.h"
#include "runners/scenario/methods/method_factories.h"

namespace randsync::scenario {
namespace {

struct Registration {
  std::string_view name;
  std::shared_ptr<const BackupMethod> (*make)(const MethodSettings&);
};

constexpr std::array kMethods{
    Registration{"mariabackup", &MakeMariabackup},
    Registration{"mariadb-dump", &MakeMariadbDump},
    Registration{"mydumper", &MakeMydumper},
};

}  // namespace

std::shared_ptr<const BackupMethod> MakeBackupMethod(std::string_view name, const MethodSettings& settings) {
  for (const Registration& r : kMethods) {
    if (r.name == name) return r.make(settings);
  }
  throw std::invalid_argument("no backup method " + std::string(name));
}

std::vector<std::string> BackupMethodNames() {
  std::vector<std::string> out;
  for (const Registration& r : kMethods) out.emplace_back(r.name);
  return out;
}

}  // namespace randsync::scenario
