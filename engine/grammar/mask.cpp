#include "engine/grammar/mask.h"

#include <set>

#include "engine/random.h"

namespace randsync::grammar {

namespace {

// Rules reachable from `name` in fewer than `level` steps (RQG topGrammarX).
void Collect(const Grammar& g, const std::string& name, int level, std::set<std::string>& out) {
  const Rule* r = g.Find(name);
  if (!r || level <= 0) return;
  out.insert(name);
  for (const Alternative& alt : r->alternatives) {
    for (const Part& p : alt.parts) {
      if (p.kind != PartKind::kWord) continue;
      std::string w = p.text;
      if (auto b = w.find('['); b != std::string::npos) w.resize(b);
      if (g.Find(w)) Collect(g, w, level - 1, out);
    }
  }
}

}  // namespace

Grammar ApplyMask(const Grammar& g, uint64_t mask, int level, const std::string& start) {
  if (mask == 0) return g;
  std::set<std::string> top;  // sorted, the order RQG walks them in
  Collect(g, start, level, top);
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
