// mariabackup's incremental chain under load (--incrementals K): after the
// full backup, K incrementals, each on top of the one before
// (--incremental-basedir), one every --incremental-interval while the load
// runs; --kill-backup-at N SIGKILLs the N-th mid-copy (once its log shows
// a page delta being copied), throws its folder away and takes it again.
// Then the full backup is prepared and each incremental applied in order
// (--prepare --incremental-dir): the prepared full backup is the last
// incremental's point, and its binlog info file is that incremental's.
#pragma once

#include <filesystem>

#include "runners/backup/mariabackup.h"
#include "runners/scenario/methods/backup_method.h"
#include "runners/scenario/provision_context.h"

namespace randsync::scenario {

// Where incremental `i` (from 1) goes: beside backup/, never in it (the
// slave runs on backup/).
std::filesystem::path IncrementalDir(const ProvisionContext& ctx, unsigned i);

// Takes incrementals 1..K on top of the full backup `full` (taken), each
// recorded as phase "incremental i". Throws backup::BackupError.
void TakeIncrementals(const ProvisionContext& ctx, const MethodSettings& settings,
                      const backup::MariabackupOptions& full);

// Applies incrementals 1..K to the prepared full backup; returns the
// position the last recorded.
backup::BackupPosition ApplyIncrementals(const ProvisionContext& ctx, const MethodSettings& settings,
                                         const backup::MariabackupOptions& full);

}  // namespace randsync::scenario
