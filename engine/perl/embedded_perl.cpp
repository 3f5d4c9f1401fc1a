#include "engine/perl/embedded_perl.h"

#include <cstring>
#include <mutex>
#include <stdexcept>

#include "engine/perl/perl_api.h"

EXTERN_C void boot_DynaLoader(pTHX_ CV* cv);

namespace randsync::perl {

namespace {

// Creating and destroying interpreters touches process-wide Perl state
// (the PerlIO layer table, shared op refcounts, dlopen of XS modules), so
// those rare operations are serialised. Running code needs no lock.
std::mutex& LifecycleMutex() {
  static std::mutex mutex;
  return mutex;
}

// Perl seeds its string hash randomly per process (and perturbs each hash's
// iteration order), so `keys %h` would differ from run to run and break the
// contract that a thread's query stream is a pure function of
// (grammar, seed, thread). We install a fixed seed before the first
// interpreter is constructed; perl_construct then skips its own seeding.
// Grammars run trusted code, so hash-flooding resistance does not matter.
void SetFixedHashSeed() {
  std::memset(PL_hash_seed_w, 0x5a, sizeof(PL_hash_seed_w));
  PERL_HASH_SEED_STATE(PL_hash_seed, PL_hash_state);
  PL_hash_seed_set = TRUE;
}

void InitProcessOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // PERL_SYS_INIT3 may keep pointers to these, so they live forever.
    static int argc = 1;
    static char arg0[] = "randsync";
    static char* argv_storage[] = {arg0, nullptr};
    static char** argv = argv_storage;
    static char* env_storage[] = {nullptr};
    static char** env = env_storage;
    PERL_SYS_INIT3(&argc, &argv, &env);
    SetFixedHashSeed();
    // PERL_SYS_TERM is deliberately never called: interpreters owned by
    // static or detached objects may outlive any point we could call it.
  });
}

void XsInit(pTHX) {
  static char file[] = __FILE__;
  newXS("DynaLoader::boot_DynaLoader", boot_DynaLoader, file);
}

}  // namespace

Interpreter::Interpreter() {
  std::lock_guard<std::mutex> lock(LifecycleMutex());
  // Under the lock too, so the process-wide state it writes is ordered
  // before every interpreter's use of it by a plain mutex.
  InitProcessOnce();
  PerlInterpreter* my_perl = perl_alloc();
  if (my_perl == nullptr) throw std::runtime_error("cannot allocate a Perl interpreter");
  ContextScope context(my_perl);
  perl_construct(my_perl);
  // No per-hash iteration perturbation either (see SetFixedHashSeed).
  PL_hash_rand_bits_enabled = 0;
  PL_hash_rand_bits = 0;
  // Full clean-up on destruction: several interpreters come and go in one
  // process, so nothing may be left for "process exit will free it".
  PL_perl_destruct_level = 1;
  PL_exit_flags |= PERL_EXIT_DESTRUCT_END;
  static char arg0[] = "randsync", arg1[] = "-e", arg2[] = "0";
  char* args[] = {arg0, arg1, arg2, nullptr};
  if (perl_parse(my_perl, XsInit, 3, args, nullptr) != 0 || perl_run(my_perl) != 0) {
    perl_destruct(my_perl);
    perl_free(my_perl);
    throw std::runtime_error("cannot start the embedded Perl interpreter");
  }
  interp_ = my_perl;
}

Interpreter::~Interpreter() {
  std::lock_guard<std::mutex> lock(LifecycleMutex());
  PerlInterpreter* my_perl = interp_;
  void* previous = PERL_GET_CONTEXT;
  PERL_SET_CONTEXT(my_perl);
  PL_perl_destruct_level = 1;
  perl_destruct(my_perl);
  perl_free(my_perl);
  // Never leave a freed interpreter as this thread's current one.
  PERL_SET_CONTEXT(previous == my_perl ? nullptr : previous);
}

std::string OneLine(std::string_view message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' ||
                              message.back() == ' ' || message.back() == '\t')) {
    message.remove_suffix(1);
  }
  std::string line;
  line.reserve(message.size());
  for (char c : message) {
    if (c == '\r') continue;
    if (c == '\n') {
      line += "; ";
    } else {
      line += c;
    }
  }
  return line;
}

}  // namespace randsync::perl
