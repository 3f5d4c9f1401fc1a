// Schema snapshots: RQG's default data, the JSON file format, and the tables
// a .zz data spec creates. Expected names follow Gendata.pm's rules; every
// SchemaFromDataSpec case below was also checked against RQG's own gendata
// run on MariaDB 10.11 and read back with ReadSchemaFromServer.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "engine/schema/column_types.h"
#include "engine/schema/schema.h"

namespace randsync {
namespace {

using nlohmann::json;

std::vector<std::string> DatabaseNames(const Schema& s) {
  std::vector<std::string> out;
  for (const Database& db : s.databases) out.push_back(db.name);
  return out;
}

std::vector<std::string> TableNames(const Schema& s, const std::string& db) {
  std::vector<std::string> out;
  const Database* database = s.FindDatabase(db);
  if (database == nullptr) return out;
  for (const Table& t : database->tables) out.push_back(t.name);
  return out;
}

// "name type_class column_type key" per column, in snapshot order.
std::vector<std::string> ColumnSummary(const Table& t) {
  std::vector<std::string> out;
  for (const Column& c : t.columns) {
    out.push_back(c.name + " " + c.type_class + " " + c.column_type + " " +
                  (c.primary ? "primary" : c.indexed ? "indexed" : "ordinary"));
  }
  return out;
}

const Table& MustFind(const Schema& s, const std::string& db, const std::string& table) {
  const Table* t = s.FindTable(db, table);
  if (t == nullptr) throw std::runtime_error("no table " + db + "." + table);
  return *t;
}

// ---------------------------------------------------------------- default

TEST(DefaultSchemaTest, GendataSimpleTablesInTest) {
  Schema s = DefaultSchema();
  EXPECT_EQ(s.default_database, "test");
  EXPECT_EQ(DatabaseNames(s), std::vector<std::string>{"test"});
  // Perl's sort: byte order, so AA comes before B. DUMMY is filtered out by
  // RQG's executor and must never be picked.
  EXPECT_EQ(TableNames(s, "test"),
            (std::vector<std::string>{"A", "AA", "B", "BB", "C", "CC", "D", "DD", "E"}));
  EXPECT_EQ(s.FindTable("test", "DUMMY"), nullptr);
}

TEST(DefaultSchemaTest, ColumnsKeysAndTypeClasses) {
  Schema s = DefaultSchema();
  const std::vector<std::string> expected = {
      "col_date_key date date indexed",
      "col_date_nokey date date ordinary",
      "col_datetime_key timestamp datetime indexed",
      "col_datetime_nokey timestamp datetime ordinary",
      "col_int_key int int(11) indexed",
      "col_int_nokey int int(11) ordinary",
      "col_time_key time time indexed",
      "col_time_nokey time time ordinary",
      "col_varchar_key char varchar(1) indexed",
      "col_varchar_nokey char varchar(1) ordinary",
      "pk int int(11) primary",
  };
  for (const Table& t : s.FindDatabase("test")->tables) {
    EXPECT_FALSE(t.is_view);
    EXPECT_EQ(ColumnSummary(t), expected) << t.name;
  }
  const Column& pk = MustFind(s, "", "E").columns.back();
  EXPECT_TRUE(pk.primary);
  EXPECT_TRUE(pk.indexed);  // primary counts as indexed for _field_indexed
}

TEST(DefaultSchemaTest, CollationsAndCharsetsOfAFreshServer) {
  Schema s = DefaultSchema();
  EXPECT_GT(s.collations.size(), 300u);
  EXPECT_TRUE(std::is_sorted(s.collations.begin(), s.collations.end()));
  EXPECT_TRUE(std::is_sorted(s.charsets.begin(), s.charsets.end()));
  for (const char* c : {"latin1_swedish_ci", "utf8mb4_general_ci", "binary"}) {
    EXPECT_TRUE(std::binary_search(s.collations.begin(), s.collations.end(), c)) << c;
  }
  for (const char* c : {"latin1", "utf8mb3", "utf8mb4", "binary"}) {
    EXPECT_TRUE(std::binary_search(s.charsets.begin(), s.charsets.end(), c)) << c;
  }
  EXPECT_FALSE(std::binary_search(s.charsets.begin(), s.charsets.end(), ""));
}

// ---------------------------------------------------------------- lookup

TEST(SchemaTest, NormalizeSortsLikePerlAndIndexesPrimaryColumns) {
  Schema s;
  s.databases.push_back(Database{"zz", {}});
  s.databases.push_back(Database{"INFORMATION_SCHEMA", {}});
  s.databases.push_back(Database{"db", {Table{"b", false, {}}, Table{"B", false, {}},
                                        Table{"a", true, {Column{"y", "int", "", true, false},
                                                          Column{"X", "int", "", false, false}}}}});
  s.collations = {"b_ci", "a_ci", "b_ci"};
  s.charsets = {"utf8mb4", "latin1", "latin1"};
  s.Normalize();
  EXPECT_EQ(DatabaseNames(s), (std::vector<std::string>{"INFORMATION_SCHEMA", "db", "zz"}));
  EXPECT_EQ(TableNames(s, "db"), (std::vector<std::string>{"B", "a", "b"}));
  const Table& a = MustFind(s, "db", "a");
  EXPECT_EQ(a.columns[0].name, "X");
  EXPECT_TRUE(a.columns[1].indexed);  // primary implies indexed
  EXPECT_EQ(s.collations, (std::vector<std::string>{"a_ci", "b_ci"}));
  EXPECT_EQ(s.charsets, (std::vector<std::string>{"latin1", "utf8mb4"}));
}

TEST(SchemaTest, FindUsesTheDefaultDatabaseAndIsCaseSensitive) {
  Schema s = DefaultSchema();
  ASSERT_NE(s.FindTable("", "CC"), nullptr);
  EXPECT_EQ(s.FindTable("", "CC")->name, "CC");
  EXPECT_EQ(s.FindTable("", "cc"), nullptr);
  EXPECT_EQ(s.FindTable("mysql", "CC"), nullptr);
  EXPECT_EQ(s.FindDatabase("nope"), nullptr);
  s.default_database = "elsewhere";
  EXPECT_EQ(s.FindTable("", "CC"), nullptr);
  EXPECT_NE(s.FindTable("test", "CC"), nullptr);
}

// ---------------------------------------------------------------- JSON

TEST(SchemaJsonTest, RoundTripKeepsEverything) {
  Schema s = DefaultSchema();
  s.databases.push_back(
      Database{"other", {Table{"view_x", true, {Column{"c", "text", "mediumtext", false, false}}}}});
  s.default_database = "other";
  s.Normalize();
  json j = s.ToJson();
  Schema back = Schema::FromJson(json::parse(j.dump()));
  EXPECT_EQ(back.ToJson(), j);
  EXPECT_EQ(back.default_database, "other");
  ASSERT_NE(back.FindTable("other", "view_x"), nullptr);
  EXPECT_TRUE(back.FindTable("other", "view_x")->is_view);
  EXPECT_EQ(back.collations, s.collations);
}

TEST(SchemaJsonTest, FormatIsStable) {
  Schema s;
  s.databases.push_back(Database{
      "test", {Table{"t", false,
                     {Column{"pk", "int", "int(11)", true, true},
                      Column{"v", "char", "varchar(10)", false, true},
                      Column{"d", "date", "date", false, false}}}}});
  s.collations = {"latin1_bin"};
  s.charsets = {"latin1"};
  s.Normalize();
  EXPECT_EQ(s.ToJson().dump(),
            R"J({"charsets":["latin1"],"collations":["latin1_bin"],"databases":[{"name":"test",)J"
            R"J("tables":[{"columns":[{"column_type":"date","key":"ordinary","name":"d",)J"
            R"J("type_class":"date"},{"column_type":"int(11)","key":"primary","name":"pk",)J"
            R"J("type_class":"int"},{"column_type":"varchar(10)","key":"indexed","name":"v",)J"
            R"J("type_class":"char"}],"name":"t","type":"table"}]}],"default_database":"test",)J"
            R"J("format":"randsync-schema","version":1})J");
}

TEST(SchemaJsonTest, OptionalMembersAndAnyOrder) {
  Schema s = Schema::FromJson(json::parse(R"J({
    "format": "randsync-schema", "version": 1,
    "databases": [{"name": "test", "tables": [
      {"name": "t2", "columns": [{"name": "b", "type_class": "int"},
                                  {"name": "a", "type_class": "int", "key": "primary"}]},
      {"name": "t1", "type": "view", "columns": []}]}]})J"));
  EXPECT_EQ(s.default_database, "test");
  EXPECT_TRUE(s.collations.empty());
  EXPECT_EQ(TableNames(s, "test"), (std::vector<std::string>{"t1", "t2"}));
  const Table& t2 = MustFind(s, "test", "t2");
  EXPECT_EQ(t2.columns[0].name, "a");
  EXPECT_TRUE(t2.columns[0].primary && t2.columns[0].indexed);
  EXPECT_EQ(t2.columns[1].column_type, "");
  EXPECT_FALSE(t2.columns[1].indexed);
}

TEST(SchemaJsonTest, ErrorsNameTheElement) {
  const std::string head = R"J("format": "randsync-schema", "version": 1, )J";
  struct Case {
    std::string json;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {R"J([1, 2])J", "schema JSON: expected an object"},
      {R"J({"version": 1, "databases": []})J", "schema JSON: format: missing"},
      {R"J({"format": "other", "version": 1, "databases": []})J", "format: expected \"randsync-schema\""},
      {R"J({"format": "randsync-schema", "databases": []})J", "version: missing"},
      {R"J({"format": "randsync-schema", "version": 2, "databases": []})J",
       "version: unsupported version 2 (this build reads version 1)"},
      {R"J({"format": "randsync-schema", "version": "1", "databases": []})J", "unsupported version \"1\""},
      {"{" + head + R"J("databases": {}})J", "databases: expected an array"},
      {"{" + head + R"J("databases": [], "extra": 1})J", "extra: unknown member"},
      {"{" + head + R"J("databases": [], "default_database": 3})J", "default_database: expected a string"},
      {"{" + head + R"J("databases": [], "collations": "x"})J", "collations: expected an array of strings"},
      {"{" + head + R"J("databases": [], "charsets": ["a", 1]})J", "charsets[1]: expected a string"},
      {"{" + head + R"J("databases": [{"tables": []}]})J", "databases[0].name: missing"},
      {"{" + head + R"J("databases": [{"name": "", "tables": []}]})J", "databases[0].name: must not be empty"},
      {"{" + head + R"J("databases": [{"name": "a", "tables": []}, {"name": "a", "tables": []}]})J",
       "databases[1]: duplicate database \"a\""},
      {"{" + head + R"J("databases": [{"name": "a", "tables": [{"name": "t"}]}]})J",
       "databases[0].tables[0].columns: missing"},
      {"{" + head + R"J("databases": [{"name": "a", "tables": [{"name": "t", "type": "seq", "columns": []}]}]})J",
       "databases[0].tables[0].type: expected \"table\" or \"view\", got \"seq\""},
      {"{" + head + R"J("databases": [{"name": "a", "tables": [{"name": "t", "columns": [{"name": "c"}]}]}]})J",
       "databases[0].tables[0].columns[0].type_class: missing"},
      {"{" + head +
           R"J("databases": [{"name": "a", "tables": [{"name": "t", "columns": [{"name": "c", "type_class": "int", "key": "pri"}]}]}]})J",
       "databases[0].tables[0].columns[0].key: expected \"primary\", \"indexed\" or \"ordinary\", got \"pri\""},
      {"{" + head +
           R"J("databases": [{"name": "a", "tables": [{"name": "t", "columns": [{"name": "c", "type_class": "int", "kind": 1}]}]}]})J",
       "databases[0].tables[0].columns[0].kind: unknown member"},
      {"{" + head +
           R"J("databases": [{"name": "a", "tables": [{"name": "t", "columns": [{"name": "c", "type_class": "int"}, {"name": "c", "type_class": "int"}]}]}]})J",
       "databases[0].tables[0].columns[1]: duplicate column \"c\""},
      {"{" + head +
           R"J("databases": [{"name": "a", "tables": [{"name": "t", "columns": []}, {"name": "t", "columns": []}]}]})J",
       "databases[0].tables[1]: duplicate table \"t\""},
  };
  for (const Case& c : cases) {
    try {
      Schema::FromJson(json::parse(c.json));
      ADD_FAILURE() << "accepted: " << c.json;
    } catch (const InputError& e) {
      std::string what = e.what();
      EXPECT_NE(what.find(c.expected), std::string::npos) << what << "\nexpected: " << c.expected;
      EXPECT_EQ(what.rfind("schema JSON: ", 0), 0u) << what;
    }
  }
}

// ---------------------------------------------------------------- files

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("randsync_schema_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string file = (path_ / name).string();
    std::ofstream(file) << text;
    return file;
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
  static inline int next_ = 0;
};

std::string LoadError(const std::string& path) {
  try {
    LoadSchemaFile(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SchemaFileTest, LoadsJsonSnapshot) {
  TempDir dir;
  std::string file = dir.Write("snap.json", DefaultSchema().ToJson().dump(2));
  EXPECT_EQ(LoadSchemaFile(file).ToJson(), DefaultSchema().ToJson());
}

TEST(SchemaFileTest, LoadsZzSpec) {
  Schema s = LoadSchemaFile(RANDSYNC_CORPUS_DIR "/conf/transactions/transactions.zz");
  EXPECT_EQ(TableNames(s, "test"),
            (std::vector<std::string>{"table100_int_autoinc", "table10_int_autoinc"}));
}

TEST(SchemaFileTest, ErrorsNameFileAndCause) {
  TempDir dir;
  std::string bad_json = dir.Write("bad.json", "{\"format\": ");
  std::string bad_schema = dir.Write("v2.json", R"J({"format": "randsync-schema", "version": 2, "databases": []})J");
  std::string bad_zz = dir.Write("bad.zz", "$tables = { rows => [1] ;\n");
  std::string wrong_shape = dir.Write("shape.zz", "$tables = [ 1, 2 ];\n");
  std::string other = dir.Write("schema.yaml", "x: 1\n");

  std::string e = LoadError(bad_json);
  EXPECT_EQ(e.rfind(bad_json + ": invalid JSON: parse error at line 1", 0), 0u) << e;
  e = LoadError(bad_schema);
  EXPECT_EQ(e, bad_schema + ": schema JSON: version: unsupported version 2 (this build reads version 1)");
  e = LoadError(dir.path() + "/missing.json");
  EXPECT_EQ(e, dir.path() + "/missing.json: cannot read the schema file: No such file or directory");
  e = LoadError(dir.path());
  EXPECT_NE(e.find("unknown schema file type"), std::string::npos) << e;
  e = LoadError(other);
  EXPECT_EQ(e, other + ": unknown schema file type (expected a .json snapshot or a .zz data spec)");
  e = LoadError(bad_zz);
  EXPECT_EQ(e.rfind(bad_zz + ": ", 0), 0u) << e;
  e = LoadError(wrong_shape);
  EXPECT_EQ(e, wrong_shape + ": data spec: $tables must be a hash");
  for (const std::string& f : {bad_json, bad_schema, bad_zz, wrong_shape, other}) {
    EXPECT_EQ(LoadError(f).find('\n'), std::string::npos) << f;
  }
}

// ---------------------------------------------------------------- .zz specs

// conf/transactions/transactions.zz as the Perl evaluation hands it over.
const char* kTransactionsSpec = R"J({
  "schemas": null,
  "tables": {"rows": [10, 100], "pk": ["integer auto_increment"]},
  "fields": {"types": ["int"], "indexes": ["key", null]},
  "data": {"numbers": ["100"]}})J";

TEST(DataSpecTest, Transactions) {
  Schema s = SchemaFromDataSpec(json::parse(kTransactionsSpec));
  EXPECT_EQ(s.default_database, "test");
  EXPECT_EQ(DatabaseNames(s), std::vector<std::string>{"test"});
  // "table" + rows + pk, "integer auto_increment" shortened to int_autoinc.
  EXPECT_EQ(TableNames(s, "test"),
            (std::vector<std::string>{"table100_int_autoinc", "table10_int_autoinc"}));
  EXPECT_EQ(ColumnSummary(MustFind(s, "test", "table10_int_autoinc")),
            (std::vector<std::string>{"col_int int int(11) ordinary",
                                      "col_int_key int int(11) indexed",
                                      "pk int int(11) primary"}));
  EXPECT_EQ(s.collations, DefaultSchema().collations);
}

// conf/replication/rpl_transactions.zz: two schemas, pk variants, charsets
// on string types only, CHARACTER SET binary turning types binary.
const char* kRplTransactionsSpec = R"J({
  "schemas": ["test", "test1"],
  "tables": {"rows": [10, 100, 1000], "engines": ["InnoDB"], "indexes": [null, "KEY"],
             "pk": ["int auto_increment", "int", null]},
  "fields": {"types": ["bit(64)", "bigint", "set", "varchar(255)", "text"],
             "charsets": ["utf8", "binary"]},
  "data": {"numbers": ["digit", "null", null]}})J";

