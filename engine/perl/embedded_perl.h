// Internal to engine/perl: one embedded Perl interpreter's life cycle.
//
// Debian's perl is built with ithreads/MULTIPLICITY, so any number of
// interpreters can live in one process, each driven by one OS thread at a
// time. Process-wide setup (PERL_SYS_INIT3, the hash seed) happens once.
#pragma once

#include <string>
#include <string_view>

struct interpreter;  // Perl's PerlInterpreter, without pulling in perl.h

namespace randsync::perl {

class Interpreter {
 public:
  // A ready interpreter: "-e 0" parsed and run, DynaLoader booted (so XS
  // modules such as List::Util, POSIX and Time::HiRes load) and hash order
  // deterministic. Throws std::runtime_error if Perl cannot start.
  Interpreter();
  // Must run on the thread that created the interpreter.
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  interpreter* get() const { return interp_; }

 private:
  interpreter* interp_ = nullptr;
};

// A Perl error message ($@) as one line: trailing newlines and spaces go,
// inner line breaks become "; " (a syntax error often spans several lines).
std::string OneLine(std::string_view message);

}  // namespace randsync::perl
