// ValueGenerator: turns a parsed FieldType into its value, raw or as the
// grammar token inserts it (RQG master's Generator/FromGrammar.pm quoting).
//
// Deliberate differences from RQG master, where its behaviour is a plain bug
// (design.md: do the documented intent):
// - _decimal/_dec/_numeric/_fixed: real decimals (value_formats.cpp), not 0;
// - _bigint*: uniform over the full 64-bit range, not 65536 evenly spaced
//   values (RQG's int() has 16 random bits);
// - _double_nano: uniform in (-1e-68, 1e-68) as its range says; RQG adds 1 to
//   the width and so yields 0..1;
// - _int_usigned and other unknown suffixes: the base type's range, not 0;
// - _text without (N): up to 255 characters, text()'s own default; fieldType
//   passed 1, which always gave '';
// - _null: the token is NULL. RQG quotes its undef into '' (an empty string,
//   same as _empty); no grammar of the RQG corpus uses _null (grep of
//   conf/), so nothing depends on that, and NULL is what the name says.
//   AppendRaw gives '' (the closest to Perl's undef a string can get);
// - blobs (_data, _blob, _binary, ...): LOAD_FILE('<cwd>/data/<file>') of a
//   random regular file of <cwd>/data as in RQG; NULL when that directory is
//   missing or empty, where RQG writes LOAD_FILE('') (also NULL, but
//   needlessly reading as a path);
// - JSON: see json_values.cpp.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "engine/values/value_kind.h"
#include "engine/values/values.h"

namespace randsync {

namespace {

using namespace values;

namespace fs = std::filesystem;

// A single-quoted SQL string literal of a file path.
std::string LoadFileCall(const std::string& path) {
  std::string call = "LOAD_FILE('";
  for (char c : path) {
    if (c == '\'' || c == '\\') call.push_back('\\');
    call.push_back(c);
  }
  call += "')";
  return call;
}

// Like RQG's glob <cwd/data/*>: names not starting with '.', sorted; only
// regular files since LOAD_FILE of anything else is NULL anyway.
std::vector<std::string> ListDataFiles() {
  std::error_code ec;
  fs::path dir = fs::current_path(ec);
  if (ec) return {};
  dir /= "data";
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.front() == '.' || !entry.is_regular_file(ec)) continue;
    paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> calls;
  calls.reserve(paths.size());
  for (const std::string& p : paths) calls.push_back(LoadFileCall(p));
  return calls;
}

constexpr int64_t kDefaultTextLength = 255;
constexpr int64_t kDefaultHexDigits = 4;

}  // namespace

ValueGenerator::ValueGenerator(std::shared_ptr<const Dictionaries> dicts)
    : dicts_(std::move(dicts)), load_files_(ListDataFiles()) {
  if (dicts_ != nullptr) english_ = dicts_->Find("english");
}

