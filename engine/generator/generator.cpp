#include "engine/generator/generator.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "engine/generator/statements.h"
#include "engine/perl/perl_host.h"

namespace randsync {

namespace {

// Lowest address of the calling thread's stack plus a reserve for what the
// deepest rule still calls (values, Perl, the exception machinery): a
// quarter of the stack, at most 512 KiB. Once per thread; 0 when the stack
// is unknown (then only the nesting limits apply).
uintptr_t StackFloor() {
  thread_local uintptr_t floor = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    void* addr = nullptr;
    size_t size = 0;
    int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    if (rc != 0 || addr == nullptr) return uintptr_t{0};
    return reinterpret_cast<uintptr_t>(addr) + std::min<size_t>(size / 4, 512u << 10);
  }();
  return floor;
}

}  // namespace

Generator::Generator(std::shared_ptr<const Program> program, GeneratorOptions options)
    : program_(std::move(program)),
      options_(std::move(options)),
      prng_(options_.seed, options_.thread_id) {
  if (!options_.schema) options_.schema = std::make_shared<Schema>(DefaultSchema());
  if (!options_.values) {
    options_.values = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  }
  const std::string tid = std::to_string(options_.thread_id);
  start_init_ = program_->FindRule("thread" + tid + "_init");
  if (start_init_ < 0) start_init_ = program_->FindRule("query_init");
  start_query_ = program_->FindRule("thread" + tid);
  if (start_query_ < 0) start_query_ = program_->FindRule("query");
  if (start_query_ < 0 && start_init_ < 0) {
    throw GrammarError(SourceLoc{program_->rules.empty() ? "grammar" : program_->rules[0].loc.file},
                       "grammar has no 'query' rule (nor 'thread" + tid + "') to start from");
  }
  rule_stamp_.assign(program_->rules.size(), 0);
  rule_count_.assign(program_->rules.size(), 0);
  invariant_stamp_.assign(program_->invariant_slots, 0);
  invariant_value_.assign(program_->invariant_slots, {});
  if (!program_->code.empty()) {
    perl_ = std::make_unique<PerlHost>(*this);
    for (const CodeBlock& b : program_->code) {
      code_handles_.push_back(b.is_variable ? perl_->CompileVariable(b.text, b.loc)
                                            : perl_->Compile(b.text, b.loc));
    }
  }
}

Generator::~Generator() = default;

// RQG's _tmpnam: <tmpdir>/gentest<pid>.tmp, one file per thread.
std::string Generator::TmpnamPath() const {
  const char* t = std::getenv("TMPDIR");
  std::string dir = (t && *t) ? t : "/tmp";
  if (dir.back() != '/') dir.push_back('/');
  return dir + "gentest" + std::to_string(pseudo_pid()) + ".tmp";
}

const std::vector<std::string_view>& Generator::Next() {
  if (used_tmpnam_) {
    // RQG removes the file a _tmpnam statement may have made, so that the
    // next SELECT ... INTO OUTFILE does not fail on an existing file.
    ::unlink(TmpnamPath().c_str());
    used_tmpnam_ = false;
  }
  int start = (seq_id_ == 0 && start_init_ >= 0) ? start_init_ : start_query_;
  buffer_.clear();
  statements_.clear();
  ++query_stamp_;
  work_ = 0;
  stack_floor_ = StackFloor();
  if (perl_) perl_->BeginQuery();
  if (start >= 0) ExpandRule(static_cast<uint32_t>(start), buffer_, 0);
  ++seq_id_;
  CleanUpSentence(buffer_);
  SplitStatements(buffer_, statements_);
  return statements_;
}

uint32_t Generator::ChooseAlt(const CompiledRule& r) {
  if (r.alt_count <= 1) return r.first_alt;
  if (r.cumulative.empty()) return r.first_alt + static_cast<uint32_t>(prng_.Index(r.alt_count));
  double x = prng_.Real(0.0, r.cumulative.back());
  auto it = std::upper_bound(r.cumulative.begin(), r.cumulative.end(), x);
  size_t i = std::min<size_t>(it - r.cumulative.begin(), r.alt_count - 1);
  return r.first_alt + static_cast<uint32_t>(i);
}

