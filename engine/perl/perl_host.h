// PerlHost: one embedded Perl interpreter per generator thread.
//
// RQG evaluates each `{ ... }` block with a string eval every time it is
// reached; that is its main cost on Perl-heavy grammars. Here each block is
// compiled once into an anonymous sub (in package
// GenTest::Generator::FromGrammar, `no strict`, so bare variables are package
// globals that persist across the thread's queries and are never shared with
// other threads) and called on every use.
//
// Blocks see RQG's objects: $prng, $generator, $executors->[0], $stack,
// $global, $last_database/$last_table/$last_field, shuffle() and HiRes
// time(). rand() and shuffle() draw from the thread's Prng. `$$` is
// 100000 + thread id (never the real pid), so the `abs($$)` idiom still
// names per-thread objects while the stream stays reproducible; Perl's hash
// seed is fixed too, so `keys %h` comes out in the same order every run.
//
// Thread rules: a PerlHost must be created, used and destroyed on one OS
// thread. Different PerlHosts may run concurrently on different threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/errors.h"
#include "engine/perl/perl_environment.h"

namespace randsync {

// A code block died at run time (Perl `die`, a runtime error). The message
// carries the block's grammar file:line and Perl's own message.
class PerlBlockError : public GrammarError {
 public:
  using GrammarError::GrammarError;
};

class PerlHost {
 public:
  explicit PerlHost(PerlEnvironment& env);
  ~PerlHost();
  PerlHost(const PerlHost&) = delete;
  PerlHost& operator=(const PerlHost&) = delete;

  // Compiles a block: `code` is the text between (and including) the outer
  // braces as written in the grammar. Throws GrammarError at `loc` with
  // Perl's message if it does not compile. Returns a handle for Run().
  int Compile(std::string_view code, const SourceLoc& loc);

  // Compiles a lone variable token such as `$last_table` or `$tables`.
  int CompileVariable(std::string_view name, const SourceLoc& loc);

  // Starts a new query: gives the blocks a fresh, empty $stack (RQG makes
  // one per generated query; $global and all other variables persist). The
  // generator calls it before expanding each query's start rule.
  void BeginQuery();

  // Runs a compiled block with env's MetaState mirrored into $last_* before
  // and copied back after. Appends the result's string value to `out`;
  // returns false (appending nothing) when it is undef. Throws PerlBlockError
  // when the block dies.
  bool Run(int handle, std::string& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace randsync
