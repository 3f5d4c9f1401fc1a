#include "db/binary_result.h"

#include <mysql.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "db/connection.h"
#include "db/db_error.h"
#include "db/native_error.h"

namespace randsync::db {
namespace {

constexpr size_t kMaxInlineBuffer = 4096;  // per string column
constexpr size_t kPieceSize = 64 * 1024;   // BLOB pieces
constexpr size_t kTimeBytes = 16;

enum class Kind { kInteger, kFloat, kDouble, kTemporal, kBytes };

Kind KindOf(enum_field_types type) {
  switch (type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      return Kind::kInteger;
    case MYSQL_TYPE_FLOAT:
      return Kind::kFloat;
    case MYSQL_TYPE_DOUBLE:
      return Kind::kDouble;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      return Kind::kTemporal;
    default:
      return Kind::kBytes;
  }
}

void PutLe(unsigned char* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<unsigned char>(v >> (8 * i));
}


}  // namespace

struct BinaryResult::State {
  MYSQL_STMT* stmt = nullptr;
  MYSQL* mysql = nullptr;
  std::vector<Kind> kinds;
  std::vector<MYSQL_BIND> binds;
  std::vector<unsigned long> lengths;
  std::vector<my_bool> nulls;
  std::vector<my_bool> errors;
  // Per column: the bound buffer (8 bytes for numbers, a MYSQL_TIME, or a
  // string buffer) and the canonical bytes of a fixed-size value.
  std::vector<std::vector<unsigned char>> buffers;
  std::vector<std::array<unsigned char, kTimeBytes>> canonical;
  std::vector<char> piece;
  std::vector<BinaryField> fields;  // the current row
  bool all_complete = true;

  ~State() {
    if (stmt != nullptr) mysql_stmt_close(stmt);
  }
};

BinaryResult::BinaryResult(Connection& conn, std::string_view sql) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.mysql = conn.native();
  s.stmt = mysql_stmt_init(s.mysql);
  if (s.stmt == nullptr) throw DbError(2008, "HY000", "out of memory", "mysql_stmt_init");
  if (mysql_stmt_prepare(s.stmt, sql.data(), sql.size()) != 0) ThrowStatementError(s.stmt, s.mysql, "prepare");

  MYSQL_RES* meta = mysql_stmt_result_metadata(s.stmt);
  const size_t n = meta != nullptr ? mysql_num_fields(meta) : 0;
  MYSQL_FIELD* fields = meta != nullptr ? mysql_fetch_fields(meta) : nullptr;
  s.kinds.resize(n);
  s.binds.assign(n, MYSQL_BIND{});
  s.lengths.assign(n, 0);
  s.nulls.assign(n, 0);
  s.errors.assign(n, 0);
  s.buffers.resize(n);
  s.canonical.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Kind kind = KindOf(fields[i].type);
    s.kinds[i] = kind;
    MYSQL_BIND& b = s.binds[i];
    switch (kind) {
      case Kind::kInteger:
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
        s.buffers[i].resize(sizeof(int64_t));
        break;
      case Kind::kFloat:
        b.buffer_type = MYSQL_TYPE_FLOAT;
        s.buffers[i].resize(sizeof(float));
        break;
      case Kind::kDouble:
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        s.buffers[i].resize(sizeof(double));
        break;
      case Kind::kTemporal:
        b.buffer_type = fields[i].type == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE : fields[i].type;
        s.buffers[i].resize(sizeof(MYSQL_TIME));
        break;
      case Kind::kBytes:
        b.buffer_type = MYSQL_TYPE_STRING;
        s.buffers[i].resize(std::clamp<size_t>(fields[i].length, 16, kMaxInlineBuffer));
        break;
    }
    b.buffer = s.buffers[i].data();
    b.buffer_length = s.buffers[i].size();
    b.length = &s.lengths[i];
    b.is_null = &s.nulls[i];
    b.error = &s.errors[i];
  }
  if (meta != nullptr) mysql_free_result(meta);
  s.fields.resize(n);

  if (mysql_stmt_execute(s.stmt) != 0) ThrowStatementError(s.stmt, s.mysql, "execute");
  if (n > 0 && mysql_stmt_bind_result(s.stmt, s.binds.data()) != 0) ThrowStatementError(s.stmt, s.mysql, "bind");
}

BinaryResult::~BinaryResult() = default;

size_t BinaryResult::field_count() const { return state_->kinds.size(); }

