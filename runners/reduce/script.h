// What `randsync reduce` replays and shrinks: the rows the master held when
// the failure's window began (the setup, loaded into both servers as a
// provisioning would leave them) and the master's transactions of the
// window in commit order (sent to the master alone, one session). The
// reduced test is the smallest Script that still fails the same way.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace randsync::reduce {

struct ScriptStatement {
  std::string database;  // the session's default database for it ("" none)
  std::string text;
};

struct ScriptTransaction {
  std::string gtid;  // where the master's log had it ("" once edited)
  // Sent between BEGIN and COMMIT; a DDL or one statement on its own as is.
  bool wrap = true;
  std::vector<ScriptStatement> statements;
};

// One table of the setup: its CREATE TABLE and one INSERT per row; or a
// view, trigger or routine the dump defines (`name` empty, no rows; its
// definition, which may hold ';', in `create`), in the dump's order.
struct SetupTable {
  std::string database, name;
  std::string create;
  std::vector<std::string> rows;
};

struct Script {
  std::vector<SetupTable> setup;
  std::vector<ScriptTransaction> window;

  std::size_t WindowStatements() const;
  std::size_t SetupRows() const;
  // Setup plus window statements: the size the reduction reports.
  std::size_t Statements() const;
};

// The setup as SQL statements, in order: CREATE DATABASE IF NOT EXISTS and
// USE for each database, each table's CREATE TABLE and rows.
std::vector<std::string> SetupStatements(const Script& script);
// The window as SQL statements, in order, with USE where the database
// changes and BEGIN/COMMIT around wrapped transactions.
std::vector<std::string> WindowStatements(const Script& script);

nlohmann::json ToJson(const Script& script);
Script ScriptFromJson(const nlohmann::json& j);

}  // namespace randsync::reduce