TEST(DataSpecTest, RplTransactions) {
  Schema s = SchemaFromDataSpec(json::parse(kRplTransactionsSpec));
  EXPECT_EQ(DatabaseNames(s), (std::vector<std::string>{"test", "test1"}));
  const std::vector<std::string> tables = {
      "table1000_innodb", "table1000_innodb_int", "table1000_innodb_int_autoinc",
      "table100_innodb",  "table100_innodb_int",  "table100_innodb_int_autoinc",
      "table10_innodb",   "table10_innodb_int",   "table10_innodb_int_autoinc"};
  EXPECT_EQ(TableNames(s, "test"), tables);
  EXPECT_EQ(TableNames(s, "test1"), tables);

  const std::string set_type =
      "set('a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q','r','s','t','u',"
      "'v','w','x','y','z')";
  const std::vector<std::string> fields = {
      "col_bigint int bigint(20) ordinary",
      "col_bigint_key int bigint(20) indexed",
      "col_bit_64 int bit(64) ordinary",
      "col_bit_64_key int bit(64) indexed",
      "col_set_binary set " + set_type + " ordinary",
      "col_set_binary_key set " + set_type + " indexed",
      "col_set_utf8 set " + set_type + " ordinary",
      "col_set_utf8_key set " + set_type + " indexed",
      "col_text_binary blob blob ordinary",
      "col_text_binary_key blob blob indexed",
      "col_text_utf8 text text ordinary",
      "col_text_utf8_key text text indexed",
      "col_varchar_255_binary char varbinary(255) ordinary",
      "col_varchar_255_binary_key char varbinary(255) indexed",
      "col_varchar_255_utf8 char varchar(255) ordinary",
      "col_varchar_255_utf8_key char varchar(255) indexed",
  };
  EXPECT_EQ(ColumnSummary(MustFind(s, "test", "table10_innodb")), fields);
  std::vector<std::string> with_pk = fields;
  with_pk.push_back("pk int int(11) primary");
  EXPECT_EQ(ColumnSummary(MustFind(s, "test1", "table1000_innodb_int_autoinc")), with_pk);
  EXPECT_EQ(ColumnSummary(MustFind(s, "test1", "table100_innodb_int")), with_pk);
}

