// The built-in tokens the generator itself expands: RQG's special-cased
// scalars (_digit, _letter, _thread_id, ...) and the metadata tokens
// (_table, _field_int_indexed, ...). Field-type values (_int, _varchar(10),
// _english, ...) are ValueGenerator's business.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace randsync {

enum class Builtin : uint8_t {
  // scalars
  kLetter, kDigit, kPositiveDigit, kHex, kCwd, kTmpnam, kTmptable,
  kUnixTimestamp, kPid, kThreadId, kConnectionId, kCurrentUser, kThreadCount,
  // metadata
  kDatabase, kTable, kBaseTable, kView,
  kField, kFieldList, kFieldCount, kFieldNext, kFieldPk, kFieldNoPk,
  kFieldIndexed, kFieldUnindexed, kFieldInt, kFieldIntIndexed, kFieldChar,
  kFieldCharIndexed,
  kCollation, kCollationName, kCharset, kCharsetName,
};

// `name` includes the leading underscore ("_table"); nullopt if it is not one
// of the tokens above.
std::optional<Builtin> FindBuiltin(std::string_view name);

}  // namespace randsync
