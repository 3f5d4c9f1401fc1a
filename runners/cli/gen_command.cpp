// `randsync gen`: print generated statements, one per line, like RQG's
// gensql.pl. Offline unless --dsn is given (then only the schema is read).
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/dsn.h"
#include "engine/generator/generator.h"
#include "engine/schema/schema_reader.h"
#include "runners/cli/subcommands.h"
#include "runners/cli/workload.h"

namespace randsync::cli {

namespace fs = std::filesystem;

namespace {

struct GenOptions {
  WorkloadOptions workload;
  uint64_t seed = 1;
  uint64_t queries = 1000;
  uint32_t thread = 1;
  uint32_t threads = 1;
  std::string schema;
  std::string dsn;
  std::string save_schema;
};

// Writes the snapshot gen used, so that later runs (and other machines) can
// generate offline against the same schema with --schema FILE.
void SaveSchema(const Schema& schema, const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  out << schema.ToJson().dump(1) << "\n";
  out.close();
  if (!out) throw InputError(path + ": cannot write the schema snapshot: " + std::strerror(errno));
}

std::shared_ptr<const Schema> LoadSchema(const GenOptions& o) {
  if (!o.schema.empty()) return std::make_shared<Schema>(LoadSchemaFile(o.schema));
  if (!o.dsn.empty()) return std::make_shared<Schema>(ReadSchemaFromServer(db::ParseDsn(o.dsn)));
  return std::make_shared<Schema>(DefaultSchema());
}

// Writes statements through one large buffer; stops quietly when the reader
// goes away (`randsync gen ... | head`).
class Output {
 public:
  ~Output() { Flush(); }
  bool Write(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= (1u << 16)) return Flush();
    return ok_;
  }
  bool Flush() {
    if (ok_ && !buf_.empty()) ok_ = std::fwrite(buf_.data(), 1, buf_.size(), stdout) == buf_.size();
    buf_.clear();
    if (ok_) ok_ = std::fflush(stdout) == 0;
    return ok_;
  }

 private:
  std::string buf_;
  bool ok_ = true;
};

int RunGen(const GenOptions& o) {
  Workload w = LoadWorkload(o.workload, o.thread);

  GeneratorOptions gopts;
  gopts.seed = o.seed;
  gopts.thread_id = o.thread;
  gopts.thread_count = std::max(o.threads, o.thread);
  gopts.schema = LoadSchema(o);
  if (!o.save_schema.empty()) SaveSchema(*gopts.schema, o.save_schema);
  gopts.values = w.values;
  Generator gen(w.program, gopts);

  std::signal(SIGPIPE, SIG_IGN);
  Output out;
  for (uint64_t i = 0; i < o.queries; ++i) {
    for (std::string_view st : gen.Next()) {
      if (!out.Write(st) || !out.Write(";\n")) return 0;  // reader closed the pipe
    }
  }
  out.Flush();
  return 0;
}

}  // namespace

Runner RegisterGen(CLI::App& app) {
  auto opts = std::make_shared<GenOptions>();
  CLI::App* gen = app.add_subcommand(
      "gen", "Generate statements from an RQG grammar and print one per line");
  AddWorkloadOptions(*gen, opts->workload, true);
  gen->add_option("-s,--seed", opts->seed, "Seed of the random streams")->capture_default_str();
  gen->add_option("-n,--queries", opts->queries, "Number of queries to generate")
      ->capture_default_str();
  gen->add_option("-t,--thread", opts->thread,
                  "Generator thread number (selects threadN rules and the stream)")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  gen->add_option("--threads", opts->threads, "Thread count reported by _thread_count")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  auto* schema = gen->add_option(
                        "--schema", opts->schema,
                        "Schema snapshot (.json) or RQG data spec (.zz) for _table, _field, ...")
                     ->check(CLI::ExistingFile);
  gen->add_option("--dsn", opts->dsn, "Read the schema from a live server: mysql://user@host:port/db")
      ->excludes(schema);
  gen->add_option("--save-schema", opts->save_schema,
                  "Write the schema snapshot used (from --dsn, --schema or the default) to a JSON file");

  return [opts]() -> int { return RunGen(*opts); };
}

}  // namespace randsync::cli
