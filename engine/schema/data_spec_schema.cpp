// PlanDataSpec and SchemaFromDataSpec: the tables RQG's
// GenTest::App::Gendata creates for a .zz spec, derived without a server.
// Behaviour (not code) follows lib/GenTest/App/Gendata.pm of MariaDB/randgen
// master; the slot numbers below are Gendata's, because its names join the
// values in slot order while the cartesian product runs in a different
// (cycle) order.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <deque>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "engine/schema/column_types.h"
#include "engine/schema/data_spec_plan.h"
#include "engine/schema/fresh_server.h"
#include "engine/schema/schema.h"

namespace randsync {

namespace {

using nlohmann::json;
using Scalar = std::optional<std::string>;  // a Perl scalar; nullopt is undef
using List = std::vector<Scalar>;

// Gendata's table slots.
enum TableSlot : size_t {
  kRow = 0, kEngine = 1, kTableCharset = 2, kTableCollation = 3, kRowFormat = 4,
  kPartition = 5, kPk = 6, kExtraOpts = 12, kTableSlots = 13
};
// Gendata's field slots.
enum FieldSlot : size_t {
  kType = 0, kCharset = 1, kCollation = 2, kSign = 3, kNullability = 4, kIndex = 5,
  kDefault = 10, kFieldSlots = 11
};
using TablePerm = std::array<Scalar, kTableSlots>;
using FieldPerm = std::array<Scalar, kFieldSlots>;

[[noreturn]] void Fail(const std::string& what) { throw InputError("data spec: " + what); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool ContainsCI(const Scalar& haystack, std::string_view needle) {
  return haystack && Lower(*haystack).find(needle) != std::string::npos;
}

// Perl's m{a|b|c}i on a scalar (undef matches nothing here).
bool MatchesAny(const Scalar& value, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return ContainsCI(value, w); });
}

// How Perl stringifies what the spec evaluated to.
Scalar PerlScalar(const json& v, const std::string& where) {
  switch (v.type()) {
    case json::value_t::null:
      return std::nullopt;
    case json::value_t::string:
      return v.get<std::string>();
    case json::value_t::boolean:
      return std::string(v.get<bool>() ? "1" : "");
    case json::value_t::number_integer:
      return std::to_string(v.get<int64_t>());
    case json::value_t::number_unsigned:
      return std::to_string(v.get<uint64_t>());
    case json::value_t::number_float: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.15g", v.get<double>());  // Perl's default format
      return std::string(buf);
    }
    default:
      Fail(where + " must be a plain value, not a list or hash");
  }
}

bool PerlTrue(const json& v) {
  if (v.is_null()) return false;
  if (v.is_array() || v.is_object()) return true;
  Scalar s = PerlScalar(v, "");
  return s && !s->empty() && *s != "0";
}

// `$hash->{key}` where Gendata writes `$hash->{key} || default`: nullopt
// when Perl would take the default (missing, undef or a false value).
std::optional<List> ListMember(const json& hash, const char* hash_name, const char* key) {
  if (!hash.is_object()) return std::nullopt;
  auto it = hash.find(key);
  if (it == hash.end() || !PerlTrue(*it)) return std::nullopt;
  std::string where = std::string("$") + hash_name + "->{" + key + "}";
  if (!it->is_array()) Fail(where + " must be a list");
  List out;
  for (size_t i = 0; i < it->size(); ++i) {
    out.push_back(PerlScalar((*it)[i], where + "[" + std::to_string(i) + "]"));
  }
  return out;
}

List Or(std::optional<List> value, List fallback) {
  return value ? std::move(*value) : std::move(fallback);
}

