#include "engine/load/query_log.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace randsync::load {

namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;
constexpr auto kFlushEvery = std::chrono::seconds(1);

// A delimiter the statement does not contain.
std::string_view PickDelimiter(std::string_view sql) {
  for (std::string_view d : {"//", "$$", ";;;", "@@@@", "|||"}) {
    if (sql.find(d) == std::string_view::npos) return d;
  }
  return "~~randsync~~";
}

}  // namespace

QueryLog::~QueryLog() { Close(); }

void QueryLog::Open(const std::filesystem::path& path) {
  Close();
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot write query log " + path.string() + ": " +
                             std::strerror(errno));
  }
  std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
  path_ = path;
  last_flush_ = std::chrono::steady_clock::now();
}

void QueryLog::Statement(std::string_view sql) {
  if (!file_) return;
  if (sql.find(';') != std::string_view::npos) {
    std::string_view d = PickDelimiter(sql);
    std::fprintf(file_, "DELIMITER %.*s\n", static_cast<int>(d.size()), d.data());
    std::fwrite(sql.data(), 1, sql.size(), file_);
    std::fprintf(file_, "\n%.*s\nDELIMITER ;\n", static_cast<int>(d.size()), d.data());
  } else {
    std::fwrite(sql.data(), 1, sql.size(), file_);
    const bool comment = sql.find('#') != std::string_view::npos ||
                         sql.find("--") != std::string_view::npos;
    std::fputs(comment ? "\n;\n" : ";\n", file_);
  }
  MaybeFlush();
}

void QueryLog::Comment(std::string_view text) {
  if (!file_) return;
  std::fputs("-- ", file_);
  for (char c : text) std::fputc(c == '\n' || c == '\r' ? ' ' : c, file_);
  std::fputc('\n', file_);
}

void QueryLog::MaybeFlush() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ >= kFlushEvery) {
    std::fflush(file_);
    last_flush_ = now;
  }
}

void QueryLog::Flush() {
  if (file_) std::fflush(file_);
  last_flush_ = std::chrono::steady_clock::now();
}

void QueryLog::Close() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
}

std::filesystem::path QueryLogPath(const std::filesystem::path& dir, uint32_t thread_id) {
  return dir / ("thread-" + std::to_string(thread_id) + ".sql");
}

QueryLogReader::QueryLogReader(const std::filesystem::path& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "r");
  if (file_ == nullptr) throw std::runtime_error("cannot read the query log " + path.string());
}

QueryLogReader::~QueryLogReader() {
  if (file_) std::fclose(file_);
}

bool QueryLogReader::ReadLine(std::string& line) {
  line.clear();
  int c;
  while ((c = std::fgetc(file_)) != EOF) {
    if (c == '\n') return true;
    line.push_back(static_cast<char>(c));
  }
  return !line.empty();
}

bool QueryLogReader::Next(std::string& statement) {
  statement.clear();
  std::string line;
  bool started = false;
  while (ReadLine(line)) {
    if (!started && line.rfind("-- ", 0) == 0) continue;  // a Comment() between statements
    if (!started && line.rfind("DELIMITER ", 0) == 0) {
      // A statement holding ';': everything up to the delimiter's own line.
      const std::string delimiter = line.substr(10);
      bool first = true;
      while (ReadLine(line) && line != delimiter) {
        if (!first) statement.push_back('\n');
        statement += line;
        first = false;
      }
      ReadLine(line);  // "DELIMITER ;"
      return true;
    }
    if (line == ";") {
      // After a statement holding a comment marker. One that was nothing
      // but "-- ..." lines was taken for Comment() lines: nothing to send.
      if (!started) continue;
      return true;
    }
    if (started) statement.push_back('\n');
    started = true;
    // Outside DELIMITER blocks a statement holds no ';': a line ending in
    // one ends the statement.
    if (!line.empty() && line.back() == ';') {
      statement.append(line, 0, line.size() - 1);
      return true;
    }
    statement += line;
  }
  return started;
}

}  // namespace randsync::load
