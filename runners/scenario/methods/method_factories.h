// The constructors methods/registry.cpp registers, one per method file.
// Each throws MethodOptionError for a setting its method does not take.
#pragma once

#include <memory>

#include "runners/scenario/methods/backup_method.h"

namespace randsync::scenario {

std::shared_ptr<const BackupMethod> MakeMariabackup(const MethodSettings& settings);
std::shared_ptr<const BackupMethod> MakeMariadbDump(const MethodSettings& settings);
std::shared_ptr<const BackupMethod> MakeMydumper(const MethodSettings& settings);

}  // namespace randsync::scenario
