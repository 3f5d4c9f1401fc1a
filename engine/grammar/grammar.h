// The grammar model: rules made of weighted alternatives made of parts, as
// read from one main .yy file plus --redefine files.
//
// Parts are kept close to the source (words are not yet resolved to rules or
// built-ins): resolution needs every file read first, because a redefine file
// may turn a literal word into a rule. See generator/program.h for the
// resolved, executable form.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/errors.h"

namespace randsync::grammar {

enum class PartKind : uint8_t {
  kSpace,      // whitespace between tokens: emitted as one ' '
  kText,       // SQL punctuation and other literal text
  kWord,       // identifier: a rule, a built-in, a Perl variable or SQL text
  kString,     // '...' / "...": text, but words inside may expand (RQG does)
  kBacktick,   // `...`: the same, so `table _digit` gives `table 5`
  kComment,    // /* ... */ kept in the output; words inside may expand
  kCode,       // { Perl }
};

struct Part {
  PartKind kind;
  std::string text;
  SourceLoc loc;
};

struct Alternative {
  std::vector<Part> parts;
  double weight = 1.0;  // ==FACTOR:N==; repetition weights need nothing
  SourceLoc loc;
};

struct Rule {
  std::string name;
  std::vector<Alternative> alternatives;
  SourceLoc loc;  // where the (winning) definition starts
};

// Rules by name. `_add` rules are already merged in: query_add/threadN_add
// alternatives are appended to query/threadN; query_init_add/
// threadN_init_add become extra statements after query_init/threadN_init.
class Grammar {
 public:
  const Rule* Find(const std::string& name) const {
    auto it = rules_.find(name);
    return it == rules_.end() ? nullptr : &it->second;
  }
  // Sorted by name, which is the order masking walks them in.
  const std::map<std::string, Rule>& rules() const { return rules_; }
  std::map<std::string, Rule>& mutable_rules() { return rules_; }
  const std::vector<std::string>& files() const { return files_; }
  std::vector<std::string>& mutable_files() { return files_; }

  // Warnings worth showing (a rule defined twice in one file, ...).
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::vector<std::string>& mutable_warnings() { return warnings_; }

  // Whether generating from this grammar runs Perl: a { block } (also one
  // inside a /* comment */) or a `$variable` (also one inside quotes or
  // comments that expands); exactly when Program compiles a CodeBlock.
  bool HasCode() const;

 private:
  std::map<std::string, Rule> rules_;
  std::vector<std::string> files_;
  std::vector<std::string> warnings_;
};

}  // namespace randsync::grammar
