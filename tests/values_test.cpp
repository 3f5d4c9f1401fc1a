// engine/values: RQG's field-type built-ins (_int, _varchar(N), _date, _json,
// _english, ...): recognition, value ranges, formats, quoting, dictionaries,
// determinism and speed.
#include "engine/values/values.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace randsync {
namespace {

namespace fs = std::filesystem;

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("randsync_values_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void Write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel) << text;
  }

 private:
  fs::path path_;
};

// Runs the test body with the process's cwd set to `dir` (RQG's blobs read
// <cwd>/data), restoring it afterwards.
class ScopedCwd {
 public:
  explicit ScopedCwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedCwd() { fs::current_path(old_); }

 private:
  fs::path old_;
};

std::shared_ptr<const Dictionaries> CorpusDicts() {
  return Dictionaries::Load({std::string(RANDSYNC_CORPUS_DIR) + "/dict"});
}

class ValuesTest : public ::testing::Test {
 protected:
  ValuesTest() : gen_(CorpusDicts()) {}

  FieldType Type(std::string_view name) {
    auto t = gen_.Parse(name);
    EXPECT_TRUE(t.has_value()) << name;
    return t.value_or(FieldType{});
  }
  std::string Token(const FieldType& t) {
    std::string s;
    gen_.AppendToken(t, prng_, s);
    return s;
  }
  std::string Raw(const FieldType& t) {
    std::string s;
    gen_.AppendRaw(t, prng_, s);
    return s;
  }
  std::vector<std::string> Tokens(std::string_view name, int n) {
    FieldType t = Type(name);
    std::vector<std::string> v;
    v.reserve(n);
    for (int i = 0; i < n; ++i) v.push_back(Token(t));
    return v;
  }

  // Bare integers in [lo, hi]; with ends_reachable both bounds must come
  // up, otherwise values must reach into both outer tenths of the range.
  void ExpectIntRange(const char* name, int64_t lo, int64_t hi, int draws, bool ends_reachable) {
    FieldType t = Type(name);
    int64_t min = std::numeric_limits<int64_t>::max(), max = std::numeric_limits<int64_t>::min();
    const std::regex bare("-?[0-9]+");
    for (int i = 0; i < draws; ++i) {
      std::string s = Token(t);
      if (i < 1000) {
        ASSERT_TRUE(std::regex_match(s, bare)) << s;
      }
      int64_t x = std::stoll(s);
      ASSERT_GE(x, lo) << name;
      ASSERT_LE(x, hi) << name;
      min = std::min(min, x);
      max = std::max(max, x);
    }
    if (ends_reachable) {
      EXPECT_EQ(min, lo) << name;
      EXPECT_EQ(max, hi) << name;
    } else {
      const int64_t tenth = hi / 10 - lo / 10;
      EXPECT_LT(min, lo + tenth) << name;
      EXPECT_GT(max, hi - tenth) << name;
    }
  }

  ValueGenerator gen_;
  Prng prng_{12345, 1};
};

std::string Unquote(const std::string& s) {
  EXPECT_GE(s.size(), 2u) << s;
  EXPECT_EQ(s.front(), '\'') << s;
  EXPECT_EQ(s.back(), '\'') << s;
  return s.size() >= 2 ? s.substr(1, s.size() - 2) : s;
}

void ExpectAllMatch(const std::vector<std::string>& values, const std::string& pattern) {
  const std::regex re(pattern);
  for (const std::string& v : values) ASSERT_TRUE(std::regex_match(v, re)) << v << " !~ " << pattern;
}

// --- Recognition ---------------------------------------------------------

TEST_F(ValuesTest, ParsesEveryRqgFieldType) {
  for (const char* name :
       {"bool", "boolean", "tinyint", "tinyint_unsigned", "tinyint_positive", "smallint",
        "smallint_unsigned", "smallint_positive", "mediumint", "mediumint_unsigned",
        "mediumint_positive", "int", "int_unsigned", "int_positive", "integer",
        "integer_unsigned", "integer_positive", "bigint", "bigint_unsigned", "bigint_positive",
        "decimal", "dec", "numeric", "fixed", "float", "double", "double_nano", "char",
        "char(10)", "varchar", "varchar(255)", "string", "string(16)", "ascii", "ascii(3)",
        "text", "text(255)", "tinytext", "mediumtext", "longtext", "binary", "varbinary",
        "tinyblob", "blob", "mediumblob", "longblob", "data", "date", "time", "datetime",
        "datetime(6)", "timestamp", "timestamp(6)", "year", "enum", "set", "bit", "bit(8)",
        "hex", "hex(8)", "quid", "json", "json(5)", "jsonpath", "jsonkey", "jsonvalue",
        "jsonarray", "jsonpair", "jsonobject", "null", "empty", "english", "english_short",
        "states", "int_usigned", "digit(3)", "letter_x", "_int"}) {
    EXPECT_TRUE(gen_.Parse(name).has_value()) << name;
  }
}

