// A physical, non-blocking backup of a running server with mariadb-backup
// (MariaDB's XtraBackup), its --prepare, and the binlog position it
// recorded: the first half of provisioning a slave (provisioning.md).
//
//   MariabackupOptions o;  o.target_dir = run_dir / "backup";  o.log_dir = run_dir;
//   BackupPosition at = BackupAndPrepare(master.Admin(""), o);
//   server::ServerOptions so;  so.datadir = o.target_dir;   // start a slave on it
//   ... StartReplicaAtGtid(slave, {master.port()}, at.gtid);
//
// Every run of the tool has a deadline and its output in a log file; a
// failure throws BackupError with the tool's exit and the log's tail.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runners/server/admin_connection.h"

namespace randsync::backup {

class BackupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Asked about once a second while a tool runs (on the thread that runs
// it): a reason to give the tool up, such as a server it talks to that
// hangs or died, or "" to let it go on. Without one, a tool waiting on a
// stopped server would wait out its whole timeout.
using AbandonCheck = std::function<std::string()>;

// A tool killed because its AbandonCheck gave a reason (what()): the
// failure is that reason's, already known to whoever gave it.
class ToolAbandoned : public BackupError {
 public:
  using BackupError::BackupError;
};

// Where the backup's consistent point lies in the master's binary log.
struct BackupPosition {
  std::string binlog_file;
  uint64_t binlog_pos = 0;
  std::string gtid;  // e.g. "0-1-24596"; empty when the master logged nothing
};

// A backup sent as an mbstream on the tool's stdout (--stream=mbstream)
// instead of written as files: optionally compressed on the way, stored as
// one file beside the target (TARGET.mbstream[.zst|.lz4]) and extracted
// into the target with `mbstream -x` (decompressed first), as a user
// streaming a backup to another host does. The stored file is removed
// once extracted.
enum class StreamCompression { kNone, kZstd, kLz4 };
struct BackupStream {
  StreamCompression compression = StreamCompression::kNone;
};

// "none", "zstd", "lz4"; nullopt for another word.
std::optional<StreamCompression> ParseStreamCompression(std::string_view word);
const char* ToString(StreamCompression compression);

struct MariabackupOptions {
  // mariadb-backup (or, older, mariabackup); empty: found on PATH's usual
  // places (/usr/bin/mariadb-backup, /usr/bin/mariabackup).
  std::filesystem::path binary;
  std::filesystem::path target_dir;  // must not exist or be empty
  std::filesystem::path log_dir;     // backup.log and prepare.log go here
  std::chrono::seconds timeout{600};  // per step
  AbandonCheck abandon;               // empty: only the timeout ends a step
  std::vector<std::string> extra_backup_options;  // e.g. --no-lock
  // Set: an incremental backup, the pages changed since the backup there
  // (--incremental-basedir: the full one or the previous incremental).
  std::filesystem::path incremental_basedir;
  std::string log_name = "backup.log";  // in log_dir, for --backup
  std::optional<BackupStream> stream;   // set: streamed, then extracted
  unsigned parallel = 0;                // --parallel copy threads (0: the tool's default)
};

// Where a streamed backup into `target_dir` is stored before extraction.
std::filesystem::path StreamFile(const std::filesystem::path& target_dir, const BackupStream& stream);

// The binlog position of a prepared (or taken) backup in `target_dir`, from
// mariadb_backup_binlog_info (newer) or xtrabackup_binlog_info (older):
// "<file>\t<pos>[\t<gtid>]". Throws BackupError when neither holds one.
BackupPosition ReadBinlogInfo(const std::filesystem::path& target_dir);

// A backup of a replica taken with --slave-info: where the replica's SQL
// thread was in its master's binary log when the copy was consistent, from
// mariadb_backup_slave_info (newer) or xtrabackup_slave_info (older):
//   SET GLOBAL gtid_slave_pos = '0-1-3';            (a slave using GTID)
//   CHANGE MASTER TO MASTER_LOG_FILE='m-bin.000001', MASTER_LOG_POS=820;
// nullopt when neither file exists (no --slave-info, or not a replica);
// throws BackupError for a file that holds neither form.
std::optional<BackupPosition> ReadSlaveInfo(const std::filesystem::path& target_dir);

// The position InnoDB recovered when the backup was prepared: just after
// the last transaction InnoDB committed in the copy. It is the position the
// data of an unlocked backup (--no-lock) is consistent with; under locks it
// lies at or before the binlog info file's (transactions after it changed
// no InnoDB table). Read from xtrabackup_binlog_pos_innodb, written by
// --prepare ("<path of the binlog file>\t<pos>"; the file's name is kept,
// not its path). The GTID is left empty: only the master can translate it
// (BINLOG_GTID_POS). nullopt when the prepare recovered none.
std::optional<BackupPosition> ReadInnodbBinlogPos(const std::filesystem::path& target_dir);

// --backup from `source` over TCP (or its socket) into options.target_dir.
// The master-side half: its cost is what the load feels. Returns how long
// a stream's extraction (decompress and mbstream -x) took, 0 without a
// stream. Throws BackupError.
double Backup(const server::AdminTarget& source, const MariabackupOptions& options);
// --prepare of a taken backup (local only); returns the position it
// recorded. Throws BackupError.
BackupPosition Prepare(const MariabackupOptions& options);

// Backup(), SIGKILLed the first time `kill_now` (asked every 20 ms) says
// so: true when it was killed, false when it ended first. Throws as Backup.
bool BackupKilledWhen(const server::AdminTarget& source, const MariabackupOptions& options,
                      const std::function<bool()>& kill_now);

// --prepare --incremental-dir=`incremental` on the full backup in
// options.target_dir, prepared already: the chain is applied in order, each
// incremental once. Returns the position the incremental recorded, now the
// prepared backup's. Throws BackupError.
BackupPosition PrepareIncremental(const MariabackupOptions& options, const std::filesystem::path& incremental);

// Backup() then Prepare(): --backup from `source` over TCP (or its socket), then --prepare. Returns
// the position the backup recorded. Throws BackupError.
BackupPosition BackupAndPrepare(const server::AdminTarget& source, const MariabackupOptions& options);

}  // namespace randsync::backup