// Perl's s{from}{to}gi.
std::string ReplaceAllCI(const std::string& text, std::string_view from, std::string_view to) {
  std::string lower = Lower(text), out;
  size_t pos = 0;
  for (size_t hit; (hit = lower.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(text, pos, hit - pos).append(to);
  }
  return out.append(text, pos, std::string::npos);
}

// s{[^A-Za-z0-9]}{_}g; s{_+}{_}g
std::string Underscored(const std::string& text) {
  std::string out;
  for (char c : text) {
    char u = std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80
                 ? c
                 : '_';
    if (u == '_' && !out.empty() && out.back() == '_') continue;
    out += u;
  }
  return out;
}

template <size_t N>
std::string JoinNonEmpty(const std::array<Scalar, N>& slots) {
  std::string out;
  bool first = true;
  for (const Scalar& s : slots) {
    if (!s || s->empty()) continue;
    out += (first ? "" : "_") + *s;
    first = false;
  }
  return out;
}

std::string GeneratedTableName(const TablePerm& t) {
  std::string name = Underscored("table" + JoinNonEmpty(t));
  if (!name.empty() && name.back() == '_') name.pop_back();
  name = ReplaceAllCI(name, "auto_increment", "autoinc");
  name = ReplaceAllCI(name, "partition_by", "part_by");
  name = ReplaceAllCI(name, "partition", "part");
  name = ReplaceAllCI(name, "values_less_than", "");
  return ReplaceAllCI(name, "integer", "int");
}

std::string GeneratedColumnName(const FieldPerm& f) {
  std::string name = Underscored("col_" + JoinNonEmpty(f));
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

// One column as the spec defines it, before the server's view of its type.
struct SpecColumn {
  std::string name;
  std::string definition;  // type and attributes, as in CREATE TABLE
  Scalar type;             // Gendata's FIELD_TYPE, for its regex tests
  Scalar index;            // Gendata's FIELD_INDEX
  bool primary = false;
  bool indexed = false;
  bool unique = false;     // a single-column UNIQUE or PRIMARY key
  bool key_prefix = false; // the key has a prefix length, as BLOB/TEXT need
  bool not_null = false;
  std::string sql;         // Gendata's FIELD_SQL: the whole column definition
  std::string index_sql;   // Gendata's FIELD_INDEX_SQL
  bool not_null_data = false;  // Gendata generates no NULLs for it

  DataSpecField Field() const {
    return DataSpecField{name, sql, index_sql, type, index, not_null_data};
  }
};

// A verbatim $fields->{index_sqls} entry.
struct IndexSql {
  struct Part {
    std::string column;
    bool prefix = false;  // `col`(10)
  };
  std::vector<Part> parts;
  bool primary = false;
  bool unique = false;
};

// The column name at the start of a verbatim column definition.
std::pair<std::string, std::string> SplitColumnSql(const std::string& sql) {
  size_t i = sql.find_first_not_of(" \t\r\n");
  if (i == std::string::npos) return {"", ""};
  if (sql[i] == '`') {
    size_t close = sql.find('`', i + 1);
    if (close == std::string::npos) return {"", ""};
    return {sql.substr(i + 1, close - i - 1), sql.substr(close + 1)};
  }
  size_t end = i;
  while (end < sql.size() &&
         (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_' || sql[end] == '$')) {
    ++end;
  }
  return {sql.substr(i, end - i), sql.substr(end)};
}

bool HasWord(const std::string& text, std::string_view word) {
  std::string lower = Lower(text);
  for (size_t pos = lower.find(word); pos != std::string::npos; pos = lower.find(word, pos + 1)) {
    auto is_word = [&](size_t k) {
      return k < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[k])) || lower[k] == '_');
    };
    if ((pos == 0 || !is_word(pos - 1)) && !is_word(pos + word.size())) return true;
  }
  return false;
}

bool HasPrimaryKey(const std::string& text) {
  std::string lower = Lower(text);
  size_t p = lower.find("primary");
  while (p != std::string::npos) {
    size_t k = lower.find_first_not_of(" \t\r\n", p + 7);
    if (k != std::string::npos && lower.compare(k, 3, "key") == 0) return true;
    p = lower.find("primary", p + 1);
  }
  return false;
}

// Key parts of a verbatim index definition ("KEY k (a, `b`(10))").
std::vector<IndexSql::Part> IndexParts(const std::string& sql) {
  std::vector<IndexSql::Part> out;
  size_t open = sql.find('(');
  if (open == std::string::npos) return out;
  int depth = 0;
  std::string item;
  auto flush = [&] {
    auto [name, rest] = SplitColumnSql(item);
    if (!name.empty()) out.push_back({name, rest.find('(') != std::string::npos});
    item.clear();
  };
  for (size_t i = open + 1; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '(') ++depth;
    if (c == ')' && depth-- == 0) break;
    if (c == ',' && depth == 0) {
      flush();
    } else {
      item += c;
    }
  }
  flush();
  return out;
}

