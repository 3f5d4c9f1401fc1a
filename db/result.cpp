#include "db/result.h"

#include <mysql.h>

#include <utility>

#include "db/native_error.h"

namespace randsync::db {

Result::Result(st_mysql* mysql, st_mysql_res* res) : mysql_(mysql), res_(res) {
  if (res_ == nullptr) return;
  unsigned n = mysql_num_fields(res_);
  MYSQL_FIELD* fields = mysql_fetch_fields(res_);
  field_names_.reserve(n);
  for (unsigned i = 0; i < n; ++i) field_names_.emplace_back(fields[i].name, fields[i].name_length);
}

Result::~Result() { Release(); }

Result::Result(Result&& other) noexcept
    : mysql_(std::exchange(other.mysql_, nullptr)),
      res_(std::exchange(other.res_, nullptr)),
      field_names_(std::move(other.field_names_)),
      row_(std::exchange(other.row_, nullptr)),
      lengths_(std::exchange(other.lengths_, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    Release();
    mysql_ = std::exchange(other.mysql_, nullptr);
    res_ = std::exchange(other.res_, nullptr);
    field_names_ = std::move(other.field_names_);
    row_ = std::exchange(other.row_, nullptr);
    lengths_ = std::exchange(other.lengths_, nullptr);
  }
  return *this;
}

bool Result::Next() {
  if (res_ == nullptr) return false;
  row_ = mysql_fetch_row(res_);
  if (row_ == nullptr) {
    lengths_ = nullptr;
    // A NULL row is either the end or a broken stream; only errno tells.
    if (mysql_errno(mysql_) != 0) ThrowLastError(mysql_, "reading result");
    return false;
  }
  lengths_ = mysql_fetch_lengths(res_);
  return true;
}

void Result::Release() noexcept {
  if (mysql_ == nullptr) return;
  // Freeing a use_result set reads and drops its remaining rows; then any
  // further result sets (a CALL returns one per SELECT plus a status) must be
  // consumed too, or the connection stays "out of sync".
  if (res_ != nullptr) mysql_free_result(res_);
  while (mysql_more_results(mysql_) && mysql_next_result(mysql_) == 0) {
    if (MYSQL_RES* more = mysql_use_result(mysql_)) mysql_free_result(more);
  }
  res_ = nullptr;
  mysql_ = nullptr;
  row_ = nullptr;
  lengths_ = nullptr;
}

}  // namespace randsync::db