void ValueGenerator::AppendRaw(const FieldType& type, Prng& prng, std::string& out) const {
  const int64_t len = type.length;
  switch (static_cast<Kind>(type.kind)) {
    case kBool:
    case kTinyint: case kTinyintUnsigned: case kTinyintPositive:
    case kSmallint: case kSmallintUnsigned: case kSmallintPositive:
    case kMediumint: case kMediumintUnsigned: case kMediumintPositive:
    case kInt: case kIntUnsigned: case kIntPositive:
    case kBigint: {
      const IntRange& r = kIntRanges[type.kind - kBool];
      AppendInt(prng.Int(r.lo, r.hi), out);
      return;
    }
    case kBigintUnsigned:
      AppendUInt(prng.UInt(0, UINT64_MAX), out);
      return;
    case kBigintPositive:
      AppendUInt(prng.UInt(1, UINT64_MAX), out);
      return;
    case kDecimal:
      AppendDecimal(prng, out);
      return;
    case kFloat:
      // RQG's float range is bigint's, +-2^63.
      AppendPerlFloat(prng.Real(-9223372036854775808.0, 9223372036854775808.0), out);
      return;
    case kDouble:
      // RQG: +-(1e81 - 1), i.e. 81 nines.
      AppendPerlFloat(prng.Real(-1e81, 1e81), out);
      return;
    case kDoubleNano:
      AppendPerlFloat(prng.Real(-1e-68, 1e-68), out);
      return;
    case kString:
      AppendString(prng, len < 0 ? 1 : len, out);
      return;
    case kText:
      AppendText(english_, len < 0 ? kDefaultTextLength : len, prng, out);
      return;
    case kBlob:
      if (load_files_.empty()) {
        out += "NULL";
      } else {
        out += load_files_[prng.Index(load_files_.size())];
      }
      return;
    case kDate:
      AppendDate(prng, out);
      return;
    case kTime:
      AppendTime(prng, out);
      return;
    case kDatetime:
      AppendDate(prng, out);
      out.push_back(' ');
      AppendTime(prng, out);
      return;
    case kTimestamp:
      AppendTimestamp(prng, out);
      return;
    case kYear:
      AppendInt(prng.Int(1971, 2035), out);
      return;
    case kEnum:
    case kLetter:
      AppendLetters(prng, 1, out);
      return;
    case kSet:
      // 1..10 letters (RQG: 0..digit()).
      for (int64_t n = prng.Int(0, 9); n >= 0; --n) {
        AppendLetters(prng, 1, out);
        if (n > 0) out.push_back(',');
      }
      return;
    case kBit: {
      // b'...' of 1..N bits; N defaults to 1.
      out += "b'";
      for (int64_t n = prng.Int(1, std::max<int64_t>(len, 1)); n > 0; --n) {
        out.push_back(static_cast<char>('0' + prng.Index(2)));
      }
      out.push_back('\'');
      return;
    }
    case kHex: {
      // 0x and 1..N upper-case hex digits; N defaults to 4 (RQG's _hex).
      static constexpr char kDigits[] = "0123456789ABCDEF";
      out += "0x";
      const int64_t max = len < 0 ? kDefaultHexDigits : std::max<int64_t>(len, 1);
      for (int64_t n = prng.Int(1, max); n > 0; --n) out.push_back(kDigits[prng.Index(16)]);
      return;
    }
    case kQuid:
      for (int i = 0; i < 5; ++i) out.push_back(static_cast<char>('A' + prng.Index(26)));
      return;
    case kJson:
      AppendJson(english_, len, prng, out);
      return;
    case kJsonPath:
      AppendJsonPath(english_, prng, out);
      return;
    case kJsonKey:
      AppendJsonKey(english_, prng, out);
      return;
    case kJsonValue:
      AppendJsonValue(english_, prng, out);
      return;
    case kJsonArray:
      AppendJsonArray(english_, len, prng, out);
      return;
    case kJsonPair:
      AppendJsonPair(english_, prng, out);
      return;
    case kJsonObject:
      AppendJsonObject(english_, len, prng, out);
      return;
    case kNull:
    case kEmpty:
      return;
    case kDigit:
      out.push_back(static_cast<char>('0' + prng.Index(10)));
      return;
    case kDict:
      // An existing but empty list gives '' as in RQG.
      if (type.words != nullptr && !type.words->empty()) {
        out += (*type.words)[prng.Index(type.words->size())];
      }
      return;
    case kInvalid:
      return;
  }
}

void ValueGenerator::AppendToken(const FieldType& type, Prng& prng, std::string& out) const {
  const auto kind = static_cast<Kind>(type.kind);
  // RQG inserts numeric and blob values bare.
  if ((kind >= kBool && kind <= kDecimal) || kind == kBlob) {
    AppendRaw(type, prng, out);
    return;
  }
  if (kind == kNull) {
    out += "NULL";
    return;
  }
  // Everything else is quoted, unless it already is or needs no quotes
  // (b'0101', 0x1F, a word ending in a backtick); "..." when it holds a '.
  // Neither RQG nor this escapes anything else: the values are letters,
  // digits and JSON built without quotes, unless a word list says otherwise.
  const size_t start = out.size();
  out.push_back('\'');
  AppendRaw(type, prng, out);
  const std::string_view raw(out.data() + start + 1, out.size() - start - 1);
  if ((!raw.empty() && raw.back() == '`') || raw.starts_with("b'") || raw.starts_with("0x")) {
    out.erase(start, 1);
  } else if (raw.find('\'') != std::string_view::npos) {
    out[start] = '"';
    out.push_back('"');
  } else {
    out.push_back('\'');
  }
}

}  // namespace randsync
