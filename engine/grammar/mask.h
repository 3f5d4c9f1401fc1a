// Grammar masking (RQG's --mask / --mask-level): a seed switches off a
// pseudo-random subset of the alternatives of the start rule and the rules
// it reaches within `level` steps, giving a family of workload variants from
// one grammar. A rule whose alternatives would all be switched off is kept
// whole. Masking happens before init rules are chosen, like RQG, but init
// rules themselves are only masked when the query rule reaches them.
#pragma once

#include <cstdint>
#include <string>

#include "engine/grammar/grammar.h"

namespace randsync::grammar {

// `mask` 0 returns the grammar unchanged. `start` is the rule the mask is
// rooted at (threadN or query); level 1 masks only that rule.
Grammar ApplyMask(const Grammar& g, uint64_t mask, int level, const std::string& start);

}  // namespace randsync::grammar
