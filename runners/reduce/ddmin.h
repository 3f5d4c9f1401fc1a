// Delta debugging (Zeller's ddmin) over a list of items: the smallest
// subset found that still fails, 1-minimal when the budget allows. Each
// round's candidates (the n parts, then their complements) go to `test` in
// one batch, so the caller may replay them in parallel; it returns the
// index of the first candidate that fails, in batch order, or -1.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace randsync::reduce {

using Candidate = std::vector<std::size_t>;  // indexes into the items, ascending
using BatchTest = std::function<int(const std::vector<Candidate>& batch)>;

// `items` must fail (the caller verified it). Stops early when `out_of_time`
// says so, returning the smallest failing subset found until then.
Candidate Ddmin(Candidate items, const BatchTest& test, const std::function<bool()>& out_of_time);

}  // namespace randsync::reduce
