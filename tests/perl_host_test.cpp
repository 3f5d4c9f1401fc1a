// The embedded Perl host: code blocks compiled once and run per use, RQG's
// objects ($prng, $executors->[0], $stack, ...) and their determinism.
#include "engine/perl/perl_host.h"

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "engine/perl/data_spec.h"

namespace randsync {
namespace {

class TestEnv : public PerlEnvironment {
 public:
  explicit TestEnv(uint64_t seed = 1, uint32_t thread = 1)
      : prng_(seed, thread),
        values_(Dictionaries::Load({RANDSYNC_CORPUS_DIR "/dict"})),
        thread_(thread) {}

  Prng& prng() override { return prng_; }
  const Schema& schema() override { return schema_; }
  const ValueGenerator& values() override { return values_; }
  MetaState& meta() override { return meta_; }
  uint32_t thread_id() override { return thread_; }
  uint64_t seq_id() override { return seq_; }

  Schema schema_;
  MetaState meta_;
  uint64_t seq_ = 0;

 private:
  Prng prng_;
  ValueGenerator values_;
  uint32_t thread_;
};

const SourceLoc kLoc{"test.yy", 10, 3};

// Compiles and runs `code` once; "<undef>" when it yields undef.
std::string Eval(PerlHost& host, std::string_view code, const SourceLoc& loc = kLoc) {
  const int handle = host.Compile(code, loc);
  std::string out;
  if (!host.Run(handle, out)) return "<undef>";
  return out;
}

TEST(PerlHost, BlockValueIsAppended) {
  TestEnv env;
  PerlHost host(env);
  const int handle = host.Compile("{ 'a' . (1 + 2) }", kLoc);
  std::string out = "SELECT ";
  EXPECT_TRUE(host.Run(handle, out));
  EXPECT_EQ(out, "SELECT a3");
  // The last statement's value, as RQG's eval of a bare block gives.
  EXPECT_EQ(Eval(host, "{ my $n = 3; if ($n > 2) { 'big' } else { 'small' } }"), "big");
  EXPECT_EQ(Eval(host, "{ @a = (4, 5, 6); @a }"), "3");  // scalar context
  EXPECT_EQ(Eval(host, "{ '' }"), "");
}

TEST(PerlHost, UndefResultIsFalseAndAppendsNothing) {
  TestEnv env;
  PerlHost host(env);
  const int handle = host.Compile("{ $x = 1; return undef }", kLoc);
  std::string out = "keep";
  EXPECT_FALSE(host.Run(handle, out));
  EXPECT_EQ(out, "keep");
  EXPECT_EQ(Eval(host, "{ undef }"), "<undef>");
  EXPECT_EQ(Eval(host, "{ last; 'never' }"), "<undef>");
}

TEST(PerlHost, GlobalsPersistWithinAHostButAreNotShared) {
  TestEnv env1, env2;
  PerlHost host1(env1);
  PerlHost host2(env2);
  const int h1 = host1.Compile("{ $counter++; $counter }", kLoc);
  std::string out;
  for (int i = 0; i < 3; ++i) host1.Run(h1, out);
  EXPECT_EQ(out, "123");
  // Another block of the same host sees the variable...
  EXPECT_EQ(Eval(host1, "{ push @names, 'x'; $counter . scalar(@names) }"), "31");
  host1.BeginQuery();  // ...also in later queries.
  EXPECT_EQ(Eval(host1, "{ $counter }"), "3");
  // ...but another host has its own.
  EXPECT_EQ(Eval(host2, "{ defined $counter ? 'shared' : 'fresh' }"), "fresh");
  EXPECT_EQ(Eval(host2, "{ $counter++; $counter }"), "1");
  EXPECT_EQ(Eval(host1, "{ $counter }"), "3");
}

TEST(PerlHost, LastVariablesAreMirroredBothWays) {
  TestEnv env;
  PerlHost host(env);
  env.meta_.last_table = "t1";
  env.meta_.last_database = std::nullopt;
  EXPECT_EQ(Eval(host, "{ $last_table }"), "t1");
  EXPECT_EQ(Eval(host, "{ defined $last_database ? 'defined' : 'undef' }"), "undef");

  const int var = host.CompileVariable("$last_table", kLoc);
  env.meta_.last_table = "BB";
  std::string out;
  EXPECT_TRUE(host.Run(var, out));
  EXPECT_EQ(out, "BB");

  env.meta_.last_field = "pk";
  EXPECT_EQ(Eval(host, "{ $last_table = 'AA'; $last_database = 'test'; $last_field = undef; '' }"),
            "");
  EXPECT_EQ(env.meta_.last_table, "AA");
  EXPECT_EQ(env.meta_.last_database, "test");
  EXPECT_EQ(env.meta_.last_field, std::nullopt);

  // The C++ side wins on the way in: an assignment by the generator is seen.
  env.meta_.last_table = std::nullopt;
  out.clear();
  EXPECT_FALSE(host.Run(var, out));
}

TEST(PerlHost, CompileVariableReadsPackageVariables) {
  TestEnv env;
  PerlHost host(env);
  EXPECT_EQ(Eval(host, "{ $tables = 3; '' }"), "");
  const int var = host.CompileVariable("$tables", kLoc);
  std::string out;
  EXPECT_TRUE(host.Run(var, out));
  EXPECT_EQ(out, "3");
}

TEST(PerlHost, PrngIsDeterministicAndIsTheEnvironmentsPrng) {
  const char* code = "{ join ',', map { $prng->int(1, 1000) . ':' . $prng->uint16(0, 9) } 1 .. 20 }";
  TestEnv env1(7, 2), env2(7, 2), env3(8, 2);
  PerlHost host1(env1), host2(env2), host3(env3);
  const std::string a = Eval(host1, code);
  EXPECT_EQ(a, Eval(host2, code));
  EXPECT_NE(a, Eval(host3, code));

  Prng expected(7, 2);
  std::string want;
  for (int i = 0; i < 20; ++i) {
    if (i > 0) want += ',';
    want += std::to_string(expected.Int(1, 1000));
    want += ':' + std::to_string(expected.Int(0, 9));
  }
  EXPECT_EQ(a, want);
  // Perl and C++ draws interleave on one stream.
  EXPECT_EQ(env1.prng().Int(0, 1000000), expected.Int(0, 1000000));
  EXPECT_EQ(Eval(host1, "{ $prng->int(-5, 5) }"), std::to_string(expected.Int(-5, 5)));
}

TEST(PerlHost, PrngHelpers) {
  TestEnv env;
  PerlHost host(env);
  for (int i = 0; i < 50; ++i) {
    const std::string digit = Eval(host, "{ $prng->digit() }");
    ASSERT_TRUE(std::regex_match(digit, std::regex("[0-9]"))) << digit;
    const std::string letter = Eval(host, "{ $prng->letter() }");
    ASSERT_TRUE(std::regex_match(letter, std::regex("[a-z]"))) << letter;
    const std::string s = Eval(host, "{ $prng->string(5) }");
    ASSERT_TRUE(std::regex_match(s, std::regex("[a-z]{1,5}"))) << s;
    const std::string pd = Eval(host, "{ $prng->positive_digit() }");
    ASSERT_TRUE(std::regex_match(pd, std::regex("[1-9]"))) << pd;
    const std::string r = Eval(host, "{ $prng->int(5, 1) }");  // reversed bounds: [2, 5]
    ASSERT_TRUE(r >= "2" && r <= "5") << r;
  }
  EXPECT_EQ(Eval(host, "{ $prng->string(0) }"), "");
  EXPECT_EQ(Eval(host, "{ $generator->prng() == $prng ? 1 : 0 }"), "1");
}

TEST(PerlHost, ArrayElementAndShuffles) {
  TestEnv env(3, 1);
  PerlHost host(env);
  Prng expected(3, 1);
  const std::vector<std::string> items = {"x", "y", "z"};
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Eval(host, "{ $prng->arrayElement(['x', 'y', 'z']) }"),
              items[static_cast<size_t>(expected.Int(0, 2))]);
  }
  EXPECT_EQ(Eval(host, "{ $prng->arrayElement([]) }"), "<undef>");
  EXPECT_EQ(Eval(host, "{ my @n = (1 .. 9); $prng->shuffleArray(\\@n); join '', sort @n }"),
            "123456789");
  EXPECT_EQ(Eval(host, "{ join '', sort { $a <=> $b } shuffle(1 .. 9) }"), "123456789");
  EXPECT_EQ(Eval(host, "{ @d = @{$prng->shuffleArray([0 .. 9])}; scalar(@d) }"), "10");
  EXPECT_THROW(Eval(host, "{ $prng->arrayElement('x') }"), PerlBlockError);

