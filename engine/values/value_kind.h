// Internal to engine/values: the kinds behind FieldType::kind and the
// formatting helpers the kinds share. Not part of the public API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/random.h"

#include "base/text_util.h"

namespace randsync::values {

// One id per distinct value recipe. Integer kinds carry their range in the
// kind itself (kIntRanges below), so generation needs no lookup by name.
enum Kind : int {
  kInvalid = 0,
  // Integers with a signed 64-bit range; keep in kIntRanges order.
  kBool,
  kTinyint, kTinyintUnsigned, kTinyintPositive,
  kSmallint, kSmallintUnsigned, kSmallintPositive,
  kMediumint, kMediumintUnsigned, kMediumintPositive,
  kInt, kIntUnsigned, kIntPositive,
  kBigint,
  kLastSignedInt = kBigint,
  // Above INT64_MAX: drawn as uint64.
  kBigintUnsigned, kBigintPositive,
  kDecimal,
  kFloat, kDouble, kDoubleNano,
  kString,  // char, varchar, string, ascii
  kText,    // text, tinytext, mediumtext, longtext
  kBlob,    // binary, varbinary, *blob, data
  kDate, kTime, kDatetime, kTimestamp, kYear,
  kEnum, kSet,
  kBit, kHex, kQuid,
  kJson, kJsonPath, kJsonKey, kJsonValue, kJsonArray, kJsonPair, kJsonObject,
  kNull, kEmpty,
  kDigit, kLetter,  // only as _digit(N), _letter_x ...: the bare tokens are the generator's
  kDict,
};

struct IntRange {
  int64_t lo;
  int64_t hi;
};
// Indexed by kind - kBool; Random.pm's name2range.
extern const IntRange kIntRanges[kLastSignedInt - kBool + 1];

// Perl's "%.15g" number formatting, which is how RQG prints floats.
void AppendPerlFloat(double v, std::string& out);
// AppendInt, AppendUInt and AppendPadded come from engine/text_util.h.

// n random letters a-z.
void AppendLetters(Prng& prng, int64_t n, std::string& out);
// RQG's string(len): '' for len <= 0, else 1..len letters a-z.
void AppendString(Prng& prng, int64_t len, std::string& out);
// One word of `words`, or a made-up a-z word when there is no list (so _text
// and JSON keys never degenerate into spaces, as RQG's do without english).
void AppendWord(const std::vector<std::string>* words, Prng& prng, std::string& out);

void AppendDecimal(Prng& prng, std::string& out);
void AppendDate(Prng& prng, std::string& out);
void AppendTime(Prng& prng, std::string& out);
void AppendTimestamp(Prng& prng, std::string& out);
void AppendText(const std::vector<std::string>* english, int64_t len, Prng& prng,
                std::string& out);

// JSON family (json_values.cpp). `english` supplies the object keys.
void AppendJson(const std::vector<std::string>* english, int64_t len, Prng& prng,
                std::string& out);
void AppendJsonPath(const std::vector<std::string>* english, Prng& prng, std::string& out);
void AppendJsonKey(const std::vector<std::string>* english, Prng& prng, std::string& out);
void AppendJsonValue(const std::vector<std::string>* english, Prng& prng, std::string& out);
void AppendJsonArray(const std::vector<std::string>* english, int64_t len, Prng& prng,
                     std::string& out);
void AppendJsonPair(const std::vector<std::string>* english, Prng& prng, std::string& out);
void AppendJsonObject(const std::vector<std::string>* english, int64_t len, Prng& prng,
                      std::string& out);

// The fallback word lists of Dictionaries::Load.
const std::vector<std::string>& UsStates();

}  // namespace randsync::values
