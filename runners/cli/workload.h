// The workload options gen, load and (later) run share: grammar files,
// masking and word lists, compiled once into a Program for every thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/generator/program.h"
#include "engine/values/values.h"

namespace randsync::cli {

struct WorkloadOptions {
  std::string grammar;
  std::vector<std::string> redefines;
  uint64_t mask = 0;
  int mask_level = 1;
  std::vector<std::string> dict_dirs;
};

struct Workload {
  std::shared_ptr<const ValueGenerator> values;
  std::shared_ptr<const Program> program;
  std::vector<std::string> dict_dirs;  // where word lists were looked for
};

// Registers --grammar, --redefine, --mask, --mask-level, --dict-dir.
// `grammar_required`: false when the command has a default grammar.
void AddWorkloadOptions(CLI::App& cmd, WorkloadOptions& o, bool grammar_required);

// Parses and compiles the grammar files (warnings go to stderr). The mask,
// if any, is rooted at `threadN` when the grammar has one for `thread`,
// else at `query`. Throws GrammarError / InputError.
Workload LoadWorkload(const WorkloadOptions& o, uint32_t thread = 1);

// The offline checks of a workload that a load will run from `threads`
// threads, made before any server starts: every thread has a start rule,
// and the data spec (empty: RQG's default data) evaluates to tables. Throws
// GrammarError, InputError or GendataError, each one line.
void CheckWorkloadRunnable(const Workload& w, uint32_t threads, const std::string& gendata_spec, uint64_t seed);

// The shipped default grammar (grammars/default.yy of the source tree this
// binary was built from).
std::string DefaultGrammarPath();

}  // namespace randsync::cli
