// Program: a grammar resolved for generation, shared read-only by all
// generator threads.
//
// Every word is resolved once here (rule, built-in, field-type value, Perl
// variable or plain text) and adjacent text is merged, so that generating a
// statement is a walk over flat arrays with no lookups by name and no
// allocation besides appending to the output buffer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/errors.h"
#include "engine/generator/builtins.h"
#include "engine/grammar/grammar.h"
#include "engine/values/values.h"

namespace randsync {

// The largest N of a field-type token that a grammar may use: MEDIUMTEXT's
// length for _varchar(N), _text(N), _bit(N), ..., and for the JSON tokens,
// whose N counts members of some 20 bytes each, a number that keeps the
// value to a few MB. A larger N is a GrammarError when the grammar is
// compiled.
inline constexpr int64_t kMaxFieldLength = 16777215;
inline constexpr int64_t kMaxJsonMembers = (kMaxFieldLength + 1) / 64 - 1;

struct Op {
  enum Kind : uint8_t {
    kText,      // arg = offset into Program::text, len = length
    kRule,      // arg = rule index
    kBuiltin,   // arg = Builtin id
    kField,     // arg = index into Program::field_types
    kCode,      // arg = index into Program::code (Perl block)
    kVariable,  // arg = index into Program::code (lone $variable)
  };
  Kind kind;
  bool invariant = false;  // name[invariant]: one value per generated query
  uint32_t arg = 0;
  uint32_t len = 0;
  uint32_t slot = 0;  // invariant cache slot (when invariant)
};

struct CompiledRule {
  std::string name;
  SourceLoc loc;
  uint32_t first_alt = 0;  // index into Program::alts
  uint32_t alt_count = 0;
  // Cumulative ==FACTOR:N== weights; empty when all alternatives weigh 1,
  // which is the common case and a plain uniform draw.
  std::vector<double> cumulative;
};

struct CompiledAlt {
  uint32_t first_op = 0;  // index into Program::ops
  uint32_t op_count = 0;
};

struct CodeBlock {
  std::string text;  // "{ ... }" or "$name"
  SourceLoc loc;
  bool is_variable = false;
};

class Program {
 public:
  // Resolves `grammar` against the built-ins and field types `values` knows.
  Program(const grammar::Grammar& grammar, const ValueGenerator& values);

  // Index of a rule, or -1.
  int FindRule(const std::string& name) const;

  std::vector<CompiledRule> rules;
  std::vector<CompiledAlt> alts;
  std::vector<Op> ops;
  std::string text;  // pool of literal text
  std::vector<FieldType> field_types;
  std::vector<CodeBlock> code;
  uint32_t invariant_slots = 0;
};

// Refuses, before any server starts, a grammar some of whose `threads` load
// threads (numbered from 1) would have nothing to run: neither `query` nor
// their own `threadN`. A grammar without either at all is most likely a
// file meant for --redefine, and the error says so. Throws GrammarError
// naming the file and the first thread without a start rule.
void CheckStartRules(const Program& program, uint32_t threads);

}  // namespace randsync
