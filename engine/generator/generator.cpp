#include "engine/generator/generator.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "engine/generator/statements.h"
#include "engine/perl/perl_host.h"

namespace randsync {

namespace {

std::string TmpDir() {
  const char* t = std::getenv("TMPDIR");
  std::string d = (t && *t) ? t : "/tmp";
  if (d.back() != '/') d.push_back('/');
  return d;
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

const std::vector<std::string_view>& Generator::Next() {
  if (used_tmpnam_) {
    // RQG removes the file a _tmpnam statement may have made, so that the
    // next SELECT ... INTO OUTFILE does not fail on an existing file.
    std::string path = TmpDir() + "gentest" + std::to_string(pseudo_pid()) + ".tmp";
    ::unlink(path.c_str());
    used_tmpnam_ = false;
  }
  int start = (seq_id_ == 0 && start_init_ >= 0) ? start_init_ : start_query_;
  buffer_.clear();
  statements_.clear();
  ++query_stamp_;
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
// 3500 deep is a loop; a query grown past kMaxQueryBytes is a blow-up.
void Generator::ExpandRule(uint32_t rule, std::string& out, uint32_t depth) {
  const CompiledRule& r = program_->rules[rule];
  if (rule_stamp_[rule] != query_stamp_) {
    rule_stamp_[rule] = query_stamp_;
    rule_count_[rule] = 0;
  }
  if (++rule_count_[rule] > kMaxRuleNesting || depth > 4 * kMaxRuleNesting) {
    throw GrammarError(r.loc, "rule '" + r.name + "' recursed more than " +
                                  std::to_string(kMaxRuleNesting) +
                                  " levels deep in one query: endless recursion (every recursive "
                                  "rule needs an alternative that ends it)");
  }
  if (r.alt_count > 0) ExpandAlt(ChooseAlt(r), out, depth + 1);
  --rule_count_[rule];
}

void Generator::ExpandAlt(uint32_t alt, std::string& out, uint32_t depth) {
  const CompiledAlt& a = program_->alts[alt];
  const Op* op = &program_->ops[a.first_op];
  const Op* end = op + a.op_count;
  for (; op != end; ++op) {
    if (op->kind == Op::kText) {
      out.append(program_->text, op->arg, op->len);
    } else {
      ExpandOp(*op, out, depth);
    }
  }
  if (out.size() > kMaxQueryBytes) {
    throw GrammarError(SourceLoc{program_->rules[start_query_ >= 0 ? start_query_ : start_init_].loc},
                       "a generated query exceeds " + std::to_string(kMaxQueryBytes >> 20) +
                           " MB: endless recursion in the grammar?");
  }
}

void Generator::ExpandOp(const Op& op, std::string& out, uint32_t depth) {
  if (!op.invariant) return ExpandOpOnce(op, out, depth);
  // name[invariant]: the first expansion in this query is reused.
  if (invariant_stamp_[op.slot] != query_stamp_) {
    std::string value;
    ExpandOpOnce(op, value, depth);
    invariant_stamp_[op.slot] = query_stamp_;
    invariant_value_[op.slot] = std::move(value);
  }
  out.append(invariant_value_[op.slot]);
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
