// Internal to engine/perl: the XS functions through which Perl code blocks
// call back into C++ ($prng's methods, the executor's metadata, thread and
// sequence ids). The prelude (prelude.cpp) builds RQG's objects on them.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "engine/perl/perl_environment.h"

struct interpreter;  // Perl's PerlInterpreter

namespace randsync::perl {

// What the XS functions of one PerlHost reach.
struct CallbackState {
  PerlEnvironment* env = nullptr;
  // ValueGenerator::Parse results by name: fieldType('...') is called with a
  // handful of distinct names, so each is parsed once.
  std::unordered_map<std::string, std::optional<FieldType>> field_types;
  std::string scratch;  // reused value buffer
};

// Defines the XS functions (GenTest::Random's core methods, RandSync::*) in
// `interp`, which must be the current interpreter.
void RegisterCallbacks(interpreter* interp);

// The XS functions find their host through a thread-local pointer that is
// set only while that host runs Perl code. A host is driven by one thread and
// its Perl code runs only inside Compile/Run/BeginQuery, so this is exact and
// costs one store per call (no lookup keyed by interpreter).
class ActiveCallbacks {
 public:
  explicit ActiveCallbacks(CallbackState* state);
  ~ActiveCallbacks();
  ActiveCallbacks(const ActiveCallbacks&) = delete;
  ActiveCallbacks& operator=(const ActiveCallbacks&) = delete;

 private:
  CallbackState* previous_;
};

}  // namespace randsync::perl
