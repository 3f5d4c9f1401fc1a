// RQG's executor-side conventions (/*executorN */, /*+mysql: */, /*!!NNNNNN */)
// as the load engine's workers apply them before sending a statement.
#include "engine/load/executor_comments.h"

#include <string>

#include <gtest/gtest.h>

namespace randsync::load {
namespace {

constexpr uint32_t k10_11_6 = 101106;

std::string Rewrite(std::string_view sql, uint32_t version = k10_11_6, unsigned executor = 1) {
  std::string scratch;
  ExecutorCommentContext ctx;
  ctx.executor = executor;
  ctx.server_version = version;
  return std::string(RewriteExecutorComments(sql, ctx, scratch));
}

TEST(ExecutorComments, ServerVersionNumber) {
  EXPECT_EQ(ServerVersionNumber("10.11.6-MariaDB-0+deb12u1"), 101106u);
  EXPECT_EQ(ServerVersionNumber("11.4.2-MariaDB"), 110402u);
  EXPECT_EQ(ServerVersionNumber("5.5.5-10.6.12-MariaDB-log"), 100612u);
  EXPECT_EQ(ServerVersionNumber("5.7.30"), 50730u);
  EXPECT_EQ(ServerVersionNumber("8.0.36-0ubuntu0.22.04.1"), 80036u);
  EXPECT_EQ(ServerVersionNumber(""), 0u);
  EXPECT_EQ(ServerVersionNumber("MariaDB"), 0u);
}

TEST(ExecutorComments, NoCommentReturnsTheSameText) {
  const std::string sql = "SELECT a FROM t WHERE b = 'x' AND c = 1";
  std::string scratch = "untouched";
  std::string_view out = RewriteExecutorComments(sql, {}, scratch);
  EXPECT_EQ(out.data(), sql.data());  // the input itself, not a copy
  EXPECT_EQ(out.size(), sql.size());
  EXPECT_EQ(scratch, "untouched");
}

TEST(ExecutorComments, OrdinaryCommentsReturnTheSameText) {
  for (const std::string sql :
       {"CREATE TABLE t (a INT) /*!50100 PARTITION BY KEY (a) PARTITIONS 2 */",
        "SELECT /* a note */ 1", "SELECT /*+ BKA(t1) */ * FROM t1", "SELECT /*+mysql */ 1",
        "SELECT /*+oracle: 1 */ 2", "SELECT /*!!*/ 1", "SELECT /*executor */ 1"}) {
    std::string scratch;
    std::string_view out = RewriteExecutorComments(sql, {1, k10_11_6}, scratch);
    EXPECT_EQ(out.data(), sql.data()) << sql;
    EXPECT_TRUE(scratch.empty()) << sql;
  }
}

TEST(ExecutorComments, ExecutorN) {
  // RQG's virtual_columns.yy: the same column PERSISTENT on 1, VIRTUAL on 2.
  const std::string sql = "v1 INT AS (a) /*executor1 PERSISTENT */ /*executor2 VIRTUAL */ ,";
  EXPECT_EQ(Rewrite(sql, k10_11_6, 1), "v1 INT AS (a) PERSISTENT  ,");
  EXPECT_EQ(Rewrite(sql, k10_11_6, 2), "v1 INT AS (a)  VIRTUAL ,");
  EXPECT_EQ(Rewrite(sql, k10_11_6, 3), "v1 INT AS (a)   ,");
  EXPECT_EQ(Rewrite("SELECT 1 /*executor10 , 2 */"), "SELECT 1 ");
  EXPECT_EQ(Rewrite("SELECT 1 /*executor01 , 2 */"), "SELECT 1 ");
  EXPECT_EQ(Rewrite("SELECT 1 /*executor1x , 2 */"), "SELECT 1 ");
  EXPECT_EQ(Rewrite("SELECT 1 /*executor1 , 2 */", k10_11_6, 10), "SELECT 1 ");
  EXPECT_EQ(Rewrite("SELECT 1 /*executor10 , 2 */", k10_11_6, 10), "SELECT 1 , 2");
  // Like RQG: the text goes in place, one space off each side, glued.
  EXPECT_EQ(Rewrite("SELECT ASTEXT(/*executor1 g */)"), "SELECT ASTEXT(g)");
}

TEST(ExecutorComments, StringsOpenedByAKeptCommentAreTheGrammars) {
  // RQG's gis.yy builds the string literal across the comments.
  const std::string sql =
      "SELECT ST_INTERSECTS( /*executor1 POINTFROMTEXT(' */ /*executor2 ST_POINTFROMTEXT(' */ "
      "POINT(1 1) ') , /*executor1 LINEFROMTEXT(' */ /*executor2 ST_LINEFROMTEXT(' */ "
      "LINESTRING(0 0,2 2) ') )";
  EXPECT_EQ(Rewrite(sql, k10_11_6, 1),
            "SELECT ST_INTERSECTS( POINTFROMTEXT('  POINT(1 1) ') , LINEFROMTEXT('  "
            "LINESTRING(0 0,2 2) ') )");
  EXPECT_EQ(Rewrite(sql, k10_11_6, 2),
            "SELECT ST_INTERSECTS(  ST_POINTFROMTEXT(' POINT(1 1) ') ,  ST_LINEFROMTEXT(' "
            "LINESTRING(0 0,2 2) ') )");
}

TEST(ExecutorComments, DbType) {
  EXPECT_EQ(Rewrite("SELECT 1 /*+mysql: , 2 */"), "SELECT 1  , 2 ");
  EXPECT_EQ(Rewrite("SELECT 1 /*+MariaDB: , 2 */"), "SELECT 1  , 2 ");
  EXPECT_EQ(Rewrite("SELECT 1 /*+JavaDB:Postgres:MySQL: , 2 */"), "SELECT 1  , 2 ");
  // RQG's portable grammars: NULLS FIRST for the others only.
  EXPECT_EQ(Rewrite("ORDER BY a /*+javadb:postgres: NULLS FIRST*/ LIMIT 1"), "ORDER BY a  LIMIT 1");
  EXPECT_EQ(Rewrite("SELECT /*+mysql:*/1"), "SELECT 1");
  // Text right after the last type name is the text, not a type.
  EXPECT_EQ(Rewrite("SELECT 1 /*+mysql:AS x*/"), "SELECT 1 AS x");
}

TEST(ExecutorComments, ReverseExecutableComment) {
  // RQG's functions.yy: VALUES() before 10.3.3, VALUE() from then on.
  const std::string sql = "SELECT /*!!100303 VALUES( a ) */ /*!100303 VALUE( a ) */";
  EXPECT_EQ(Rewrite(sql, 100302), "SELECT  VALUES( a )  /*!100303 VALUE( a ) */");
  EXPECT_EQ(Rewrite(sql, 100303), "SELECT  /*!100303 VALUE( a ) */");  // the boundary
  EXPECT_EQ(Rewrite(sql, 100304), "SELECT  /*!100303 VALUE( a ) */");
  EXPECT_EQ(Rewrite(sql, k10_11_6), "SELECT  /*!100303 VALUE( a ) */");
  // Numbers, not strings: 5.1.0 is older than 10.11.6.
  EXPECT_EQ(Rewrite("SELECT 1 /*!!50100 + 1 */", k10_11_6), "SELECT 1 ");
  EXPECT_EQ(Rewrite("SELECT 1 /*!!50100 + 1 */", 50099), "SELECT 1  + 1 ");
  EXPECT_EQ(Rewrite("SELECT /*!!999999 1 */"), "SELECT  1 ");
  // The comment stood for whitespace: tokens on both sides stay apart.
  EXPECT_EQ(Rewrite("SELECT 1/*!!100000 x */AS y"), "SELECT 1 AS y");
  EXPECT_EQ(Rewrite("SELECT 1/*!!999999 AS*/x"), "SELECT 1 AS x");
}

TEST(ExecutorComments, QuotedTextIsNotTouched) {
  for (const std::string sql : {
           "SELECT '/*executor2 x */'",
           "SELECT \"/*!!999999 x */\"",
           "SELECT `/*+mysql: x */`",
           "SELECT 'it''s /*executor2 x */'",
           "SELECT 'a\\' /*executor2 x */'",
           "SELECT 1 /* '/*executor2 x */",  // inside a comment
           "SELECT 1 # /*executor2 x */",
           "SELECT 1 -- /*executor2 x */",
       }) {
    EXPECT_EQ(Rewrite(sql, k10_11_6, 1), sql);
  }
  EXPECT_EQ(Rewrite("SELECT '/*executor2 x */', 1 /*executor2 , 2 */"), "SELECT '/*executor2 x */', 1 ");
  EXPECT_EQ(Rewrite("SELECT 2--1 /*executor2 , 2 */"), "SELECT 2--1 ");
}

TEST(ExecutorComments, UnterminatedInputIsLeftToTheServer) {
  EXPECT_EQ(Rewrite("SELECT 1 /*executor2 x"), "SELECT 1 /*executor2 x");
  EXPECT_EQ(Rewrite("SELECT 1 /*executor2 x */ , 'abc"), "SELECT 1  , 'abc");
}

TEST(ExecutorComments, ScratchIsReused) {
  std::string scratch;
  ExecutorCommentContext ctx{1, k10_11_6};
  EXPECT_EQ(RewriteExecutorComments("SELECT /*executor1 1 */", ctx, scratch), "SELECT 1");
  EXPECT_EQ(RewriteExecutorComments("SELECT /*executor1 2 */", ctx, scratch), "SELECT 2");
  const std::string plain = "SELECT 3";
  EXPECT_EQ(RewriteExecutorComments(plain, ctx, scratch).data(), plain.data());
}

}  // namespace
}  // namespace randsync::load
