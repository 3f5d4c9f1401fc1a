#include "checker/row_hash.h"

#include <cstring>
#include <new>

// Inlined rather than called in libxxhash: rows are short, and at millions
// of rows per second per lane the call and the library's generic entry cost
// a visible share of the client's time.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "checker/row_encoding.h"
#include "db/binary_result.h"
#include "db/result.h"

namespace randsync::checker {
namespace {
XXH3_state_t* State(void* s) { return static_cast<XXH3_state_t*>(s); }
}  // namespace

std::string ToHex(Hash128 h) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 31; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kDigits[static_cast<unsigned>(h & 0xf)];
    h >>= 4;
  }
  return out;
}

std::string ChunkDigest::ToString() const { return std::to_string(rows) + ":" + ToHex(sum); }

RowHasher::RowHasher() : state_(XXH3_createState()) {
  if (state_ == nullptr) throw std::bad_alloc();
}

RowHasher::~RowHasher() { XXH3_freeState(State(state_)); }

void RowHasher::Flush() {
  if (used_ > 0) XXH3_128bits_update(State(state_), buffer_, used_);
  used_ = 0;
}

void RowHasher::Put(const void* data, size_t size) {
  if (size > kBufferSize - used_) {
    Flush();
    if (size > kBufferSize / 2) {  // big value: straight from the row buffer
      XXH3_128bits_update(State(state_), data, size);
      return;
    }
  }
  std::memcpy(buffer_ + used_, data, size);
  used_ += size;
}

void RowHasher::Begin(size_t column_count) {
  XXH3_128bits_reset(State(state_));
  used_ = 0;
  EncodeRowStart(*this, column_count);
}

Hash128 RowHasher::Finish() {
  Flush();
  XXH128_hash_t h = XXH3_128bits_digest(State(state_));
  return (static_cast<Hash128>(h.high64) << 64) | h.low64;
}

Hash128 RowHasher::Hash(const db::Result& row) {
  const size_t n = row.field_count();
  Begin(n);
  for (size_t i = 0; i < n; ++i) EncodeField(*this, row.Get(i));
  return Finish();
}

Hash128 RowHasher::Hash(db::BinaryResult& row) {
  if (row.all_complete()) return HashInline(row.fields());
  const size_t n = row.field_count();
  Begin(n);
  for (size_t i = 0; i < n; ++i) {
    if (row.IsNull(i)) {
      Put(&kNullTag, 1);
      continue;
    }
    // Same framing as EncodeField (tag, 8-byte length, bytes), with the
    // bytes possibly arriving in pieces.
    unsigned char head[9];
    head[0] = kValueTag;
    PutLe64(head + 1, row.Length(i));
    Put(head, sizeof head);
    if (auto v = row.Inline(i)) {
      Put(v->data(), v->size());
    } else {
      row.Read(i, [this](std::string_view piece) { Put(piece.data(), piece.size()); });
    }
  }
  return Finish();
}

Hash128 RowHasher::HashImage(std::string_view image) {
  XXH128_hash_t h = XXH3_128bits(image.data(), image.size());
  return (static_cast<Hash128>(h.high64) << 64) | h.low64;
}

// The common case, every value in memory: the row's encoding is gathered in
// one buffer and hashed with one-shot XXH3, which for rows of a few hundred
// bytes costs a fraction of the streaming state's reset/update/digest.
Hash128 RowHasher::HashInline(const std::vector<db::BinaryField>& fields) {
  size_t total = 8;
  for (const db::BinaryField& f : fields) total += f.null ? 1 : 9 + f.size;
  row_.resize(total);
  unsigned char* out = reinterpret_cast<unsigned char*>(row_.data());
  PutLe64(out, fields.size());
  out += 8;
  for (const db::BinaryField& f : fields) {
    if (f.null) {
      *out++ = kNullTag;
      continue;
    }
    out[0] = kValueTag;
    PutLe64(out + 1, f.size);
    if (f.size != 0) std::memcpy(out + 9, f.data, f.size);
    out += 9 + f.size;
  }
  XXH128_hash_t h = XXH3_128bits(row_.data(), total);
  return (static_cast<Hash128>(h.high64) << 64) | h.low64;
}

Hash128 RowHasher::Hash(const std::optional<std::string_view>* fields, size_t count) {
  Begin(count);
  for (size_t i = 0; i < count; ++i) EncodeField(*this, fields[i]);
  return Finish();
}

}  // namespace randsync::checker
