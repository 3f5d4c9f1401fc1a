#include "runners/backup/mariabackup.h"

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "base/text_util.h"
#include "runners/backup/backup_tool.h"
#include "runners/backup/client_defaults_file.h"

namespace randsync::backup {
namespace fs = std::filesystem;

std::optional<StreamCompression> ParseStreamCompression(std::string_view word) {
  if (word == "none") return StreamCompression::kNone;
  if (word == "zstd") return StreamCompression::kZstd;
  if (word == "lz4") return StreamCompression::kLz4;
  return std::nullopt;
}

const char* ToString(StreamCompression c) {
  switch (c) {
    case StreamCompression::kZstd: return "zstd";
    case StreamCompression::kLz4: return "lz4";
    case StreamCompression::kNone: break;
  }
  return "none";
}

fs::path StreamFile(const fs::path& target_dir, const BackupStream& stream) {
  const char* suffix = stream.compression == StreamCompression::kZstd  ? ".mbstream.zst"
                       : stream.compression == StreamCompression::kLz4 ? ".mbstream.lz4"
                                                                        : ".mbstream";
  return target_dir.parent_path() / (target_dir.filename().string() + suffix);
}

BackupPosition ReadBinlogInfo(const fs::path& target_dir) {
  for (const char* name : {"mariadb_backup_binlog_info", "xtrabackup_binlog_info"}) {
    std::ifstream in(target_dir / name);
    if (!in) continue;
    std::string line;
    std::getline(in, line);
    std::istringstream fields(line);
    BackupPosition p;
    if (!(fields >> p.binlog_file >> p.binlog_pos)) {
      throw BackupError(fmt::format("{}: no binlog position in '{}'", (target_dir / name).string(), line));
    }
    fields >> p.gtid;  // absent on servers without GTID
    return p;
  }
  throw BackupError("the backup in " + target_dir.string() +
                    " recorded no binlog position (is the master's binary log on?)");
}

std::optional<BackupPosition> ReadSlaveInfo(const fs::path& target_dir) {
  static const std::regex gtid(R"(gtid_slave_pos\s*=\s*'([^']*)')");
  static const std::regex file_pos(R"(MASTER_LOG_FILE\s*=\s*'([^']+)'\s*,\s*MASTER_LOG_POS\s*=\s*(\d+))",
                                   std::regex::icase);
  for (const char* name : {"mariadb_backup_slave_info", "xtrabackup_slave_info"}) {
    std::ifstream in(target_dir / name);
    if (!in) continue;
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    BackupPosition p;
    std::smatch m;
    if (std::regex_search(text, m, gtid)) p.gtid = m[1];
    if (std::regex_search(text, m, file_pos)) {
      p.binlog_file = m[1];
      p.binlog_pos = std::stoull(m[2]);
    }
    if (p.gtid.empty() && p.binlog_file.empty()) {
      throw BackupError(fmt::format("{}: no master position in '{}'", (target_dir / name).string(), Shorten(text, 200)));
    }
    return p;
  }
  return std::nullopt;
}

std::optional<BackupPosition> ReadInnodbBinlogPos(const fs::path& target_dir) {
  std::ifstream in(target_dir / "xtrabackup_binlog_pos_innodb");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  // The path may hold spaces; the tab before the position ends it.
  const auto tab = line.rfind('\t');
  if (tab == std::string::npos) return std::nullopt;
  BackupPosition p;
  try {
    p.binlog_pos = std::stoull(line.substr(tab + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  p.binlog_file = fs::path(line.substr(0, tab)).filename().string();
  return p;
}

namespace {
fs::path Binary(const MariabackupOptions& options) {
  return FindTool(options.binary, {"/usr/bin/mariadb-backup", "/usr/bin/mariabackup"}, "mariadb-backup",
                  "mariadb-backup");
}
}  // namespace

namespace {

// Checks and makes the folders; returns the --backup command line.
std::vector<std::string> BackupCommand(const MariabackupOptions& options, const ClientDefaultsFile& connection) {
  const fs::path binary = Binary(options);
  std::error_code ec;
  fs::create_directories(options.log_dir, ec);
  if (ec) throw BackupError("cannot create " + options.log_dir.string() + ": " + ec.message());
  if (fs::exists(options.target_dir) && !fs::is_empty(options.target_dir)) {
    throw BackupError("backup target " + options.target_dir.string() + " is not empty");
  }
  // mariadb-backup makes the target but not its parents.
  fs::create_directories(options.target_dir.parent_path(), ec);
  if (ec) throw BackupError("cannot create " + options.target_dir.parent_path().string() + ": " + ec.message());
  std::vector<std::string> backup = {binary.string(), connection.ExtraFileArgument(), "--backup"};
  if (options.stream) {
    backup.push_back("--stream=mbstream");
  } else {
    backup.push_back("--target-dir=" + options.target_dir.string());
  }
  if (!options.incremental_basedir.empty()) {
    backup.push_back("--incremental-basedir=" + options.incremental_basedir.string());
  }
  if (options.parallel > 0) backup.push_back(fmt::format("--parallel={}", options.parallel));
  for (const std::string& o : options.extra_backup_options) backup.push_back(o);
  return backup;
}

// The compressor's command (compressing, or with `decompress` the other
// way), found like every tool.
std::string Compressor(StreamCompression c, bool decompress) {
  const bool zstd = c == StreamCompression::kZstd;
  const fs::path tool = zstd ? FindTool({}, {"/usr/bin/zstd"}, "zstd", "zstd") : FindTool({}, {"/usr/bin/lz4"}, "lz4", "lz4");
  return ShellQuote(tool.string()) + (decompress ? " -q -d -c" : " -q -c");
}

// A streamed backup: the tool's stdout through the compressor into the
// stream file, as one `bash -c` pipeline that fails when any part does.
std::vector<std::string> StreamCommand(const MariabackupOptions& options, const std::vector<std::string>& backup) {
  std::string line = "set -o pipefail; ";
  for (const std::string& word : backup) line += ShellQuote(word) + " ";
  if (options.stream->compression != StreamCompression::kNone) {
    line += "| " + Compressor(options.stream->compression, false) + " ";
  }
  line += "> " + ShellQuote(StreamFile(options.target_dir, *options.stream).string());
  return {"/bin/bash", "-c", line};
}

std::vector<std::string> ToolCommand(const MariabackupOptions& options, const ClientDefaultsFile& connection) {
  std::vector<std::string> backup = BackupCommand(options, connection);
  return options.stream ? StreamCommand(options, backup) : backup;
}

// mbstream -x of the stored stream into the target, then the stream goes;
// returns the seconds it took.
double Extract(const MariabackupOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path file = StreamFile(options.target_dir, *options.stream);
  const fs::path mbstream = FindTool({}, {"/usr/bin/mbstream"}, "mbstream", "mariadb-backup");
  std::error_code ec;
  fs::create_directories(options.target_dir, ec);
  if (ec) throw BackupError("cannot create " + options.target_dir.string() + ": " + ec.message());
  const std::string source = options.stream->compression == StreamCompression::kNone
                                 ? "< " + ShellQuote(file.string())
                                 : "";
  std::string line = "set -o pipefail; ";
  if (source.empty()) line += Compressor(options.stream->compression, true) + " " + ShellQuote(file.string()) + " | ";
  line += ShellQuote(mbstream.string()) + " -x -C " + ShellQuote(options.target_dir.string()) + " " + source;
  RunTool("mbstream -x", {"/bin/bash", "-c", line}, options.log_dir / "extract.log", options.timeout, options.abandon);
  fs::remove(file, ec);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string StepName(const MariabackupOptions& options) {
  std::string name = "mariadb-backup --backup";
  if (options.stream) name += " --stream=mbstream";
  if (!options.incremental_basedir.empty()) name += " (incremental)";
  return name;
}
}  // namespace

double Backup(const server::AdminTarget& source, const MariabackupOptions& options) {
  const ClientDefaultsFile connection(source);
  RunTool(StepName(options), ToolCommand(options, connection), options.log_dir / options.log_name, options.timeout,
          options.abandon);
  return options.stream ? Extract(options) : 0;
}

bool BackupKilledWhen(const server::AdminTarget& source, const MariabackupOptions& options,
                      const std::function<bool()>& kill_now) {
  const ClientDefaultsFile connection(source);
  const bool killed = RunToolUntil(StepName(options), ToolCommand(options, connection),
                                   options.log_dir / options.log_name, options.timeout, kill_now);
  if (!killed && options.stream) Extract(options);
  return killed;
}

BackupPosition PrepareIncremental(const MariabackupOptions& options, const fs::path& incremental) {
  RunTool("mariadb-backup --prepare --incremental-dir",
          {Binary(options).string(), "--prepare", "--target-dir=" + options.target_dir.string(),
           "--incremental-dir=" + incremental.string()},
          options.log_dir / "prepare.log", options.timeout, options.abandon);
  return ReadBinlogInfo(options.target_dir);
}

BackupPosition Prepare(const MariabackupOptions& options) {
  RunTool("mariadb-backup --prepare",
          {Binary(options).string(), "--prepare", "--target-dir=" + options.target_dir.string()},
          options.log_dir / "prepare.log", options.timeout, options.abandon);
  return ReadBinlogInfo(options.target_dir);
}

BackupPosition BackupAndPrepare(const server::AdminTarget& source, const MariabackupOptions& options) {
  Backup(source, options);
  return Prepare(options);
}

}  // namespace randsync::backup
