#include "checker/schema_diff.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/text_util.h"
#include "checker/chunk_plan.h"
#include "db/connection.h"

namespace randsync::checker {
namespace {

// What a NULL in information_schema is shown as (no default, no charset).
constexpr std::string_view kNone = "(none)";

// One schema object as read from one side. Objects of one kind are read by
// the same code on both sides, so both carry the same property names.
struct Object {
  // The object this one belongs to (a column's table), "" for none: when
  // the parent exists on one side only, that is the one difference reported.
  std::string parent;
  std::string summary;  // shown for a missing or extra object
  std::map<std::string, std::string> properties;  // what -> value
  std::vector<std::string> columns;  // tables: column names in order
};
// By report name ("`db`.`t1`", "index `db`.`t1`.`k1`", ...).
using Objects = std::map<std::string, Object>;

// One row of a RowSet, read by column name: the queries below stay readable
// and a column an older server lacks (STATISTICS.IGNORED) reads as NULL.
class Fields {
 public:
  Fields(const db::RowSet& rows, const db::Row& row) : rows_(rows), row_(row) {}
  std::optional<std::string> Get(std::string_view name) const {
    for (size_t i = 0; i < rows_.columns.size(); ++i) {
      if (rows_.columns[i] == name) return row_[i];
    }
    return std::nullopt;
  }
  std::string operator[](std::string_view name) const {
    return Get(name).value_or(std::string(kNone));
  }

 private:
  const db::RowSet& rows_;
  const db::Row& row_;
};

// Runs `sql` and calls fn(Fields) for each row.
template <typename Fn>
void ForEachRow(db::Connection& conn, const std::string& sql, Fn&& fn) {
  const db::RowSet rows = conn.QueryRows(sql);
  for (const db::Row& row : rows.rows) fn(Fields(rows, row));
}

// Reads one database's schema from one side. Objects are named under
// `shown` (the master's database name), whichever database is read.
class SchemaReader {
 public:
  SchemaReader(db::Connection& conn, const std::string& database, const std::string& shown)
      : conn_(conn), db_(database), shown_(QuoteIdentifier(shown)) {}

  // Whether the database exists; fills `objects` with its database object.
  bool ReadDatabase(Objects& objects) {
    bool found = false;
    ForEachRow(conn_,
               "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
               " FROM information_schema.SCHEMATA WHERE " + Where("SCHEMA_NAME"),
               [&](const Fields& f) {
                 found = true;
                 objects["database " + shown_] = {
                     "",
                     "database",
                     {{"charset", f["DEFAULT_CHARACTER_SET_NAME"]},
                      {"collation", f["DEFAULT_COLLATION_NAME"]}},
                     {}};
               });
    return found;
  }

  void ReadAll(Objects& objects) {
    ReadTables(objects);
    ReadColumns(objects);
    ReadIndexes(objects);
    ReadChecks(objects);
    ReadForeignKeys(objects);
    ReadViews(objects);
    ReadTriggers(objects);
    ReadRoutines(objects);
    ReadEvents(objects);
  }

 private:
  std::string Where(const char* column) { return fmt::format("{} = {}", column, conn_.Quote(db_)); }
  std::string Name(std::string_view name) { return shown_ + "." + QuoteIdentifier(name); }

  // An Aria table's PAGE_CHECKSUM=1 is the server's default
  // (aria_page_checksum=ON), which SHOW CREATE TABLE spells out: a table a
  // logical dump recreated shows it where the original, created without
  // it, does not (seen: a schema "difference" on every Aria table
  // provisioned with mydumper or mariadb-dump). Left out on both sides;
  // page_checksum=0 stays a difference.
  static std::string CreateOptionsAsCompared(const std::string& engine, std::string options) {
    if (engine != "Aria") return options;
    static const std::string kDefault = "page_checksum=1";
    for (auto at = options.find(kDefault); at != std::string::npos; at = options.find(kDefault)) {
      options.erase(at, kDefault.size());
      if (at < options.size() && options[at] == ' ') options.erase(at, 1);
      else if (at > 0 && options[at - 1] == ' ') options.erase(at - 1, 1);
    }
    return options;
  }

