#include "db/raw_row_stream.h"

#include <mysql.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/db_error.h"
#include "db/native_error.h"

namespace randsync::db {
namespace {

// Width of a fixed-size binary-protocol value of `type`; 0 if the value
// carries its own length (temporals, strings, DECIMAL, BLOB).
uint8_t FixedSize(enum_field_types type) {
  switch (type) {
    case MYSQL_TYPE_TINY:
      return 1;
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR:
      return 2;
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_FLOAT:
      return 4;
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_DOUBLE:
      return 8;
    default:
      return 0;
  }
}

// Bytes taken by a binary-protocol value of `type` starting at `p`.
size_t ValueSize(enum_field_types type, const unsigned char* p) {
  if (const uint8_t fixed = FixedSize(type)) return fixed;
  switch (type) {
    case MYSQL_TYPE_NULL:
      return 0;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      return 1 + p[0];
    default:  // length-encoded string
      if (p[0] < 251) return 1 + p[0];
      if (p[0] == 252) return 3 + (size_t{p[1]} | size_t{p[2]} << 8);
      if (p[0] == 253) return 4 + (size_t{p[1]} | size_t{p[2]} << 8 | size_t{p[3]} << 16);
      {
        size_t n = 0;
        for (int i = 0; i < 8; ++i) n |= size_t{p[1 + i]} << (8 * i);
        return 9 + n;
      }
  }
}


}  // namespace

struct RawRowStream::State {
  MYSQL* mysql = nullptr;
  MYSQL_STMT* stmt = nullptr;
  std::vector<enum_field_types> types;
  std::vector<uint8_t> fixed;  // per column: FixedSize(type), the fast path
  size_t bitmap_bytes = 0;
  // Set by the callback while Connector/C walks the current row.
  const unsigned char* first_value = nullptr;  // the first non-NULL value
  const unsigned char* end = nullptr;          // just past the last value
  std::string_view row;
  // The watched integer columns: per column its slot among them (-1: not
  // watched), and per slot the column, its signedness and its value's bytes.
  std::vector<int> slot;
  long last_watched = -1;  // the highest watched column; -1: none
  std::vector<size_t> watched;
  std::vector<bool> watched_unsigned;
  std::vector<const unsigned char*> watched_value;

  static void OnColumn(void* data, unsigned int column, unsigned char** row) {
    State& s = *static_cast<State*>(data);
    if (row == nullptr) return;  // NULL: only its bitmap bit
    if (s.first_value == nullptr) s.first_value = *row;
    // Most columns come after the last watched one (keys lead tables):
    // for them, one comparison.
    if (column <= s.last_watched) {
      if (const int slot = s.slot[column]; slot >= 0) s.watched_value[slot] = *row;
    }
    const uint8_t fixed = s.fixed[column];
    *row += fixed != 0 ? fixed : ValueSize(s.types[column], *row);
    s.end = *row;
  }

  ~State() {
    if (stmt != nullptr) mysql_stmt_close(stmt);
  }
};

RawRowStream::RawRowStream(Connection& conn, std::string_view sql, const std::vector<size_t>& integer_columns)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.mysql = conn.native();
  s.stmt = mysql_stmt_init(s.mysql);
  if (s.stmt == nullptr) throw DbError(2008, "HY000", "out of memory", "mysql_stmt_init");
  if (mysql_stmt_prepare(s.stmt, sql.data(), sql.size()) != 0) ThrowStatementError(s.stmt, s.mysql, "prepare");
  std::vector<unsigned> flags;
  if (MYSQL_RES* meta = mysql_stmt_result_metadata(s.stmt)) {
    const unsigned n = mysql_num_fields(meta);
    MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    for (unsigned i = 0; i < n; ++i) {
      s.types.push_back(fields[i].type);
      flags.push_back(fields[i].flags);
    }
    mysql_free_result(meta);
  }
  s.bitmap_bytes = (s.types.size() + 9) / 8;
  for (enum_field_types t : s.types) s.fixed.push_back(FixedSize(t));
  s.slot.assign(s.types.size(), -1);
  for (size_t column : integer_columns) {
    const enum_field_types t = column < s.types.size() ? s.types[column] : MYSQL_TYPE_NULL;
    if (t != MYSQL_TYPE_TINY && t != MYSQL_TYPE_SHORT && t != MYSQL_TYPE_INT24 && t != MYSQL_TYPE_LONG &&
        t != MYSQL_TYPE_LONGLONG) {
      throw std::invalid_argument("RawRowStream: column " + std::to_string(column) + " is not an integer");
    }
    s.slot[column] = static_cast<int>(s.watched.size());
    s.last_watched = std::max(s.last_watched, static_cast<long>(column));
    s.watched.push_back(column);
    s.watched_unsigned.push_back((flags[column] & UNSIGNED_FLAG) != 0);
  }
  s.watched_value.assign(s.watched.size(), nullptr);
  void* self = &s;
  ps_result_callback callback = &State::OnColumn;
  if (mysql_stmt_attr_set(s.stmt, STMT_ATTR_CB_USER_DATA, self) != 0 ||
      mysql_stmt_attr_set(s.stmt, STMT_ATTR_CB_RESULT, reinterpret_cast<const void*>(callback)) != 0) {
    ThrowStatementError(s.stmt, s.mysql, "result callback");
  }
  if (mysql_stmt_execute(s.stmt) != 0) ThrowStatementError(s.stmt, s.mysql, "execute");
}

RawRowStream::~RawRowStream() = default;

size_t RawRowStream::field_count() const { return state_->types.size(); }

bool RawRowStream::Next() {
  State& s = *state_;
  if (s.types.empty()) return false;
  s.first_value = nullptr;
  s.end = nullptr;
  std::fill(s.watched_value.begin(), s.watched_value.end(), nullptr);
  const int rc = mysql_stmt_fetch(s.stmt);
  if (rc == MYSQL_NO_DATA) return false;
  if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) ThrowStatementError(s.stmt, s.mysql, "reading result");
  if (s.first_value == nullptr) {
    // Every column NULL: no pointer into the packet, but the image is fully
    // determined by the column count (every bitmap bit set).
    s.row = std::string_view();
  } else {
    const unsigned char* bitmap = s.first_value - s.bitmap_bytes;
    s.row = std::string_view(reinterpret_cast<const char*>(bitmap), static_cast<size_t>(s.end - bitmap));
  }
  return true;
}

std::string_view RawRowStream::row() const { return state_->row; }

std::optional<__int128> RawRowStream::integer(size_t k) const {
  const State& s = *state_;
  const unsigned char* p = s.watched_value.at(k);
  if (p == nullptr) return std::nullopt;
  // Little-endian, of the protocol's width for the type (INT24 travels as 4).
  const size_t width = s.fixed[s.watched[k]];  // an integer type: checked when opened
  uint64_t bits = 0;
  for (size_t i = 0; i < width; ++i) bits |= uint64_t{p[i]} << (8 * i);
  if (s.watched_unsigned[k]) return static_cast<__int128>(bits);
  const unsigned shift = static_cast<unsigned>(64 - 8 * width);  // sign-extend from `width` bytes
  return static_cast<__int128>(static_cast<int64_t>(bits << shift) >> shift);
}

}  // namespace randsync::db
