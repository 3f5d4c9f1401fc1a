#include "engine/perl/perl_host.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/perl/embedded_perl.h"
#include "engine/perl/perl_callbacks.h"
#include "engine/perl/prelude.h"
#include "engine/perl/perl_api.h"  // last: perl.h defines lower-case macros

namespace randsync {

namespace {

constexpr const char kGrammarPackage[] = "GenTest::Generator::FromGrammar";

// `$$` of thread t. Deterministic, so streams do not depend on the pid, and
// distinct per thread, as the pids of RQG's per-thread processes were.
constexpr IV kPidBase = 100000;

// A `#line` directive for `loc`; Perl takes the file name up to the next
// double quote, so quotes in it are dropped.
std::string LineDirective(const SourceLoc& loc) {
  std::string file;
  for (char c : loc.file) {
    if (c != '"' && c != '\n') file += c;
  }
  return "#line " + std::to_string(loc.line == 0 ? 1 : loc.line) + " \"" + file + "\"\n";
}

}  // namespace

struct PerlHost::Impl {
  struct Block {
    CV* cv;
    SourceLoc loc;
  };

  explicit Impl(PerlEnvironment& environment);
  ~Impl();

  PerlInterpreter* perl() const { return interpreter.get(); }
  int CompileSource(const std::string& body, const SourceLoc& loc);
  void MirrorMetaIn();
  void MirrorMetaOut();