// The generated (non-verbatim) columns: Gendata's field cartesian product
// and naming, minus the combinations it drops.
std::vector<SpecColumn> FieldColumns(const json& fields, const DataSpecOptions& options) {
  const bool strict = options.strict_fields;
  std::array<List, kFieldSlots> perms;
  perms[kType] = Or(ListMember(fields, "fields", "types"),
                    {"int", "varchar", "date", "time", "datetime"});
  std::optional<List> null = ListMember(fields, "fields", "null");
  if (!null) null = ListMember(fields, "fields", "nullability");
  perms[kNullability] = Or(null, {strict || !options.notnull ? Scalar() : Scalar("NOT NULL")});
  perms[kDefault] = Or(ListMember(fields, "fields", "default"), {Scalar()});
  perms[kSign] = Or(ListMember(fields, "fields", "sign"), {Scalar()});
  std::optional<List> indexes = ListMember(fields, "fields", "indexes");
  if (!indexes) indexes = ListMember(fields, "fields", "keys");
  perms[kIndex] = Or(indexes, strict ? List{Scalar()} : List{Scalar(), Scalar("KEY")});
  perms[kCharset] = Or(ListMember(fields, "fields", "charsets"), {Scalar()});
  perms[kCollation] = Or(ListMember(fields, "fields", "collations"), {Scalar()});

  std::vector<FieldPerm> perm_list(1);
  for (FieldSlot cycle : {kType, kNullability, kDefault, kSign, kIndex, kCharset, kCollation}) {
    std::vector<FieldPerm> next;
    for (const FieldPerm& f : perm_list) {
      // Sign applies to numeric types only, charset to string types only.
      bool keep = (cycle == kSign &&
                   !MatchesAny(f[kType], {"int", "float", "double", "dec", "numeric", "fixed"})) ||
                  (cycle == kCharset &&
                   MatchesAny(f[kType], {"bit", "int", "bool", "float", "double", "dec", "numeric",
                                         "fixed", "blob", "date", "time", "year", "binary"}));
      if (keep) {
        next.push_back(f);
        continue;
      }
      for (const Scalar& value : perms[cycle]) {
        FieldPerm g = f;
        g[cycle] = value ? Scalar(Lower(*value)) : Scalar();
        next.push_back(g);
      }
    }
    perm_list = std::move(next);
  }
  // "If no fields were defined, continue with just the primary key."
  if (perm_list.size() == 1 && (!perm_list[0][kType] || perm_list[0][kType]->empty())) {
    perm_list.clear();
  }

  std::deque<Scalar> names;
  if (auto n = ListMember(fields, "fields", "names")) names.assign(n->begin(), n->end());
  std::vector<SpecColumn> out;
  int field_no = 0;
  for (const FieldPerm& f : perm_list) {
    // NOT NULL with DEFAULT NULL is invalid; Gendata drops the combination.
    if ((ContainsCI(f[kNullability], "not null") || options.notnull) &&
        ContainsCI(f[kDefault], "default null")) {
      continue;
    }
    SpecColumn c;
    if (!names.empty()) {
      c.name = names.front().value_or("");
      names.pop_front();
    } else if (options.short_column_names) {
      c.name = "c" + std::to_string(field_no++);
    } else {
      c.name = GeneratedColumnName(f);
    }
    std::string type = f[kType].value_or("");
    // A field without a type makes Gendata's CREATE TABLE invalid; leave it out.
    if (type.empty() || c.name.empty()) continue;
    if (MatchesAny(type, {"set", "enum"}) && type.find('(') == std::string::npos) {
      type += " ('a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q','r','s',"
              "'t','u','v','w','x','y','z')";
    }
    if (ContainsCI(type, "char") && type.find('(') == std::string::npos) type += " (1)";
    c.type = f[kType];
    c.definition = type;
    if (f[kSign]) c.definition += " " + *f[kSign];
    if (f[kCharset] && !f[kCharset]->empty()) c.definition += " character set " + *f[kCharset];
    c.index = f[kIndex];
    c.indexed = f[kIndex] && !f[kIndex]->empty() && *f[kIndex] != "nokey";
    c.primary = c.indexed && ContainsCI(f[kIndex], "primary");
    c.unique = c.primary || (c.indexed && ContainsCI(f[kIndex], "unique"));
    // Gendata gives BLOB/TEXT keys a (255) prefix unless the type has a length.
    c.key_prefix = MatchesAny(type, {"blob", "text", "binary"}) && type.find('(') == std::string::npos;
    // Without --strict_fields a timestamp gets "NULL DEFAULT 0" appended,
    // which overrides a NOT NULL before it (--notnull appends NOT NULL).
    bool timestamp = !options.strict_fields && ContainsCI(type, "timestamp");
    c.not_null = options.notnull || (!timestamp && ContainsCI(f[kNullability], "not null"));
    c.not_null_data = options.notnull || f[kNullability] == Scalar("not null");
    // The column definition joins type, charset, collation, sign,
    // nullability and default in slot order. The charset is written
    // "/*+mysql: CHARACTER SET x*/", which RQG's executor unwraps for MySQL;
    // the collation is a plain comment the server ignores, so Gendata never
    // applies it (and neither does this).
    std::string sql = "`" + c.name + "` " + type;
    auto append = [&sql](const Scalar& part, const std::string& before, const std::string& after) {
      if (part && !part->empty()) sql += " " + before + *part + after;
    };
    append(f[kCharset], "CHARACTER SET ", "");
    append(f[kCollation], "/*mysql: COLLATE ", "*/");
    append(f[kSign], "", "");
    append(f[kNullability], "", "");
    append(f[kDefault], "", "");
    if (timestamp) sql += options.notnull ? " NOT NULL" : " NULL DEFAULT 0";
    c.sql = std::move(sql);
    if (c.indexed) {
      c.index_sql = *f[kIndex] + " (`" + c.name + "` " + (c.key_prefix ? " (255)" : "") + ")";
    }
    out.push_back(std::move(c));
  }
  return out;
}