TEST(DataSpecTest, DefaultsWithoutAnySpecContent) {
  // Gendata's defaults: rows 0,1,2,10,100; types int, varchar, date, time,
  // datetime, each without and with KEY; pk integer auto_increment.
  Schema s = SchemaFromDataSpec(json::parse(R"J({"schemas": null, "tables": null,
                                                "fields": null, "data": null})J"));
  EXPECT_EQ(TableNames(s, "test"),
            (std::vector<std::string>{"table0_int_autoinc", "table100_int_autoinc",
                                      "table10_int_autoinc", "table1_int_autoinc",
                                      "table2_int_autoinc"}));
  EXPECT_EQ(ColumnSummary(MustFind(s, "test", "table2_int_autoinc")),
            (std::vector<std::string>{
                "col_date date date ordinary", "col_date_key date date indexed",
                "col_datetime timestamp datetime ordinary",
                "col_datetime_key timestamp datetime indexed", "col_int int int(11) ordinary",
                "col_int_key int int(11) indexed", "col_time time time ordinary",
                "col_time_key time time indexed", "col_varchar char varchar(1) ordinary",
                "col_varchar_key char varchar(1) indexed", "pk int int(11) primary"}));
}

TEST(DataSpecTest, ViewsEnginesNullabilityAndDuplicateNames) {
  // Like conf/mariadb/optimizer.zz: two view algorithms give view_<t>_0/_1.
  Schema s = SchemaFromDataSpec(json::parse(R"J({
    "tables": {"rows": [0, 0], "engines": ["MyISAM", "Aria"], "views": ["MERGE", "TEMPTABLE"],
               "pk": ["integer"]},
    "fields": {"types": ["char(2)", "decimal"], "indexes": [null, "key"],
               "null": ["null", "not null"]}})J"));
  EXPECT_EQ(TableNames(s, "test"),
            (std::vector<std::string>{
                "table0_aria_int", "table0_aria_int_2", "table0_myisam_int", "table0_myisam_int_2",
                "view_table0_aria_int_0", "view_table0_aria_int_1", "view_table0_aria_int_2_0",
                "view_table0_aria_int_2_1", "view_table0_myisam_int_0", "view_table0_myisam_int_1",
                "view_table0_myisam_int_2_0", "view_table0_myisam_int_2_1"}));
  const Table& table = MustFind(s, "test", "table0_aria_int_2");
  EXPECT_EQ(ColumnSummary(table),
            (std::vector<std::string>{
                "col_char_2_not_null char char(2) ordinary",
                "col_char_2_not_null_key char char(2) indexed",
                "col_char_2_null char char(2) ordinary", "col_char_2_null_key char char(2) indexed",
                "col_decimal_not_null decimal decimal(10,0) ordinary",
                "col_decimal_not_null_key decimal decimal(10,0) indexed",
                "col_decimal_null decimal decimal(10,0) ordinary",
                "col_decimal_null_key decimal decimal(10,0) indexed", "pk int int(11) primary"}));
  const Table& view = MustFind(s, "test", "view_table0_aria_int_2_1");
  EXPECT_TRUE(view.is_view);
  ASSERT_EQ(view.columns.size(), table.columns.size());
  for (const Column& c : view.columns) EXPECT_FALSE(c.indexed || c.primary) << c.name;
}

