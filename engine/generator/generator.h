// Generator: one thread's stream of statements from a Program.
//
// The stream is a pure function of (grammar files, seed, thread id, schema):
// every draw comes from the thread's own Prng, Perl blocks run in the
// thread's own interpreter, and nothing reads the clock or the pid unless the
// grammar asks for it (_unix_timestamp, Perl's time()).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/generator/program.h"
#include "engine/perl/perl_environment.h"
#include "engine/random.h"
#include "engine/schema/schema.h"
#include "engine/values/values.h"

namespace randsync {

class PerlHost;

struct GeneratorOptions {
  uint64_t seed = 1;
  uint32_t thread_id = 1;     // 1-based, as RQG's threadN rules count
  uint32_t thread_count = 1;  // _thread_count
  std::shared_ptr<const Schema> schema;
  std::shared_ptr<const ValueGenerator> values;
  int64_t connection_id = 0;  // _connection_id; 0 means "the thread id"
  std::string current_user = "root@localhost";
};

// Loop guards: a rule nested this deep inside itself, or a query this long,
// means the grammar does not terminate.
inline constexpr uint32_t kMaxRuleNesting = 3500;
inline constexpr size_t kMaxQueryBytes = 64u << 20;
// ... and so does a query that takes this many steps (an alternative chosen,
// or one of its rule, built-in, field or Perl parts expanded): the
// exponential grammars that produce little or no text would otherwise run
// for hours without reaching either limit above (found while writing
// tests/fuzz: a timeout under its limits). No query of the RQG corpus takes
// more than about 34,000 steps.
inline constexpr uint64_t kMaxQueryWork = uint64_t{1} << 24;

class Generator final : public PerlEnvironment {
 public:
  // Compiles the program's Perl blocks (if any) in this thread's
  // interpreter: a block that does not compile throws GrammarError here.
  Generator(std::shared_ptr<const Program> program, GeneratorOptions options);
  ~Generator() override;

  // Generates the next query (RQG's next()): the thread's init rule the
  // first time, its query rule after that. Returns its statements, which
  // stay valid until the next call; an empty list when the grammar produced
  // only whitespace. Throws GrammarError on endless recursion and
  // PerlBlockError when a block dies.
  const std::vector<std::string_view>& Next();

  // PerlEnvironment
  Prng& prng() override { return prng_; }
  const Schema& schema() override { return *options_.schema; }
  const ValueGenerator& values() override { return *options_.values; }
  MetaState& meta() override { return meta_; }
  uint32_t thread_id() override { return options_.thread_id; }
  uint64_t seq_id() override { return seq_id_; }

  // The deterministic per-thread stand-in for a process id (_pid, Perl $$):
  // RQG grammars use it to give each worker its own object names.
  int64_t pseudo_pid() const { return 100000 + options_.thread_id; }
  // The file _tmpnam names (and that is removed before the next query).
  std::string TmpnamPath() const;

 private:
  // Column lists of one table, filtered the ways the _field_* tokens need;
  // computed on first use. RQG's lists are sorted by name, and so are these.
  struct ColumnLists {
    std::vector<const Column*> all, primary, non_primary, indexed, unindexed, ints,
        ints_indexed, chars, chars_indexed;
  };

  void ExpandRule(uint32_t rule, std::string& out, uint32_t depth);
  void ExpandAlt(uint32_t alt, std::string& out, uint32_t depth);
  void ExpandOp(const Op& op, std::string& out, uint32_t depth);
  void ExpandOpOnce(const Op& op, std::string& out, uint32_t depth);
  [[gnu::noinline]] void ExpandInvariant(const Op& op, uint32_t depth);
  const SourceLoc& StartLoc() const;
  [[noreturn, gnu::cold, gnu::noinline]] void ThrowEndless(uint32_t rule, uint32_t depth) const;
  [[noreturn, gnu::cold, gnu::noinline]] void ThrowTooLong() const;
  [[noreturn, gnu::cold, gnu::noinline]] void ThrowTooMuchWork() const;
  uint32_t ChooseAlt(const CompiledRule& r);
  void AppendBuiltin(Builtin b, std::string& out);

  const Database* CurrentDatabase();
  const Table* CurrentTable();
  const ColumnLists& Columns(const Table* t);
  void PickField(const std::vector<const Column*>& cols, std::string& out);
  void PickTable(bool views, bool base, std::string& out);

  std::shared_ptr<const Program> program_;
  GeneratorOptions options_;
  Prng prng_;
  MetaState meta_;
  uint64_t seq_id_ = 0;
  uint64_t query_stamp_ = 0;
  uint64_t work_ = 0;  // steps of the current query, against kMaxQueryWork
  uintptr_t stack_floor_ = 0;  // ExpandRule's frames must stay above this
  int start_init_ = -1;
  int start_query_ = -1;

  std::vector<uint64_t> rule_stamp_;
  std::vector<uint32_t> rule_count_;
  std::vector<uint64_t> invariant_stamp_;
  std::vector<std::string> invariant_value_;
  std::unordered_map<const Table*, std::unique_ptr<ColumnLists>> columns_;
  size_t field_pos_ = 0;
  bool used_tmpnam_ = false;

  std::unique_ptr<PerlHost> perl_;
  std::vector<int> code_handles_;

  std::string buffer_;
  std::vector<std::string_view> statements_;
};

}  // namespace randsync
