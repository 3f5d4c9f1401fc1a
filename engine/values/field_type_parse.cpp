// ValueGenerator::Parse: which _tokens are RQG "field types", resolved once
// at grammar load so that generation never looks at names again.
//
// RQG master (GenTest::Random::isFieldType / fieldType) decides on the
// token's leading letters only ("int_unsigned(5)" -> "int", "english_short"
// -> "english"): a known type name, else a dictionary of that name. The
// letters-and-underscores prefix ("int_unsigned") then picks the value range.
#include <algorithm>
#include <array>
#include <limits>
#include <string_view>

#include "engine/values/value_kind.h"
#include "engine/values/values.h"

namespace randsync {

namespace {

using namespace values;

struct BaseType {
  std::string_view name;
  Kind kind;
};

// Random.pm's name2type, with decimal given a kind of its own (master lumps
// it with the integers and, lacking a range, yields 0).
constexpr auto kBaseTypes = std::to_array<BaseType>({
    {"bit", kBit},           {"bool", kBool},           {"boolean", kBool},
    {"tinyint", kTinyint},   {"smallint", kSmallint},   {"mediumint", kMediumint},
    {"int", kInt},           {"integer", kInt},         {"bigint", kBigint},
    {"float", kFloat},       {"double", kDouble},
    {"decimal", kDecimal},   {"dec", kDecimal},         {"numeric", kDecimal},
    {"fixed", kDecimal},
    {"char", kString},       {"varchar", kString},      {"string", kString},
    {"ascii", kString},  // RQG asks for bytes 0..255 but its string() ignores that: a-z
    {"binary", kBlob},       {"varbinary", kBlob},      {"tinyblob", kBlob},
    {"blob", kBlob},         {"mediumblob", kBlob},     {"longblob", kBlob},
    {"data", kBlob},
    {"tinytext", kText},     {"text", kText},           {"mediumtext", kText},
    {"longtext", kText},
    {"date", kDate},         {"time", kTime},           {"datetime", kDatetime},
    {"timestamp", kTimestamp}, {"year", kYear},
    {"enum", kEnum},         {"set", kSet},
    {"null", kNull},         {"empty", kEmpty},
    {"hex", kHex},           {"quid", kQuid},
    {"json", kJson},         {"jsonpath", kJsonPath},   {"jsonkey", kJsonKey},
    {"jsonvalue", kJsonValue}, {"jsonarray", kJsonArray}, {"jsonpair", kJsonPair},
    {"jsonobject", kJsonObject},
    {"letter", kLetter},
});
// "digit" is in name2type too; it is looked up below with "letter" so that
// the bare tokens can be refused.

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Integer kinds come in triples signed / _unsigned / _positive (bool alone,
// bigint's unsigned pair sits after kLastSignedInt). Any other suffix keeps
// the signed range: RQG finds no range for e.g. _int_usigned (a typo in
// conf/mariadb/functions.yy) and always yields 0, which no grammar means.
Kind RefineInteger(Kind base, std::string_view suffix) {
  const bool is_unsigned = suffix == "_unsigned";
  const bool is_positive = suffix == "_positive";
  if (base == kBool || (!is_unsigned && !is_positive)) return base;
  if (base == kBigint) return is_unsigned ? kBigintUnsigned : kBigintPositive;
  return static_cast<Kind>(base + (is_unsigned ? 1 : 2));
}

Kind RefineFloat(Kind base, std::string_view full) {
  if (full == "double_nano") return kDoubleNano;
  return base;  // float_x / double_x: the base range (RQG: 0..1, no range found)
}

// The N of "(N)" the way Perl numifies RQG's m{\((.*?)\)} capture: leading
// blanks, sign, digits; anything else counts as 0. Negative lengths act as
// 0 in every recipe, so they are stored as 0 (-1 means "no N"). Capped at
// 1 GiB, MariaDB's largest packet, so a typo cannot exhaust memory.
int64_t ParseLength(std::string_view name) {
  size_t open = name.find('(');
  if (open == std::string_view::npos) return -1;
  size_t close = name.find(')', open + 1);
  if (close == std::string_view::npos) return -1;
  std::string_view n = name.substr(open + 1, close - open - 1);
  size_t i = 0;
  while (i < n.size() && (n[i] == ' ' || n[i] == '\t' || n[i] == '\n' || n[i] == '\r')) ++i;
  bool negative = false;
  if (i < n.size() && (n[i] == '-' || n[i] == '+')) negative = n[i++] == '-';
  constexpr int64_t kCap = int64_t{1} << 30;
  int64_t value = 0;
  for (; i < n.size() && n[i] >= '0' && n[i] <= '9'; ++i) {
    value = std::min(kCap, value * 10 + (n[i] - '0'));
  }
  return negative ? 0 : value;
}

}  // namespace

std::optional<FieldType> ValueGenerator::Parse(std::string_view name) const {
  // The generator expands the bare _digit and _letter itself (and so does
  // RQG before it asks isFieldType); _digit(3) or _letter_x still reach the
  // field-type path in RQG and come out quoted, so they are kept here.
  if (name == "digit" || name == "letter") return std::nullopt;

  // isFieldType tolerates one more leading '_' (RQG turns __int into an int).
  std::string_view def = name;
  if (!def.empty() && def.front() == '_') def.remove_prefix(1);
  size_t letters = 0;
  while (letters < def.size() && IsLetter(def[letters])) ++letters;
  if (letters == 0) return std::nullopt;
  size_t full = letters;
  while (full < def.size() && (IsLetter(def[full]) || def[full] == '_')) ++full;
  const std::string_view base = def.substr(0, letters);
  const std::string_view suffix = def.substr(letters, full - letters);

  FieldType type;
  type.length = ParseLength(def);
  if (base == "digit") {
    type.kind = kDigit;
    return type;
  }
  for (const BaseType& t : kBaseTypes) {
    if (t.name != base) continue;
    type.kind = t.kind;
    if (t.kind <= kLastSignedInt && t.kind >= kBool) {
      type.kind = RefineInteger(t.kind, suffix);
    } else if (t.kind == kFloat || t.kind == kDouble) {
      type.kind = RefineFloat(t.kind, def.substr(0, full));
    }
    return type;
  }

  // RQG checks for dict/<letters>.txt; the lists are loaded up front.
  if (dicts_ != nullptr) {
    if (const auto* words = dicts_->Find(base)) {
      type.kind = kDict;
      type.words = words;
      return type;
    }
  }
  return std::nullopt;
}

}  // namespace randsync