  // Base tables, sequences and system-versioned tables (views are read from
  // VIEWS; TEMPORARY ones belong to this session only). Not AUTO_INCREMENT:
  // see the header.
  void ReadTables(Objects& objects) {
    ForEachRow(conn_,
               "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS,"
               " TABLE_COMMENT FROM information_schema.TABLES WHERE " + Where("TABLE_SCHEMA") +
                   " AND TABLE_TYPE NOT IN ('VIEW', 'TEMPORARY')",
               [&](const Fields& f) {
                 objects[Name(f["TABLE_NAME"])] = {
                     "",
                     fmt::format("{} ENGINE={}", f["TABLE_TYPE"], f["ENGINE"]),
                     {{"table type", f["TABLE_TYPE"]},
                      {"engine", f["ENGINE"]},
                      {"collation", f["TABLE_COLLATION"]},
                      {"create options", CreateOptionsAsCompared(f["ENGINE"], f["CREATE_OPTIONS"])},
                      {"comment", f["TABLE_COMMENT"]}},
                     {}};
               });
  }

  // Columns of the tables read above (COLUMNS also lists view columns; a
  // view is compared by its definition instead).
  void ReadColumns(Objects& objects) {
    ForEachRow(conn_,
               "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT,"
               " CHARACTER_SET_NAME, COLLATION_NAME, EXTRA, GENERATION_EXPRESSION,"
               " COLUMN_COMMENT FROM information_schema.COLUMNS WHERE " +
                   Where("TABLE_SCHEMA") + " ORDER BY TABLE_NAME, ORDINAL_POSITION",
               [&](const Fields& f) {
                 const std::string table = Name(f["TABLE_NAME"]);
                 auto it = objects.find(table);
                 if (it == objects.end()) return;
                 it->second.columns.push_back(f["COLUMN_NAME"]);
                 objects[table + "." + QuoteIdentifier(f["COLUMN_NAME"])] = {
                     table,
                     f["COLUMN_TYPE"],
                     {{"column type", f["COLUMN_TYPE"]},
                      {"nullability", f["IS_NULLABLE"] == "YES" ? "NULL" : "NOT NULL"},
                      // NULL: no default; the string 'NULL': DEFAULT NULL.
                      {"default", f["COLUMN_DEFAULT"]},
                      {"charset", f["CHARACTER_SET_NAME"]},
                      {"collation", f["COLLATION_NAME"]},
                      {"extra", f["EXTRA"]},
                      {"generation expression", f["GENERATION_EXPRESSION"]},
                      {"comment", f["COLUMN_COMMENT"]}},
                     {}};
               });
  }

  // One definition string per index, e.g. "UNIQUE BTREE (`a`, `b`(10) DESC)":
  // built from STATISTICS rows in SEQ_IN_INDEX order. SELECT *: IGNORED
  // exists from 10.6 on only.
  void ReadIndexes(Objects& objects) {
    std::map<std::string, std::vector<std::string>> columns;  // index -> columns
    std::map<std::string, std::string> heads, tails;          // index -> text around them
    ForEachRow(conn_,
               "SELECT * FROM information_schema.STATISTICS WHERE " + Where("TABLE_SCHEMA") +
                   " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
               [&](const Fields& f) {
                 const std::string table = Name(f["TABLE_NAME"]);
                 if (!objects.count(table)) return;
                 const std::string index =
                     "index " + table + "." + QuoteIdentifier(f["INDEX_NAME"]);
                 std::string column = QuoteIdentifier(f["COLUMN_NAME"]);
                 if (auto sub = f.Get("SUB_PART")) column += "(" + *sub + ")";
                 if (f["COLLATION"] == "D") column += " DESC";
                 columns[index].push_back(column);
                 heads[index] = fmt::format("{}{}", f["NON_UNIQUE"] == "0" ? "UNIQUE " : "",
                                            f["INDEX_TYPE"]);
                 std::string tail;
                 if (auto c = f.Get("INDEX_COMMENT"); c && !c->empty()) tail += " COMMENT " + *c;
                 if (f.Get("IGNORED") && f["IGNORED"] == "YES") tail += " IGNORED";
                 tails[index] = tail;
                 objects[index].parent = table;
               });
    for (const auto& [index, cols] : columns) {
      const std::string definition =
          fmt::format("{} ({}){}", heads[index], fmt::join(cols, ", "), tails[index]);
      objects[index].summary = definition;
      objects[index].properties["index definition"] = definition;
    }
  }

