// .zz data specs evaluated by the embedded Perl into JSON.
#include "engine/perl/data_spec.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <unistd.h>

#include <gtest/gtest.h>

#include "base/errors.h"

namespace randsync {
namespace {

namespace fs = std::filesystem;

const std::string kConf = RANDSYNC_CORPUS_DIR "/conf";

// A spec file in a fresh temporary directory, removed with the object.
class TempSpec {
 public:
  explicit TempSpec(const std::string& text) {
    dir_ = fs::temp_directory_path() /
           ("randsync_data_spec_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter_++));
    fs::create_directories(dir_);
    path_ = (dir_ / "spec.zz").string();
    std::ofstream(path_) << text;
  }
  ~TempSpec() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
  std::string path_;
};

TEST(DataSpec, TransactionsSpec) {
  const nlohmann::json spec = EvalDataSpec(kConf + "/transactions/transactions.zz");
  EXPECT_EQ(spec["schemas"], nullptr);
  EXPECT_EQ(spec["tables"]["rows"], nlohmann::json({10, 100}));  // numbers stay numbers
  EXPECT_EQ(spec["tables"]["pk"], nlohmann::json({"integer auto_increment"}));
  EXPECT_EQ(spec["fields"]["types"], nlohmann::json({"int"}));
  EXPECT_EQ(spec["fields"]["indexes"], nlohmann::json({"key", nullptr}));
  EXPECT_EQ(spec["data"]["numbers"], nlohmann::json({"100"}));  // strings stay strings
}

TEST(DataSpec, ReplicationSpecWithSchemas) {
  const nlohmann::json spec = EvalDataSpec(kConf + "/replication/rpl_transactions.zz");
  EXPECT_EQ(spec["schemas"], nlohmann::json({"test", "test1"}));
  EXPECT_EQ(spec["tables"]["rows"], nlohmann::json({10, 100, 1000}));
  EXPECT_EQ(spec["tables"]["engines"], nlohmann::json({"InnoDB"}));
  EXPECT_EQ(spec["tables"]["pk"], nlohmann::json({"int auto_increment", "int", nullptr}));
  EXPECT_EQ(spec["fields"]["types"],
            nlohmann::json({"bit(64)", "bigint", "set", "varchar(255)", "text"}));
  EXPECT_EQ(spec["data"]["numbers"], nlohmann::json({"digit", "null", nullptr}));
  EXPECT_EQ(spec["data"]["blobs"].size(), 10u);
}

TEST(DataSpec, EveryCorpusSpecLoads) {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kConf)) {
    if (entry.path().extension() != ".zz") continue;
    ++count;
    SCOPED_TRACE(entry.path().string());
    nlohmann::json spec;
    ASSERT_NO_THROW(spec = EvalDataSpec(entry.path().string()));
    ASSERT_TRUE(spec.is_object());
    for (const char* key : {"schemas", "tables", "fields", "data"}) {
      EXPECT_TRUE(spec.contains(key)) << key;
    }
    EXPECT_TRUE(spec["tables"].is_object() || spec["tables"].is_null());
    EXPECT_TRUE(spec["fields"].is_object() || spec["fields"].is_null());
  }
  EXPECT_GE(count, 50);
}

TEST(DataSpec, ValuesKeepPerlsTypes) {
  TempSpec spec_file(
      "$tables = { rows => [1, '2', 2.5, -3], names => [ 'a' . 'b' ] };\n"
      "$fields = { nested => { list => [ [], {} ], ref => \\'scalar' } };\n"
      "$data = undef;\n");
  const nlohmann::json spec = EvalDataSpec(spec_file.path());
  EXPECT_EQ(spec["tables"]["rows"], nlohmann::json::parse(R"([1, "2", 2.5, -3])"));
  EXPECT_EQ(spec["tables"]["names"], nlohmann::json({"ab"}));
  EXPECT_EQ(spec["fields"]["nested"]["list"], nlohmann::json::parse("[[], {}]"));
  EXPECT_EQ(spec["fields"]["nested"]["ref"], "scalar");
  EXPECT_EQ(spec["data"], nullptr);
  EXPECT_EQ(spec["schemas"], nullptr);
}

TEST(DataSpec, MissingFileIsAnInputError) {
  const std::string path = kConf + "/no/such/spec.zz";
  try {
    EvalDataSpec(path);
    ADD_FAILURE() << "no exception";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(path + ": ", 0), 0u) << what;
    EXPECT_NE(what.find("No such file"), std::string::npos) << what;
  }
}

TEST(DataSpec, SyntaxErrorIsAnInputErrorWithFileAndLine) {
  TempSpec spec_file("$tables = {\n  rows => [1, 2,\n};\n$fields = ;\n");
  try {
    EvalDataSpec(spec_file.path());
    ADD_FAILURE() << "no exception";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(spec_file.path() + ": ", 0), 0u) << what;
    EXPECT_NE(what.find("syntax error at " + spec_file.path() + " line"), std::string::npos)
        << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

TEST(DataSpec, DieIsAnInputError) {
  TempSpec spec_file("$tables = {};\ndie \"no good\\n\";\n");
  try {
    EvalDataSpec(spec_file.path());
    ADD_FAILURE() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), spec_file.path() + ": no good");
  }
}

TEST(DataSpec, CodeReferencesAreRejected) {
  TempSpec spec_file("$tables = { rows => sub { 1 } };\n");
  EXPECT_THROW(EvalDataSpec(spec_file.path()), InputError);
}

TEST(DataSpec, ConcurrentEvaluations) {
  nlohmann::json a, b;
  std::thread t1([&] { a = EvalDataSpec(kConf + "/transactions/transactions.zz"); });
  std::thread t2([&] { b = EvalDataSpec(kConf + "/replication/rpl_transactions.zz"); });
  t1.join();
  t2.join();
  EXPECT_EQ(a, EvalDataSpec(kConf + "/transactions/transactions.zz"));
  EXPECT_EQ(b, EvalDataSpec(kConf + "/replication/rpl_transactions.zz"));
}

}  // namespace
}  // namespace randsync