  // shuffle() and rand() are reproducible: they draw from the host's Prng.
  TestEnv env_a(11, 1), env_b(11, 1);
  PerlHost host_a(env_a), host_b(env_b);
  const char* code = "{ join(',', shuffle(1 .. 20)) . ' ' . rand() . ' ' . int(rand(100)) }";
  EXPECT_EQ(Eval(host_a, code), Eval(host_b, code));
}

TEST(PerlHost, FieldTypeUsesTheValueGenerator) {
  TestEnv env(5, 1);
  PerlHost host(env);
  for (int i = 0; i < 20; ++i) {
    const std::string v = Eval(host, "{ $prng->fieldType('tinyint_unsigned') }");
    ASSERT_TRUE(std::regex_match(v, std::regex("[0-9]+"))) << v;
    ASSERT_LE(std::stoi(v), 255);
  }
  EXPECT_TRUE(std::regex_match(Eval(host, "{ $prng->fieldType('date') }"),
                               std::regex(R"(\d{4}-\d\d-\d\d)")));
  EXPECT_TRUE(std::regex_match(Eval(host, "{ $prng->date() }"), std::regex(R"(\d{4}-\d\d-\d\d)")));
  EXPECT_TRUE(std::regex_match(Eval(host, "{ $prng->fieldType('_varchar(4)') }"),
                               std::regex("[a-z]{1,4}")));
  EXPECT_NE(Eval(host, "{ $prng->fromDictionary('english') }"), "<undef>");
  EXPECT_EQ(Eval(host, "{ $prng->fromDictionary('no_such_dictionary') }"), "<undef>");
  EXPECT_EQ(Eval(host, "{ $prng->fieldType('null') }"), "<undef>");
  EXPECT_EQ(Eval(host, "{ $prng->isFieldType('int') ? 1 : 0 }"), "1");
  try {
    Eval(host, "{ $prng->fieldType('no_such_type') }");
    ADD_FAILURE() << "no exception";
  } catch (const PerlBlockError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown field type no_such_type"), std::string::npos)
        << e.what();
  }

  // Same draws as the ValueGenerator itself makes from the same stream.
  TestEnv direct(5, 1), via_perl(5, 1);
  PerlHost perl_host(via_perl);
  const std::optional<FieldType> type = direct.values().Parse("int");
  ASSERT_TRUE(type.has_value());
  for (int i = 0; i < 10; ++i) {
    std::string want;
    direct.values().AppendRaw(*type, direct.prng(), want);
    EXPECT_EQ(Eval(perl_host, "{ $prng->fieldType('int') }"), want);
  }
}