  // SELECT *: LEVEL (Column or Table) exists from 10.5.10 on only.
  void ReadChecks(Objects& objects) {
    ForEachRow(conn_,
               "SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE " +
                   Where("CONSTRAINT_SCHEMA"),
               [&](const Fields& f) {
                 const std::string table = Name(f["TABLE_NAME"]);
                 std::string definition = "CHECK (" + f["CHECK_CLAUSE"] + ")";
                 if (auto level = f.Get("LEVEL")) definition = *level + " " + definition;
                 objects["check " + table + "." + QuoteIdentifier(f["CONSTRAINT_NAME"])] = {
                     table, definition, {{"check definition", definition}}, {}};
               });
  }

  // "(`a`, `b`) REFERENCES `db`.`p` (`x`, `y`) ON UPDATE .. ON DELETE ..":
  // the rules from REFERENTIAL_CONSTRAINTS, the columns from
  // KEY_COLUMN_USAGE in ORDINAL_POSITION order.
  void ReadForeignKeys(Objects& objects) {
    auto key = [&](const Fields& f) {
      return "foreign key " + Name(f["TABLE_NAME"]) + "." + QuoteIdentifier(f["CONSTRAINT_NAME"]);
    };
    std::map<std::string, std::string> rules, referenced;
    std::map<std::string, std::vector<std::string>> columns, referenced_columns;
    ForEachRow(conn_,
               "SELECT CONSTRAINT_NAME, TABLE_NAME, UPDATE_RULE, DELETE_RULE"
               " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE " +
                   Where("CONSTRAINT_SCHEMA"),
               [&](const Fields& f) {
                 rules[key(f)] =
                     fmt::format("ON UPDATE {} ON DELETE {}", f["UPDATE_RULE"], f["DELETE_RULE"]);
               });
    ForEachRow(conn_,
               "SELECT CONSTRAINT_NAME, TABLE_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA,"
               " REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME"
               " FROM information_schema.KEY_COLUMN_USAGE WHERE " + Where("TABLE_SCHEMA") +
                   " AND REFERENCED_TABLE_NAME IS NOT NULL"
                   " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
               [&](const Fields& f) {
                 columns[key(f)].push_back(QuoteIdentifier(f["COLUMN_NAME"]));
                 referenced_columns[key(f)].push_back(QuoteIdentifier(f["REFERENCED_COLUMN_NAME"]));
                 referenced[key(f)] = QuoteIdentifier(f["REFERENCED_TABLE_SCHEMA"]) + "." +
                                      QuoteIdentifier(f["REFERENCED_TABLE_NAME"]);
                 objects[key(f)].parent = Name(f["TABLE_NAME"]);
               });
    for (const auto& [fk, cols] : columns) {
      const std::string definition =
          fmt::format("({}) REFERENCES {} ({}) {}", fmt::join(cols, ", "), referenced[fk],
                      fmt::join(referenced_columns[fk], ", "), rules[fk]);
      objects[fk].summary = definition;
      objects[fk].properties["foreign key definition"] = definition;
    }
  }

