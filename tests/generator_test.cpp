// The generator: expansion, built-ins, invariants, weights, start rules,
// statement splitting, recursion guards and determinism.
#include <pthread.h>

#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "engine/generator/generator.h"
#include "engine/generator/statements.h"
#include "engine/grammar/mask.h"
#include "engine/grammar/parser.h"
#include "engine/perl/perl_host.h"

namespace randsync {
namespace {

std::shared_ptr<const ValueGenerator> Values() {
  static auto v = std::make_shared<ValueGenerator>(Dictionaries::Load({}));
  return v;
}

std::shared_ptr<const Program> Compile(std::string_view text) {
  return std::make_shared<Program>(grammar::ParseGrammarText(text, "t.yy"), *Values());
}

struct Gen {
  explicit Gen(std::string_view text, uint64_t seed = 1, uint32_t thread = 1)
      : gen(Compile(text), Options(seed, thread)) {}
  static GeneratorOptions Options(uint64_t seed, uint32_t thread) {
    GeneratorOptions o;
    o.seed = seed;
    o.thread_id = thread;
    o.values = Values();
    return o;
  }
  // One query, its statements joined with "; ".
  std::string Next() {
    std::string s;
    for (std::string_view st : gen.Next()) {
      if (!s.empty()) s += "; ";
      s += st;
    }
    return s;
  }
  std::vector<std::string> Take(int n) {
    std::vector<std::string> v;
    for (int i = 0; i < n; ++i) v.push_back(Next());
    return v;
  }
  Generator gen;
};

TEST(Generator, ExpandsRulesLeftToRight) {
  Gen g("query: SELECT x FROM t ;\nx: a , b ;\na: 1 ;\nb: 2 ;\n");
  EXPECT_EQ(g.Next(), "SELECT 1, 2 FROM t");
}

TEST(Generator, AlternativesAreAllReachable) {
  Gen g("query: A | B | C | ;\n");
  std::set<std::string> seen;
  for (const auto& s : g.Take(300)) seen.insert(s);
  EXPECT_EQ(seen, (std::set<std::string>{"A", "B", "C", ""}));
}

TEST(Generator, RepetitionAndFactorWeights) {
  Gen g("query: A | A | A | B ;\n");
  Gen f("query: ==FACTOR:3== A | B ;\n");
  int a = 0, fa = 0;
  for (int i = 0; i < 4000; ++i) {
    a += g.Next() == "A";
    fa += f.Next() == "A";
  }
  EXPECT_NEAR(a / 4000.0, 0.75, 0.04);
  EXPECT_NEAR(fa / 4000.0, 0.75, 0.04);
}

TEST(Generator, OnlyWordsWithLowerCaseAreLookedUp) {
  Gen g("query: sel SEL unknown_word _unknown_builtin ;\nsel: picked ;\nSEL: never ;\n");
  EXPECT_EQ(g.Next(), "picked SEL unknown_word _unknown_builtin");
}

TEST(Generator, InvariantRulesAndBuiltinsKeepOneValuePerQuery) {
  Gen g("query: v[invariant] v[invariant] v _digit[invariant] _digit[invariant] ;\n"
        "v: a | b | c | d | e | f | g | h ;\n");
  bool plain_differed = false;
  std::set<std::string> first_values;
  for (int i = 0; i < 200; ++i) {
    std::string s = g.Next();
    ASSERT_EQ(s.size(), 9u) << s;
    EXPECT_EQ(s[0], s[2]) << s;
    EXPECT_EQ(s[6], s[8]) << s;
    plain_differed |= s[4] != s[0];
    first_values.insert(s.substr(0, 1));
  }
  EXPECT_TRUE(plain_differed);
  EXPECT_GT(first_values.size(), 4u);  // a new value for every query
}

TEST(Generator, InitRulesRunOncePerThreadThenQuery) {
  const char* text =
      "query_init: INIT ;\nquery: Q ;\nthread2_init: T2INIT ;\nthread2: T2 ;\n";
  Gen t1(text, 1, 1);
  EXPECT_EQ(t1.Take(3), (std::vector<std::string>{"INIT", "Q", "Q"}));
  Gen t2(text, 1, 2);
  EXPECT_EQ(t2.Take(3), (std::vector<std::string>{"T2INIT", "T2", "T2"}));
  Gen t3("query: Q ;\nthread3: T3 ;\n", 1, 3);
  EXPECT_EQ(t3.Next(), "T3");
}

TEST(Generator, MissingQueryRuleIsAnError) {
  EXPECT_THROW(Gen("other: X ;\n"), GrammarError);
}

TEST(Generator, EndlessRecursionNamesTheRule) {
  Gen g("query: loop ;\nloop: X loop ;\n");
  try {
    g.Next();
    FAIL() << "no error";
  } catch (const GrammarError& e) {
    EXPECT_NE(std::string(e.what()).find("rule 'loop' recursed more than 3500 levels deep"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("t.yy:2:1"), std::string::npos) << e.what();
  }
  // Deep but terminating recursion is fine, and so is a rule used more than
  // 3500 times without nesting (RQG would abort that query).
  Gen ok("query: r ;\nr: X | X | X | X r ;\n");
  for (int i = 0; i < 100; ++i) ok.Next();
  Gen wide("query: t t t t t t t t t t ;\nt: h h h h h h h h h h ;\nh: h2 h2 h2 h2 h2 h2 h2 h2 h2 h2 ;\n"
           "h2: e e e e e ;\ne: x ;\n");
  EXPECT_EQ(wide.Next().size(), 5000u * 2 - 1);
}

TEST(Generator, StatementsSplitOnSemicolons) {
  Gen g("query: INSERT INTO t VALUES ('a;b') ; SELECT 1 ;\n");
  std::vector<std::string_view> st = g.gen.Next();
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0], "INSERT INTO t VALUES ('a;b')");
  EXPECT_EQ(st[1], "SELECT 1");
}

TEST(Generator, CompoundStatementsAreNotSplit) {
  Gen g("query: CREATE PROCEDURE p() BEGIN SELECT 1 ; SELECT 2 ; END ;\n");
  EXPECT_EQ(g.gen.Next().size(), 1u);
}

TEST(Generator, DoubleSemicolonSeparatesOnly) {
  Gen g("query: CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @a = 1 ;; SELECT 2 ;\n");
  std::vector<std::string_view> st = g.gen.Next();
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[1], "SELECT 2");
}

