#include "runners/backup/dump_locking.h"

namespace randsync::backup {

const char* ToString(DumpLocking l) {
  switch (l) {
    case DumpLocking::kSnapshot: return "snapshot";
    case DumpLocking::kGlobalReadLock: return "global read lock";
    case DumpLocking::kNone: return "none";
  }
  return "?";
}

}  // namespace randsync::backup