Column MakeColumn(std::string name, std::string type_class, std::string column_type,
                  bool primary, bool indexed) {
  Column c;
  c.name = std::move(name);
  c.type_class = std::move(type_class);
  c.column_type = std::move(column_type);
  c.primary = primary;
  c.indexed = indexed;
  return c;
}

// Lists filled in sorted order by hand (Normalize() belongs to the schema
// module's own tests).
Schema TestSchema() {
  Schema schema;
  Database test;
  test.name = "test";
  Table a;
  a.name = "A";
  a.columns = {MakeColumn("col_int_key", "int", "int(11)", false, true),
               MakeColumn("col_varchar", "char", "varchar(10)", false, false),
               MakeColumn("pk", "int", "int(11)", true, true)};
  Table b;
  b.name = "B";
  b.columns = {MakeColumn("col_text", "text", "text", false, false),
               MakeColumn("pk", "int", "int(11)", true, true)};
  Table v;
  v.name = "v1";
  v.is_view = true;
  v.columns = {MakeColumn("col_int_key", "int", "int(11)", false, false),
               MakeColumn("pk", "int", "int(11)", false, false)};
  test.tables = {a, b, v};
  Database empty;
  empty.name = "empty_db";
  schema.databases = {empty, test};
  schema.default_database = "test";
  schema.collations = {"latin1_swedish_ci", "utf8mb4_general_ci"};
  schema.charsets = {"latin1", "utf8mb4"};
  return schema;
}