TEST(DataSpecTest, ExplicitNamesSqlsIndexSqlsAndMerges) {
  Schema s = SchemaFromDataSpec(json::parse(R"J({
    "schemas": ["db1", "db2"],
    "tables": {"rows": [1, 2, 3], "names": ["oltp1", "oltp2"], "merges": ["INSERT_METHOD=LAST"],
               "pk": ["bigint unsigned auto_increment"], "partitions": ["HASH(pk) PARTITIONS 2"]},
    "fields": {"types": ["int", "tinyint"], "sign": [null, "UNSIGNED"], "indexes": [null],
               "names": ["first", "second"],
               "sqls": ["`id` int NOT NULL", "extra varchar(20) character set binary"],
               "index_sqls": ["KEY k (id, `extra`(5))"]}})J"));
  // Explicit names first, then generated ones; MERGE tables over the MyISAM
  // (engine-less) tables go into the last schema only.
  EXPECT_EQ(TableNames(s, "db1"),
            (std::vector<std::string>{"oltp1", "oltp2", "table3_hash_pk_parts_2_bigint_unsigned_autoinc"}));
  EXPECT_EQ(TableNames(s, "db2"),
            (std::vector<std::string>{"merge_0", "oltp1", "oltp2",
                                      "table3_hash_pk_parts_2_bigint_unsigned_autoinc"}));
  const std::vector<std::string> columns = {
      "col_tinyint int tinyint(4) ordinary",
      "col_tinyint_unsigned int tinyint(3) unsigned ordinary",
      "extra char varbinary(20) indexed",
      "first int int(11) ordinary",  // names go to the first fields: int, int unsigned
      "id int int(11) indexed",
      "pk int bigint(20) unsigned primary",
      "second int int(10) unsigned ordinary",
  };
  EXPECT_EQ(ColumnSummary(MustFind(s, "db1", "oltp1")), columns);
  EXPECT_EQ(ColumnSummary(MustFind(s, "db2", "merge_0")), columns);
}

