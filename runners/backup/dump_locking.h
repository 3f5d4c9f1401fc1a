// How a logical dump (mariadb-dump, mydumper) holds its tables still, and
// so which of them it can make consistent at its recorded position
// (../shared/reference/provisioning.md; the model is
// runners/scenario/consistency_model.h).
#pragma once

namespace randsync::backup {

enum class DumpLocking {
  // One InnoDB snapshot, the global read lock only while it opens
  // (mariadb-dump --single-transaction, mydumper --trx-consistency-only):
  // the load runs on; other engines are read at later moments.
  kSnapshot,
  // The global read lock over what no snapshot holds: mariadb-dump
  // --lock-all-tables keeps it for the whole dump; mydumper (its default)
  // until its non-InnoDB tables are dumped. The load's writers wait so long.
  kGlobalReadLock,
  // Negative control only (mariadb-dump): no lock and no snapshot, the
  // position read before the dump starts, as a naive script does.
  kNone,
};

// "snapshot", "global read lock", "none".
const char* ToString(DumpLocking locking);

}  // namespace randsync::backup
