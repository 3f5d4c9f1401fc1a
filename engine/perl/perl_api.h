// Internal to engine/perl: the Perl C API, and the one idiom every caller of
// it needs (making an interpreter current). Include it AFTER every C++ header:
// perl.h defines many lower-case macros that would clash with them.
#pragma once

// Every function gets its interpreter passed explicitly (aTHX) instead of
// looking it up in thread-local storage on each API call.
#ifndef PERL_NO_GET_CONTEXT
#define PERL_NO_GET_CONTEXT
#endif

#include <EXTERN.h>
#include <perl.h>
#include <XSUB.h>

namespace randsync::perl {

// Makes `interp` the current Perl interpreter of this OS thread for the
// scope's lifetime and restores the previous one after. Perl keeps a
// per-thread "current interpreter" that some internals (and XS modules that
// do not take aTHX) consult, so it must match the interpreter we drive.
class ContextScope {
 public:
  explicit ContextScope(PerlInterpreter* interp) : previous_(PERL_GET_CONTEXT) {
    if (previous_ != interp) PERL_SET_CONTEXT(interp);
  }
  ~ContextScope() {
    if (PERL_GET_CONTEXT != previous_) PERL_SET_CONTEXT(previous_);
  }
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  void* previous_;
};

}  // namespace randsync::perl