TEST(DataSpecTest, CommandLineOptions) {
  DataSpecOptions o;
  o.engine = "Aria";
  o.views = "MERGE";
  o.rows = std::vector<std::string>{"3", "4"};
  o.notnull = true;
  o.short_column_names = true;
  Schema s = SchemaFromDataSpec(json::parse(kTransactionsSpec), o);
  EXPECT_EQ(TableNames(s, "test"),
            (std::vector<std::string>{"table3_aria_int_autoinc", "table4_aria_int_autoinc",
                                      "view_table3_aria_int_autoinc", "view_table4_aria_int_autoinc"}));
  EXPECT_EQ(ColumnSummary(MustFind(s, "test", "table3_aria_int_autoinc")),
            (std::vector<std::string>{"c0 int int(11) indexed", "c1 int int(11) ordinary",
                                      "pk int int(11) primary"}));

  // --notnull names the columns not_null and drops DEFAULT NULL variants;
  // --strict_fields stops the default KEY variant.
  DataSpecOptions strict;
  strict.strict_fields = true;
  strict.notnull = true;
  Schema t = SchemaFromDataSpec(json::parse(R"J({"tables": {"rows": [1]},
      "fields": {"types": ["int"], "default": [null, "default null"]}})J"), strict);
  EXPECT_EQ(ColumnSummary(MustFind(t, "test", "table1_int_autoinc")),
            (std::vector<std::string>{"col_int int int(11) ordinary", "pk int int(11) primary"}));
  DataSpecOptions notnull;
  notnull.notnull = true;
  Schema u = SchemaFromDataSpec(json::parse(R"J({"tables": {"rows": [1]},
      "fields": {"types": ["int"], "default": [null, "default null"]}})J"), notnull);
  EXPECT_EQ(ColumnSummary(MustFind(u, "test", "table1_int_autoinc")),
            (std::vector<std::string>{"col_int_not_null int int(11) ordinary",
                                      "col_int_not_null_key int int(11) indexed",
                                      "pk int int(11) primary"}));
}

