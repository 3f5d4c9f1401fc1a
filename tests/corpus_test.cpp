// Compatibility with real RQG grammars (shared/corpus/rqg/conf): every .yy
// loads, and every one with a query rule generates 1,000 queries with seed 1,
// against its .zz schema when it has one (same file stem), else RQG's
// default data.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "engine/generator/generator.h"
#include "engine/grammar/parser.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;

fs::path CorpusDir() { return fs::path(RANDSYNC_CORPUS_DIR); }

std::vector<std::string> CorpusGrammars() {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(CorpusDir() / "conf", ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(CorpusDir() / "conf")) {
    if (e.is_regular_file() && e.path().extension() == ".yy") {
      out.push_back(fs::relative(e.path(), CorpusDir()).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::shared_ptr<const ValueGenerator> Values() {
  static auto v = std::make_shared<ValueGenerator>(Dictionaries::Load({(CorpusDir() / "dict").string()}));
  return v;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, LoadsAndGenerates) {
  fs::path path = CorpusDir() / GetParam();
  grammar::Grammar g = grammar::ParseGrammarFiles(path.string(), {});
  auto program = std::make_shared<Program>(g, *Values());
  if (!g.Find("query")) {
    // A redefine module (meant for --redefine on a base grammar): loading
    // it is the whole test.
    EXPECT_FALSE(program->rules.empty());
    return;
  }
  GeneratorOptions o;
  o.seed = 1;
  o.values = Values();
  fs::path zz = fs::path(path).replace_extension(".zz");
  std::error_code ec;
  o.schema = std::make_shared<Schema>(fs::exists(zz, ec) ? LoadSchemaFile(zz.string()) : DefaultSchema());
  Generator gen(program, o);
  size_t statements = 0;
  for (int i = 0; i < 1000; ++i) statements += gen.Next().size();
  RecordProperty("statements", static_cast<int>(statements));
  EXPECT_GT(statements, 0u);
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Rqg, Corpus, ::testing::ValuesIn(CorpusGrammars()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Corpus);

TEST(CorpusPresence, CorpusIsThere) {
  EXPECT_GT(CorpusGrammars().size(), 50u) << "corpus not found at " << CorpusDir();
}

}  // namespace
}  // namespace randsync
