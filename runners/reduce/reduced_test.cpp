#include "runners/reduce/reduced_test.h"

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "base/text_util.h"
#include "runners/backup/backup_tool.h"
#include "runners/reduce/window_script.h"
#include "runners/scenario/result_file.h"

namespace randsync::reduce {
namespace fs = std::filesystem;

namespace {

// "db.t" -> db, t.
std::pair<std::string, std::string> Split(const std::string& qualified) {
  const auto dot = qualified.find('.');
  return {qualified.substr(0, dot), dot == std::string::npos ? "" : qualified.substr(dot + 1)};
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Every database the script uses: dropped again at the test's end.
std::set<std::string> Databases(const Script& script) {
  std::set<std::string> out;
  for (const auto& t : script.setup) out.insert(t.database);
  for (const auto& tx : script.window) {
    for (const auto& s : tx.statements) {
      if (!s.database.empty()) out.insert(s.database);
    }
  }
  return out;
}

std::string Joined(const std::vector<std::string>& lines, const std::string& end) {
  std::string out;
  for (const auto& l : lines) out += l + end;
  return out;
}

// One statement as mariadb-test-run reads it: a trigger's or routine's
// body holds ';', so such a statement goes between "delimiter |;" and
// "delimiter ;|"; `error` ("--error 0,N\n" or "") right before it.
std::string MtrStatement(const std::string& sql, const std::string& error = "") {
  if (sql.find(';') == std::string::npos) return error + sql + ";\n";
  return "delimiter |;\n" + error + sql + "|\ndelimiter ;|\n";
}

std::string MtrStatements(const std::vector<std::string>& statements) {
  std::string out;
  for (const std::string& s : statements) out += MtrStatement(s);
  return out;
}

// The same for the mariadb client (test.sql, README.md): DELIMITER ;;.
std::string ClientStatements(const std::vector<std::string>& statements) {
  std::string out;
  for (const std::string& s : statements) {
    out += s.find(';') == std::string::npos ? s + ";\n" : "DELIMITER ;;\n" + s + ";;\nDELIMITER ;\n";
  }
  return out;
}

void Write(const fs::path& p, const std::string& text) { scenario::WriteResultFile(p, text); }

std::string DiffLine(const std::string& qualified) {
  const auto [db, t] = Split(qualified);
  return fmt::format("master:{}.{}, slave:{}.{}", db, t, db, t);
}

std::string OptionsText(const std::vector<std::string>& options) {
  return options.empty() ? "(none)" : fmt::format("{}", fmt::join(options, " "));
}

// DROP FUNCTION for each loadable function (CREATE FUNCTION ... SONAME)
// the window creates: it lives in mysql.func, outside the databases the
// clean-up drops, and mariadb-test-run fails a test that leaves one behind.
std::vector<std::string> DropLoadableFunctions(const std::vector<std::string>& window) {
  static const std::regex create(
      R"(^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:AGGREGATE\s+)?FUNCTION\s+(?:IF\s+NOT\s+EXISTS\s+)?(`[^`]+`|\w+)\s+RETURNS\s+\w+\s+SONAME\b)",
      std::regex::icase);
  std::vector<std::string> drops;
  for (const std::string& statement : window) {
    std::smatch m;
    if (!std::regex_search(statement, m, create)) continue;
    std::string drop = "DROP FUNCTION IF EXISTS " + m[1].str() + ";\n";
    if (std::find(drops.begin(), drops.end(), drop) == drops.end()) drops.push_back(std::move(drop));
  }
  return drops;
}

std::string ExpectedText(const Target& t) {
  switch (t.shape) {
    case FailureShape::kDivergence:
      return "After the slave has applied the master's statements, its tables equal the master's.";
    case FailureShape::kReplicationError: return "The slave applies every statement the master logged.";
    case FailureShape::kMasterCrash: return "The master executes the statements without dying.";
    default: return "";
  }
}

}  // namespace

std::string MtrTest(const ReducedTestInput& in) {
  const Script& s = in.script;
  std::map<std::size_t, unsigned> errors(in.outcome.statement_errors.begin(), in.outcome.statement_errors.end());
  std::string t;
  t += fmt::format("# {}\n# Reduced by randsync from {}.\n", in.report.summary, in.run_dir);
  t += fmt::format("--source include/have_binlog_format_{}.inc\n",
                   Lower(in.settings.binlog_format) == "statement" ? "statement" : Lower(in.settings.binlog_format));
  // mtr starts its servers without InnoDB unless a test asks for it.
  t += "--source include/have_innodb.inc\n--source include/master-slave.inc\n\n";
  t += "--disable_query_log\n--disable_result_log\n--disable_warnings\n";
  const std::vector<std::string> setup = SetupStatements(s);
  if (!setup.empty()) {
    for (const char* side : {"master", "slave"}) {
      t += fmt::format("\n# The {}'s tables at the window's start, as the provisioning left them.\n", side);
      t += fmt::format("connection {};\nSET SESSION sql_log_bin= 0;\n", side);
      t += MtrStatements(setup);
      t += "USE test;\nSET SESSION sql_log_bin= 1;\n";
    }
  }
  t += "\n# The master's statements of the window, in commit order.\nconnection master;\n";
  const std::vector<std::string> window = WindowStatements(s);
  for (std::size_t i = 0; i < window.size(); ++i) {
    const auto e = errors.find(i);
    t += MtrStatement(window[i], e == errors.end() ? "" : fmt::format("--error 0,{}\n", e->second));
  }
  t += "USE test;\n";
  // After a crash's statements nothing runs; without them (the cause
  // removed) the slave catches up before the clean-up, so that what the
  // window created is not replicated after it.
  t += "\nsync_slave_with_master;\n";
  if (in.report.target.shape != FailureShape::kMasterCrash) {
    for (const auto& table : in.report.tables) {
      t += fmt::format("let $diff_tables= {};\n--source include/diff_tables.inc\n", DiffLine(table));
    }
  }
  t += "\n# Clean up.\n";
  // A transaction left prepared holds its locks: DROP DATABASE would wait.
  if (const std::vector<std::string> xids = UnendedXids(s.window); !xids.empty()) {
    t += "connection master;\n";
    for (const std::string& xid : xids) t += fmt::format("--error 0,1397\nXA ROLLBACK {};\n", xid);
    t += "sync_slave_with_master;\n";
  }
  const std::vector<std::string> drops = DropLoadableFunctions(window);
  for (const char* side : {"master", "slave"}) {
    t += fmt::format("connection {};\nSET SESSION sql_log_bin= 0;\n", side);
    for (const std::string& drop : drops) t += drop;
    for (const std::string& db : Databases(s)) {
      t += fmt::format("DROP DATABASE IF EXISTS {};\n", QuoteIdentifier(db));
      if (db == "test") t += "CREATE DATABASE test;\n";
    }
    t += "USE test;\nSET SESSION sql_log_bin= 1;\n";
  }
  t += "connection master;\n--enable_warnings\n--enable_result_log\n--enable_query_log\n";
  t += "--source include/rpl_end.inc\n";
  return t;
}

namespace {

std::string MtrResult(const ReducedTestInput& in) {
  std::string r = "include/master-slave.inc\n[connection master]\n";
  if (in.report.target.shape != FailureShape::kMasterCrash) {
    for (const auto& table : in.report.tables) {
      r += fmt::format("include/diff_tables.inc [{}]\n", DiffLine(table));
    }
  }
  return r + "include/rpl_end.inc\n";
}

std::string TestSql(const ReducedTestInput& in) {
  std::string t = fmt::format("-- {}\n-- Reduced by randsync from {}.\n", in.report.summary, in.run_dir);
  t += fmt::format("-- Master: binlog_format={} {}; slave: {}.\n", in.settings.binlog_format,
                   OptionsText(in.settings.master_options), OptionsText(in.settings.slave_options));
  const std::vector<std::string> setup = SetupStatements(in.script);
  if (!setup.empty()) {
    t += "\n-- 1. On the master and on the slave, not replicated (as the provisioning left them):\n";
    t += "SET SESSION sql_log_bin = 0;\n" + ClientStatements(setup) + "SET SESSION sql_log_bin = 1;\n";
  }
  t += "\n-- 2. On the master, with the slave replicating from it:\n";
  t += ClientStatements(WindowStatements(in.script));
  if (!in.report.tables.empty()) {
    t += "\n-- 3. Once the slave has caught up, on both (the results should be equal):\n";
    for (const auto& table : in.report.tables) {
      const auto [db, name] = Split(table);
      t += fmt::format("SELECT * FROM {}.{} ORDER BY 1;\n", QuoteIdentifier(db), QuoteIdentifier(name));
    }
  }
  return t;
}

}  // namespace

void WriteReadme(const fs::path& dir, const ReducedTestInput& in) {
  const ReduceReport& r = in.report;
  std::string m = fmt::format("# {}\n\n", r.summary);
  m += fmt::format("Server: {}. Master: `binlog_format={}` {}. Slave: {}.\n\n", r.server_version,
                   in.settings.binlog_format, OptionsText(in.settings.master_options),
                   OptionsText(in.settings.slave_options));
  // mariadb-test-run cuts --suite at its first '-' (suite-overlay), and
  // results folders have dashes: the test is run from a copy.
  m += "## How to repeat\n\n```\n";
  m += fmt::format("cp -r {} /tmp/randsync_reduced\ncd /usr/share/mysql/mysql-test\n", fs::absolute(dir).string());
  m += fmt::format("./mariadb-test-run --suite=/tmp/randsync_reduced {}\n```\n\n", kMtrTestName);
  m += "or by hand: `test.sql` (its step 1 on both servers, step 2 on the master, step 3 on both).\n\n";
  m += "## Expected\n\n" + ExpectedText(r.target) + "\n\n";
  m += "## Actual\n\n" + in.outcome.detail + "\n";
  for (const auto& row : in.outcome.rows) m += "- " + row + "\n";
  m += "\n## The test\n\n";
  m += fmt::format("{} setup rows in {} tables, {} statements on the master ({} transactions).\n\n",
                   in.script.SetupRows(), in.script.setup.size(), in.script.WindowStatements(),
                   in.script.window.size());
  m += "```sql\n" + ClientStatements(WindowStatements(in.script)) + "```\n\n";
  m += "## How it was reduced\n\n";
  m += fmt::format("From {} statements ({} transactions, {} setup rows) to {} ({} transactions, {} setup rows), "
                   "on {} fresh server pairs in {:.0f} s{}.\n",
                   r.statements_before, r.transactions_before, r.setup_rows_before, r.statements_after,
                   r.transactions_after, r.setup_rows_after, r.pairs, r.wall_s,
                   r.budget_ran_out ? " (the budget ran out: smaller may exist)" : "");
  m += fmt::format("Reproduced {} of {} times on fresh servers; under mariadb-test-run: {}.\n", r.reproduced,
                   r.verify_runs, r.mtr.empty() ? "not run" : r.mtr);
  if (!in.cause.empty()) m += fmt::format("\nrandsync explain said: {}\n", in.cause);
  m += fmt::format("\nOriginal run: `{}`.\n", in.run_dir);
  Write(dir / "README.md", m);
}

void WriteReducedTest(const fs::path& dir, const ReducedTestInput& in) {
  fs::create_directories(dir);
  Write(dir / "test.sql", TestSql(in));
  Write(dir / fmt::format("{}.test", kMtrTestName), MtrTest(in));
  Write(dir / fmt::format("{}.result", kMtrTestName), MtrResult(in));
  Write(dir / fmt::format("{}-master.opt", kMtrTestName), Joined(in.settings.master_options, "\n"));
  Write(dir / fmt::format("{}-slave.opt", kMtrTestName), Joined(in.settings.slave_options, "\n"));
  nlohmann::json j = in.report.ToJson();
  j["script"] = ToJson(in.script);
  Write(dir / "reduce.json", j.dump(2) + "\n");
  WriteReadme(dir, in);
}

MtrVerdict RunMtr(const fs::path& dir, const fs::path& mtr_dir, const Target& target, const fs::path& vardir) {
  MtrVerdict v;
  const fs::path runner = mtr_dir / "mariadb-test-run.pl";
  if (!fs::exists(runner)) {
    v.detail = fmt::format("not run: {} not found (Debian package mariadb-test)", runner.string());
    return v;
  }
  const fs::path log = dir / "mtr.log";
  std::error_code ec;
  fs::remove(log, ec);
  // mariadb-test-run cuts --suite at its first '-': the suite goes by a
  // link whose path has none.
  fs::path base = fs::temp_directory_path();
  if (base.string().find('-') != std::string::npos) base = "/tmp";
  std::string link_dir = (base / "rsmtrXXXXXX").string();
  if (mkdtemp(link_dir.data()) == nullptr) {
    v.detail = "not run: cannot create a folder in " + base.string();
    return v;
  }
  const fs::path suite = fs::path(link_dir) / "reduced";
  fs::create_directory_symlink(fs::absolute(dir), suite, ec);
  struct Unlink {
    fs::path p;
    ~Unlink() {
      std::error_code e;
      fs::remove_all(p, e);
    }
  } unlink{link_dir};
  const std::string script =
      fmt::format("cd {} && perl mariadb-test-run.pl --vardir={} --suite={} --force --retry=0 "
                  "--max-test-fail=0 --testcase-timeout=5 --parallel=1 {}",
                  ShellQuote(mtr_dir.string()), ShellQuote(vardir.string()), ShellQuote(suite.string()), kMtrTestName);
  v.ran = true;
  try {
    backup::RunTool("mariadb-test-run", {"/bin/bash", "-c", script}, log, std::chrono::seconds(600));
  } catch (const std::exception&) {
    v.failed = true;  // the log says how
  }
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (!v.failed) {
    v.detail = text.find("[ pass ]") != std::string::npos ? "passed" : "did not run the test (see mtr.log)";
    return v;
  }
  if (text.find("[ skipped ]") != std::string::npos || text.find("[ fail ]") == std::string::npos) {
    v.detail = "could not run the test (see mtr.log)";
    v.failed = false;
    return v;
  }
  switch (target.shape) {
    case FailureShape::kDivergence: v.as_expected = text.find("diff_files") != std::string::npos; break;
    case FailureShape::kReplicationError:
      v.as_expected = text.find("sync_slave_with_master") != std::string::npos ||
                      text.find("Slave SQL thread") != std::string::npos;
      break;
    case FailureShape::kMasterCrash:
      v.as_expected = text.find("Lost connection") != std::string::npos ||
                      text.find("gone away") != std::string::npos ||
                      text.find("failed during test run") != std::string::npos;
      break;
    default: break;
  }
  v.detail = v.as_expected ? "failed as the run did (see mtr.log)" : "failed another way (see mtr.log)";
  return v;
}

}  // namespace randsync::reduce
