// The schema snapshot file, version 1:
//
// {
//   "format": "randsync-schema",          required, exactly this
//   "version": 1,                         required; other versions are refused
//   "default_database": "test",           optional, default "test"
//   "databases": [                        required
//     {"name": "test",
//      "tables": [
//        {"name": "A",
//         "type": "table",                optional: "table" (default) | "view"
//         "columns": [
//           {"name": "col_int_key",
//            "type_class": "int",         RQG class or raw data type
//            "column_type": "int(11)",    optional, default ""
//            "key": "indexed"}]}]}],      optional: "primary" | "indexed" |
//                                         "ordinary" (default)
//   "collations": ["latin1_swedish_ci", ...],   optional, default []
//   "charsets": ["latin1", ...]                 optional, default []
// }
//
// Readers refuse unknown members (a typo must not silently drop data) and
// duplicate names; a change that old readers cannot ignore bumps "version".
// Lists may be in any order: reading normalizes them.
#include <set>

#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "engine/schema/schema.h"

namespace randsync {

namespace {

constexpr const char* kFormat = "randsync-schema";
constexpr int kVersion = 1;

using nlohmann::json;

const char* KeyKind(const Column& c) {
  if (c.primary) return "primary";
  if (c.indexed) return "indexed";
  return "ordinary";
}

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw InputError("schema JSON: " + (where.empty() ? "" : where + ": ") + what);
}

std::string Join(const std::string& where, const std::string& member) {
  return where.empty() ? member : where + "." + member;
}

void CheckMembers(const json& j, const std::string& where,
                  std::initializer_list<const char*> allowed) {
  if (!j.is_object()) Fail(where, "expected an object");
  for (const auto& item : j.items()) {
    bool known = false;
    for (const char* name : allowed) known = known || item.key() == name;
    if (!known) Fail(Join(where, item.key()), "unknown member");
  }
}

const json* Member(const json& j, const char* name, const std::string& where, bool required) {
  auto it = j.find(name);
  if (it == j.end()) {
    if (required) Fail(Join(where, name), "missing");
    return nullptr;
  }
  return &*it;
}

std::string String(const json& j, const char* name, const std::string& where, bool required,
                   const std::string& fallback = "") {
  const json* value = Member(j, name, where, required);
  if (value == nullptr) return fallback;
  if (!value->is_string()) Fail(Join(where, name), "expected a string");
  std::string s = value->get<std::string>();
  if (required && s.empty()) Fail(Join(where, name), "must not be empty");
  return s;
}

const json& Array(const json& j, const char* name, const std::string& where) {
  const json* value = Member(j, name, where, true);
  if (!value->is_array()) Fail(Join(where, name), "expected an array");
  return *value;
}

std::vector<std::string> StringList(const json& j, const char* name, const std::string& where) {
  std::vector<std::string> out;
  const json* value = Member(j, name, where, false);
  if (value == nullptr) return out;
  if (!value->is_array()) Fail(Join(where, name), "expected an array of strings");
  for (size_t i = 0; i < value->size(); ++i) {
    if (!(*value)[i].is_string()) {
      Fail(Join(where, name) + "[" + std::to_string(i) + "]", "expected a string");
    }
    out.push_back((*value)[i].get<std::string>());
  }
  return out;
}

Column ColumnFromJson(const json& j, const std::string& where) {
  CheckMembers(j, where, {"name", "type_class", "column_type", "key"});
  Column c;
  c.name = String(j, "name", where, true);
  c.type_class = String(j, "type_class", where, true);
  c.column_type = String(j, "column_type", where, false);
  std::string key = String(j, "key", where, false, "ordinary");
  if (key == "primary") {
    c.primary = c.indexed = true;
  } else if (key == "indexed") {
    c.indexed = true;
  } else if (key != "ordinary") {
    Fail(Join(where, "key"), "expected \"primary\", \"indexed\" or \"ordinary\", got \"" + key + "\"");
  }
  return c;
}

Table TableFromJson(const json& j, const std::string& where) {
  CheckMembers(j, where, {"name", "type", "columns"});
  Table t;
  t.name = String(j, "name", where, true);
  std::string type = String(j, "type", where, false, "table");
  if (type != "table" && type != "view") {
    Fail(Join(where, "type"), "expected \"table\" or \"view\", got \"" + type + "\"");
  }
  t.is_view = type == "view";
  const json& columns = Array(j, "columns", where);
  std::set<std::string> seen;
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string at = Join(where, "columns") + "[" + std::to_string(i) + "]";
    t.columns.push_back(ColumnFromJson(columns[i], at));
    if (!seen.insert(t.columns.back().name).second) {
      Fail(at, "duplicate column \"" + t.columns.back().name + "\"");
    }
  }
  return t;
}

Database DatabaseFromJson(const json& j, const std::string& where) {
  CheckMembers(j, where, {"name", "tables"});
  Database db;
  db.name = String(j, "name", where, true);
  const json& tables = Array(j, "tables", where);
  std::set<std::string> seen;
  for (size_t i = 0; i < tables.size(); ++i) {
    std::string at = Join(where, "tables") + "[" + std::to_string(i) + "]";
    db.tables.push_back(TableFromJson(tables[i], at));
    if (!seen.insert(db.tables.back().name).second) {
      Fail(at, "duplicate table \"" + db.tables.back().name + "\"");
    }
  }
  return db;
}

}  // namespace

nlohmann::json Schema::ToJson() const {
  json databases_json = json::array();
  for (const Database& db : databases) {
    json tables_json = json::array();
    for (const Table& table : db.tables) {
      json columns_json = json::array();
      for (const Column& c : table.columns) {
        columns_json.push_back({{"name", c.name},
                                {"type_class", c.type_class},
                                {"column_type", c.column_type},
                                {"key", KeyKind(c)}});
      }
      tables_json.push_back({{"name", table.name},
                             {"type", table.is_view ? "view" : "table"},
                             {"columns", std::move(columns_json)}});
    }
    databases_json.push_back({{"name", db.name}, {"tables", std::move(tables_json)}});
  }
  return json{{"format", kFormat},
              {"version", kVersion},
              {"default_database", default_database},
              {"databases", std::move(databases_json)},
              {"collations", collations},
              {"charsets", charsets}};
}

Schema Schema::FromJson(const nlohmann::json& j) {
  CheckMembers(j, "",
               {"format", "version", "default_database", "databases", "collations", "charsets"});
  const json* format = Member(j, "format", "", true);
  if (!format->is_string() || format->get<std::string>() != kFormat) {
    Fail("format", std::string("expected \"") + kFormat + "\"");
  }
  const json* version = Member(j, "version", "", true);
  if (!version->is_number_integer() || version->get<int64_t>() != kVersion) {
    Fail("version", "unsupported version " + version->dump() + " (this build reads version " +
                        std::to_string(kVersion) + ")");
  }
  Schema schema;
  schema.default_database = String(j, "default_database", "", false, "test");
  const json& databases = Array(j, "databases", "");
  std::set<std::string> seen;
  for (size_t i = 0; i < databases.size(); ++i) {
    std::string at = "databases[" + std::to_string(i) + "]";
    schema.databases.push_back(DatabaseFromJson(databases[i], at));
    if (!seen.insert(schema.databases.back().name).second) {
      Fail(at, "duplicate database \"" + schema.databases.back().name + "\"");
    }
  }
  schema.collations = StringList(j, "collations", "");
  schema.charsets = StringList(j, "charsets", "");
  schema.Normalize();
  return schema;
}

}  // namespace randsync