bool BinaryResult::Next() {
  if (field_count() == 0) return false;
  const int rc = mysql_stmt_fetch(state_->stmt);
  if (rc == MYSQL_NO_DATA) return false;
  // MYSQL_DATA_TRUNCATED: a value longer than its buffer; Read() gets it.
  if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) ThrowStatementError(state_->stmt, state_->mysql, "reading result");
  State& s = *state_;
  s.all_complete = true;
  for (size_t i = 0; i < s.fields.size(); ++i) {
    BinaryField& f = s.fields[i];
    f.null = s.nulls[i] != 0;
    if (f.null) {
      f.data = nullptr;
      f.size = 0;
      f.complete = true;
      continue;
    }
    if (s.kinds[i] == Kind::kBytes) {
      f.data = reinterpret_cast<const char*>(s.buffers[i].data());
      f.size = s.lengths[i];
      f.complete = s.lengths[i] <= s.buffers[i].size();
      s.all_complete = s.all_complete && f.complete;
    } else {
      std::string_view v = *Inline(i);  // fixed-size: always inline
      f.data = v.data();
      f.size = v.size();
      f.complete = true;
    }
  }
  return true;
}

const std::vector<BinaryField>& BinaryResult::fields() const { return state_->fields; }

bool BinaryResult::all_complete() const { return state_->all_complete; }

bool BinaryResult::IsNull(size_t i) const { return state_->nulls[i] != 0; }

size_t BinaryResult::Length(size_t i) const {
  switch (state_->kinds[i]) {
    case Kind::kInteger:
    case Kind::kDouble:
      return 8;
    case Kind::kFloat:
      return 4;
    case Kind::kTemporal:
      return kTimeBytes;
    case Kind::kBytes:
      return state_->lengths[i];
  }
  return 0;
}

std::optional<std::string_view> BinaryResult::Inline(size_t i) {
  State& s = *state_;
  unsigned char* out = s.canonical[i].data();
  const unsigned char* in = s.buffers[i].data();
  auto view = [&](size_t size) { return std::string_view(reinterpret_cast<const char*>(out), size); };
  switch (s.kinds[i]) {
    case Kind::kInteger:
    case Kind::kDouble: {
      uint64_t v;
      std::memcpy(&v, in, 8);
      PutLe(out, v, 8);
      return view(8);
    }
    case Kind::kFloat: {
      uint32_t v;
      std::memcpy(&v, in, 4);
      PutLe(out, v, 4);
      return view(4);
    }
    case Kind::kTemporal: {
      MYSQL_TIME t;
      std::memcpy(&t, in, sizeof t);
      PutLe(out, t.year, 4);
      out[4] = static_cast<unsigned char>(t.month);
      out[5] = static_cast<unsigned char>(t.day);
      PutLe(out + 6, t.hour, 4);
      out[10] = static_cast<unsigned char>(t.minute);
      out[11] = static_cast<unsigned char>(t.second);
      PutLe(out + 12, t.second_part, 3);  // < 10^6 fits 3 bytes
      out[15] = t.neg ? 1 : 0;
      return view(kTimeBytes);
    }
    case Kind::kBytes:
      if (s.lengths[i] > s.buffers[i].size()) return std::nullopt;
      return std::string_view(reinterpret_cast<const char*>(in), s.lengths[i]);
  }
  return std::nullopt;
}

void BinaryResult::Read(size_t i, const std::function<void(std::string_view)>& piece) {
  if (auto v = Inline(i)) {
    piece(*v);
    return;
  }
  State& s = *state_;
  s.piece.resize(kPieceSize);
  const unsigned long total = s.lengths[i];
  for (unsigned long offset = 0; offset < total;) {
    MYSQL_BIND b{};
    unsigned long got = 0;
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = s.piece.data();
    b.buffer_length = s.piece.size();
    b.length = &got;
    if (mysql_stmt_fetch_column(s.stmt, &b, static_cast<unsigned>(i), offset) != 0) {
      ThrowStatementError(s.stmt, s.mysql, "reading a long value");
    }
    // Connector/C copies min(buffer, total - offset) bytes and reports the
    // value's total length in `got`, not the bytes copied.
    const size_t n = std::min<size_t>(total - offset, s.piece.size());
    if (n == 0) break;
    piece(std::string_view(s.piece.data(), n));
    offset += n;
  }
}

std::optional<std::string> BinaryResult::Get(size_t i) {
  if (IsNull(i)) return std::nullopt;
  std::string out;
  out.reserve(Length(i));
  Read(i, [&](std::string_view p) { out.append(p); });
  return out;
}

}  // namespace randsync::db
