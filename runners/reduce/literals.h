// The literal values of a statement, for the reducer's last phase: each
// string and number is tried in a simpler form ('' or 0, then 'a' or 1),
// and kept so when the failure still shows, so the test reads
// `UPDATE t SET c = 0 WHERE pk = 1` rather than the generator's values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace randsync::reduce {

struct Literal {
  std::size_t begin = 0, end = 0;  // byte range in the statement
  bool string = false;             // '...' or "..." (MariaDB's default sql_mode)
};

// The statement's string and decimal number literals in order: not inside
// identifiers (`a1`, t2, col_int) or comments; X'..', 0x.., b'..' and
// _charset prefixes are left alone (a simpler form would change the type).
std::vector<Literal> FindLiterals(std::string_view sql);

// Simpler forms to try for `literal` (its text), simplest first; none when
// it is already as simple ('' or 0; 'a' or 1 has only '' or 0 left).
std::vector<std::string> SimplerForms(std::string_view literal, bool string);

}  // namespace randsync::reduce