TEST_F(ValuesTest, RefusesWhatIsNotAFieldType) {
  for (const char* name : {"table", "field", "digit", "letter", "xyz", "positive_digit",
                           "thread_id", "field_list", "basetable", "englishnoquote", "",
                           "1abc", "(5)", "INT", "Varchar(3)", "tmpnam", "cwd"}) {
    EXPECT_FALSE(gen_.Parse(name).has_value()) << '"' << name << '"';
  }
}

TEST_F(ValuesTest, LengthIsParsed) {
  EXPECT_EQ(Type("varchar(10)").length, 10);
  EXPECT_EQ(Type("varchar").length, -1);
  EXPECT_EQ(Type("char( 7 )").length, 7);
  EXPECT_EQ(Type("char(x)").length, 0);  // Perl numifies "x" to 0
  EXPECT_EQ(Type("char(-3)").length, 0);
}

// --- Integers ----------------------------------------------------------

TEST_F(ValuesTest, SmallTypesReachBothEnds) {
  ExpectIntRange("bool", 0, 1, 200, true);
  ExpectIntRange("boolean", 0, 1, 200, true);
  ExpectIntRange("tinyint", -128, 127, 20000, true);
  ExpectIntRange("tinyint_unsigned", 0, 255, 20000, true);
  ExpectIntRange("tinyint_positive", 1, 255, 20000, true);
  ExpectIntRange("smallint", -32768, 32767, 1500000, true);
  ExpectIntRange("smallint_unsigned", 0, 65535, 1500000, true);
}

TEST_F(ValuesTest, BigTypesStayInRange) {
  ExpectIntRange("smallint_positive", 1, 65535, 5000, false);
  ExpectIntRange("mediumint", -8388608, 8388607, 5000, false);
  ExpectIntRange("mediumint_unsigned", 0, 16777215, 5000, false);
  ExpectIntRange("mediumint_positive", 1, 16777215, 5000, false);
  ExpectIntRange("int", -2147483648LL, 2147483647LL, 5000, false);
  ExpectIntRange("integer", -2147483648LL, 2147483647LL, 5000, false);
  ExpectIntRange("int_unsigned", 0, 4294967295LL, 5000, false);
  ExpectIntRange("int_positive", 1, 4294967295LL, 5000, false);
  ExpectIntRange("integer_unsigned", 0, 4294967295LL, 5000, false);
  // Unknown suffix: the base range (RQG would give 0 every time).
  ExpectIntRange("int_usigned", -2147483648LL, 2147483647LL, 5000,
                 false);
  ExpectIntRange("bigint", std::numeric_limits<int64_t>::min(),
                 std::numeric_limits<int64_t>::max(), 5000, false);
}

TEST_F(ValuesTest, BigintIsUniformNotQuantised) {
  std::set<uint64_t> low_bits;
  for (const std::string& s : Tokens("bigint", 2000)) {
    low_bits.insert(static_cast<uint64_t>(std::stoll(s)) & 0xFFFF);
  }
  // RQG's 16-bit int() would leave the low bits nearly constant.
  EXPECT_GT(low_bits.size(), 1900u);
}

TEST_F(ValuesTest, UnsignedBigintCoversTheUpperHalf) {
  for (const char* name : {"bigint_unsigned", "bigint_positive"}) {
    std::vector<std::string> v = Tokens(name, 2000);
    ExpectAllMatch(v, "[0-9]+");
    uint64_t max = 0, min = std::numeric_limits<uint64_t>::max();
    for (const std::string& s : v) {
      uint64_t x = std::stoull(s);
      max = std::max(max, x);
      min = std::min(min, x);
    }
    EXPECT_GT(max, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) << name;
    EXPECT_LT(min, uint64_t{1} << 60) << name;
    EXPECT_GE(min, std::string(name) == "bigint_positive" ? 1u : 0u);
  }
}