  PerlEnvironment& env;
  perl::Interpreter interpreter;
  perl::CallbackState callbacks;
  std::vector<Block> blocks;
  // Looked up once: Run must cost a few microseconds at most. The GVs, not
  // their scalars, are kept because `local $last_table` swaps the scalar.
  GV* last_database = nullptr;
  GV* last_table = nullptr;
  GV* last_field = nullptr;
  GV* stack = nullptr;
  SV* stack_class = nullptr;
  CV* new_stack = nullptr;
};

PerlHost::Impl::Impl(PerlEnvironment& environment) : env(environment) {
  callbacks.env = &env;
  PerlInterpreter* const my_perl = perl();
  perl::ContextScope context(my_perl);
  perl::ActiveCallbacks active(&callbacks);
  perl::RegisterCallbacks(my_perl);

  eval_pv(perl::kPrelude, FALSE);
  if (SvTRUE(ERRSV)) {
    // Our own code: failing here means a broken Perl installation.
    throw std::runtime_error("embedded Perl prelude failed: " +
                             perl::OneLine(SvPV_nolen(ERRSV)));
  }

  sv_setiv_mg(get_sv("$", GV_ADD), kPidBase + static_cast<IV>(env.thread_id()));

  const std::string package = std::string(kGrammarPackage) + "::";
  last_database = gv_fetchpv((package + "last_database").c_str(), GV_ADD, SVt_PV);
  last_table = gv_fetchpv((package + "last_table").c_str(), GV_ADD, SVt_PV);
  last_field = gv_fetchpv((package + "last_field").c_str(), GV_ADD, SVt_PV);
  stack = gv_fetchpv((package + "stack").c_str(), GV_ADD, SVt_PV);
  stack_class = newSVpvs("GenTest::Stack::Stack");
  new_stack = get_cv("GenTest::Stack::Stack::new", 0);
  if (new_stack == nullptr) throw std::runtime_error("embedded Perl prelude lacks a stack");
}

PerlHost::Impl::~Impl() {
  PerlInterpreter* const my_perl = perl();
  perl::ContextScope context(my_perl);
  for (Block& block : blocks) SvREFCNT_dec(block.cv);
  SvREFCNT_dec(stack_class);
}

// Compiles `body` into an anonymous sub in the grammar package. The body
// comes after a #line directive so Perl's messages name the grammar's
// file:line. RQG evals `{ ... }` as a bare block; as a sub body it keeps
// that meaning (its value is the last statement's, `last` leaves it).
int PerlHost::Impl::CompileSource(const std::string& body, const SourceLoc& loc) {
  std::string source = "package ";
  source += kGrammarPackage;
  source += "; no strict; sub {\n";
  source += LineDirective(loc);
  source += body;
  source += "\n}";

  PerlInterpreter* const my_perl = perl();
  perl::ContextScope context(my_perl);
  perl::ActiveCallbacks active(&callbacks);  // BEGIN blocks may use $prng
  CV* cv = nullptr;
  std::string error;
  {
    dSP;
    ENTER;
    SAVETMPS;
    const int count = eval_sv(sv_2mortal(newSVpvn(source.data(), source.size())), G_SCALAR);
    SPAGAIN;
    SV* const result = count > 0 ? POPs : &PL_sv_undef;
    PUTBACK;
    if (SvTRUE(ERRSV)) {
      error = perl::OneLine(SvPV_nolen(ERRSV));
    } else if (SvROK(result) && SvTYPE(SvRV(result)) == SVt_PVCV) {
      cv = reinterpret_cast<CV*>(SvREFCNT_inc_simple_NN(SvRV(result)));
    } else {
      error = "not a code block";
    }
    FREETMPS;
    LEAVE;
  }
  if (cv == nullptr) throw GrammarError(loc, "Perl block does not compile: " + error);
  blocks.push_back({cv, loc});
  return static_cast<int>(blocks.size() - 1);
}

namespace {

void SetOptional(pTHX_ GV* gv, const std::optional<std::string>& value) {
  SV* const sv = GvSVn(gv);
  if (value) {
    sv_setpvn(sv, value->data(), value->size());
  } else if (SvOK(sv)) {
    sv_set_undef(sv);
  }
}

void GetOptional(pTHX_ GV* gv, std::optional<std::string>& value) {
  SV* const sv = GvSVn(gv);
  if (!SvOK(sv)) {
    value.reset();
    return;
  }
  STRLEN len = 0;
  const char* const s = SvPV(sv, len);
  if (value) {
    value->assign(s, len);  // reuses the string's buffer
  } else {
    value.emplace(s, len);
  }
}

}  // namespace

void PerlHost::Impl::MirrorMetaIn() {
  PerlInterpreter* const my_perl = perl();
  const MetaState& meta = env.meta();
  SetOptional(aTHX_ last_database, meta.last_database);
  SetOptional(aTHX_ last_table, meta.last_table);
  SetOptional(aTHX_ last_field, meta.last_field);
}

void PerlHost::Impl::MirrorMetaOut() {
  PerlInterpreter* const my_perl = perl();
  MetaState& meta = env.meta();
  GetOptional(aTHX_ last_database, meta.last_database);
  GetOptional(aTHX_ last_table, meta.last_table);
  GetOptional(aTHX_ last_field, meta.last_field);
}

PerlHost::PerlHost(PerlEnvironment& env) : impl_(std::make_unique<Impl>(env)) {}

PerlHost::~PerlHost() = default;

int PerlHost::Compile(std::string_view code, const SourceLoc& loc) {
  return impl_->CompileSource(std::string(code), loc);
}

int PerlHost::CompileVariable(std::string_view name, const SourceLoc& loc) {
  return impl_->CompileSource(std::string(name) + ";", loc);
}

void PerlHost::BeginQuery() {
  Impl& impl = *impl_;
  PerlInterpreter* const my_perl = impl.perl();
  perl::ContextScope context(my_perl);
  perl::ActiveCallbacks active(&impl.callbacks);
  std::string error;
  {
    dSP;
    ENTER;
    SAVETMPS;
    PUSHMARK(SP);
    XPUSHs(impl.stack_class);
    PUTBACK;
    const int count = call_sv(reinterpret_cast<SV*>(impl.new_stack), G_SCALAR | G_EVAL);
    SPAGAIN;
    SV* const fresh = count > 0 ? POPs : &PL_sv_undef;
    PUTBACK;
    if (SvTRUE(ERRSV)) {
      error = perl::OneLine(SvPV_nolen(ERRSV));
    } else {
      sv_setsv(GvSVn(impl.stack), fresh);
    }
    FREETMPS;
    LEAVE;
  }
  if (!error.empty()) throw std::runtime_error("cannot reset $stack: " + error);
}

bool PerlHost::Run(int handle, std::string& out) {
  Impl& impl = *impl_;
  if (handle < 0 || static_cast<size_t>(handle) >= impl.blocks.size()) {
    throw std::out_of_range("PerlHost::Run: unknown block handle " + std::to_string(handle));
  }
  const Impl::Block& block = impl.blocks[static_cast<size_t>(handle)];
  PerlInterpreter* const my_perl = impl.perl();
  perl::ContextScope context(my_perl);
  perl::ActiveCallbacks active(&impl.callbacks);
  impl.MirrorMetaIn();

  bool defined = false;
  bool died = false;
  std::string error;
  {
    dSP;
    ENTER;
    SAVETMPS;
    PUSHMARK(SP);
    PUTBACK;
    const int count = call_sv(reinterpret_cast<SV*>(block.cv), G_SCALAR | G_EVAL);
    SPAGAIN;
    SV* const result = count > 0 ? POPs : &PL_sv_undef;
    PUTBACK;
    if (SvTRUE(ERRSV)) {
      died = true;
      error = perl::OneLine(SvPV_nolen(ERRSV));
    } else if (SvOK(result)) {
      // The string as Perl holds it: raw bytes for byte strings (grammar
      // text is read as bytes), UTF-8 for character strings.
      STRLEN len = 0;
      const char* const s = SvPV(result, len);
      out.append(s, len);
      defined = true;
    }
    FREETMPS;
    LEAVE;
  }
  impl.MirrorMetaOut();
  if (died) throw PerlBlockError(block.loc, "Perl block died: " + error);
  return defined;
}

}  // namespace randsync
