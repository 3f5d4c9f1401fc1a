// `randsync gen`: print generated statements, one per line, like RQG's
// gensql.pl.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runners/cli/subcommands.h"

namespace randsync::cli {

namespace {

struct GenOptions {
  std::string grammar;
  std::vector<std::string> redefines;
  uint64_t seed = 1;
  uint64_t queries = 1000;
  uint32_t thread = 1;
  std::string schema;
  std::string dsn;
};

}  // namespace

Runner RegisterGen(CLI::App& app) {
  auto opts = std::make_shared<GenOptions>();
  CLI::App* gen = app.add_subcommand(
      "gen", "Generate statements from an RQG grammar and print one per line");
  gen->add_option("-g,--grammar", opts->grammar, "Grammar file (.yy)")
      ->required()
      ->check(CLI::ExistingFile);
  gen->add_option("--redefine", opts->redefines,
                  "Grammar file whose rules replace or extend the main grammar's "
                  "(repeatable; the last definition wins)")
      ->check(CLI::ExistingFile);
  gen->add_option("-s,--seed", opts->seed, "Seed of the random streams")
      ->capture_default_str();
  gen->add_option("-n,--queries", opts->queries, "Number of queries to generate")
      ->capture_default_str();
  gen->add_option("-t,--thread", opts->thread,
                  "Generator thread number (selects threadN rules and the stream)")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  auto* schema = gen->add_option(
      "--schema", opts->schema,
      "Schema snapshot (.json) or RQG data spec (.zz) for _table, _field, ...")
      ->check(CLI::ExistingFile);
  gen->add_option("--dsn", opts->dsn,
                  "Read the schema from a live server: mysql://user@host:port/db")
      ->excludes(schema);

  return [opts]() -> int {
    std::fprintf(stderr, "randsync: gen: the grammar engine is not built yet\n");
    return 110;
  };
}

}  // namespace randsync::cli
