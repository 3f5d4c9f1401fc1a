#include "runners/cli/workload.h"

#include <cstdio>
#include <filesystem>

#include "base/log.h"
#include "engine/gendata/gendata.h"
#include "engine/grammar/mask.h"
#include "engine/grammar/parser.h"

namespace randsync::cli {

namespace fs = std::filesystem;

namespace {

// RQG resolves dict/ against its checkout; grammars live in conf/<area>/, so
// look for a dict/ folder beside the grammar and up to three levels above.
std::vector<std::string> DictionaryDirs(const WorkloadOptions& o) {
  std::vector<std::string> dirs = o.dict_dirs;
  fs::path p = fs::absolute(o.grammar).parent_path();
  for (int i = 0; i < 4 && !p.empty(); ++i, p = p.parent_path()) {
    std::error_code ec;
    if (fs::is_directory(p / "dict", ec)) dirs.push_back((p / "dict").string());
    if (p == p.parent_path()) break;
  }
  dirs.push_back("dict");
  return dirs;
}

}  // namespace

void AddWorkloadOptions(CLI::App& cmd, WorkloadOptions& o, bool grammar_required) {
  auto* g = cmd.add_option("-g,--grammar", o.grammar, "Grammar file (.yy)")->check(CLI::ExistingFile);
  if (grammar_required) g->required();
  cmd.add_option("--redefine", o.redefines,
                 "Grammar file whose rules replace or extend the main grammar's "
                 "(repeatable; the last definition wins)")
      ->check(CLI::ExistingFile);
  cmd.add_option("--mask", o.mask, "Mask seed: switch off a random subset of alternatives (0: off)")
      ->capture_default_str();
  cmd.add_option("--mask-level", o.mask_level, "How many rule levels below the start rule are masked")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd.add_option("--dict-dir", o.dict_dirs,
                 "Directory of word lists (<name>.txt) for _english, _states, ... (repeatable)")
      ->check(CLI::ExistingDirectory);
}

Workload LoadWorkload(const WorkloadOptions& o, uint32_t thread) {
  grammar::Grammar g = grammar::ParseGrammarFiles(o.grammar, o.redefines, grammar::ParseOptions{});
  for (const std::string& w : g.warnings()) Log("warning", w);
  if (o.mask) {
    std::string start = "thread" + std::to_string(thread);
    if (!g.Find(start)) start = "query";
    g = grammar::ApplyMask(g, o.mask, o.mask_level, start);
  }
  Workload w;
  w.dict_dirs = DictionaryDirs(o);
  auto values = std::make_shared<ValueGenerator>(Dictionaries::Load(w.dict_dirs));
  w.program = std::make_shared<Program>(g, *values);
  w.values = values;
  return w;
}

void CheckWorkloadRunnable(const Workload& w, uint32_t threads, const std::string& gendata_spec, uint64_t seed) {
  CheckStartRules(*w.program, threads);
  if (gendata_spec.empty()) return;
  GendataOptions g;
  g.seed = seed;
  g.dict_dirs = w.dict_dirs;
  if (CreateStatements(DataSpecFile{gendata_spec}, g).empty()) {
    throw InputError(gendata_spec + ": the data spec creates no table");
  }
}

std::string DefaultGrammarPath() { return std::string(RANDSYNC_SOURCE_DIR) + "/grammars/default.yy"; }

}  // namespace randsync::cli
