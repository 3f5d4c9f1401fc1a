// What happens to a generated query string before it is sent: RQG's
// whitespace clean-up, then the split into statements.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace randsync {

// RQG's clean-up of a generated sentence, in one pass: no whitespace after
// '.', none before '.' or ',', whitespace runs collapsed to one space, and
// aggregate names glued to their parenthesis (`COUNT (` -> `COUNT(`).
// Like RQG it applies inside string literals too, so that output matches.
void CleanUpSentence(std::string& s);

// Splits a sentence into statements:
//   - if it contains `;;` (RQG 2022's explicit separator) outside quotes, on
//     `;;` only;
//   - else if it looks like a compound statement (CREATE ... BEGIN/END,
//     IF/THEN/END, ... : RQG master's heuristic), not at all;
//   - else on each `;` outside '...' and "..." literals.
// Statements are trimmed; empty ones are dropped. Views point into `s`.
void SplitStatements(std::string_view s, std::vector<std::string_view>& out);

}  // namespace randsync