// Gendata's FIELD_TYPE of a verbatim column: m{^\s*`?\w+`?\s+(\w+)},
// lower-cased, plus " auto_increment" when the definition says so.
Scalar SqlColumnType(const std::string& sql) {
  auto word = [&](size_t& i) {
    size_t start = i;
    while (i < sql.size() &&
           (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) {
      ++i;
    }
    return i > start;
  };
  auto space = [&](size_t& i) {
    size_t start = i;
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
    return i > start;
  };
  Scalar type;
  size_t i = 0;
  space(i);
  if (i < sql.size() && sql[i] == '`') ++i;
  if (word(i)) {
    if (i < sql.size() && sql[i] == '`') ++i;
    if (space(i)) {
      const size_t start = i;
      if (word(i)) type = Lower(sql.substr(start, i - start));
    }
  }
  if (ContainsCI(sql, "auto_increment")) type = type.value_or("") + " auto_increment";
  return type;
}

// $fields->{sqls}: verbatim column definitions, in the order Gendata puts
// them before the generated columns (it prepends each one: reversed).
std::vector<SpecColumn> SqlColumns(const json& fields) {
  std::vector<SpecColumn> out;
  for (const Scalar& sql : Or(ListMember(fields, "fields", "sqls"), {})) {
    if (!sql) continue;
    auto [name, definition] = SplitColumnSql(*sql);
    if (name.empty()) Fail("cannot find the column name in $fields->{sqls} entry '" + *sql + "'");
    SpecColumn c;
    c.name = name;
    c.definition = definition;
    c.primary = HasPrimaryKey(definition);
    c.unique = c.primary || HasWord(definition, "unique");
    c.not_null = ContainsCI(definition, "not null");
    c.indexed = c.unique || HasWord(definition, "key");
    c.sql = *sql;
    c.type = SqlColumnType(*sql);
    out.insert(out.begin(), std::move(c));
  }
  return out;
}

struct SpecTable {
  std::string name;
  TablePerm perm;
};

// Gendata's TABLE_SQL: the table options in slot order, after the columns.
std::string TableOptionsSql(const TablePerm& t) {
  std::string out;
  auto append = [&out](const Scalar& part, const std::string& before, const std::string& after) {
    if (!part || part->empty()) return;
    if (!out.empty()) out += " ";
    out += before + *part + after;
  };
  append(t[kEngine], "ENGINE=", "");
  append(t[kTableCharset], "CHARACTER SET ", "");
  append(t[kTableCollation], "COLLATE ", "");
  append(t[kRowFormat], "ROW_FORMAT=", "");
  append(t[kPartition], "/*!50100 PARTITION BY ", " */");
  append(t[kExtraOpts], "", "");
  return out;
}

// Perl's numification of a row count ("10", " 5", "7abc" -> 7); exponents
// ("1e3"), which no spec uses for rows, are not read.
uint64_t RowCount(const Scalar& rows) {
  if (!rows) return 0;
  const std::string& s = *rows;
  size_t i = s.find_first_not_of(" \t\r\n");
  if (i == std::string::npos || s[i] == '-') return 0;
  if (s[i] == '+') ++i;
  uint64_t n = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    n = std::min<uint64_t>(n * 10 + static_cast<uint64_t>(s[i] - '0'), uint64_t{1} << 40);
  }
  return n;
}

