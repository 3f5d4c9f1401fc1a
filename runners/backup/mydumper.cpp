#include "runners/backup/mydumper.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <optional>
#include <map>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "base/file_text.h"
#include "runners/backup/backup_tool.h"
#include "runners/backup/client_defaults_file.h"

namespace randsync::backup {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kSchemaCreateSuffix = "-schema-create.sql";

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool IsSystemSchema(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "mysql" || lower == "sys" || lower == "performance_schema" || lower == "information_schema";
}

// PCRE: a backslash before ASCII punctuation matches it literally. Bytes of
// UTF-8 names stay as they are (escaping half a character would break it).
std::string RegexEscape(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x80 && !std::isalnum(c) && c != '_') out += '\\';
    out += static_cast<char>(c);
  }
  return out;
}

// mydumper writes into a directory that holds files already, and a stale
// metadata would then pass for this dump's position.
void PrepareOutputDir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw BackupError("mydumper output " + dir.string() + " is not a directory");
    if (!fs::is_empty(dir, ec)) throw BackupError("mydumper output directory " + dir.string() + " is not empty");
    return;
  }
  fs::create_directories(dir, ec);
  if (ec) throw BackupError("cannot create " + dir.string() + ": " + ec.message());
}

std::string ReadFile(const fs::path& file) {
  std::optional<std::string> text = TryReadTextFile(file);
  if (!text) throw BackupError("cannot read " + file.string());
  return *std::move(text);
}

// myloader 0.10 creates a database only when it restores a table into it:
// a database without tables would be missing on the target. Each one the
// dump holds is created here, IF NOT EXISTS, from mydumper's own statement
// (it carries the character set), without binary logging like the load.
void CreateEmptyDatabases(const server::AdminTarget& target, const fs::path& dir) {
  std::vector<std::string> statements;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= kSchemaCreateSuffix.size() || !name.ends_with(kSchemaCreateSuffix)) continue;
    std::string sql(Trim(ReadFile(entry.path())));
    while (!sql.empty() && sql.back() == ';') sql.pop_back();
    static constexpr std::string_view kCreate = "CREATE DATABASE ";
    if (!sql.starts_with(kCreate)) throw BackupError("unexpected statement in " + entry.path().string() + ": " + sql);
    statements.push_back("CREATE DATABASE IF NOT EXISTS " + sql.substr(kCreate.size()));
  }
  if (ec) throw BackupError("cannot list " + dir.string() + ": " + ec.message());
  if (statements.empty()) return;
  server::AdminTarget t = target;
  t.database.clear();
  try {
    server::AdminConnection c(t);
    c.Exec("SET SESSION sql_log_bin = 0");
    for (const std::string& s : statements) c.Exec(s);
  } catch (const std::exception& e) {
    throw BackupError(std::string("creating the dumped databases after myloader: ") + e.what());
  }
}

}  // namespace

namespace {

// The position of `output_dir`/metadata's block under `header` ("SHOW
// MASTER STATUS:", "SHOW SLAVE STATUS:"; the first such block), or nullopt
// when the file has none with a log and position.
std::optional<BackupPosition> ReadMetadataBlock(const fs::path& output_dir, std::string_view header) {
  const fs::path file = output_dir / "metadata";
  std::ifstream in(file);
  if (!in) throw BackupError("cannot read " + file.string() + " (mydumper writes it when the dump completes)");
  BackupPosition p;
  bool in_block = false, seen = false, have_log = false, have_pos = false;
  std::string raw;
  while (std::getline(in, raw)) {
    const std::string_view line = Trim(raw);
    // Block headers ("SHOW MASTER STATUS:", "SHOW SLAVE STATUS:") and the
    // "Started/Finished dump at:" lines open or close a block; indentation
    // (tabs in 0.10) is not relied on.
    if (line.starts_with("SHOW ") && line.ends_with(":")) {
      in_block = !seen && line == header;
      seen = seen || in_block;
      continue;
    }
    if (line.starts_with("Started dump at:") || line.starts_with("Finished dump at:")) {
      in_block = false;
      continue;
    }
    if (!in_block) continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (key == "Log") {
      p.binlog_file = std::string(value);
      have_log = !value.empty();
    } else if (key == "Pos") {
      const auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), p.binlog_pos);
      if (err != std::errc() || end != value.data() + value.size() || value.empty()) {
        throw BackupError(fmt::format("{}: bad binlog position \"{}\"", file.string(), value));
      }
      have_pos = true;
    } else if (key == "GTID") {
      p.gtid = std::string(value);  // "" when the master logged nothing
    }
  }
  if (!seen || !have_log || !have_pos) return std::nullopt;
  return p;
}

}  // namespace