// The loop guard counts how deeply a rule is nested inside itself, not how
// often it occurs: RQG aborts any query that uses a rule more than 3500
// times, which also kills terminating grammars that simply use a rule a lot
// (partitions-99-range.yy's 100-element partition lists). A rule nested
// 3500 deep is a loop; a query grown past kMaxQueryBytes is a blow-up, and
// so is one that takes more than kMaxQueryWork steps (see generator.h).
//
// Found by tests/fuzz: 4 * kMaxRuleNesting nesting levels overflowed an 8 MB
// stack under AddressSanitizer (`a: b ; b: c ; c: d ; d: a ;`, worse with
// [invariant]). So the error paths live in separate cold functions, which
// keeps the frames of each level (ExpandRule, ExpandAlt, ExpandOp) small,
// and the nesting also stops where the thread's stack would run out:
// whatever the build or the thread's stack size, deep recursion is a
// GrammarError, never a crash. (Release builds reach the nesting limits
// first on an 8 MB stack, so their output does not depend on the stack.)
void Generator::ExpandRule(uint32_t rule, std::string& out, uint32_t depth) {
  const CompiledRule& r = program_->rules[rule];
  if (rule_stamp_[rule] != query_stamp_) {
    rule_stamp_[rule] = query_stamp_;
    rule_count_[rule] = 0;
  }
  if (++rule_count_[rule] > kMaxRuleNesting || depth > 4 * kMaxRuleNesting ||
      reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < stack_floor_) {
    ThrowEndless(rule, depth);
  }
  if (r.alt_count > 0) ExpandAlt(ChooseAlt(r), out, depth + 1);
  --rule_count_[rule];
}

void Generator::ExpandAlt(uint32_t alt, std::string& out, uint32_t depth) {
  const CompiledAlt& a = program_->alts[alt];
  // One step for the alternative and one for each of its parts: a grammar
  // that doubles its work at every level without producing text (`a: b b ;
  // b: c c ; ... z: ;`, or parts like _empty) never reaches kMaxQueryBytes
  // and the nesting stays shallow, so only this bounds it.
  work_ += 1 + a.op_count;
  if (work_ > kMaxQueryWork) ThrowTooMuchWork();
  // data() + offset, not &ops[first_op]: an empty alternative may sit at
  // ops.size(), and the vector may be empty (found by tests/fuzz: `query:`
  // bound a reference to ops[0] of an empty vector, undefined behaviour).
  const Op* op = program_->ops.data() + a.first_op;
  const Op* end = op + a.op_count;
  for (; op != end; ++op) {
    if (op->kind == Op::kText) {
      out.append(program_->text, op->arg, op->len);
    } else {
      ExpandOp(*op, out, depth);
    }
  }
  if (out.size() > kMaxQueryBytes) ThrowTooLong();
}

void Generator::ExpandOp(const Op& op, std::string& out, uint32_t depth) {
  if (!op.invariant) return ExpandOpOnce(op, out, depth);
  // name[invariant]: the first expansion in this query is reused.
  if (invariant_stamp_[op.slot] != query_stamp_) ExpandInvariant(op, depth);
  out.append(invariant_value_[op.slot]);
}

// Out of line: its local string would enlarge ExpandOp's frame.
void Generator::ExpandInvariant(const Op& op, uint32_t depth) {
  std::string value;
  ExpandOpOnce(op, value, depth);
  invariant_stamp_[op.slot] = query_stamp_;
  invariant_value_[op.slot] = std::move(value);
}

const SourceLoc& Generator::StartLoc() const {
  return program_->rules[start_query_ >= 0 ? start_query_ : start_init_].loc;
}

void Generator::ThrowEndless(uint32_t rule, uint32_t depth) const {
  const CompiledRule& r = program_->rules[rule];
  const std::string how =
      rule_count_[rule] > kMaxRuleNesting
          ? "recursed more than " + std::to_string(kMaxRuleNesting) + " levels deep"
      : depth > 4 * kMaxRuleNesting
          ? "is nested in more than " + std::to_string(4 * kMaxRuleNesting) + " rules"
          : "is nested so deep that the stack runs out";
  throw GrammarError(r.loc, "rule '" + r.name + "' " + how +
                                " in one query: endless recursion (every recursive "
                                "rule needs an alternative that ends it)");
}

void Generator::ThrowTooLong() const {
  throw GrammarError(StartLoc(), "a generated query exceeds " + std::to_string(kMaxQueryBytes >> 20) +
                                     " MB: endless recursion in the grammar?");
}

void Generator::ThrowTooMuchWork() const {
  throw GrammarError(StartLoc(), "a generated query takes more than " +
                                     std::to_string(kMaxQueryWork) +
                                     " rule and token expansions: the grammar grows "
                                     "exponentially?");
}

void Generator::ExpandOpOnce(const Op& op, std::string& out, uint32_t depth) {
  switch (op.kind) {
    case Op::kText:
      out.append(program_->text, op.arg, op.len);
      return;
    case Op::kRule:
      return ExpandRule(op.arg, out, depth);
    case Op::kBuiltin:
      return AppendBuiltin(static_cast<Builtin>(op.arg), out);
    case Op::kField:
      return options_.values->AppendToken(program_->field_types[op.arg], prng_, out);
    case Op::kCode:
    case Op::kVariable:
      perl_->Run(code_handles_[op.arg], out);
      return;
  }
}

}  // namespace randsync