// Gendata's table cartesian product and names.
std::vector<SpecTable> Tables(const json& tables, const DataSpecOptions& options,
                              std::vector<std::string>& myisam_tables) {
  std::array<std::optional<List>, kTableSlots> perms;
  if (options.rows) {
    perms[kRow] = List(options.rows->begin(), options.rows->end());
  } else {
    perms[kRow] = Or(ListMember(tables, "tables", "rows"), {"0", "1", "2", "10", "100"});
  }
  perms[kEngine] = options.engine ? List{*options.engine} : ListMember(tables, "tables", "engines");
  perms[kTableCharset] = Or(ListMember(tables, "tables", "charsets"), {Scalar()});
  perms[kTableCollation] = Or(ListMember(tables, "tables", "collations"), {Scalar()});
  perms[kPartition] = Or(ListMember(tables, "tables", "partitions"), {Scalar()});
  std::optional<List> pk = ListMember(tables, "tables", "pk");
  if (!pk) pk = ListMember(tables, "tables", "primary_key");
  perms[kPk] = Or(pk, {"integer auto_increment"});
  perms[kRowFormat] = Or(ListMember(tables, "tables", "row_formats"), {Scalar()});
  perms[kExtraOpts] = Or(ListMember(tables, "tables", "options"), {Scalar()});

  std::vector<TablePerm> perm_list(1);
  for (TableSlot cycle : {kRow, kEngine, kTableCharset, kTableCollation, kPartition, kPk,
                          kRowFormat, kExtraOpts}) {
    if (!perms[cycle]) continue;  // no engines given: no engine slot at all
    std::vector<TablePerm> next;
    for (const TablePerm& t : perm_list) {
      for (const Scalar& value : *perms[cycle]) {
        TablePerm u = t;
        u[cycle] = Lower(value.value_or(""));  // undef becomes '' here
        next.push_back(u);
      }
    }
    perm_list = std::move(next);
  }

  std::deque<Scalar> names;
  if (auto n = ListMember(tables, "tables", "names")) names.assign(n->begin(), n->end());
  std::map<std::string, int> seen;
  std::vector<SpecTable> out;
  for (const TablePerm& t : perm_list) {
    SpecTable table{"", t};
    if (!names.empty()) {
      table.name = names.front().value_or("");  // undef: CREATE TABLE `` fails
      names.pop_front();
    } else {
      table.name = GeneratedTableName(t);
      int& count = seen[table.name];
      if (count++ > 0) table.name += "_" + std::to_string(count);
      // MERGE tables are built over these (an unset engine counts as MyISAM).
      std::string engine = t[kEngine].value_or("");
      if (Upper(engine) == "MYISAM" || engine.empty()) myisam_tables.push_back(table.name);
    }
    if (!table.name.empty()) out.push_back(std::move(table));
  }
  return out;
}