  void ReadViews(Objects& objects) {
    ForEachRow(conn_,
               "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE, ALGORITHM,"
               " DEFINER FROM information_schema.VIEWS WHERE " + Where("TABLE_SCHEMA"),
               [&](const Fields& f) {
                 objects["view " + Name(f["TABLE_NAME"])] = {
                     "",
                     f["VIEW_DEFINITION"],
                     {{"view definition", f["VIEW_DEFINITION"]},
                      {"check option", f["CHECK_OPTION"]},
                      {"security type", f["SECURITY_TYPE"]},
                      {"algorithm", f["ALGORITHM"]},
                      {"definer", f["DEFINER"]}},
                     {}};
               });
  }

  void ReadTriggers(Objects& objects) {
    ForEachRow(conn_,
               "SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_TIMING,"
               " ACTION_STATEMENT, ACTION_ORDER, SQL_MODE, DEFINER"
               " FROM information_schema.TRIGGERS WHERE " + Where("TRIGGER_SCHEMA"),
               [&](const Fields& f) {
                 const std::string event =
                     fmt::format("{} {} ON {}", f["ACTION_TIMING"], f["EVENT_MANIPULATION"],
                                 QuoteIdentifier(f["EVENT_OBJECT_TABLE"]));
                 objects["trigger " + Name(f["TRIGGER_NAME"])] = {
                     Name(f["EVENT_OBJECT_TABLE"]),
                     event,
                     {{"trigger event", event},
                      {"trigger definition", f["ACTION_STATEMENT"]},
                      {"trigger order", f["ACTION_ORDER"]},
                      {"sql_mode", f["SQL_MODE"]},
                      {"definer", f["DEFINER"]}},
                     {}};
               });
  }

  // "procedure `db`.`p`", "function `db`.`f`" (also packages, Oracle mode).
  std::string RoutineName(const Fields& f, const char* name_column) {
    std::string type = f["ROUTINE_TYPE"];
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type + " " + Name(f[name_column]);
  }

  void ReadRoutines(Objects& objects) {
    ForEachRow(conn_,
               "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION,"
               " IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, SQL_MODE, DEFINER,"
               " ROUTINE_COMMENT FROM information_schema.ROUTINES WHERE " +
                   Where("ROUTINE_SCHEMA"),
               [&](const Fields& f) {
                 objects[RoutineName(f, "ROUTINE_NAME")] = {
                     "",
                     f["ROUTINE_TYPE"] + "()",
                     {{"routine definition", f["ROUTINE_DEFINITION"]},
                      {"routine parameters", ""},
                      {"return type", f["DTD_IDENTIFIER"]},
                      {"deterministic", f["IS_DETERMINISTIC"]},
                      {"data access", f["SQL_DATA_ACCESS"]},
                      {"security type", f["SECURITY_TYPE"]},
                      {"sql_mode", f["SQL_MODE"]},
                      {"definer", f["DEFINER"]},
                      {"comment", f["ROUTINE_COMMENT"]}},
                     {}};
               });
    // Position 0 is a function's return value, compared as "return type".
    ForEachRow(conn_,
               "SELECT SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME,"
               " DTD_IDENTIFIER FROM information_schema.PARAMETERS WHERE " +
                   Where("SPECIFIC_SCHEMA") +
                   " AND ORDINAL_POSITION > 0 ORDER BY SPECIFIC_NAME, ROUTINE_TYPE,"
                   " ORDINAL_POSITION",
               [&](const Fields& f) {
                 auto it = objects.find(RoutineName(f, "SPECIFIC_NAME"));
                 if (it == objects.end()) return;
                 std::string& params = it->second.properties["routine parameters"];
                 if (!params.empty()) params += ", ";
                 if (f.Get("PARAMETER_MODE")) params += f["PARAMETER_MODE"] + " ";  // not functions
                 params += QuoteIdentifier(f["PARAMETER_NAME"]) + " " + f["DTD_IDENTIFIER"];
                 it->second.summary = fmt::format("{}({})", f["ROUTINE_TYPE"], params);
               });
  }