BackupPosition ReadMydumperMetadata(const fs::path& output_dir) {
  if (auto p = ReadMetadataBlock(output_dir, "SHOW MASTER STATUS:")) return *p;
  throw BackupError((output_dir / "metadata").string() +
                    " recorded no SHOW MASTER STATUS position (the source needs a binary log)");
}

std::optional<BackupPosition> ReadMydumperSlaveStatus(const fs::path& output_dir) {
  return ReadMetadataBlock(output_dir, "SHOW SLAVE STATUS:");
}

std::string MydumperRegex(const std::vector<std::string>& databases) {
  if (databases.empty()) return R"(^(?!(mysql|sys|performance_schema|information_schema)\.))";
  std::string alternatives;
  for (const std::string& d : databases) {
    if (d.empty()) throw BackupError("mydumper: empty database name");
    if (IsSystemSchema(d)) throw BackupError("mydumper: refusing to dump system schema " + d);
    if (d.find('.') != std::string::npos) {
      throw BackupError("mydumper: database name " + d + " contains '.', which myloader 0.10 cannot load back");
    }
    if (!alternatives.empty()) alternatives += '|';
    alternatives += RegexEscape(d);
  }
  // Matched against "db.table" (and "db." for the database itself).
  return "^(" + alternatives + R"()\.)";
}

std::string MydumperTablesRegex(const std::vector<std::string>& tables) {
  std::map<std::string, std::string> by_db;  // db -> "t1|t2"
  for (const std::string& t : tables) {
    const auto dot = t.find('.');
    if (dot == std::string::npos) throw BackupError("mydumper: table " + t + " is not db.table");
    std::string& names = by_db[t.substr(0, dot)];
    names += (names.empty() ? "" : "|") + RegexEscape(t.substr(dot + 1));
  }
  std::string alternatives;
  // Each database's own entry ("db.") too: its CREATE DATABASE.
  for (const auto& [db, names] : by_db) {
    alternatives += (alternatives.empty() ? "" : "|") + RegexEscape(db) + R"(\.()" + names + ")?";
  }
  return "^(" + alternatives + ")$";
}

BackupPosition DumpWithMydumper(const server::AdminTarget& source, const MydumperOptions& o) {
  const fs::path binary = FindTool(o.dumper_binary, {"/usr/bin/mydumper"}, "mydumper", "mydumper");
  const std::string regex = o.tables.empty() ? MydumperRegex(o.databases) : MydumperTablesRegex(o.tables);
  PrepareOutputDir(o.output_dir);
  std::error_code ec;
  fs::create_directories(o.log_dir, ec);
  const ClientDefaultsFile connection(source);
  std::vector<std::string> argv = {binary.string(), connection.FileArgument()};
  argv.push_back("--outputdir=" + o.output_dir.string());
  argv.push_back("--regex=" + regex);
  // One snapshot shared by all threads; FTWRL held only while they start,
  // or (mydumper's default) until the non-InnoDB tables are dumped.
  if (o.locking == DumpLocking::kNone) throw BackupError("mydumper: a dump without locks is not offered");
  if (o.locking == DumpLocking::kSnapshot) argv.push_back("--trx-consistency-only");
  for (const char* a : {"--triggers", "--events", "--routines", "--verbose=3"}) argv.push_back(a);
  argv.push_back(fmt::format("--threads={}", std::max(1u, o.threads)));
  RunTool("mydumper", argv, o.log_dir / "mydumper.log", o.timeout, o.abandon);
  return ReadMydumperMetadata(o.output_dir);
}

void LoadWithMyloader(const server::AdminTarget& target, const MydumperOptions& o) {
  const fs::path binary = FindTool(o.loader_binary, {"/usr/bin/myloader"}, "myloader", "mydumper");
  std::error_code ec;
  fs::create_directories(o.log_dir, ec);
  const ClientDefaultsFile connection(target);
  std::vector<std::string> argv = {binary.string(), connection.FileArgument()};
  argv.push_back("--directory=" + o.output_dir.string());
  argv.push_back(fmt::format("--threads={}", std::max(1u, o.threads)));
  argv.push_back("--verbose=3");
  // Never --enable-binlog: myloader's default SET SQL_LOG_BIN=0 keeps the
  // load out of the target's binary log. Logged, it would give the slave
  // GTIDs of its own in the master's domain, running ahead of the master's
  // (SET GLOBAL gtid_slave_pos refuses that, and a slave of this slave would
  // replay the load). No --overwrite-tables either: the target is fresh, and
  // a table already there is an error, not something to drop.
  RunTool("myloader", argv, o.log_dir / "myloader.log", o.timeout, o.abandon);
  CreateEmptyDatabases(target, o.output_dir);
}

}  // namespace randsync::backup
