// Per-thread query log: every statement a worker sends, as sent, in a form
// the mariadb command-line client replays exactly:
//
//   mariadb --force -h HOST -P PORT -u USER DB < thread-1.sql
//
// Each statement is followed by ";" and a newline. Statements that hold a
// ';' themselves (stored program bodies) are wrapped in DELIMITER lines;
// statements holding a comment marker get their ';' on a line of its own,
// so that a trailing "-- ..." comment cannot swallow it. Errors and
// reconnects are noted as "-- " comment lines, which the client skips.
// (--force: a random workload has failing statements by design.)
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace randsync::load {

class QueryLog {
 public:
  QueryLog() = default;
  ~QueryLog();
  QueryLog(const QueryLog&) = delete;
  QueryLog& operator=(const QueryLog&) = delete;

  // Creates (truncates) `path`. Throws std::runtime_error with the reason.
  void Open(const std::filesystem::path& path);
  bool is_open() const { return file_ != nullptr; }

  void Statement(std::string_view sql);
  void Comment(std::string_view text);  // one "-- text" line
  // Writes buffered output out. Also done every second by Statement(), so a
  // log lags the load by at most that much if randsync itself dies.
  void Flush();
  void Close();

 private:
  void MaybeFlush();

  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
  std::chrono::steady_clock::time_point last_flush_{};
};

// Reads a QueryLog back, statement by statement, exactly as it was sent:
// the inverse of QueryLog::Statement (DELIMITER blocks, a ';' on its own
// line, "-- " comment lines between statements skipped). For replaying a
// recorded run instead of generating.
class QueryLogReader {
 public:
  // Throws std::runtime_error when `path` cannot be read.
  explicit QueryLogReader(const std::filesystem::path& path);
  ~QueryLogReader();
  QueryLogReader(const QueryLogReader&) = delete;
  QueryLogReader& operator=(const QueryLogReader&) = delete;

  // The next statement, or false at the end of the log.
  bool Next(std::string& statement);

 private:
  bool ReadLine(std::string& line);
  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
};

// Where thread `thread_id` (1-based) logs in `dir`: dir/thread-N.sql.
std::filesystem::path QueryLogPath(const std::filesystem::path& dir, uint32_t thread_id);

}  // namespace randsync::load