  // Not STATUS (SLAVESIDE_DISABLED on a slave by design), ORIGINATOR (the
  // server id) nor LAST_EXECUTED: see the header.
  void ReadEvents(Objects& objects) {
    ForEachRow(conn_,
               "SELECT EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, EXECUTE_AT, INTERVAL_VALUE,"
               " INTERVAL_FIELD, STARTS, ENDS, ON_COMPLETION, SQL_MODE, DEFINER, TIME_ZONE,"
               " EVENT_COMMENT FROM information_schema.EVENTS WHERE " + Where("EVENT_SCHEMA"),
               [&](const Fields& f) {
                 std::string schedule =
                     f["EVENT_TYPE"] == "ONE TIME"
                         ? "AT " + f["EXECUTE_AT"]
                         : fmt::format("EVERY {} {} STARTS {}", f["INTERVAL_VALUE"],
                                       f["INTERVAL_FIELD"], f["STARTS"]);
                 if (f.Get("ENDS")) schedule += " ENDS " + f["ENDS"];
                 objects["event " + Name(f["EVENT_NAME"])] = {
                     "",
                     schedule,
                     {{"event definition", f["EVENT_DEFINITION"]},
                      {"event schedule", schedule},
                      {"on completion", f["ON_COMPLETION"]},
                      {"time zone", f["TIME_ZONE"]},
                      {"sql_mode", f["SQL_MODE"]},
                      {"definer", f["DEFINER"]},
                      {"comment", f["EVENT_COMMENT"]}},
                     {}};
               });
  }

  db::Connection& conn_;
  std::string db_;
  std::string shown_;
};

// Replaces every `from` in `text` with `to`.
void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
}

// The slave database's quoted name in definitions (a view body names its
// tables `db`.`t`) rewritten to the master's, so that two differently named
// databases can be compared. Only the quoted form: the server writes view
// bodies that way; routine and event bodies are stored as the user wrote
// them and name their own database rarely.
void RenameDatabase(Objects& objects, const std::string& from, const std::string& to) {
  if (from == to) return;
  const std::string quoted_from = QuoteIdentifier(from), quoted_to = QuoteIdentifier(to);
  for (auto& [name, object] : objects) {
    ReplaceAll(object.summary, quoted_from, quoted_to);
    for (auto& [what, value] : object.properties) ReplaceAll(value, quoted_from, quoted_to);
  }
}

// Names in `names` that `other` also holds, in `names`' order.
std::vector<std::string> Common(const std::vector<std::string>& names,
                                const std::vector<std::string>& other) {
  const std::set<std::string> in_other(other.begin(), other.end());
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (in_other.count(n)) out.push_back(n);
  }
  return out;
}

// Whether property `what` differs only as a consequence of another one that
// is reported: another charset means another collation, and table options
// are the engine's own (Aria adds TRANSACTIONAL=1).
bool FollowsFromAnother(const std::string& what, const Object& master, const Object& slave) {
  static const std::map<std::string, std::string> kCause = {{"collation", "charset"},
                                                            {"create options", "engine"}};
  auto cause = kCause.find(what);
  if (cause == kCause.end()) return false;
  auto m = master.properties.find(cause->second), s = slave.properties.find(cause->second);
  return m != master.properties.end() && s != slave.properties.end() && m->second != s->second;
}

