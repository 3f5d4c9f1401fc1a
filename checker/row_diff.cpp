// The drill-down in two steps.
//
// 1. Classify. Each side's chunk is streamed once (the same SELECT as the
//    digest, so the same rows). Keyed table: the master's rows go into a map
//    (exact key bytes -> row hash); the slave's rows are then looked up and
//    erased as they match, so what is left in the map is missing on the
//    slave. Keyless table: a multiset, row hash -> master count minus slave
//    count; a non-zero count is that many missing (> 0) or extra (< 0)
//    copies. Either way memory is a key and 16 bytes per row of the chunk:
//    values are hashed from the client's row buffer and dropped.
// 2. Describe. Only the first max_rows differences by key text (a bounded
//    "smallest N" set, so listing is bounded too) are fetched in full: by key
//    for a keyed table; by a second streaming pass picking the rows with a
//    differing hash for a keyless one (there is no key to fetch by).
//
// Both steps read each connection strictly one statement after the other,
// so master and slave may be the same connection, and inside consistent
// snapshots the second look sees what the first one hashed.
#include "checker/row_diff.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "base/text_util.h"
#include "checker/fix_sql.h"
#include "checker/row_encoding.h"
#include "checker/row_hash.h"
#include "db/connection.h"
#include "db/result.h"

