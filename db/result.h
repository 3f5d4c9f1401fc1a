// A streamed result set: rows are read from the server one at a time
// (mysql_use_result), so a checker can hash a table of any size in constant
// memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct st_mysql;
struct st_mysql_res;

namespace randsync::db {

class Result {
 public:
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  // 0 for statements that return no result set (Next() is then false).
  size_t field_count() const { return field_names_.size(); }
  const std::string& field_name(size_t i) const { return field_names_[i]; }

  // Moves to the next row; false at the end. Throws DbError when the stream
  // breaks (server gone, query killed, read timeout).
  bool Next();

  // Accessors of the current row (valid until the next Next()). Value() is the
  // exact bytes, embedded NULs included; it is empty for NULL, so test
  // IsNull() when the difference matters.
  bool IsNull(size_t i) const { return row_[i] == nullptr; }
  std::string_view Value(size_t i) const {
    return row_[i] == nullptr ? std::string_view() : std::string_view(row_[i], lengths_[i]);
  }
  size_t Length(size_t i) const { return lengths_[i]; }
  std::optional<std::string_view> Get(size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Value(i);
  }

 private:
  friend class Connection;
  Result(st_mysql* mysql, st_mysql_res* res);
  void Release() noexcept;

  st_mysql* mysql_ = nullptr;
  st_mysql_res* res_ = nullptr;
  std::vector<std::string> field_names_;
  char** row_ = nullptr;
  unsigned long* lengths_ = nullptr;
};

}  // namespace randsync::db