// --- Decimal and floats -------------------------------------------------

TEST_F(ValuesTest, DecimalsAreRealDecimals) {
  std::vector<std::string> v = Tokens("decimal", 3000);
  ExpectAllMatch(v, "-?(0|[1-9][0-9]*)(\\.[0-9]+)?");  // bare
  bool fraction = false, negative = false, nonzero = false;
  for (const std::string& s : v) {
    size_t dot = s.find('.');
    size_t digits = s.size() - (s[0] == '-') - (dot != std::string::npos);
    size_t scale = dot == std::string::npos ? 0 : s.size() - dot - 1;
    ASSERT_LE(scale, 38u) << s;
    ASSERT_LE(digits, 66u) << s;  // 65, plus the 0 of 0.xxx
    fraction |= scale > 0;
    negative |= s[0] == '-';
    nonzero |= s.find_first_of("123456789") != std::string::npos;
  }
  EXPECT_TRUE(fraction && negative && nonzero);
  for (const char* alias : {"dec", "numeric", "fixed"}) ExpectAllMatch(Tokens(alias, 50), "-?[0-9.]+");
}

TEST_F(ValuesTest, FloatsAreQuotedPerlNumbers) {
  struct Case {
    const char* name;
    double bound;
  };
  for (const Case& c : {Case{"float", 9223372036854775808.0}, Case{"double", 1e81},
                        Case{"double_nano", 1e-68}}) {
    bool positive = false, negative = false;
    for (const std::string& tok : Tokens(c.name, 2000)) {
      std::string s = Unquote(tok);
      ASSERT_TRUE(std::regex_match(s, std::regex("-?[0-9]+(\\.[0-9]+)?(e[-+][0-9]+)?"))) << s;
      double x = std::stod(s);
      ASSERT_LE(std::fabs(x), c.bound) << c.name << " " << s;
      positive |= x > c.bound / 100;
      negative |= x < -c.bound / 100;
      // %.15g: at most 15 significant digits.
      ASSERT_LE(s.find('e') == std::string::npos ? s.size() : s.find('e'), 17u) << s;
    }
    EXPECT_TRUE(positive && negative) << c.name;
  }
}

// --- Strings and text ---------------------------------------------------

TEST_F(ValuesTest, StringsAreQuotedLettersOf1ToN) {
  std::vector<std::string> v = Tokens("varchar(10)", 5000);
  ExpectAllMatch(v, "'[a-z]{1,10}'");
  std::set<size_t> lengths;
  for (const std::string& s : v) lengths.insert(s.size() - 2);
  EXPECT_EQ(lengths.size(), 10u);  // 1..10 all reached
  ExpectAllMatch(Tokens("char", 200), "'[a-z]'");
  ExpectAllMatch(Tokens("string(16)", 200), "'[a-z]{1,16}'");
  ExpectAllMatch(Tokens("ascii(3)", 200), "'[a-z]{1,3}'");
  ExpectAllMatch(Tokens("char(0)", 10), "''");
  std::set<char> letters;
  for (const std::string& s : Tokens("char", 2000)) letters.insert(s[1]);
  EXPECT_EQ(letters.size(), 26u);
}

TEST_F(ValuesTest, TextIsEnglishWordsUpToN) {
  auto dicts = CorpusDicts();
  const auto* english = dicts->Find("english");
  ASSERT_NE(english, nullptr);
  std::set<std::string> words(english->begin(), english->end());
  for (int n : {10, 50, 255}) {
    FieldType t = Type("text(" + std::to_string(n) + ")");
    bool some = false;
    for (int i = 0; i < 500; ++i) {
      std::string s = Unquote(Token(t));
      ASSERT_LE(s.size(), static_cast<size_t>(n)) << s;
      some |= !s.empty();
      std::istringstream in(s);
      for (std::string w; in >> w;) ASSERT_TRUE(words.count(w)) << w;
    }
    EXPECT_TRUE(some) << n;
  }
  // No (N): up to 255 (RQG passed 1 and always gave '').
  for (const std::string& s : Tokens("mediumtext", 200)) ASSERT_LE(Unquote(s).size(), 255u);
}

// --- Temporal -----------------------------------------------------------