void Compare(const Objects& master, const Objects& slave, std::vector<SchemaDifference>& out) {
  auto one_sided = [&](const std::string& name) {
    return master.count(name) != slave.count(name);
  };
  for (const auto& [name, m] : master) {
    auto it = slave.find(name);
    if (it == slave.end()) {
      if (m.parent.empty() || !one_sided(m.parent)) {
        out.push_back({name, "missing on slave", m.summary, ""});
      }
      continue;
    }
    const Object& s = it->second;
    for (const auto& [what, value] : m.properties) {
      auto sv = s.properties.find(what);
      const std::string& slave_value = sv == s.properties.end() ? "" : sv->second;
      if (value == slave_value) continue;
      if (FollowsFromAnother(what, m, s)) continue;
      out.push_back({name, what, value, slave_value});
    }
    // Order over the columns both sides have: a missing column is reported
    // once, not as a shift of every column after it.
    const auto master_order = Common(m.columns, s.columns);
    const auto slave_order = Common(s.columns, m.columns);
    if (master_order != slave_order) {
      out.push_back({name, "column order", fmt::format("{}", fmt::join(master_order, ", ")),
                     fmt::format("{}", fmt::join(slave_order, ", "))});
    }
  }
  for (const auto& [name, s] : slave) {
    if (master.count(name)) continue;
    if (s.parent.empty() || !one_sided(s.parent)) {
      out.push_back({name, "extra on slave", "", s.summary});
    }
  }
}

// `value` for ToString: on one line; "''" when empty but present.
std::string Shown(std::string value, bool absent) {
  if (value.empty()) return absent ? "(absent)" : "''";
  ReplaceAll(value, "\n", "\\n");
  return value;
}

}  // namespace

std::string SchemaDifference::ToString() const {
  const bool presence = what == "missing on slave" || what == "extra on slave";
  return fmt::format("{}: {}: master {}, slave {}", object, what, Shown(master, presence),
                     Shown(slave, presence));
}

struct SchemaSnapshot::Impl {
  std::vector<DatabasePair> pairs;
  struct Side {
    bool present = false;
    Objects objects;
  };
  std::vector<Side> sides;  // one per pair
};

SchemaSnapshot::SchemaSnapshot() : impl_(std::make_unique<Impl>()) {}
SchemaSnapshot::~SchemaSnapshot() = default;
SchemaSnapshot::SchemaSnapshot(SchemaSnapshot&&) noexcept = default;
SchemaSnapshot& SchemaSnapshot::operator=(SchemaSnapshot&&) noexcept = default;

SchemaSnapshot ReadSchema(db::Connection& conn, const std::vector<DatabasePair>& databases,
                          bool slave_side) {
  SchemaSnapshot snap;
  snap.impl_->pairs = databases;
  for (const DatabasePair& pair : databases) {
    const std::string& name = slave_side ? pair.slave : pair.master;
    SchemaSnapshot::Impl::Side side;
    SchemaReader reader(conn, name, pair.master);
    side.present = reader.ReadDatabase(side.objects);
    if (side.present) {
      reader.ReadAll(side.objects);
      if (slave_side) RenameDatabase(side.objects, pair.slave, pair.master);
    }
    snap.impl_->sides.push_back(std::move(side));
  }
  return snap;
}

std::vector<SchemaDifference> CompareSchemas(const SchemaSnapshot& master, const SchemaSnapshot& slave) {
  std::vector<SchemaDifference> out;
  const auto& m = master.impl_->sides;
  const auto& s = slave.impl_->sides;
  for (size_t i = 0; i < m.size() && i < s.size(); ++i) {
    if (m[i].present && s[i].present) {
      Compare(m[i].objects, s[i].objects, out);
    } else {
      // A database on one side only is one difference, not one per table:
      // compare what ReadDatabase alone recorded.
      auto only_database = [](const Objects& all) {
        Objects out;
        for (const auto& [name, object] : all) {
          if (name.rfind("database ", 0) == 0) out.emplace(name, object);
        }
        return out;
      };
      Compare(only_database(m[i].objects), only_database(s[i].objects), out);
    }
  }
  std::sort(out.begin(), out.end(), [](const SchemaDifference& a, const SchemaDifference& b) {
    return std::tie(a.object, a.what, a.master, a.slave) < std::tie(b.object, b.what, b.master, b.slave);
  });
  return out;
}

std::vector<SchemaDifference> CompareSchemas(db::Connection& master, db::Connection& slave,
                                             const std::vector<DatabasePair>& databases) {
  return CompareSchemas(ReadSchema(master, databases, false), ReadSchema(slave, databases, true));
}

}  // namespace randsync::checker
