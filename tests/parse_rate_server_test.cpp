// Runs generated statements of every corpus grammar (and the shipped ones)
// against a real server and counts parse errors (ER_PARSE_ERROR, 1064): a
// parse error means the generator wrote SQL the grammar did not mean, or the
// grammar targets another server version. The rates per grammar are printed
// and written to parse_rates.txt in the test's working directory.
//
// The shipped default grammar and transactions.yy must parse completely;
// for the rest the rates are reported, not asserted (old grammars carry
// MySQL-only syntax).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "db/connection.h"
#include "db/db_error.h"
#include "db/dsn.h"
#include "engine/gendata/gendata.h"
#include "engine/generator/generator.h"
#include "engine/grammar/parser.h"
#include "engine/load/executor_comments.h"
#include "tests/support/shared_server.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kQueriesPerGrammar = 100;  // 200 (and 8 s) took 102 s of CI, 100 take 82 s
constexpr auto kTimePerGrammar = std::chrono::seconds(4);

struct Rate {
  uint64_t statements = 0;
  uint64_t parse_errors = 0;
  std::string first_parse_error;
  std::string note;
};

fs::path Corpus() { return fs::path(RANDSYNC_CORPUS_DIR); }

std::vector<fs::path> Grammars() {
  std::vector<fs::path> out{fs::path(RANDSYNC_SOURCE_DIR) / "grammars/default.yy"};
  std::vector<fs::path> corpus;
  std::error_code ec;
  if (fs::is_directory(Corpus() / "conf", ec)) {
    for (const auto& e : fs::recursive_directory_iterator(Corpus() / "conf")) {
      if (e.is_regular_file() && e.path().extension() == ".yy") corpus.push_back(e.path());
    }
  }
  std::sort(corpus.begin(), corpus.end());
  out.insert(out.end(), corpus.begin(), corpus.end());
  return out;
}

// Statements that would take the shared test server down or block the run:
// this test measures syntax, not survival.
bool Dangerous(std::string_view st) {
  auto starts = [&](std::string_view p) {
    if (st.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(st[i])) != p[i]) return false;
    }
    return true;
  };
  return starts("SHUTDOWN") || starts("KILL") || starts("SET GLOBAL") || starts("FLUSH") ||
         starts("LOCK") || starts("XA ") || starts("INSTALL") || starts("UNINSTALL") ||
         starts("RESET") || starts("PURGE") || starts("CHANGE MASTER") || starts("STOP") ||
         starts("START SLAVE") || starts("BACKUP") || starts("SET @@GLOBAL");
}

class ParseRate : public testsupport::SharedServerTest {};

TEST_F(ParseRate, CorpusGrammarsOnARealServer) {
  auto values = std::make_shared<ValueGenerator>(Dictionaries::Load({(Corpus() / "dict").string()}));
  std::map<std::string, Rate> rates;
  for (const fs::path& path : Grammars()) {
    std::string name = path.string();
    if (name.rfind(Corpus().string(), 0) == 0) name = fs::relative(path, Corpus()).string();
    Rate& rate = rates[name];
    grammar::Grammar g = grammar::ParseGrammarFiles(path.string(), {});
    if (!g.Find("query")) {
      rate.note = "redefine module";
      continue;
    }
    // Fresh data for each grammar: its .zz when it has one, else RQG's
    // default data, in database `test`.
    Exec("DROP DATABASE IF EXISTS test");
    Exec("CREATE DATABASE test");
    db::Dsn dsn = db::ParseDsn(server().Dsn("test"));
    fs::path zz = fs::path(path).replace_extension(".zz");
    std::shared_ptr<const Schema> schema;
    GendataOptions gopts;
    gopts.rows_limit = 100;  // syntax does not need big tables
    try {
      std::error_code ec;
      if (fs::exists(zz, ec)) {
        Generate(dsn, DataSpecFile{zz.string()}, gopts);
        schema = std::make_shared<Schema>(LoadSchemaFile(zz.string()));
      } else {
        Generate(dsn, SimpleData{}, gopts);
        schema = std::make_shared<Schema>(DefaultSchema());
      }
    } catch (const std::exception& e) {
      rate.note = std::string("gendata failed: ") + e.what();
      continue;
    }
    auto program = std::make_shared<Program>(g, *values);
    GeneratorOptions o;
    o.seed = 1;
    o.values = values;
    o.schema = schema;
    Generator gen(program, o);
    // RQG's executor enables multi-statements: a query its compound-statement
    // heuristic keeps whole ("DROP PROCEDURE p ; CREATE PROCEDURE p ... END")
    // goes to the server in one call.
    db::ConnectOptions copts;
    copts.multi_statements = true;
    db::Connection conn(dsn, copts);
    conn.Execute("SET SESSION max_statement_time = 0.5, lock_wait_timeout = 1, innodb_lock_wait_timeout = 1");
    // What the load engine sends: RQG's executor conventions resolved.
    load::ExecutorCommentContext ctx{1, load::ServerVersionNumber(conn.server_version())};
    std::string scratch;
    Clock::time_point deadline = Clock::now() + kTimePerGrammar;
    for (int q = 0; q < kQueriesPerGrammar && Clock::now() < deadline; ++q) {
      std::vector<std::string> statements;
      try {
        for (std::string_view st : gen.Next()) statements.emplace_back(st);
      } catch (const std::exception& e) {
        rate.note = std::string("generator: ") + e.what();
        break;
      }
      for (const std::string& st : statements) {
        if (Dangerous(st)) continue;
        ++rate.statements;
        try {
          conn.Execute(load::RewriteExecutorComments(st, ctx, scratch));
        } catch (const db::DbError& e) {
          if (e.error_number() == 1064) {
            if (rate.parse_errors++ == 0) rate.first_parse_error = st.substr(0, 160);
          } else if (e.error_number() >= 2000) {
            // The session is gone (killed, or the server restarted):
            // reconnect so one grammar cannot end the measurement.
            server().CheckAlive();
            conn = db::Connection(dsn, copts);
            conn.Execute("SET SESSION max_statement_time = 0.5");
          }
        }
      }
    }
  }

  std::ofstream report("parse_rates.txt");
  uint64_t total = 0, total_errors = 0;
  for (const auto& [name, r] : rates) {
    char line[512];
    double pct = r.statements ? 100.0 * r.parse_errors / r.statements : 0.0;
    std::snprintf(line, sizeof line, "%-58s %7llu stmts %6llu parse errors %6.2f%%  %s", name.c_str(),
                  static_cast<unsigned long long>(r.statements),
                  static_cast<unsigned long long>(r.parse_errors), pct,
                  r.note.empty() ? r.first_parse_error.c_str() : r.note.c_str());
    std::cout << line << "\n";
    report << line << "\n";
    total += r.statements;
    total_errors += r.parse_errors;
  }
  std::cout << "total: " << total << " statements, " << total_errors << " parse errors\n";
  report << "total: " << total << " statements, " << total_errors << " parse errors\n";

  const Rate& def = rates.at((fs::path(RANDSYNC_SOURCE_DIR) / "grammars/default.yy").string());
  EXPECT_GT(def.statements, 100u);
  EXPECT_EQ(def.parse_errors, 0u) << def.first_parse_error;
  const Rate& tx = rates.at("conf/transactions/transactions.yy");
  EXPECT_GT(tx.statements, 100u) << tx.note;
  EXPECT_EQ(tx.parse_errors, 0u) << tx.first_parse_error;
  EXPECT_GT(total, 10000u);
}

}  // namespace
}  // namespace randsync
