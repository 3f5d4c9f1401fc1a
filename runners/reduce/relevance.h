// First guesses for the reducer's setup phases: the setup objects and the
// columns the window's statements name. A guess only orders the search: a
// phase replays it first and goes on from it when it still fails (one
// replay instead of a ddmin over every item: the tables phase of a run with
// 14 tables took 41 replays to keep the 2 its one statement named), and
// from every item when it does not. So a guess may be wrong, never harmful.
//
// Names are compared as lower-cased identifiers (bare words and backquoted
// names of the SQL text): a word that is also a name only makes the guess
// larger.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runners/reduce/ddmin.h"
#include "runners/reduce/script.h"

namespace randsync::reduce {

// Every identifier of `sql`, lower-cased; string literals are read as text.
std::set<std::string> Identifiers(std::string_view sql);

// The setup items (indexes into s.setup) the window needs by name: the
// tables and views its statements name, the tables and views those views
// name, and the triggers on any of them.
Candidate SetupTheWindowNames(const Script& s);

// The window's last `tail` transactions (where a crash or a replication
// error ends it) and every earlier one with a DDL statement that creates,
// changes or drops an object they name (the CREATE FUNCTION of the UDF a
// crashing call runs: a crash's 319 transactions took 101 replays of
// ddmin to keep those 2).
Candidate TheEndAndWhatDefinesItsNames(const Script& s, std::size_t tail);

// A column of the setup: the table (index into s.setup) and its name.
using SetupColumn = std::pair<std::size_t, std::string>;

// Whether a view, trigger or routine of the setup names `column` of table
// `table` (dropping it would fail the setup).
bool ADefinitionNames(const Script& s, const SetupColumn& column);

// The columns (indexes into `columns`) the window's statements name.
Candidate ColumnsTheWindowNames(const Script& s, const std::vector<SetupColumn>& columns);

}  // namespace randsync::reduce