TEST(PerlHost, ExecutorMetadata) {
  TestEnv env(1, 4);
  env.schema_ = TestSchema();
  PerlHost host(env);
  auto list = [&](const std::string& call) {
    return Eval(host, "{ join ',', @{ $executors->[0]->" + call + " } }");
  };
  EXPECT_EQ(list("metaSchemas()"), "empty_db,test");
  EXPECT_EQ(list("metaTables()"), "A,B,v1");
  EXPECT_EQ(list("metaTables('test')"), "A,B,v1");
  EXPECT_EQ(list("tables()"), "A,B,v1");
  EXPECT_EQ(list("metaBaseTables()"), "A,B");
  EXPECT_EQ(list("baseTables()"), "A,B");
  EXPECT_EQ(list("metaViews()"), "v1");
  EXPECT_EQ(list("metaTables('empty_db')"), "non_existing_table");
  EXPECT_EQ(list("metaBaseTables('nope')"), "non_existing_base_table");
  EXPECT_EQ(list("metaViews('empty_db')"), "non_existing_view");
  EXPECT_EQ(list("smallTables()"), "A,B,v1");
  EXPECT_EQ(list("bigTables()"), "non_existing_big_table");

  EXPECT_EQ(list("metaColumns()"), "col_int_key,col_varchar,pk");  // first table: A
  EXPECT_EQ(list("metaColumns('B', 'test')"), "col_text,pk");
  EXPECT_EQ(list("metaColumns('nope')"), "non_existing_column");
  EXPECT_EQ(list("metaColumnsIndexType('indexed', 'A')"), "col_int_key,pk");
  EXPECT_EQ(list("metaColumnsIndexType('primary', 'A')"), "pk");
  EXPECT_EQ(list("metaColumnsIndexType('ordinary', 'A')"), "col_varchar");
  EXPECT_EQ(list("metaColumnsIndexTypeNot('primary', 'A')"), "col_int_key,col_varchar");
  EXPECT_EQ(list("metaColumnsIndexTypeNot('indexed', 'A')"), "col_varchar,pk");
  // Views have no indexes: indexed means ordinary there.
  EXPECT_EQ(list("metaColumnsIndexType('indexed', 'v1')"), "col_int_key,pk");
  EXPECT_EQ(list("metaColumnsIndexType('primary', 'B')"), "pk");
  EXPECT_EQ(list("metaColumnsDataType('int', 'A')"), "col_int_key,pk");
  EXPECT_EQ(list("metaColumnsDataType('char', 'A')"), "col_varchar");
  EXPECT_EQ(list("metaColumnsDataType('blob', 'A')"), "non_existing_column");
  EXPECT_EQ(list("metaColumnsDataIndexType('int', 'indexed', 'A')"), "col_int_key,pk");
  EXPECT_EQ(list("metaColumnsDataIndexType('char', 'indexed', 'A')"), "");
  EXPECT_EQ(list("metaColumnsIndexType('indexed', 'nope')"), "non_existing_column2");
  EXPECT_EQ(list("metaCollations()"), "latin1_swedish_ci,utf8mb4_general_ci");
  EXPECT_EQ(list("metaCharactersets()"), "latin1,utf8mb4");

  EXPECT_EQ(Eval(host, "{ $executors->[0]->columnMaxLength('col_varchar', 'A') }"), "10");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->columnMaxLength('col_text', 'B') }"), "65535");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->columnMetaType('col_varchar', 'A') }"), "char");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->columnRealType('col_varchar', 'A') }"), "varchar");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->defaultSchema() }"), "test");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->connectionId() }"), "4");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->currentUser() }"), "root@localhost");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->dbh() }"), "<undef>");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->execute('SELECT 1') }"), "<undef>");
  EXPECT_EQ(Eval(host, "{ $executors->[0]->isBigTable('A') ? 'big' : 'small' }"), "small");

  // The idiom of optimizer grammars: pick a table via the executor.
  env.meta_.last_database = "test";
  const std::string t =
      Eval(host, "{ $last_table = $prng->arrayElement($executors->[0]->baseTables($last_database)) }");
  EXPECT_TRUE(t == "A" || t == "B") << t;
  EXPECT_EQ(env.meta_.last_table, t);

  // Without collations the snapshot cannot answer, as RQG's croak.
  env.schema_.collations.clear();
  EXPECT_THROW(list("metaCollations()"), PerlBlockError);
}