TEST(DataSpecTest, TablesTheServerRefusesAreNotListed) {
  // Partitioned by pk without a pk column, and a pk type without length:
  // both CREATE TABLEs fail (as in conf/replication/replication-5.1.zz).
  Schema s = SchemaFromDataSpec(json::parse(R"J({
    "tables": {"rows": [1], "partitions": [null, "KEY (pk) PARTITIONS 2"],
               "pk": [null, "varchar", "int"]},
    "fields": {"types": ["int"], "indexes": [null]}})J"));
  EXPECT_EQ(TableNames(s, "test"),
            (std::vector<std::string>{"table1", "table1_int", "table1_key_pk_parts_2_int"}));

  // A unique key not covering the partitioning column; a TEXT primary key
  // without prefix length (a plain KEY is fine); names over 64 characters.
  Schema t = SchemaFromDataSpec(json::parse(R"J({
    "tables": {"rows": [1], "partitions": [null, "KEY (pk) PARTITIONS 2"]},
    "fields": {"types": ["int"], "indexes": ["unique"]}})J"));
  EXPECT_EQ(TableNames(t, "test"), std::vector<std::string>{"table1_int_autoinc"});
  Schema u = SchemaFromDataSpec(json::parse(R"J({"tables": {"rows": [1]},
    "fields": {"types": ["text(100)"], "indexes": ["key"]}})J"));
  EXPECT_EQ(ColumnSummary(MustFind(u, "test", "table1_int_autoinc")),
            (std::vector<std::string>{"col_text_100_key text tinytext indexed",
                                      "pk int int(11) primary"}));
  Schema w = SchemaFromDataSpec(json::parse(R"J({"tables": {"rows": [1], "pk": [null]},
    "fields": {"types": ["text(100)"], "indexes": ["primary key"]}})J"));
  EXPECT_TRUE(w.databases.empty());  // no table at all: the schema is not listed
  Schema v = SchemaFromDataSpec(json::parse(R"J({"tables": {"rows": [1]},
    "fields": {"types": ["datetime(6)"], "default": ["default current_timestamp(6) on update current_timestamp(6)"]}})J"));
  EXPECT_TRUE(v.databases.empty());
}