// Columns named by a partitioning clause ("KEY (pk) PARTITIONS 2",
// "RANGE COLUMNS(a, b) (...)", "HASH(MOD(pk, 3))"), lower-cased: the
// identifiers of its first parenthesised group that are not function names.
std::vector<std::string> PartitionColumns(const std::string& clause) {
  std::vector<std::string> out;
  size_t open = clause.find('(');
  if (open == std::string::npos) return out;
  int depth = 0;
  for (size_t i = open + 1; i < clause.size(); ++i) {
    char c = clause[i];
    if (c == '(') ++depth;
    if (c == ')' && depth-- == 0) break;
    bool quoted = c == '`';
    if (!quoted && !(std::isalpha(static_cast<unsigned char>(c)) || c == '_')) continue;
    size_t start = quoted ? i + 1 : i;
    size_t end = quoted ? clause.find('`', start) : start;
    if (end == std::string::npos) break;
    while (!quoted && end < clause.size() &&
           (std::isalnum(static_cast<unsigned char>(clause[end])) || clause[end] == '_')) {
      ++end;
    }
    size_t next = clause.find_first_not_of(" \t\r\n", quoted ? end + 1 : end);
    if (next == std::string::npos || clause[next] != '(') {
      out.push_back(Lower(clause.substr(start, end - start)));
    }
    i = quoted ? end : end - 1;
  }
  return out;
}

// One table as the server would hold it; `created` is false when the server
// refuses Gendata's CREATE TABLE, so the table does not exist. Only refusals
// that do not depend on server configuration are modelled (each checked
// against MariaDB 10.11): names over 64 characters, a varchar without
// length, more than one primary key, more than 64 keys, a BLOB/TEXT primary
// key without prefix length, BLOB/TEXT in a MEMORY table, a partitioning clause
// naming a missing column or one that a unique key does not include.
// Engines are assumed to exist (plugins vary between servers).
struct BuiltTable {
  std::vector<Column> columns;
  bool created = true;
};

BuiltTable BuildTable(const SpecTable& t, const std::vector<SpecColumn>& spec_columns,
                      const std::vector<IndexSql>& index_sqls) {
  constexpr size_t kMaxIdentifier = 64;
  constexpr size_t kMaxKeys = 64;
  BuiltTable out;
  bool ok = t.name.size() <= kMaxIdentifier;
  std::map<std::string, size_t> position;  // lower-cased name -> column index
  size_t keys = 0, primary_keys = 0;
  std::vector<std::set<std::string>> unique_keys;  // lower-cased column names
  for (const SpecColumn& c : spec_columns) {
    if (!position.emplace(Lower(c.name), out.columns.size()).second) continue;
    ServerType type = ServerTypeOf(c.definition);
    Column column{c.name, TypeClassOf(type.data_type), type.column_type, c.primary, c.indexed};
    ok = ok && type.valid && c.name.size() <= kMaxIdentifier;
    if (c.indexed) {
      ++keys;
      primary_keys += c.primary;
      // MariaDB indexes a whole BLOB/TEXT in a KEY or UNIQUE (as a prefix or
      // a hash), but not in a PRIMARY KEY.
      bool lob = column.type_class == "blob" || column.type_class == "text";
      ok = ok && (!lob || c.key_prefix || !c.primary);
    }
    if (c.unique) unique_keys.push_back({Lower(c.name)});
    out.columns.push_back(std::move(column));
  }
  for (const IndexSql& index : index_sqls) {
    ++keys;
    primary_keys += index.primary;
    std::set<std::string> key;
    for (const IndexSql::Part& part : index.parts) {
      key.insert(Lower(part.column));
      auto it = position.find(Lower(part.column));
      if (it == position.end()) {
        ok = false;  // "Key column ... doesn't exist in table"
        continue;
      }
      Column& column = out.columns[it->second];
      column.indexed = true;
      column.primary = column.primary || index.primary;
      bool lob = column.type_class == "blob" || column.type_class == "text";
      ok = ok && (!lob || part.prefix || !index.primary);
    }
    if (index.unique) unique_keys.push_back(std::move(key));
  }
  ok = ok && keys <= kMaxKeys && primary_keys <= 1;

  // Without a primary key the server reports the first UNIQUE key over NOT
  // NULL columns without prefix as PRI. Which one is first follows Gendata's
  // PRNG shuffle of the fields, so only a single candidate is predictable;
  // with several, all stay "indexed".
  if (primary_keys == 0) {
    std::vector<size_t> candidates;
    for (const SpecColumn& c : spec_columns) {
      size_t i = position.at(Lower(c.name));
      const Column& column = out.columns[i];
      bool lob = column.type_class == "blob" || column.type_class == "text";
      if (c.unique && c.not_null && !lob && column.name == c.name) candidates.push_back(i);
    }
    if (candidates.size() == 1) out.columns[candidates[0]].primary = true;
  }

  std::string engine = Lower(t.perm[kEngine].value_or(""));
  if (engine == "memory" || engine == "heap") {
    for (const Column& c : out.columns) {
      ok = ok && c.type_class != "blob" && c.type_class != "text";
    }
  }
  if (t.perm[kPartition] && !t.perm[kPartition]->empty()) {
    for (const std::string& column : PartitionColumns(*t.perm[kPartition])) {
      ok = ok && position.count(column);  // "Field in list of fields ... not found"
      for (const auto& key : unique_keys) {
        // "A PRIMARY KEY must include all columns in the table's
        // partitioning function" (likewise UNIQUE INDEX)
        ok = ok && key.count(column);
      }
    }
  }
  out.created = ok;
  return out;
}

}  // namespace