namespace randsync::checker {
namespace {

using Fields = std::vector<std::optional<std::string>>;

struct StringSink {
  std::string out;
  void Put(const void* data, size_t size) { out.append(static_cast<const char*>(data), size); }
};

// XXH3 output is uniform already: its low bits are a fine bucket hash.
struct Hash128Hasher {
  size_t operator()(Hash128 h) const { return static_cast<size_t>(h); }
};

std::vector<size_t> KeyIndexes(const TablePlan& plan) {
  std::vector<size_t> out;
  for (const std::string& k : plan.key) {
    size_t i = 0;
    while (i < plan.columns.size() && plan.columns[i].name != k) ++i;
    if (i == plan.columns.size()) {
      throw std::runtime_error("key column " + k + " not among the columns of " + plan.table);
    }
    out.push_back(i);
  }
  return out;
}

// The key fields in the injective row encoding: equal strings <=> equal key
// bytes (NULL, length and content all part of it). Exact bytes on purpose,
// see row_diff.h on _ci keys.
std::string EncodeKey(const db::Result& row, const std::vector<size_t>& key) {
  StringSink sink;
  EncodeRowStart(sink, key.size());
  for (size_t i : key) EncodeField(sink, row.Get(i));
  return std::move(sink.out);
}

uint64_t ReadLe64(std::string_view s, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s.at(at + static_cast<size_t>(i)));
  return v;
}

// Inverse of EncodeKey.
Fields DecodeKey(std::string_view encoded) {
  const uint64_t n = ReadLe64(encoded, 0);
  size_t at = 8;
  Fields out;
  for (uint64_t i = 0; i < n; ++i) {
    if (static_cast<unsigned char>(encoded.at(at++)) == kNullTag) {
      out.emplace_back(std::nullopt);
      continue;
    }
    const uint64_t len = ReadLe64(encoded, at);
    at += 8;
    out.emplace_back(std::string(encoded.substr(at, len)));
    at += len;
  }
  return out;
}

Fields CurrentRow(const db::Result& row) {
  Fields out;
  out.reserve(row.field_count());
  for (size_t i = 0; i < row.field_count(); ++i) {
    if (auto v = row.Get(i)) {
      out.emplace_back(std::string(*v));
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

// The `cap` smallest keys offered, with a value each; bounded memory however
// many differences there are. An equal key offered again is ignored.
template <class Value>
class SmallestKeys {
 public:
  explicit SmallestKeys(uint64_t cap) : cap_(cap) {}
  // Whether `key` would be kept (cheap pre-check before building a value).
  bool Wants(const Fields& key) const {
    return cap_ > 0 && (map_.size() < cap_ || key < map_.rbegin()->first);
  }
  void Offer(Fields key, Value value) {
    if (!Wants(key)) return;
    map_.emplace(std::move(key), std::move(value));
    if (map_.size() > cap_) map_.erase(std::prev(map_.end()));
  }
  const std::map<Fields, Value>& items() const { return map_; }

 private:
  uint64_t cap_;
  std::map<Fields, Value> map_;
};

void CountDifference(ChunkDiff& diff, RowDiffKind kind, uint64_t copies) {
  switch (kind) {
    case RowDiffKind::kMissingOnSlave: diff.missing += copies; break;
    case RowDiffKind::kExtraOnSlave: diff.extra += copies; break;
    case RowDiffKind::kDifferent: diff.different += copies; break;
  }
}

// ---- keyed tables --------------------------------------------------------

// Step 1 for a keyed table: counts into `diff`, and the first differences
// by key text into `listed`.
void ClassifyKeyed(db::Connection& master, std::string_view master_db, db::Connection& slave,
                   std::string_view slave_db, const TablePlan& plan, size_t chunk,
                   ChunkDiff& diff, SmallestKeys<RowDiffKind>& listed) {
  const std::vector<size_t> key = KeyIndexes(plan);
  RowHasher hasher;
  // The plan's key is unique on the master, so each key appears once here.
  std::unordered_map<std::string, Hash128> master_rows;
  {
    db::Result r = master.Query(plan.SelectSql(chunk, master_db));
    while (r.Next()) master_rows.emplace(EncodeKey(r, key), hasher.Hash(r));
  }
  auto note = [&](const std::string& encoded, RowDiffKind kind) {
    CountDifference(diff, kind, 1);
    Fields k = DecodeKey(encoded);
    if (listed.Wants(k)) listed.Offer(std::move(k), kind);
  };
  {
    db::Result r = slave.Query(plan.SelectSql(chunk, slave_db));
    while (r.Next()) {
      const std::string encoded = EncodeKey(r, key);
      // A key seen twice on the slave (its unique key dropped) finds the
      // master's row erased the second time: one extra row, as it should.
      auto it = master_rows.find(encoded);
      if (it == master_rows.end()) {
        note(encoded, RowDiffKind::kExtraOnSlave);
        continue;
      }
      if (it->second != hasher.Hash(r)) note(encoded, RowDiffKind::kDifferent);
      master_rows.erase(it);
    }
  }
  for (const auto& [encoded, hash] : master_rows) note(encoded, RowDiffKind::kMissingOnSlave);
}

// One row by key; empty when absent.
Fields FetchByKey(db::Connection& conn, std::string_view db, const TablePlan& plan,
                  const Fields& key_values) {
  std::string cols;
  for (const auto& c : plan.columns) cols += (cols.empty() ? "" : ", ") + QuoteIdentifier(c.name);
  std::string where;
  for (size_t i = 0; i < plan.key.size(); ++i) {
    std::string type;
    for (const auto& c : plan.columns) {
      if (c.name == plan.key[i]) type = c.data_type;
    }
    where += (i ? " AND " : "") + KeyCondition(plan.key[i], type, key_values[i]);
  }
  db::RowSet rs = conn.QueryRows("SELECT " + cols + " FROM " + QuoteIdentifier(db) + "." +
                                 QuoteIdentifier(plan.table) + " WHERE " + where + " LIMIT 1");
  return rs.rows.empty() ? Fields{} : std::move(rs.rows[0]);
}

// The columns whose values differ as exact bytes (or NULL against a value).
std::vector<ColumnDifference> DifferingColumns(const TablePlan& plan, const Fields& master_row,
                                               const Fields& slave_row) {
  std::vector<ColumnDifference> out;
  if (master_row.size() != plan.columns.size() || slave_row.size() != plan.columns.size()) {
    return out;  // a row vanished between the looks: only without snapshots
  }
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    if (master_row[i] != slave_row[i]) out.push_back({plan.columns[i].name, master_row[i], slave_row[i]});
  }
  return out;
}

// Step 2 for a keyed table.
void DescribeKeyed(db::Connection& master, std::string_view master_db, db::Connection& slave,
                   std::string_view slave_db, const TablePlan& plan,
                   const SmallestKeys<RowDiffKind>& listed, ChunkDiff& diff) {
  for (const auto& [key, kind] : listed.items()) {
    RowDifference row;
    row.kind = kind;
    row.key_columns = plan.key;
    row.key_values = key;
    if (kind != RowDiffKind::kExtraOnSlave) row.master_row = FetchByKey(master, master_db, plan, key);
    if (kind != RowDiffKind::kMissingOnSlave) row.slave_row = FetchByKey(slave, slave_db, plan, key);
    if (kind == RowDiffKind::kDifferent) row.columns = DifferingColumns(plan, row.master_row, row.slave_row);
    diff.rows.push_back(std::move(row));
  }
}

// ---- keyless tables ------------------------------------------------------

// Row hash -> master copies minus slave copies.
using Multiset = std::unordered_map<Hash128, int64_t, Hash128Hasher>;

void CountRows(db::Connection& conn, const std::string& sql, int64_t sign, RowHasher& hasher,
               Multiset& counts) {
  db::Result r = conn.Query(sql);
  while (r.Next()) counts[hasher.Hash(r)] += sign;
}

struct KeylessEntry {
  RowDiffKind kind;
  uint64_t copies;
};

// Step 2 on one side of a keyless table: the listed rows are those whose
// hash has a count of `sign`'s sign; their values come from this stream.
void PickRows(db::Connection& conn, const std::string& sql, int64_t sign, RowHasher& hasher,
              const Multiset& counts, SmallestKeys<KeylessEntry>& listed) {
  db::Result r = conn.Query(sql);
  while (r.Next()) {
    auto it = counts.find(hasher.Hash(r));
    if (it == counts.end() || (it->second > 0) != (sign > 0)) continue;
    Fields row = CurrentRow(r);
    const uint64_t copies = static_cast<uint64_t>(it->second > 0 ? it->second : -it->second);
    listed.Offer(std::move(row), {sign > 0 ? RowDiffKind::kMissingOnSlave : RowDiffKind::kExtraOnSlave,
                                  copies});
  }
}

void DiffKeyless(db::Connection& master, std::string_view master_db, db::Connection& slave,
                 std::string_view slave_db, const TablePlan& plan, size_t chunk,
                 const DiffOptions& options, ChunkDiff& diff) {
  const std::string master_sql = plan.SelectSql(chunk, master_db);
  const std::string slave_sql = plan.SelectSql(chunk, slave_db);
  RowHasher hasher;
  Multiset counts;
  CountRows(master, master_sql, +1, hasher, counts);
  CountRows(slave, slave_sql, -1, hasher, counts);
  bool any_missing = false, any_extra = false;
  for (auto it = counts.begin(); it != counts.end();) {
    if (it->second == 0) {
      it = counts.erase(it);
      continue;
    }
    if (it->second > 0) {
      diff.missing += static_cast<uint64_t>(it->second);
      any_missing = true;
    } else {
      diff.extra += static_cast<uint64_t>(-it->second);
      any_extra = true;
    }
    ++it;
  }
  if (counts.empty() || options.max_rows == 0) return;

  SmallestKeys<KeylessEntry> listed(options.max_rows);
  if (any_missing) PickRows(master, master_sql, +1, hasher, counts, listed);
  if (any_extra) PickRows(slave, slave_sql, -1, hasher, counts, listed);
  std::vector<std::string> names;
  for (const auto& c : plan.columns) names.push_back(c.name);
  for (const auto& [values, entry] : listed.items()) {
    RowDifference row;
    row.kind = entry.kind;
    row.key_columns = names;
    row.key_values = values;
    (entry.kind == RowDiffKind::kMissingOnSlave ? row.master_row : row.slave_row) = values;
    row.count = entry.copies;
    diff.rows.push_back(std::move(row));
  }
}

// ---- display -------------------------------------------------------------

// Length of the UTF-8 sequence starting at s[i] (1..4), or 0 if invalid:
// bad lead byte, missing continuation, overlong form, surrogate, > U+10FFFF.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// The longest prefix of valid UTF-8 `s` of at most `max` bytes that ends on
// a character boundary.
size_t Utf8Cut(std::string_view s, size_t max) {
  size_t cut = 0;
  while (cut < s.size()) {
    const size_t n = Utf8SequenceLength(s, cut);
    if (cut + n > max) break;
    cut += n;
  }
  return cut;
}

std::string CutSuffix(size_t shown, size_t total) {
  return shown < total ? "\u2026(" + std::to_string(total) + " bytes)" : "";
}

}  // namespace

const char* ToString(RowDiffKind kind) {
  switch (kind) {
    case RowDiffKind::kMissingOnSlave: return "missing on slave";
    case RowDiffKind::kExtraOnSlave: return "extra on slave";
    case RowDiffKind::kDifferent: return "different";
  }
  return "?";
}

ChunkDiff DiffChunk(db::Connection& master, std::string_view master_db, db::Connection& slave,
                    std::string_view slave_db, const TablePlan& plan, size_t chunk,
                    const DiffOptions& options) {
  ChunkDiff diff;
  if (plan.key.empty()) {
    DiffKeyless(master, master_db, slave, slave_db, plan, chunk, options, diff);
    return diff;
  }
  SmallestKeys<RowDiffKind> listed(options.max_rows);
  ClassifyKeyed(master, master_db, slave, slave_db, plan, chunk, diff, listed);
  DescribeKeyed(master, master_db, slave, slave_db, plan, listed, diff);
  return diff;
}

std::string TruncateForDisplay(const std::optional<std::string>& value, size_t max) {
  if (!value) return "NULL";
  const std::string_view v = *value;
  if (!IsValidUtf8(v)) {
    static const char kDigits[] = "0123456789abcdef";
    const size_t shown = std::min(v.size(), max / 2);
    std::string out = "0x";
    for (size_t i = 0; i < shown; ++i) {
      out += kDigits[static_cast<unsigned char>(v[i]) >> 4];
      out += kDigits[static_cast<unsigned char>(v[i]) & 0xf];
    }
    return out + CutSuffix(shown, v.size());
  }
  const size_t shown = Utf8Cut(v, max);
  std::string out = "'";
  for (char c : v.substr(0, shown)) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'" + CutSuffix(shown, v.size());
}

}  // namespace randsync::checker
