// Progress and warning lines on stderr, the way every randsync command
// writes them: "randsync: <scope>: <line>". A QA engineer greps a buildbot
// log for them, and tests wait on them (tests/run_hang_test.sh), so the
// shape is part of the interface.
//
// Threading: any thread may log; each line is written whole (one locked
// write), never interleaved with another thread's.
#pragma once

#include <string_view>

namespace randsync {

// "randsync: <scope>: <line>\n"; an empty scope gives "randsync: <line>\n".
void Log(std::string_view scope, std::string_view line);

}  // namespace randsync