DataSpecPlan PlanDataSpec(const nlohmann::json& spec, const DataSpecOptions& options) {
  if (!spec.is_object()) Fail("expected the evaluated spec as a JSON object");
  const json null_value;
  auto part = [&](const char* name) -> const json& {
    auto it = spec.find(name);
    if (it == spec.end() || it->is_null()) return null_value;
    if (!it->is_object()) Fail(std::string("$") + name + " must be a hash");
    return *it;
  };
  const json& tables_spec = part("tables");
  const json& fields_spec = part("fields");
  const json& data_spec = part("data");

  DataSpecPlan plan;
  if (auto it = spec.find("schemas"); it != spec.end() && !it->is_null()) {
    if (!it->is_array()) Fail("$schemas must be a list");
    for (size_t i = 0; i < it->size(); ++i) {
      Scalar s = PerlScalar((*it)[i], "$schemas[" + std::to_string(i) + "]");
      if (s && !s->empty() &&
          std::find(plan.schemas.begin(), plan.schemas.end(), *s) == plan.schemas.end()) {
        plan.schemas.push_back(*s);
      }
    }
  }

  std::vector<SpecTable> tables = Tables(tables_spec, options, plan.myisam_tables);
  std::vector<SpecColumn> fields = FieldColumns(fields_spec, options);
  std::vector<SpecColumn> sql_fields = SqlColumns(fields_spec);
  std::vector<IndexSql> index_sqls;
  for (const Scalar& sql : Or(ListMember(fields_spec, "fields", "index_sqls"), {})) {
    if (!sql) continue;
    bool primary = HasPrimaryKey(*sql);
    index_sqls.push_back(IndexSql{IndexParts(*sql), primary, primary || HasWord(*sql, "unique")});
    plan.index_sqls.insert(plan.index_sqls.begin(), *sql);  // Gendata prepends each
  }
  auto strings = [](std::optional<List> list) -> std::optional<std::vector<std::string>> {
    if (!list) return std::nullopt;
    std::vector<std::string> out;
    for (const Scalar& s : *list) out.push_back(s.value_or(""));
    return out;
  };
  plan.views = strings(ListMember(tables_spec, "tables", "views"));
  if (!plan.views && options.views) plan.views = std::vector<std::string>{*options.views};
  plan.merges = strings(ListMember(tables_spec, "tables", "merges"));

  for (const SpecTable& t : tables) {
    std::vector<SpecColumn> spec_columns = sql_fields;
    bool falcon = Upper(t.perm[kEngine].value_or("")) == "FALCON";
    for (const SpecColumn& f : fields) {
      // Falcon could not index BLOB/TEXT; Gendata drops such fields there.
      if (falcon && MatchesAny(f.type, {"blob", "text"}) && f.index && !f.index->empty()) continue;
      spec_columns.push_back(f);
    }
    if (!t.perm[kPk]->empty()) {
      SpecColumn pk;
      pk.name = "pk";
      pk.definition = *t.perm[kPk];
      pk.type = t.perm[kPk];
      pk.index = "primary key";
      pk.primary = pk.indexed = pk.unique = pk.not_null = true;
      pk.sql = "pk " + *t.perm[kPk];
      pk.index_sql = "primary key (pk)";
      spec_columns.push_back(std::move(pk));
    }
    BuiltTable built = BuildTable(t, spec_columns, index_sqls);
    DataSpecTable table;
    table.name = t.name;
    table.rows = RowCount(t.perm[kRow]);
    table.engine = t.perm[kEngine].value_or("");
    table.options_sql = TableOptionsSql(t.perm);
    for (const SpecColumn& c : spec_columns) table.fields.push_back(c.Field());
    table.created = built.created;
    table.columns = std::move(built.columns);
    plan.tables.push_back(std::move(table));
  }

  // 20% NULL by default; --notnull swaps the 'null' for a value.
  const bool nn = options.notnull;
  plan.data[kDataNumber] = Or(ListMember(data_spec, "data", "numbers"),
                              {"digit", "digit", "digit", "digit", nn ? "digit" : "null"});
  plan.data[kDataString] = Or(ListMember(data_spec, "data", "strings"),
                              {"letter", "letter", "letter", "letter", nn ? "letter" : "null"});
  plan.data[kDataBlob] = Or(ListMember(data_spec, "data", "blobs"),
                            {"data", "data", "data", "data", nn ? "data" : "null"});
  plan.data[kDataTemporal] = Or(ListMember(data_spec, "data", "temporals"),
                                {"date", "time", "datetime", "year", "timestamp", nn ? "date" : "null"});
  plan.data[kDataEnum] = Or(ListMember(data_spec, "data", "enum"),
                            {"letter", "letter", "letter", "letter", nn ? "letter" : "null"});
  return plan;
}

