#include "engine/grammar/mask.h"

#include <set>
#include <vector>

#include "engine/random.h"

namespace randsync::grammar {

namespace {

// Rules reachable from `start` in fewer than `level` steps (RQG topGrammarX).
// Breadth first, each rule once. The recursive walk this replaces (found
// while writing tests/fuzz) visited a rule again for every path to it:
// 12 levels of rules naming the next one 30 times took 30^12 steps with
// --mask-level 13 or more. Its recursion was also as deep as the longest
// chain of rules.
std::set<std::string> Collect(const Grammar& g, const std::string& start, int level) {
  std::set<std::string> out;
  if (level <= 0 || !g.Find(start)) return out;
  std::vector<std::string> frontier{start};
  out.insert(start);
  for (int steps = 1; steps < level && !frontier.empty(); ++steps) {
    std::vector<std::string> next;
    for (const std::string& name : frontier) {
      for (const Alternative& alt : g.Find(name)->alternatives) {
        for (const Part& p : alt.parts) {
          if (p.kind != PartKind::kWord) continue;
          std::string w = p.text;
          if (auto b = w.find('['); b != std::string::npos) w.resize(b);
          if (g.Find(w) && out.insert(w).second) next.push_back(std::move(w));
        }
      }
    }
    frontier = std::move(next);
  }
  return out;
}

}  // namespace

Grammar ApplyMask(const Grammar& g, uint64_t mask, int level, const std::string& start) {
  if (mask == 0) return g;
  const std::set<std::string> top = Collect(g, start, level);  // sorted, RQG's order
  Grammar out = g;
  // One running bit index over the alternatives of all masked rules; a fresh
  // 15-bit pattern every 16 alternatives. (RQG meant to do this, but assigns
  // the new pattern to the wrong variable and repeats the first one.)
  Prng prng(mask, 0);
  uint32_t bits = static_cast<uint32_t>(prng.Int(0, 0x7fff));
  unsigned i = 0;
  for (const std::string& name : top) {
    Rule& r = out.mutable_rules().at(name);
    std::vector<Alternative> kept;
    for (Alternative& alt : r.alternatives) {
      if ((1u << i) & bits) kept.push_back(alt);
      if (++i % 16 == 0) {
        i = 0;
        bits = static_cast<uint32_t>(prng.Int(0, 0x7fff));
      }
    }
    if (!kept.empty()) r.alternatives = std::move(kept);
  }
  return out;
}

}  // namespace randsync::grammar