TEST(PerlHost, GeneratorObject) {
  TestEnv env(1, 6);
  PerlHost host(env);
  env.seq_ = 42;
  EXPECT_EQ(Eval(host, "{ $generator->threadId() }"), "6");
  EXPECT_EQ(Eval(host, "{ $generator->seqId() }"), "42");
  // $$ is deterministic and per thread.
  EXPECT_EQ(Eval(host, "{ abs($$) }"), "100006");
  EXPECT_EQ(Eval(host, "{ 't1_base_myisam_' . abs($$) }"), "t1_base_myisam_100006");
}

TEST(PerlHost, StackPushPopGetSet) {
  TestEnv env;
  PerlHost host(env);
  host.BeginQuery();
  EXPECT_EQ(Eval(host, "{ $stack->push(); $stack->set('arg', 5); '' }"), "");
  // A pushed frame inherits "arg"; other names are per frame.
  EXPECT_EQ(Eval(host, "{ $stack->set('x', 1); $stack->push(); "
                       "($stack->get('arg') // 'u') . ($stack->get('x') // 'u') }"),
            "5u");
  // pop(result) hands the result to the frame below.
  EXPECT_EQ(Eval(host, "{ $stack->pop('r'); $stack->get('result') . $stack->get('x') }"), "r1");
  EXPECT_EQ(Eval(host, "{ $global->set('seen', 'yes'); '' }"), "");

  // A new query starts with an empty stack; $global survives.
  host.BeginQuery();
  EXPECT_EQ(Eval(host, "{ $stack->get('x') // 'empty' }"), "empty");
  EXPECT_EQ(Eval(host, "{ $global->get('seen') }"), "yes");
  // Nested frames as the optimizer grammars use them.
  EXPECT_EQ(Eval(host, "{ $stack->push(); $stack->push(); $stack->pop([1, 2]); "
                       "my $r = $stack->get('result'); $stack->pop('done'); "
                       "join '-', @$r }"),
            "1-2");
}

TEST(PerlHost, CompileErrorNamesGrammarFileAndLine) {
  TestEnv env;
  PerlHost host(env);
  try {
    host.Compile("{\n  my $a = 1;\n  $a = ;\n}", SourceLoc{"conf/x.yy", 12, 5});
    ADD_FAILURE() << "no exception";
  } catch (const PerlBlockError&) {
    ADD_FAILURE() << "a compile error is a GrammarError, not a PerlBlockError";
  } catch (const GrammarError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("conf/x.yy:12:5: Perl block does not compile: "), std::string::npos)
        << what;
    EXPECT_NE(what.find("conf/x.yy line 14"), std::string::npos) << what;  // the bad line
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_EQ(e.loc().line, 12u);
  }
  // The host stays usable.
  EXPECT_EQ(Eval(host, "{ 'ok' }"), "ok");
}

TEST(PerlHost, DieNamesGrammarFileLineAndPerlsMessage) {
  TestEnv env;
  PerlHost host(env);
  const int handle = host.Compile("{ die 'boom' }", SourceLoc{"g.yy", 7, 2});
  std::string out;
  try {
    host.Run(handle, out);
    ADD_FAILURE() << "no exception";
  } catch (const PerlBlockError& e) {
    EXPECT_EQ(std::string(e.what()), "g.yy:7:2: Perl block died: boom at g.yy line 7.");
  }
  try {
    Eval(host, "{ my $h; $h->method() }", SourceLoc{"g.yy", 9, 1});
    ADD_FAILURE() << "no exception";
  } catch (const PerlBlockError& e) {
    EXPECT_NE(std::string(e.what()).find("Can't call method \"method\" on an undefined value at "
                                         "g.yy line 9"),
              std::string::npos)
        << e.what();
  }
  // exit() would end the whole process: it dies instead.
  EXPECT_THROW(Eval(host, "{ exit(0) }"), PerlBlockError);
  EXPECT_EQ(Eval(host, "{ 'alive' }"), "alive");
}

