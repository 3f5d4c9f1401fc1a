// Lexer and parser of the RQG grammar dialect.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "engine/grammar/lexer.h"
#include "engine/grammar/parser.h"

namespace randsync::grammar {
namespace {

std::vector<Token> LexAll(std::string_view text) {
  Lexer lx(text, "t.yy");
  std::vector<Token> out;
  for (Token t = lx.Next(); t.kind != TokenKind::kEnd; t = lx.Next()) out.push_back(t);
  return out;
}

std::string Kinds(std::string_view text) {
  std::string s;
  for (const Token& t : LexAll(text)) {
    switch (t.kind) {
      case TokenKind::kWord: s += "W"; break;
      case TokenKind::kString: s += "S"; break;
      case TokenKind::kBacktick: s += "B"; break;
      case TokenKind::kSqlComment: s += "C"; break;
      case TokenKind::kCode: s += "{"; break;
      case TokenKind::kSpace: s += "_"; break;
      case TokenKind::kBar: s += "|"; break;
      case TokenKind::kColon: s += ":"; break;
      case TokenKind::kRuleEnd: s += ";"; break;
      case TokenKind::kFactor: s += "F"; break;
      case TokenKind::kInclude: s += "I"; break;
      case TokenKind::kPunct: s += "p"; break;
      case TokenKind::kEnd: break;
    }
  }
  return s;
}

std::string Body(const Grammar& g, const std::string& rule, size_t alt = 0) {
  std::string s;
  for (const Part& p : g.Find(rule)->alternatives.at(alt).parts) s += p.text;
  return s;
}

TEST(Lexer, TokenKinds) {
  EXPECT_EQ(Kinds("a: b | 'x y' `c d` /* e */ { f } ;\n"), "W:_W_|_S_B_C_{_;_");
  EXPECT_EQ(Kinds("a: _varchar(10) _table[invariant] ;"), "W:_W_W_;");
  EXPECT_EQ(Kinds("a: x, y ;"), "W:_Wp_W_;");
}

TEST(Lexer, HashIsACommentOnlyOutsideStringsAndCode) {
  auto toks = LexAll("a: 'x#y' # comment | z\n ;");
  ASSERT_GE(toks.size(), 4u);
  EXPECT_EQ(toks[3].text, "'x#y'");
  EXPECT_EQ(Kinds("a: 'x#y' # comment | z\n ;"), "W:_S_;");
  auto code = LexAll("a: { $#arr + 1 # a } brace\n } ;");
  EXPECT_EQ(code[3].kind, TokenKind::kCode);
  EXPECT_EQ(code[3].text, "{ $#arr + 1 # a } brace\n }");
}

TEST(Lexer, BarAndSemicolonInsideStringsAndCodeAreText) {
  EXPECT_EQ(Kinds("a: 'x|y; z' { $a || $b ;\n } ;"), "W:_S_{_;");
}

TEST(Lexer, PerlStringsMayHoldBraces) {
  auto toks = LexAll("a: { my $s = \"}\" . '{'; $s } ;");
  EXPECT_EQ(toks[3].text, "{ my $s = \"}\" . '{'; $s }");
}

TEST(Lexer, RuleEndNeedsANewline) {
  EXPECT_EQ(Kinds("a: X ; Y ;\n"), "W:_W_p_W_;_");
  EXPECT_EQ(Kinds("a: X ; # note\nb: Y"), "W:_W_;_W:_W");
}

TEST(Lexer, LineContinuationIsSpace) { EXPECT_EQ(Kinds("a: X \\\n Y ;"), "W:_W_W_;"); }

TEST(Lexer, LoneQuotesAndBracesAreTextWithAWarning) {
  // RQG has no lexer, so grammars in the wild carry these; they must load.
  std::vector<std::string> warnings;
  Lexer lx("single_quote: ' ;\nb: x } ;\nc: { never closed ;\n", "t.yy", &warnings);
  std::string texts;
  for (Token t = lx.Next(); t.kind != TokenKind::kEnd; t = lx.Next()) {
    if (t.kind == TokenKind::kPunct) texts += t.text;
  }
  EXPECT_EQ(texts, "'}{");
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_EQ(warnings[0], "t.yy:1:15: lone ' taken as text (no closing ' before the rule ends)");
  EXPECT_EQ(warnings[1], "t.yy:2:6: unbalanced '}' taken as text (no Perl block is open)");
  EXPECT_EQ(warnings[2], "t.yy:3:4: unbalanced '{' taken as text (the Perl block never closes)");
}

TEST(Lexer, UnterminatedSqlCommentIsAnError) {
  try {
    LexAll("a: b ;\nc: /* open ;\n");
    FAIL() << "no error";
  } catch (const GrammarError& e) {
    EXPECT_STREQ(e.what(), "t.yy:2:4: unterminated SQL comment: expected '*/'");
  }
}

TEST(Parser, RulesAlternativesAndWhitespace) {
  Grammar g = ParseGrammarText("query:\n  SELECT  1 |\n  SELECT\t2 | ;\nother: X ;\n", "t.yy");
  const Rule* q = g.Find("query");
  ASSERT_NE(q, nullptr);
  ASSERT_EQ(q->alternatives.size(), 3u);
  EXPECT_EQ(Body(g, "query", 0), "SELECT 1");
  EXPECT_EQ(Body(g, "query", 1), "SELECT 2");
  EXPECT_EQ(Body(g, "query", 2), "");  // empty alternative is legal
  EXPECT_EQ(q->loc.line, 1u);
  EXPECT_EQ(g.Find("other")->loc.line, 4u);
}

TEST(Parser, Factor) {
  Grammar g = ParseGrammarText("q: ==FACTOR:3== A | ==FACTOR:0.5== B | C ;", "t.yy");
  const auto& alts = g.Find("q")->alternatives;
  EXPECT_DOUBLE_EQ(alts[0].weight, 3);
  EXPECT_DOUBLE_EQ(alts[1].weight, 0.5);
  EXPECT_DOUBLE_EQ(alts[2].weight, 1);
  EXPECT_THROW(ParseGrammarText("q: A ==FACTOR:3== B ;", "t.yy"), GrammarError);
}

TEST(Parser, PiecesWithoutARuleNameAreSkippedWithAWarning) {
  // RQG drops text between ';'-newline and the next `name:` silently;
  // real grammars rely on it (a second ';' line after a rule).
  Grammar g = ParseGrammarText("query: A ;\n\n  broken rule ;\n| B ;\nlast: L ;\n", "g.yy");
  EXPECT_EQ(Body(g, "query"), "A");
  EXPECT_EQ(Body(g, "last"), "L");
  EXPECT_EQ(g.rules().size(), 2u);
  ASSERT_EQ(g.warnings().size(), 2u);
  EXPECT_EQ(g.warnings()[0],
            "g.yy:3:10: expected ':' after rule name 'broken', found 'rule'; text up to the next ';' ignored");
  EXPECT_EQ(g.warnings()[1],
            "g.yy:4:1: expected a rule name (a word followed by ':'), found '|'; text up to the next ';' ignored");
}

TEST(Parser, LastDefinitionWinsWithAWarning) {
  Grammar g = ParseGrammarText("a: X ;\na: Y ;\n", "t.yy");
  EXPECT_EQ(Body(g, "a"), "Y");
  ASSERT_EQ(g.warnings().size(), 1u);
  EXPECT_EQ(g.warnings()[0], "t.yy:2:1: rule 'a' is defined twice; the last definition wins");
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("randsync-grammar-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(Parser, RedefineFilesReplaceRulesAndAddRulesAccumulate) {
  TempDir d;
  std::string main = d.Write("main.yy", "query: A | B ;\nquery_init: INIT ;\nx: OLD ;\n");
  std::string r1 = d.Write("r1.yy", "x: NEW ;\nquery_add: C ;\nquery_init_add: MORE1 ;\n");
  std::string r2 = d.Write("r2.yy", "query_add: D | E ;\nquery_init_add: MORE2 ;\nthread2_init_add: T2 ;\n");
  Grammar g = ParseGrammarFiles(main, {r1, r2});
  EXPECT_EQ(Body(g, "x"), "NEW");
  const Rule* q = g.Find("query");
  ASSERT_EQ(q->alternatives.size(), 5u);
  EXPECT_EQ(Body(g, "query", 2), "C");
  EXPECT_EQ(Body(g, "query", 4), "E");
  // query_init runs the original init, then each add as extra statements.
  EXPECT_EQ(Body(g, "query_init"), "query_init__base; query_init__add1; query_init__add2");
  EXPECT_EQ(Body(g, "query_init__base"), "INIT");
  // threadN_init_add without threadN_init builds on query_init.
  EXPECT_EQ(Body(g, "thread2_init"), "thread2_init__base; thread2_init__add1");
  EXPECT_EQ(Body(g, "thread2_init__base"), Body(g, "query_init"));
}

TEST(Parser, IncludeInsertsTheFileInPlace) {
  TempDir d;
  d.Write("inc.yy", "included: FROM_INCLUDE ;\n");
  std::string main = d.Write("main.yy", "query: included ;\n#include <inc.yy>\nlast: L ;\n");
  Grammar g = ParseGrammarFiles(main, {});
  EXPECT_EQ(Body(g, "included"), "FROM_INCLUDE");
  EXPECT_EQ(Body(g, "last"), "L");
  std::string bad = d.Write("bad.yy", "query: A ;\n#include \"missing.yy\"\n");
  EXPECT_THROW(ParseGrammarFiles(bad, {}), GrammarError);
  std::string loop = d.Write("loop.yy", "#include \"loop.yy\"\nquery: A ;\n");
  EXPECT_THROW(ParseGrammarFiles(loop, {}), GrammarError);
}

TEST(Parser, MissingFileIsAnInputError) {
  EXPECT_THROW(ParseGrammarFiles("/nonexistent/x.yy", {}), InputError);
}

// Found by tests/fuzz: `b: /*$i*/ ;` compiles a Perl variable, and
// `d:/*{}*/` a Perl block, but HasCode() only looked at bare words and blocks. A `$word` inside quotes or comments
// counts when it expands: not when it touches the opening quote (or the
// closing quote of a string), and not without a lower-case letter.
TEST(Parser, HasCodeSeesVariablesInsideQuotesAndComments) {
  auto has_code = [](std::string_view text) { return ParseGrammarText(text, "t.yy").HasCode(); };
  EXPECT_TRUE(has_code("b:/*$i*/"));
  EXPECT_TRUE(has_code("d:/*{}*/"));
  EXPECT_FALSE(has_code("d:/*{*/"));
  EXPECT_TRUE(has_code("q: 'a $x b' ;\n"));
  EXPECT_TRUE(has_code("q: `t $x` ;\n"));
  EXPECT_TRUE(has_code("q: \"a $x \" ;\n"));
  EXPECT_TRUE(has_code("q: $x ;\n"));
  EXPECT_TRUE(has_code("q: { 1 } ;\n"));
  EXPECT_FALSE(has_code("q: '$x' ;\n"));
  EXPECT_FALSE(has_code("q: 'a $x' ;\n"));
  EXPECT_FALSE(has_code("q: `$x` ;\n"));
  EXPECT_FALSE(has_code("q: \"$x \" ;\n"));
  EXPECT_FALSE(has_code("q: $X '$' ;\n"));
  EXPECT_FALSE(has_code("q: A /* $ */ ;\n"));
}

}  // namespace
}  // namespace randsync::grammar