TEST(Generator, WordsInsideQuotesExpandLikeRqg) {
  Gen g("query: SELECT ' _digit ', '_digit', 'x _letter y', `tbl _digit`, /* _digit */ 1 ;\n");
  std::string s = g.Next();
  EXPECT_TRUE(std::regex_match(s, std::regex(R"(SELECT ' \d ', '_digit', 'x [a-z] y', `tbl \d`, /\* \d \*/ 1)")))
      << s;
}

TEST(Generator, PerlBlocksInsideSqlCommentsRun) {
  Gen g("query: SELECT 1 /* t { $x = 'a' . 'b' ; $x } */ ;\n");
  EXPECT_EQ(g.Next(), "SELECT 1 /* t ab */");
}

TEST(Generator, CleanUpMatchesRqg) {
  Gen g("query: SELECT COUNT ( * ) , t . a FROM t ;\n");
  EXPECT_EQ(g.Next(), "SELECT COUNT( * ), t.a FROM t");
}

TEST(Generator, ScalarBuiltins) {
  Gen g("query: _digit _positive_digit _letter _hex _thread_id _tmptable _pid _tmpnam ;\n", 1, 3);
  for (int i = 0; i < 100; ++i) {
    std::string s = g.Next();
    EXPECT_TRUE(std::regex_match(s, std::regex(R"(\d [1-9] [a-z] 0x[0-9A-F]{1,4} 3 tmptable100003 100003 '\S*/gentest100003\.tmp')")))
        << s;
  }
}

