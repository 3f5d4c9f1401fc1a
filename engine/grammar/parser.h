// Reading grammar files into a Grammar: the main file, then each --redefine
// file in order (a later definition of a rule replaces the earlier one; the
// `_add` rules of all files accumulate), with #include expanded in place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/grammar/grammar.h"

namespace randsync::grammar {

struct ParseOptions {
  // Directories searched for #include files after the including file's own
  // directory (RQG resolves them against its working directory).
  std::vector<std::string> include_dirs = {"."};
};

// Throws GrammarError (file:line:column: what was expected) for malformed
// text and InputError for unreadable files.
Grammar ParseGrammarFiles(const std::string& main_file,
                          const std::vector<std::string>& redefine_files,
                          const ParseOptions& options = {});

// Parses grammar text held in memory; `name` is used in error messages.
Grammar ParseGrammarText(std::string_view text, const std::string& name,
                         const ParseOptions& options = {});

}  // namespace randsync::grammar
