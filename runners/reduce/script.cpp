#include "runners/reduce/script.h"

#include "base/text_util.h"

namespace randsync::reduce {
using nlohmann::json;

std::size_t Script::WindowStatements() const {
  std::size_t n = 0;
  for (const auto& t : window) n += t.statements.size();
  return n;
}

std::size_t Script::SetupRows() const {
  std::size_t n = 0;
  for (const auto& t : setup) n += t.rows.size();
  return n;
}

std::size_t Script::Statements() const { return setup.size() + SetupRows() + WindowStatements(); }

std::vector<std::string> SetupStatements(const Script& script) {
  std::vector<std::string> out;
  std::string current;
  for (const SetupTable& t : script.setup) {
    if (t.database != current || out.empty()) {
      out.push_back("CREATE DATABASE IF NOT EXISTS " + QuoteIdentifier(t.database));
      out.push_back("USE " + QuoteIdentifier(t.database));
      current = t.database;
    }
    out.push_back(t.create);
    for (const auto& r : t.rows) out.push_back(r);
  }
  return out;
}

std::vector<std::string> WindowStatements(const Script& script) {
  std::vector<std::string> out;
  std::string current = "\x01";  // no database chosen yet
  for (const ScriptTransaction& t : script.window) {
    if (t.statements.empty()) continue;
    const bool wrap = t.wrap && t.statements.size() > 1;
    if (wrap) out.push_back("BEGIN");
    for (const ScriptStatement& s : t.statements) {
      if (!s.database.empty() && s.database != current) {
        out.push_back("USE " + QuoteIdentifier(s.database));
        current = s.database;
      }
      out.push_back(s.text);
    }
    if (wrap) out.push_back("COMMIT");
  }
  return out;
}

json ToJson(const Script& script) {
  json setup = json::array(), window = json::array();
  for (const auto& t : script.setup) {
    setup.push_back({{"database", t.database}, {"name", t.name}, {"create", t.create}, {"rows", t.rows}});
  }
  for (const auto& t : script.window) {
    json statements = json::array();
    for (const auto& s : t.statements) statements.push_back({{"database", s.database}, {"text", s.text}});
    window.push_back({{"gtid", t.gtid}, {"wrap", t.wrap}, {"statements", statements}});
  }
  return {{"setup", setup}, {"window", window}};
}

Script ScriptFromJson(const json& j) {
  Script s;
  for (const auto& t : j.value("setup", json::array())) {
    s.setup.push_back({t.value("database", ""), t.value("name", ""), t.value("create", ""),
                       t.value("rows", std::vector<std::string>{})});
  }
  for (const auto& t : j.value("window", json::array())) {
    ScriptTransaction tx{t.value("gtid", ""), t.value("wrap", true), {}};
    for (const auto& st : t.value("statements", json::array())) {
      tx.statements.push_back({st.value("database", ""), st.value("text", "")});
    }
    s.window.push_back(std::move(tx));
  }
  return s;
}

}  // namespace randsync::reduce
