// A slave started with a replication filter (--replicate-ignore-table,
// --replicate-wild-do-table, ...) leaves tables out by design: a
// difference in one is the setting's, not a server bug. The rules
// (MariaDB's, for row events): an ignore rule that matches filters the
// table; do rules of a kind, when given, filter every table none of them
// match. Database rules apply to the table's database.
#pragma once

#include <string>
#include <vector>

namespace randsync::triage {

// The slave option that filters `db`.`table` out of replication, as given
// ("--replicate-wild-ignore-table=test.A%"), or "" when none does.
std::string FilteringOption(const std::vector<std::string>& slave_options, const std::string& db,
                            const std::string& table);

// SQL LIKE's match: % any run, _ one character, \ escapes.
bool LikeMatch(const std::string& text, const std::string& pattern);

}  // namespace randsync::triage
