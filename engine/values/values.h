// RQG's "field type" built-ins: _int, _tinyint_unsigned, _varchar(10),
// _date, _english, _json, _bit(8), ... with RQG's value ranges and quoting
// (reference/rqg.md 1.3). Metadata built-ins (_table, _field, ...) and the
// scalars the generator special-cases (_digit, _letter, _thread_id, ...) are
// not here: see engine/generator/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/random.h"

namespace randsync {

// Word lists for _english, _states and every other dict/<name>.txt.
// RQG matches a dictionary by the token's leading letters (_english_short ->
// english), so lookups strip a trailing _suffix when there is no exact match.
class Dictionaries {
 public:
  // Loads every <name>.txt in `dirs` (first directory that has a name wins),
  // then falls back to built-in lists (states) and the system word list
  // (/usr/share/dict/words) for english. Missing directories are skipped.
  static std::shared_ptr<const Dictionaries> Load(const std::vector<std::string>& dirs);

  // nullptr when no list of that name exists.
  const std::vector<std::string>* Find(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> lists_;
};

// A parsed field-type token, resolved once at grammar load time so that
// generation does no string parsing.
struct FieldType {
  int kind = 0;          // implementation-defined type id
  int64_t length = -1;   // the N of _varchar(N), _bit(N), _json(N); -1 if absent
  const std::vector<std::string>* words = nullptr;  // for dictionary tokens
};

class ValueGenerator {
 public:
  explicit ValueGenerator(std::shared_ptr<const Dictionaries> dicts);

  // Recognises `name` (the token without its leading '_', e.g. "int_unsigned",
  // "varchar(10)", "english", "json") as RQG's isFieldType would; nullopt if it
  // is not a field type.
  std::optional<FieldType> Parse(std::string_view name) const;

  // Appends a value as the grammar token inserts it: numbers bare, strings
  // and temporals quoted ('...' or "..." when the value holds a '), b'0101'
  // for bits, LOAD_FILE(...) for blobs, NULL for _null. Thread-safe: all
  // state is in `prng`.
  void AppendToken(const FieldType& type, Prng& prng, std::string& out) const;

  // Appends the raw value, unquoted: what Perl's $prng->fieldType('x') returns.
  void AppendRaw(const FieldType& type, Prng& prng, std::string& out) const;

 private:
  std::shared_ptr<const Dictionaries> dicts_;
  // The words of _text and the JSON keys (RQG takes both from english).
  const std::vector<std::string>* english_ = nullptr;
  // One ready "LOAD_FILE('<cwd>/data/<file>')" per file of <cwd>/data, listed
  // once at construction as RQG does; empty -> blob tokens yield NULL.
  std::vector<std::string> load_files_;
};

}  // namespace randsync