TEST(Generator, MetadataBuiltinsFollowTheChosenTable) {
  Gen g("query: _table . _field ; _field_list ; _field_pk ; _field_int_indexed ;\n");
  std::set<std::string> tables;
  for (int i = 0; i < 200; ++i) {
    std::vector<std::string_view> st = g.gen.Next();
    ASSERT_EQ(st.size(), 4u);
    std::string first(st[0]);
    auto dot = first.find('.');
    ASSERT_NE(dot, std::string::npos) << first;
    tables.insert(first.substr(0, dot));
    if (first.rfind("`DUMMY`", 0) == 0) continue;  // one column, no key
    EXPECT_NE(st[1].find(first.substr(dot + 1)), std::string::npos) << first << " not in " << st[1];
    EXPECT_EQ(st[2], "`pk`");
    EXPECT_TRUE(st[3] == "`col_int_key`" || st[3] == "`pk`") << st[3];
  }
  // GendataSimple: A..E, AA..DD, DUMMY (any of them may be picked)
  EXPECT_GE(tables.size(), 8u);
  EXPECT_TRUE(tables.count("`AA`"));
}

TEST(Generator, FieldNextReachesEveryColumn) {
  Gen g("query: { $last_table = 'C' ; '' } _field_next ;\n");
  std::set<std::string> cols;
  for (int i = 0; i < 44; ++i) cols.insert(g.Next());
  // All 11 columns of GendataSimple's C; RQG's n-1 bug stops at 10.
  EXPECT_EQ(cols.size(), 11u);
}

TEST(Generator, SameSeedAndThreadGiveTheSameStream) {
  const char* text = "query: SELECT _int , _varchar(5) , _table , _field , x ;\nx: _date | _english | _digit ;\n";
  Gen a(text, 7, 2), b(text, 7, 2), c(text, 7, 3), d(text, 8, 2);
  auto sa = a.Take(200);
  EXPECT_EQ(sa, b.Take(200));
  EXPECT_NE(sa, c.Take(200));
  EXPECT_NE(sa, d.Take(200));
}

TEST(Generator, PerlBlocksKeepStatePerThread) {
  const char* text =
      "query: { $n++ ; 'n' . $n } _table { $last_table } ;\n";
  Gen g(text);
  for (int i = 1; i <= 5; ++i) {
    std::string s = g.Next();
    std::smatch m;
    ASSERT_TRUE(std::regex_match(s, m, std::regex(R"(n(\d+) `(\w+)` (\w+))"))) << s;
    EXPECT_EQ(m[1], std::to_string(i));
    EXPECT_EQ(m[2], m[3]);  // the block sees the table _table picked
  }
  Gen other(text);
  EXPECT_EQ(other.Next().substr(0, 3), "n1 ");  // another thread starts afresh
}

TEST(Generator, PerlBlockCanSetLastTable) {
  Gen g("query: { $last_table = 'B' ; '' } _field_pk _field_list ;\n");
  EXPECT_EQ(g.Next().substr(0, 5), "`pk` ");
}

TEST(Generator, PerlDieNamesTheBlock) {
  Gen g("query: A\n | B { die 'boom' } ;\n");
  try {
    for (int i = 0; i < 50; ++i) g.Next();
    FAIL();
  } catch (const PerlBlockError& e) {
    std::string w = e.what();
    EXPECT_NE(w.find("t.yy:2:6"), std::string::npos) << w;
    EXPECT_NE(w.find("boom"), std::string::npos) << w;
  }
}

TEST(Mask, SwitchesOffSomeAlternativesDeterministically) {
  grammar::Grammar g = grammar::ParseGrammarText(
      "query: A | B | C | D | E | F | G | H | I | J ;\nsub: X | Y ;\n", "t.yy");
  grammar::Grammar m1 = grammar::ApplyMask(g, 5, 1, "query");
  grammar::Grammar m2 = grammar::ApplyMask(g, 5, 1, "query");
  size_t n = m1.Find("query")->alternatives.size();
  EXPECT_LT(n, 10u);
  EXPECT_GT(n, 0u);
  EXPECT_EQ(n, m2.Find("query")->alternatives.size());
  EXPECT_EQ(m1.Find("sub")->alternatives.size(), 2u);  // below mask level 1
  EXPECT_EQ(grammar::ApplyMask(g, 0, 1, "query").Find("query")->alternatives.size(), 10u);
}