TEST(DataSpecTest, SingleUniqueNotNullKeyReportsAsPrimary) {
  // Without a primary key the server shows the only UNIQUE key over a NOT
  // NULL column as PRI; BLOB keys (prefix) and timestamps (made nullable by
  // Gendata) do not qualify.
  Schema s = SchemaFromDataSpec(json::parse(R"J({"tables": {"rows": [1], "pk": [null]},
    "fields": {"types": ["int", "blob", "timestamp"], "indexes": ["unique"],
               "null": ["not null"]}})J"));
  EXPECT_EQ(ColumnSummary(MustFind(s, "test", "table1")),
            (std::vector<std::string>{"col_blob_not_null_unique blob blob indexed",
                                      "col_int_not_null_unique int int(11) primary",
                                      "col_timestamp_not_null_unique timestamp timestamp indexed"}));
}

TEST(DataSpecTest, WrongShapesAreInputErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"J([1])J", "data spec: expected the evaluated spec as a JSON object"},
      {R"J({"tables": [1]})J", "data spec: $tables must be a hash"},
      {R"J({"fields": "x"})J", "data spec: $fields must be a hash"},
      {R"J({"schemas": "test"})J", "data spec: $schemas must be a list"},
      {R"J({"tables": {"rows": 10}})J", "data spec: $tables->{rows} must be a list"},
      {R"J({"fields": {"types": [["int"]]}})J", "data spec: $fields->{types}[0] must be a plain value"},
  };
  for (const auto& [spec, expected] : cases) {
    try {
      SchemaFromDataSpec(json::parse(spec));
      ADD_FAILURE() << "accepted: " << spec;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(expected, 0), 0u) << e.what();
    }
  }
  // Perl's `||`: a false value means "use the default".
  EXPECT_NO_THROW(SchemaFromDataSpec(json::parse(R"J({"tables": {"rows": 0}})J")));
}