Schema SchemaFromDataSpec(const nlohmann::json& spec) {
  return SchemaFromDataSpec(spec, DataSpecOptions{});
}

Schema SchemaFromDataSpec(const nlohmann::json& spec, const DataSpecOptions& options) {
  DataSpecPlan plan = PlanDataSpec(spec, options);
  // Without $schemas the tables go to the executor's default schema.
  if (plan.schemas.empty()) plan.schemas.push_back("test");
  // A name created twice keeps its last definition (DROP TABLE + CREATE).
  std::map<std::string, const DataSpecTable*> last;
  for (const DataSpecTable& t : plan.tables) last[t.name] = &t;

  Schema schema;
  for (const std::string& schema_name : plan.schemas) {
    Database db{schema_name, {}};
    std::set<std::string> done;
    for (const DataSpecTable& first : plan.tables) {
      const DataSpecTable& table = *last[first.name];
      if (!table.created || !done.insert(table.name).second) continue;
      db.tables.push_back(Table{table.name, false, table.columns});
      if (!plan.views) continue;
      // View columns carry no index (information_schema reports none).
      std::vector<Column> view_columns = table.columns;
      for (Column& c : view_columns) c.primary = c.indexed = false;
      const size_t views = plan.views->size();
      for (size_t i = 0; i < views; ++i) {
        std::string name = "view_" + table.name + (views == 1 ? "" : "_" + std::to_string(i));
        if (name.size() <= 64) db.tables.push_back(Table{name, true, view_columns});
      }
    }
    schema.databases.push_back(std::move(db));
  }
  // MERGE tables go into the schema Gendata used last, cloned (CREATE TABLE
  // ... LIKE) from the first MyISAM table.
  if (plan.merges && !plan.myisam_tables.empty() && !schema.databases.empty()) {
    const DataSpecTable* like = last[plan.myisam_tables.front()];
    if (like != nullptr && like->created) {
      for (size_t i = 0; i < plan.merges->size(); ++i) {
        schema.databases.back().tables.push_back(
            Table{"merge_" + std::to_string(i), false, like->columns});
      }
    }
  }
  // The executor lists a schema only through its tables' columns.
  std::erase_if(schema.databases, [](const Database& db) { return db.tables.empty(); });
  schema.default_database = "test";
  schema.collations = FreshServerCollations();
  schema.charsets = FreshServerCharsets();
  schema.Normalize();
  return schema;
}

}  // namespace randsync
