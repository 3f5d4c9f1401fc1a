// Data-at-rest encryption of a run's servers (`run --encrypt`): master and
// slave run InnoDB encryption with the file_key_management plugin and a key
// file randsync writes into the results folder (encryption/keys.txt, two
// random AES-256 keys, mode 0600), so the backup copies encrypted
// tablespaces and an encrypted redo log, and the slave must read them.
// After provisioning, the run counts the user tables' encrypted
// tablespaces on both servers (information_schema
// INNODB_TABLESPACES_ENCRYPTION): "encrypted" is then a fact, not a setting.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/connection.h"
#include "runners/scenario/provision_run.h"

namespace randsync::scenario {

// `options` with the key file written under `run_dir` and the servers'
// encryption options added to master_options and slave_options (so
// config.json, replay and reduce carry them); `options` itself when
// --encrypt is off. Throws std::runtime_error when the key file cannot be
// written.
ProvisionRunOptions WithEncryption(const ProvisionRunOptions& options, const std::filesystem::path& run_dir);

// The InnoDB tablespaces of the server's user tables, and how many are encrypted.
struct EncryptedTables {
  unsigned tablespaces = 0;
  unsigned encrypted = 0;
  std::vector<std::string> unencrypted;  // db/t, the first few
  bool all() const { return tablespaces > 0 && encrypted == tablespaces; }
  nlohmann::json ToJson() const;
};
EncryptedTables CountEncryptedTables(db::Connection& server);

}  // namespace randsync::scenario