// ---------------------------------------------------------------- types

TEST(ColumnTypesTest, ServerSpellingOfDeclaredTypes) {
  struct Case {
    const char* declared;
    const char* data_type;
    const char* column_type;
  };
  // Checked against information_schema of MariaDB 10.11.
  const Case cases[] = {
      {"integer auto_increment", "int", "int(11)"},
      {"int unsigned", "int", "int(10) unsigned"},
      {"tinyint", "tinyint", "tinyint(4)"},
      {"smallint unsigned", "smallint", "smallint(5) unsigned"},
      {"mediumint", "mediumint", "mediumint(9)"},
      {"bigint", "bigint", "bigint(20)"},
      {"int(5) zerofill", "int", "int(5) unsigned zerofill"},
      {"bool", "tinyint", "tinyint(1)"},
      {"serial", "bigint", "bigint(20) unsigned"},
      {"bit", "bit", "bit(1)"},
      {"float(30)", "double", "double"},
      {"float(10,2)", "float", "float(10,2)"},
      {"real", "double", "double"},
      {"double precision", "double", "double"},
      {"dec", "decimal", "decimal(10,0)"},
      {"numeric(5)", "decimal", "decimal(5,0)"},
      {"decimal(10,2) unsigned", "decimal", "decimal(10,2) unsigned"},
      {"char", "char", "char(1)"},
      {"char (1) character set binary", "binary", "binary(1)"},
      {"varchar(10) /*+mysql: CHARACTER SET binary*/", "varbinary", "varbinary(10)"},
      {"nchar(3)", "char", "char(3)"},
      {"text(100)", "tinytext", "tinytext"},
      {"blob(70000)", "mediumblob", "mediumblob"},
      {"longtext charset binary", "longblob", "longblob"},
      {"long varchar", "mediumtext", "mediumtext"},
      {"json", "longtext", "longtext"},
      {"year", "year", "year(4)"},
      {"time(0)", "time", "time"},
      {"datetime(6)", "datetime", "datetime(6)"},
      {"timestamp(3) not null NULL DEFAULT 0", "timestamp", "timestamp(3)"},
      {"enum (\"a\", 'b''c')", "enum", "enum('a','b''c')"},
      {"inet6", "inet6", "inet6"},
      {"int DEFAULT 'unsigned'", "int", "int(11)"},
  };
  for (const Case& c : cases) {
    ServerType t = ServerTypeOf(c.declared);
    EXPECT_EQ(t.data_type, c.data_type) << c.declared;
    EXPECT_EQ(t.column_type, c.column_type) << c.declared;
    EXPECT_TRUE(t.valid) << c.declared;
  }
  EXPECT_FALSE(ServerTypeOf("varchar").valid);
  EXPECT_FALSE(ServerTypeOf("varbinary not null").valid);
}

TEST(ColumnTypesTest, RqgTypeClasses) {
  EXPECT_EQ(TypeClassOf("bit"), "int");
  EXPECT_EQ(TypeClassOf("bigint"), "int");
  EXPECT_EQ(TypeClassOf("double"), "float");
  EXPECT_EQ(TypeClassOf("decimal"), "decimal");
  EXPECT_EQ(TypeClassOf("datetime"), "timestamp");
  EXPECT_EQ(TypeClassOf("varbinary"), "char");
  EXPECT_EQ(TypeClassOf("longblob"), "blob");
  EXPECT_EQ(TypeClassOf("tinytext"), "text");
  EXPECT_EQ(TypeClassOf("date"), "date");
  EXPECT_EQ(TypeClassOf("enum"), "enum");
}

}  // namespace
}  // namespace randsync
