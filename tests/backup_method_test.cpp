// The backup methods behind one interface (runners/scenario/methods/):
// what each is called, what it can make consistent, the options it takes
// and refuses. The servers' side is in run_matrix/run_consistency/run_position.
#include "runners/scenario/methods/backup_method.h"

#include <gtest/gtest.h>

#include <set>

namespace randsync::scenario {
namespace {

std::shared_ptr<const BackupMethod> Make(std::string_view name, std::vector<std::string> options = {},
                                         bool unsafe = false) {
  MethodSettings s;
  s.options = std::move(options);
  s.unsafe_dump = unsafe;
  return MakeBackupMethod(name, s);
}

std::string OptionError(std::string_view name, std::vector<std::string> options, bool unsafe = false) {
  try {
    Make(name, std::move(options), unsafe);
  } catch (const MethodOptionError& e) {
    return e.what();
  }
  return "";
}

TEST(BackupMethod, EveryRegisteredNameMakesThatMethod) {
  const std::vector<std::string> names = BackupMethodNames();
  EXPECT_EQ(names, (std::vector<std::string>{"mariabackup", "mariadb-dump", "mydumper"}));
  for (const std::string& n : names) EXPECT_EQ(Make(n)->name(), n);
  EXPECT_THROW(Make("xtrabackup"), std::invalid_argument);
}

TEST(BackupMethod, VariantsAsTheConsistencyModelNamesThem) {
  EXPECT_EQ(Make("mariabackup")->Variant(), "mariabackup");
  EXPECT_EQ(Make("mariabackup", {"--no-lock"})->Variant(), "mariabackup --no-lock");
  EXPECT_EQ(Make("mariadb-dump")->Variant(), "mariadb-dump --single-transaction");
  EXPECT_EQ(Make("mariadb-dump", {"--lock-all-tables"})->Variant(), "mariadb-dump --lock-all-tables");
  EXPECT_EQ(Make("mariadb-dump", {}, true)->Variant(), "mariadb-dump without --single-transaction");
  EXPECT_EQ(Make("mydumper")->Variant(), "mydumper --trx-consistency-only");
}

TEST(BackupMethod, WhatEachCanMakeConsistent) {
  auto covers = [](const std::shared_ptr<const BackupMethod>& m, std::string_view engine, bool sequence = false) {
    return m->UncoveredReason(engine, sequence).empty();
  };
  const auto locked = Make("mariabackup"), unlocked = Make("mariabackup", {"--no-lock"});
  EXPECT_TRUE(covers(locked, "aria"));
  EXPECT_TRUE(covers(locked, "myisam"));
  EXPECT_FALSE(covers(locked, "memory"));
  EXPECT_TRUE(covers(unlocked, "innodb"));
  EXPECT_FALSE(covers(unlocked, "aria"));
  const auto dump = Make("mariadb-dump"), all = Make("mariadb-dump", {"--lock-all-tables"});
  EXPECT_TRUE(covers(dump, "innodb"));
  EXPECT_FALSE(covers(dump, "myisam"));
  EXPECT_FALSE(covers(dump, "innodb", true));
  EXPECT_TRUE(covers(all, "myisam"));
  EXPECT_TRUE(covers(all, "innodb", true));
  // mydumper reads sequences after its lock ends.
  EXPECT_FALSE(covers(Make("mydumper"), "aria"));
  EXPECT_FALSE(Make("mydumper")->UncoveredReason("innodb", true).empty());
}

TEST(BackupMethod, WhereTheSlaveRunsAndWhatTheMasterMustOffer) {
  EXPECT_TRUE(Make("mariabackup")->SlaveRunsOnBackup());
  EXPECT_TRUE(Make("mariabackup")->ReadsMasterFiles());
  EXPECT_FALSE(Make("mariabackup")->CopiesWithoutLocks());
  EXPECT_TRUE(Make("mariabackup", {"--no-lock=1"})->CopiesWithoutLocks());
  for (const char* logical : {"mariadb-dump", "mydumper"}) {
    EXPECT_FALSE(Make(logical)->SlaveRunsOnBackup()) << logical;
    EXPECT_FALSE(Make(logical)->ReadsMasterFiles()) << logical;
    EXPECT_FALSE(Make(logical)->CopiesWithoutLocks()) << logical;
  }
}

TEST(BackupMethod, SettingsAreKeptForConfigJson) {
  const auto m = Make("mariabackup", {"--no-lock", "--parallel=2"});
  EXPECT_EQ(m->settings().options, (std::vector<std::string>{"--no-lock", "--parallel=2"}));
  EXPECT_TRUE(Make("mariadb-dump", {}, true)->settings().unsafe_dump);
}

TEST(BackupMethod, AnOptionAMethodDoesNotTakeIsOneLineNamingIt) {
  EXPECT_EQ(OptionError("mariadb-dump", {"--quick"}),
            "--backup-option --quick: with --backup mariadb-dump it only chooses how the dump locks "
            "(--single-transaction or --lock-all-tables); randsync gives the tool its other options");
  EXPECT_EQ(OptionError("mydumper", {"--lock-all-tables"}),
            "--backup-option --lock-all-tables: with --backup mydumper it only chooses how the dump locks "
            "(--trx-consistency-only); randsync gives the tool its other options");
  EXPECT_EQ(OptionError("mariabackup", {}, true), "--test-unsafe-dump needs --backup mariadb-dump");
  EXPECT_EQ(OptionError("mydumper", {}, true), "--test-unsafe-dump needs --backup mariadb-dump");
  EXPECT_EQ(OptionError("mariadb-dump", {"--single-transaction"}, true),
            "--backup-option and --test-unsafe-dump both say how the dump locks; give one");
  EXPECT_EQ(OptionError("mariabackup", {"--no-lock", "--parallel=4"}), "");
}

TEST(BackupMethod, AnIncrementalChainIsMariabackupsAndNamedInItsVariant) {
  MethodSettings chain;
  chain.incrementals = 3;
  chain.kill_backup_at = 3;
  EXPECT_EQ(MakeBackupMethod("mariabackup", chain)->Variant(), "mariabackup + 3 incrementals");
  EXPECT_EQ(MakeBackupMethod("mariabackup", chain)->settings().kill_backup_at, 3u);
  chain.kill_backup_at = 4;
  EXPECT_THROW(MakeBackupMethod("mariabackup", chain), MethodOptionError);
  for (const char* logical : {"mariadb-dump", "mydumper"}) {
    MethodSettings incremental, kill;
    incremental.incrementals = 1;
    kill.kill_backup_at = 1;
    EXPECT_THROW(MakeBackupMethod(logical, incremental), MethodOptionError) << logical;
    EXPECT_THROW(MakeBackupMethod(logical, kill), MethodOptionError) << logical;
  }
}

TEST(BackupMethod, EveryMethodButAnUnlockedCopyBacksUpAReplica) {
  MethodSettings replica;
  replica.of_replica = true;
  for (const char* method : {"mariabackup", "mariadb-dump", "mydumper"}) {
    EXPECT_TRUE(MakeBackupMethod(method, replica)->settings().of_replica) << method;
  }
  // Where each finds the replica's position in its master's binary log,
  // and what a backup without it was taken without.
  EXPECT_EQ(MakeBackupMethod("mariabackup", replica)->ReplicaSourceName(), "slave info");
  EXPECT_EQ(MakeBackupMethod("mydumper", replica)->ReplicaSourceName(), "mydumper metadata's SHOW SLAVE STATUS");
  EXPECT_EQ(MakeBackupMethod("mariadb-dump", replica)->WithoutReplicaSourcePosition(),
            "taken with --master-data, without --dump-slave");
  // The negative control without it: mydumper always writes it.
  replica.slave_info = false;
  EXPECT_NO_THROW(MakeBackupMethod("mariadb-dump", replica));
  EXPECT_THROW(MakeBackupMethod("mydumper", replica), MethodOptionError);
  replica.slave_info = true;
  replica.options = {"--no-lock"};
  EXPECT_THROW(MakeBackupMethod("mariabackup", replica), MethodOptionError);
}

TEST(BackupMethod, ASnapshotDumpFailingOnChangedDefinitionsIsItsLimit) {
  const std::string changed =
      "mariadb-dump failed (exit 2): mariadb-dump: Error 1412: Table definition has changed, please retry transaction";
  EXPECT_NE(Make("mariadb-dump", {"--single-transaction"})->LimitOfFailure(changed).find("ER_TABLE_DEF_CHANGED"),
            std::string::npos);
  EXPECT_NE(Make("mydumper", {"--trx-consistency-only"})->LimitOfFailure(changed), "");
  EXPECT_EQ(Make("mariadb-dump", {"--lock-all-tables"})->LimitOfFailure(changed), "");  // DDL was held off
  EXPECT_EQ(Make("mariadb-dump", {"--single-transaction"})->LimitOfFailure("Error 2013: Lost connection"), "");
  EXPECT_EQ(Make("mariabackup")->LimitOfFailure(changed), "");
  const std::string dropped = "mydumper failed (exit code 1): Error dumping table (test.ddl_t1) data: Table "
                              "'test.ddl_t1' doesn't exist";
  EXPECT_NE(Make("mydumper", {"--trx-consistency-only"})->LimitOfFailure(dropped).find("dropped or renamed"),
            std::string::npos);
  EXPECT_EQ(Make("mariadb-dump", {"--lock-all-tables"})->LimitOfFailure(dropped), "");
  // mariadb-backup --no-lock giving up a copy DDL changed (seen in CI).
  const std::string late = "mariadb-backup --backup failed (exit code 1): [00] FATAL ERROR: DDL operation detected in "
                           "the late phase of backup while executing delete on ./test/ddl_t1.ibd. Backup is "
                           "inconsistent. Remove --no-lock option to fix.";
  EXPECT_NE(Make("mariabackup", {"--no-lock"})->LimitOfFailure(late).find("--no-lock does not hold DDL"),
            std::string::npos);
  EXPECT_EQ(Make("mariabackup")->LimitOfFailure(late), "");
  const std::string gone = "mariadb-backup --backup failed (exit code 1): [00] FATAL ERROR: 2026-12-04 05:29:59 "
                           "Can't open datafile test/ddl_t2";
  EXPECT_NE(Make("mariabackup", {"--no-lock"})->LimitOfFailure(gone).find("datafile went away"), std::string::npos);
  EXPECT_EQ(Make("mariabackup")->LimitOfFailure(gone), "");  // locked, DDL is held: a real failure
}

TEST(BackupMethod, AnIncrementalOrderMustNameIncrementalsOfTheChain) {
  MethodSettings chain;
  chain.incrementals = 3;
  chain.apply_order = {1, 3};
  EXPECT_EQ(MakeBackupMethod("mariabackup", chain)->settings().apply_order, (std::vector<unsigned>{1, 3}));
  chain.apply_order = {4};
  EXPECT_THROW(MakeBackupMethod("mariabackup", chain), MethodOptionError);
  MethodSettings logical;
  logical.apply_order = {1};
  EXPECT_THROW(MakeBackupMethod("mariadb-dump", logical), MethodOptionError);
}

}  // namespace
}  // namespace randsync::scenario