TEST_F(ValuesTest, TemporalFormats) {
  const std::string date = "(19[7-9][0-9]|20[0-3][0-9])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])";
  const std::string time = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\\.[0-9]{6}";
  ExpectAllMatch(Tokens("date", 3000), "'" + date + "'");
  ExpectAllMatch(Tokens("time", 3000), "'" + time + "'");
  ExpectAllMatch(Tokens("datetime", 3000), "'" + date + " " + time + "'");
  ExpectAllMatch(Tokens("timestamp", 3000),
                 "'(19[7-9][0-9]|20[0-3][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])"
                 "([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]\\.[0-9]{6}'");
  std::set<int> years, days;
  for (const std::string& s : Tokens("year", 5000)) years.insert(std::stoi(Unquote(s)));
  EXPECT_EQ(*years.begin(), 1971);
  EXPECT_EQ(*years.rbegin(), 2035);
  EXPECT_EQ(years.size(), 65u);
  for (const std::string& s : Tokens("date", 3000)) days.insert(std::stoi(s.substr(9, 2)));
  EXPECT_EQ(*days.begin(), 1);
  EXPECT_EQ(*days.rbegin(), 28);
  for (const std::string& s : Tokens("date", 3000)) {
    int y = std::stoi(s.substr(1, 4));
    ASSERT_TRUE(y >= 1971 && y <= 2035) << s;
  }
}

// --- Small formats --------------------------------------------------------

TEST_F(ValuesTest, EnumSetQuidDigitLetter) {
  ExpectAllMatch(Tokens("enum", 500), "'[a-z]'");
  std::vector<std::string> sets = Tokens("set", 3000);
  ExpectAllMatch(sets, "'[a-z](,[a-z]){0,9}'");
  std::set<size_t> sizes;
  for (const std::string& s : sets) sizes.insert(s.size());
  EXPECT_EQ(*sizes.begin(), 3u);   // 'a'
  EXPECT_EQ(*sizes.rbegin(), 21u); // 10 letters
  ExpectAllMatch(Tokens("quid", 500), "'[A-Z]{5}'");
  ExpectAllMatch(Tokens("digit(3)", 200), "'[0-9]'");
  ExpectAllMatch(Tokens("letter_x", 200), "'[a-z]'");
}

TEST_F(ValuesTest, BitsAndHexAreBare) {
  std::vector<std::string> bits = Tokens("bit(4)", 2000);
  ExpectAllMatch(bits, "b'[01]{1,4}'");
  std::set<size_t> lengths;
  for (const std::string& s : bits) lengths.insert(s.size() - 3);
  EXPECT_EQ(lengths, (std::set<size_t>{1, 2, 3, 4}));
  ExpectAllMatch(Tokens("bit", 100), "b'[01]'");
  ExpectAllMatch(Tokens("hex", 2000), "0x[0-9A-F]{1,4}");
  ExpectAllMatch(Tokens("hex(8)", 2000), "0x[0-9A-F]{1,8}");
}

TEST_F(ValuesTest, NullAndEmpty) {
  EXPECT_EQ(Token(Type("null")), "NULL");
  EXPECT_EQ(Raw(Type("null")), "");
  EXPECT_EQ(Token(Type("empty")), "''");
  EXPECT_EQ(Raw(Type("empty")), "");
}

TEST_F(ValuesTest, RawIsUnquoted) {
  ExpectAllMatch({Raw(Type("varchar(5)"))}, "[a-z]{1,5}");
  ExpectAllMatch({Raw(Type("date"))}, "[0-9]{4}-[0-9]{2}-[0-9]{2}");
  ExpectAllMatch({Raw(Type("int"))}, "-?[0-9]+");
  ExpectAllMatch({Raw(Type("bit(3)"))}, "b'[01]{1,3}'");
}

// --- Blobs ----------------------------------------------------------------

TEST(ValuesBlob, LoadFileOfARandomDataFile) {
  TempDir dir;
  dir.Write("data/a.bin", "x");
  dir.Write("data/b.txt", "y");
  dir.Write("data/.hidden", "z");
  const std::string cwd = fs::canonical(dir.path()).string();
  ScopedCwd in(cwd);
  ValueGenerator gen(Dictionaries::Load({}));
  Prng prng(5);
  std::set<std::string> seen;
  for (const char* name : {"data", "blob", "binary", "varbinary", "tinyblob", "longblob"}) {
    FieldType t = *gen.Parse(name);
    for (int i = 0; i < 100; ++i) {
      std::string s;
      gen.AppendToken(t, prng, s);
      seen.insert(s);
    }
  }
  EXPECT_EQ(seen, (std::set<std::string>{"LOAD_FILE('" + cwd + "/data/a.bin')",
                                         "LOAD_FILE('" + cwd + "/data/b.txt')"}));
}

