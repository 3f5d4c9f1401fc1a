#include "runners/reduce/ddmin.h"

#include <algorithm>

namespace randsync::reduce {
namespace {

std::vector<Candidate> Split(const Candidate& items, std::size_t n) {
  std::vector<Candidate> parts;
  std::size_t from = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t to = from + (items.size() - from) / (n - k);
    parts.emplace_back(items.begin() + static_cast<long>(from), items.begin() + static_cast<long>(to));
    from = to;
  }
  return parts;
}

Candidate Without(const Candidate& items, const Candidate& part) {
  Candidate out;
  std::set_difference(items.begin(), items.end(), part.begin(), part.end(), std::back_inserter(out));
  return out;
}

}  // namespace

Candidate Ddmin(Candidate items, const BatchTest& test, const std::function<bool()>& out_of_time) {
  std::size_t n = 2;
  while (items.size() >= 2 && !out_of_time()) {
    n = std::min(n, items.size());
    const std::vector<Candidate> parts = Split(items, n);
    if (const int hit = test(parts); hit >= 0) {  // one part alone fails
      items = parts[static_cast<std::size_t>(hit)];
      n = 2;
      continue;
    }
    if (out_of_time()) break;
    if (n > 2) {  // with two parts, the complements are the parts again
      std::vector<Candidate> complements;
      for (const Candidate& p : parts) complements.push_back(Without(items, p));
      if (const int hit = test(complements); hit >= 0) {
        items = complements[static_cast<std::size_t>(hit)];
        n = std::max<std::size_t>(n - 1, 2);
        continue;
      }
    }
    if (n >= items.size()) break;  // every single item is needed
    n = std::min(items.size(), n * 2);
  }
  if (items.size() == 1 && !out_of_time()) {
    // A lone item may not be needed at all (the failure with nothing): the
    // caller's empty candidate is tested once.
    if (test({Candidate{}}) == 0) items.clear();
  }
  return items;
}

}  // namespace randsync::reduce
