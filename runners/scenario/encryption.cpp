#include "runners/scenario/encryption.h"

#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "runners/scenario/result_file.h"

namespace randsync::scenario {
namespace fs = std::filesystem;

namespace {

// file_key_management's format: "<key id>;<hex key>" a line; id 1 is
// the default key, 2 the one temporary files and logs may use.
std::string KeyFileText() {
  std::random_device random;
  std::string text;
  for (int id = 1; id <= 2; ++id) {
    text += fmt::format("{};", id);
    for (int i = 0; i < 32; ++i) text += fmt::format("{:02x}", random() & 0xff);
    text += "\n";
  }
  return text;
}

std::vector<std::string> ServerOptions(const fs::path& keys) {
  return {"--plugin-load-add=file_key_management",
          "--file-key-management-filename=" + keys.string(),
          "--innodb-encrypt-tables=ON",
          "--innodb-encrypt-log=ON",
          "--innodb-encryption-threads=2"};
}

}  // namespace

ProvisionRunOptions WithEncryption(const ProvisionRunOptions& given, const fs::path& run_dir) {
  if (!given.encrypt) return given;
  ProvisionRunOptions o = given;
  const fs::path keys = fs::absolute(run_dir / "encryption" / "keys.txt");
  std::error_code ec;
  fs::create_directories(keys.parent_path(), ec);
  if (ec) throw std::runtime_error(fmt::format("--encrypt: cannot create {}: {}", keys.parent_path().string(), ec.message()));
  WriteResultFile(keys, KeyFileText());
  fs::permissions(keys, fs::perms::owner_read | fs::perms::owner_write, ec);
  for (const std::string& x : ServerOptions(keys)) {
    o.master_options.push_back(x);
    o.slave_options.push_back(x);
  }
  return o;
}

EncryptedTables CountEncryptedTables(db::Connection& c) {
  EncryptedTables t;
  const db::RowSet rs = c.QueryRows(
      "SELECT s.NAME, COALESCE(e.ENCRYPTION_SCHEME, 0) FROM information_schema.INNODB_SYS_TABLESPACES s "
      "LEFT JOIN information_schema.INNODB_TABLESPACES_ENCRYPTION e ON e.SPACE = s.SPACE WHERE s.NAME LIKE '%/%' "
      "AND s.NAME NOT LIKE 'mysql/%' AND s.NAME NOT LIKE 'sys/%' ORDER BY s.NAME");
  for (const db::Row& r : rs.rows) {
    ++t.tablespaces;
    if (r.at(1).value_or("0") != "0") {
      ++t.encrypted;
    } else if (t.unencrypted.size() < 5) {
      t.unencrypted.push_back(r.at(0).value_or(""));
    }
  }
  return t;
}

nlohmann::json EncryptedTables::ToJson() const {
  return {{"tablespaces", tablespaces}, {"encrypted", encrypted}, {"unencrypted", unencrypted}};
}

}  // namespace randsync::scenario
