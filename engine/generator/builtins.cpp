#include "engine/generator/builtins.h"

#include <array>
#include <utility>

namespace randsync {

std::optional<Builtin> FindBuiltin(std::string_view name) {
  using B = Builtin;
  static constexpr std::array<std::pair<std::string_view, Builtin>, 40> kNames{{
      {"_letter", B::kLetter},
      {"_digit", B::kDigit},
      {"_positive_digit", B::kPositiveDigit},
      {"_hex", B::kHex},
      {"_cwd", B::kCwd},
      {"_tmpnam", B::kTmpnam},
      {"_tmpfile", B::kTmpnam},
      {"_tmptable", B::kTmptable},
      {"_unix_timestamp", B::kUnixTimestamp},
      {"_pid", B::kPid},
      {"_thread_id", B::kThreadId},
      {"_connection_id", B::kConnectionId},
      {"_current_user", B::kCurrentUser},
      {"_thread_count", B::kThreadCount},
      {"_database", B::kDatabase},
      {"_db", B::kDatabase},
      {"_schema", B::kDatabase},
      {"_table", B::kTable},
      {"_basetable", B::kBaseTable},
      {"_view", B::kView},
      {"_field", B::kField},
      {"_field_list", B::kFieldList},
      {"_field_count", B::kFieldCount},
      {"_field_next", B::kFieldNext},
      {"_field_pk", B::kFieldPk},
      {"_field_no_pk", B::kFieldNoPk},
      {"_field_indexed", B::kFieldIndexed},
      {"_field_key", B::kFieldIndexed},
      {"_field_unindexed", B::kFieldUnindexed},
      {"_field_nokey", B::kFieldUnindexed},
      {"_field_int", B::kFieldInt},
      {"_field_int_indexed", B::kFieldIntIndexed},
      {"_field_int_key", B::kFieldIntIndexed},
      {"_field_char", B::kFieldChar},
      {"_field_char_indexed", B::kFieldCharIndexed},
      {"_field_char_key", B::kFieldCharIndexed},
      {"_collation", B::kCollation},
      {"_collation_name", B::kCollationName},
      {"_charset", B::kCharset},
      {"_charset_name", B::kCharsetName},
  }};
  for (const auto& [n, b] : kNames) {
    if (n == name) return b;
  }
  return std::nullopt;
}

}  // namespace randsync