TEST(ValuesBlob, NullWithoutDataDirectory) {
  TempDir dir;
  ScopedCwd in(dir.path());
  ValueGenerator gen(Dictionaries::Load({}));
  Prng prng(5);
  std::string s;
  gen.AppendToken(*gen.Parse("data"), prng, s);
  EXPECT_EQ(s, "NULL");
}

// --- JSON -----------------------------------------------------------------

TEST_F(ValuesTest, JsonIsValidJson) {
  int empty = 0;
  for (const std::string& tok : Tokens("json", 3000)) {
    std::string s = Unquote(tok);
    if (s.empty()) {  // RQG's deliberate invalid JSON, length 0
      ++empty;
      continue;
    }
    ASSERT_TRUE(nlohmann::json::accept(s)) << s;
  }
  EXPECT_GT(empty, 0);
  EXPECT_LT(empty, 200);
  for (int n : {1, 2, 5, 20}) {
    for (const std::string& tok : Tokens("json(" + std::to_string(n) + ")", 300)) {
      nlohmann::json j;
      ASSERT_NO_THROW(j = nlohmann::json::parse(Unquote(tok))) << tok;
      // N - 1 members (an object may repeat a key, which JSON allows).
      ASSERT_TRUE(j.is_array() || j.is_object());
      if (j.is_array()) {
        ASSERT_EQ(j.size(), static_cast<size_t>(n - 1)) << tok;
      } else {
        ASSERT_LE(j.size(), static_cast<size_t>(n - 1)) << tok;
        ASSERT_EQ(j.empty(), n == 1) << tok;
      }
    }
  }
  EXPECT_EQ(Unquote(Token(Type("json(0)"))), "");
}

TEST_F(ValuesTest, JsonParts) {
  for (const std::string& tok : Tokens("jsonvalue", 1000)) {
    ASSERT_TRUE(nlohmann::json::accept(Unquote(tok))) << tok;
  }
  bool nonempty_array = false, nonempty_object = false;
  for (const std::string& tok : Tokens("jsonarray", 300)) {
    nlohmann::json j = nlohmann::json::parse(Unquote(tok));
    ASSERT_TRUE(j.is_array());
    nonempty_array |= !j.empty();
  }
  for (const std::string& tok : Tokens("jsonobject", 300)) {
    nlohmann::json j = nlohmann::json::parse(Unquote(tok));
    ASSERT_TRUE(j.is_object());
    nonempty_object |= !j.empty();
  }
  EXPECT_TRUE(nonempty_array && nonempty_object);
  EXPECT_EQ(nlohmann::json::parse(Unquote(Token(Type("jsonarray(3)")))).size(), 3u);
  for (const std::string& tok : Tokens("jsonpair", 500)) {
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse("{" + Unquote(tok) + "}")) << tok;
    ASSERT_EQ(j.size(), 1u);
  }
  ExpectAllMatch(Tokens("jsonkey", 500), "'[^'\"\\\\]+'");
  ExpectAllMatch(Tokens("jsonpath", 2000),
                 "'\\$(\\[(\\*|[0-8])\\]|\\*\\*|\\.(\\*|\"[^\"]+\"|[^.\"\\[*]+))*'");
}

// --- Dictionaries -----------------------------------------------------------

