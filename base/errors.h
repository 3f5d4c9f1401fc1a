// Errors randsync reports to users. Every one names where the problem is
// (file:line:column for grammars) and what was expected, on one line.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace randsync {

// A position in a grammar (or data spec) file. Lines and columns are 1-based.
struct SourceLoc {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;

  std::string ToString() const {
    if (line == 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

// A grammar that cannot be read or used: malformed text, unknown start rule,
// a Perl block that does not compile, an endless recursion.
class GrammarError : public std::runtime_error {
 public:
  GrammarError(const SourceLoc& loc, const std::string& what)
      : std::runtime_error(loc.ToString() + ": " + what), loc_(loc) {}
  const SourceLoc& loc() const { return loc_; }

 private:
  SourceLoc loc_;
};

// Input other than grammars (schema files, data specs, DSNs) that is unusable.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace randsync