TEST(Statements, SplitAndCleanUp) {
  std::string s = "SELECT  1 ,\n 2 ;  ; SELECT 'a;b' ; ";
  CleanUpSentence(s);
  EXPECT_EQ(s, "SELECT 1, 2 ; ; SELECT 'a;b' ; ");
  std::vector<std::string_view> out;
  SplitStatements(s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], "SELECT 'a;b'");
}

// Found by tests/fuzz: Grammar::HasCode() must agree with the Perl blocks
// and variables Program compiles (callers skip the Perl host on it).
TEST(Program, HasCodeAgreesWithCompiledCode) {
  for (const char* text : {"b:/*$i*/", "d:/*{}*/", "d:/*{ '}' */", "d:/* } { */", "q: 'a $x b' ;\n", "q: `$x` ;\n", "q: '$x' ;\n",
                           "q: \"a $x\" ;\n", "q: $X $ ;\n", "q: { 1 } $v ;\n",
                           "q: /* $x[invariant] */ ;\n"}) {
    grammar::Grammar g = grammar::ParseGrammarText(text, "t.yy");
    EXPECT_EQ(g.HasCode(), !Program(g, *Values()).code.empty()) << text;
  }
}

// Found while writing tests/fuzz: field-type lengths were capped only at 1 GiB, and
// _json(N) takes some 20 bytes per member, so `_varchar(999999999)` or
// `_json(16777215)` timed out under the fuzzer's limits. The RQG corpus's
// largest, _text(16777215), still works.
TEST(Program, HugeFieldLengthsAreGrammarErrors) {
  EXPECT_THROW(Compile("query: _varchar(999999999) ;\n"), GrammarError);
  EXPECT_THROW(Compile("query: _text(16777216) ;\n"), GrammarError);
  EXPECT_THROW(Compile("query: _json(16777215) ;\n"), GrammarError);
  EXPECT_THROW(Compile("query: _jsonarray(1000000) ;\n"), GrammarError);
  try {
    Compile("query: A\n | B _bit(99999999999) ;\n");
    FAIL() << "no error";
  } catch (const GrammarError& e) {
    EXPECT_NE(std::string(e.what()).find("t.yy:2:6: '_bit(99999999999)'"), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(Compile("query: _text(16777215) _json(262143) _varchar(16777215) ;\n"));
  Gen g("query: _varchar(1000) ;\n");
  EXPECT_LE(g.Next().size(), 1002u);
}

// Found while writing tests/fuzz: a grammar whose work doubles at every level but that
// produces no text (or little) reached neither the nesting nor the size
// limit and ran for hours; the step budget stops it at once.
TEST(Generator, ExponentialGrammarsStopAtTheStepBudget) {
  std::string text = "query: r0 ;\n";
  for (int i = 0; i < 40; ++i) {
    text += "r" + std::to_string(i) + ": r" + std::to_string(i + 1) + " r" + std::to_string(i + 1) + " ;\n";
  }
  text += "r40: _empty | ;\n";
  Gen g(text);
  try {
    g.Next();
    FAIL() << "no error";
  } catch (const GrammarError& e) {
    EXPECT_NE(std::string(e.what()).find("rule and token expansions"), std::string::npos) << e.what();
  }
  // A big but bounded query stays fine: 4^10 leaves, about a million steps.
  std::string big = "query: b0 ;\n";
  for (int i = 0; i < 10; ++i) {
    std::string n = "b" + std::to_string(i + 1);
    big += "b" + std::to_string(i) + ": " + n + " " + n + " " + n + " " + n + " ;\n";
  }
  big += "b10: x ;\n";
  EXPECT_EQ(Gen(big).Next().size(), (1u << 20) * 2 - 1);
}

// Found by tests/fuzz: 4 * 3500 levels of nesting through several rules (and
// [invariant], which adds a frame per level) overflowed an 8 MB stack under
// AddressSanitizer. The nesting now also stops where the thread's stack
// would run out: here a thread with a 1 MB stack.
TEST(Generator, DeepNestingIsAnErrorNotAStackOverflow) {
  const char* cycle = "query: a ;\na: b[invariant] ;\nb: c[invariant] ;\nc: d[invariant] ;\nd: a[invariant] ;\n";
  EXPECT_THROW(Gen(cycle).Next(), GrammarError);

  struct Run {
    Gen gen{"query: a ;\na: b X ;\nb: c ;\nc: d ;\nd: e[invariant] ;\ne: a ;\n"};
    std::string error;
    bool other = false;
  } run;
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 1u << 20), 0);
  pthread_t thread;
  auto body = [](void* arg) -> void* {
    auto* r = static_cast<Run*>(arg);
    try {
      r->gen.Next();
    } catch (const GrammarError& e) {
      r->error = e.what();
    } catch (...) {
      r->other = true;
    }
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, &run), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_FALSE(run.other);
  EXPECT_NE(run.error.find("stack runs out"), std::string::npos) << run.error;
}