TEST(ValuesDictionaries, LoadFindAndFallbacks) {
  TempDir first, second;
  first.Write("english.txt", "alpha\nbeta\r\n\ngamma");
  first.Write("colors.txt", "red\nit's\nb'01'\n0xFF\nname`\n");
  second.Write("colors.txt", "ignored\n");
  second.Write("fruit.txt", "apple\n");
  second.Write("notes.md", "not a list\n");
  auto dicts = Dictionaries::Load({"/nonexistent/dir", first.path(), second.path()});

  ASSERT_NE(dicts->Find("english"), nullptr);
  EXPECT_EQ(*dicts->Find("english"), (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(dicts->Find("english_short"), dicts->Find("english"));
  EXPECT_EQ(dicts->Find("colors")->front(), "red");  // first directory wins
  EXPECT_EQ(*dicts->Find("fruit"), std::vector<std::string>{"apple"});
  EXPECT_EQ(dicts->Find("notes"), nullptr);
  EXPECT_EQ(dicts->Find("nothing"), nullptr);
  ASSERT_NE(dicts->Find("states"), nullptr);  // built-in fallback
  EXPECT_EQ(dicts->Find("states")->size(), 50u);

  // Tokens: quoted words, "..." when the word holds a ', bare b'..'/0x../..`.
  ValueGenerator gen(dicts);
  Prng prng(3);
  std::set<std::string> colors;
  FieldType t = *gen.Parse("colors");
  for (int i = 0; i < 300; ++i) {
    std::string s;
    gen.AppendToken(t, prng, s);
    colors.insert(s);
  }
  EXPECT_EQ(colors, (std::set<std::string>{"'red'", "\"it's\"", "b'01'", "0xFF", "name`"}));
  std::set<std::string> english;
  FieldType e = *gen.Parse("english_short");
  for (int i = 0; i < 100; ++i) {
    std::string s;
    gen.AppendToken(e, prng, s);
    english.insert(s);
  }
  EXPECT_EQ(english, (std::set<std::string>{"'alpha'", "'beta'", "'gamma'"}));
  EXPECT_FALSE(gen.Parse("nothing").has_value());
}

TEST(ValuesDictionaries, EnglishShortMapsToEnglishAsInRqg) {
  // The corpus has both english.txt and english_short.txt; RQG reads only
  // the leading letters of the token, so _english_short draws from english.
  auto dicts = CorpusDicts();
  ASSERT_NE(dicts->Find("english_short"), dicts->Find("english"));
  ValueGenerator gen(dicts);
  EXPECT_EQ(gen.Parse("english_short")->words, dicts->Find("english"));
  EXPECT_EQ(gen.Parse("states")->words, dicts->Find("states"));
}

TEST(ValuesDictionaries, SystemWordsWhenNoEnglishFile) {
  if (!fs::exists("/usr/share/dict/words")) GTEST_SKIP() << "wamerican not installed";
  auto dicts = Dictionaries::Load({});
  const auto* english = dicts->Find("english");
  ASSERT_NE(english, nullptr);
  EXPECT_GT(english->size(), 10000u);
  for (const std::string& w : *english) {
    ASSERT_TRUE(w.size() >= 1 && w.size() <= 12) << w;
    ASSERT_EQ(w.find_first_not_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos) << w;
  }
  EXPECT_EQ(dicts->Find("states")->front(), "Alabama");
}

// --- Determinism and speed --------------------------------------------------

std::string Stream(uint64_t seed) {
  ValueGenerator gen(CorpusDicts());
  Prng prng(seed, 2);
  std::string out;
  const char* names[] = {"int",  "bigint_unsigned", "decimal", "float",    "double_nano",
                         "varchar(20)", "text(80)", "date", "datetime", "timestamp",
                         "year", "set",   "bit(9)",  "hex(6)",   "quid", "json",
                         "jsonpath",    "english",  "states", "null"};
  std::vector<FieldType> types;
  for (const char* n : names) types.push_back(*gen.Parse(n));
  for (int i = 0; i < 50; ++i) {
    for (const FieldType& t : types) {
      gen.AppendToken(t, prng, out);
      out.push_back('\n');
    }
  }
  return out;
}

TEST(ValuesDeterminism, SameSeedSameOutput) {
  EXPECT_EQ(Stream(77), Stream(77));
  EXPECT_NE(Stream(77), Stream(78));
}

double TokensPerSecond(const ValueGenerator& gen, const FieldType& t) {
  Prng prng(9);
  std::string out;
  out.reserve(64);
  constexpr int kN = 2'000'000;
  size_t total = 0;
  auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < kN; ++i) {
    out.clear();
    gen.AppendToken(t, prng, out);
    total += out.size();
  }
  std::chrono::duration<double> secs = std::chrono::steady_clock::now() - begin;
  EXPECT_GT(total, 0u);
  return kN / secs.count();
}

TEST(ValuesSpeed, PrintTokensPerSecond) {
  ValueGenerator gen(Dictionaries::Load({}));
  for (const char* name : {"int", "varchar(10)", "date", "english"}) {
    std::printf("[ speed    ] _%s: %.2f M tokens/s\n", name,
                TokensPerSecond(gen, *gen.Parse(name)) / 1e6);
  }
}

}  // namespace
}  // namespace randsync