TEST(PerlHost, XsModulesLoad) {
  TestEnv env;
  PerlHost host(env);
  EXPECT_EQ(Eval(host, "{ use POSIX (); POSIX::floor(3.7) }"), "3");
  EXPECT_EQ(Eval(host, "{ List::Util::max(3, 9, 2) }"), "9");
  EXPECT_EQ(Eval(host, "{ time() > 1000000000 ? 'hires' : 'no' }"), "hires");
}

TEST(PerlHost, HashOrderIsTheSameInEveryHost) {
  const char* code = "{ my %h = map { $_ => 1 } 'a' .. 'z'; join '', keys %h }";
  TestEnv env1, env2;
  PerlHost host1(env1);
  const std::string first = Eval(host1, code);
  PerlHost host2(env2);
  EXPECT_EQ(Eval(host2, code), first);
}

TEST(PerlHost, HostsRunConcurrentlyOnTheirOwnThreads) {
  constexpr int kCalls = 20000;
  std::vector<std::string> results(2);
  auto work = [&](int index) {
    TestEnv env(99, static_cast<uint32_t>(index + 1));
    PerlHost host(env);
    const int handle =
        host.Compile("{ $n++; $sum += $prng->int(1, 100); abs($$) . ':' . $n . ':' . $sum }", kLoc);
    std::string out;
    for (int i = 0; i < kCalls; ++i) {
      out.clear();
      host.Run(handle, out);
    }
    results[static_cast<size_t>(index)] = out;
  };
  std::thread t1(work, 0), t2(work, 1);
  t1.join();
  t2.join();
  EXPECT_EQ(results[0].rfind("100001:20000:", 0), 0u) << results[0];
  EXPECT_EQ(results[1].rfind("100002:20000:", 0), 0u) << results[1];

  // Same (seed, thread) alone on this thread: the same result.
  TestEnv env(99, 1);
  PerlHost host(env);
  const int handle =
      host.Compile("{ $n++; $sum += $prng->int(1, 100); abs($$) . ':' . $n . ':' . $sum }", kLoc);
  std::string out;
  for (int i = 0; i < kCalls; ++i) {
    out.clear();
    host.Run(handle, out);
  }
  EXPECT_EQ(out, results[0]);
}

TEST(PerlHost, DataSpecBetweenRunsKeepsTheHostWorking) {
  TestEnv env;
  PerlHost host(env);
  EXPECT_EQ(Eval(host, "{ $k = 'v'; $k }"), "v");
  const nlohmann::json spec =
      EvalDataSpec(RANDSYNC_CORPUS_DIR "/conf/transactions/transactions.zz");
  EXPECT_TRUE(spec.contains("tables"));
  EXPECT_EQ(Eval(host, "{ $k }"), "v");
}

// Not an assertion: how much one Run costs, for the 50k statements/s budget.
TEST(PerlHost, MeasureRunOverhead) {
  TestEnv env;
  env.meta_.last_table = "A";
  PerlHost host(env);
  for (const char* code : {"{ $x++ }", "{ 'table' . $prng->int(1, 10) }",
                           "{ my $f = 'field' . ++$fields; push @nonaggregates, $f; $f }"}) {
    const int handle = host.Compile(code, kLoc);
    constexpr int kCalls = 200000;
    std::string out;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kCalls; ++i) {
      out.clear();
      host.Run(handle, out);
      if ((i & 1023) == 0) host.BeginQuery();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ measure  ] %-70s %10.0f calls/s (%.2f us/call)\n", code, kCalls / seconds,
                seconds * 1e6 / kCalls);
    Eval(host, "{ @nonaggregates = (); '' }");
  }
  const auto start = std::chrono::steady_clock::now();
  constexpr int kQueries = 100000;
  for (int i = 0; i < kQueries; ++i) host.BeginQuery();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ measure  ] %-70s %10.0f calls/s (%.2f us/call)\n", "BeginQuery()",
              kQueries / seconds, seconds * 1e6 / kQueries);
}

}  // namespace
}  // namespace randsync