// Found while writing tests/fuzz: masking walked the rules below the start rule once
// per path, (references per rule)^level steps; it now walks each rule once
// and masks the same rules.
TEST(Mask, DeepMaskLevelsAreFast) {
  std::string text = "query: m0 | X ;\n";
  for (int i = 0; i < 12; ++i) {
    std::string next = "m" + std::to_string(i + 1);
    text += "m" + std::to_string(i) + ":";
    for (int k = 0; k < 30; ++k) text += " " + next;
    text += " | A | B | C ;\n";
  }
  text += "m12: Y | Z ;\nunreached: P | Q | R | S ;\n";
  grammar::Grammar g = grammar::ParseGrammarText(text, "t.yy");
  grammar::Grammar m = grammar::ApplyMask(g, 12345, 64, "query");
  EXPECT_EQ(m.Find("unreached")->alternatives.size(), 4u);
  // Level 3: query, m0 and m1 are masked, m2 is not.
  grammar::Grammar m3 = grammar::ApplyMask(g, 7, 3, "query");
  EXPECT_EQ(m3.Find("m2")->alternatives.size(), 4u);
  size_t masked = m3.Find("query")->alternatives.size() + m3.Find("m0")->alternatives.size() +
                  m3.Find("m1")->alternatives.size();
  EXPECT_LT(masked, 2u + 4u + 4u);
}

// Found by tests/fuzz (UBSan): a grammar whose only alternative is empty
// has no ops at all, and expanding it indexed ops[0] of an empty vector.
TEST(Generator, EmptyGrammarYieldsNoStatements) {
  Gen g("query:");
  EXPECT_TRUE(g.gen.Next().empty());
  Gen init("query_init: ;\nquery: | ;\n");
  EXPECT_TRUE(init.gen.Next().empty());
  EXPECT_TRUE(init.gen.Next().empty());
}

}  // namespace
}  // namespace randsync

namespace randsync {
namespace {

// RQG's clean-up, literally: each substitution repeated until nothing
// changes, in RQG's order (FromGrammar.pm).
std::string RqgCleanUp(std::string s) {
  auto fix = [&](const std::regex& re, const std::string& with) {
    for (std::string prev; prev != s;) {
      prev = s;
      s = std::regex_replace(s, re, with, std::regex_constants::format_first_only);
    }
  };
  fix(std::regex(R"(\.\s)"), ".");
  fix(std::regex(R"(\s([\.,]))"), "$1");
  fix(std::regex(R"(\s\s)"), " ");
  fix(std::regex(R"((\W)(AVG|BIT_AND|BIT_OR|BIT_XOR|COUNT|GROUP_CONCAT|MAX|MIN|STD|STDDEV_POP|STDDEV_SAMP|STDDEV|SUM|VAR_POP|VAR_SAMP|VARIANCE) )"),
      "$1$2");
  return s;
}

TEST(Statements, CleanUpAgreesWithRqgOnRandomText) {
  const std::vector<std::string> pieces = {" ", "  ", "\t", "\n", ".", ",", "a", "bcdefghijklmnop",
                                           "COUNT", "SUM", "MAX", "(", "'x'", "\x01", "\xc3\xa9",
                                           "STDDEV_POP", "_", "1"};
  Prng prng(99, 1);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (int k = prng.Int(0, 14); k > 0; --k) s += pieces[prng.Index(pieces.size())];
    std::string ours = s;
    CleanUpSentence(ours);
    ASSERT_EQ(ours, RqgCleanUp(s)) << "input: [" << s << "]";
  }
}

}  // namespace
}  // namespace randsync
