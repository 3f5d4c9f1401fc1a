// Known failure patterns (runners/triage/known_bugs.h): the file's
// syntax, its one-line errors, matching a failure's typed fields and
// cause, and the entries randsync ships.
#include "runners/triage/known_bugs.h"

#include <fstream>

#include <gtest/gtest.h>

#include "base/errors.h"
#include "support/temp_dir.h"

namespace randsync::triage {
namespace {

using scenario::FailureKind;
using scenario::RunFailure;

const RunFailure kReplication{.status = Status::kReplicationFailure,
                              .kind = FailureKind::kReplication,
                              .server = "slave",
                              .table = "test.C",
                              .error_number = 1032,
                              .reason = "replication failed: Could not execute Update_rows_v1 event on table test.C"};

TEST(KnownBugs, EveryConditionMustHoldAndTheFirstEntryWins) {
  KnownBugs k;
  k.Add("# a comment\n"
        "\n"
        "ID-1  kind=replication error=1062  -- duplicate key\n"
        "ID-2  kind=replication error=1032 table~^test\\.  -- key not found on test tables\n"
        "ID-3  status=103  -- any replication failure\n",
        "mine.txt");
  ASSERT_EQ(k.size(), 3u);
  const KnownBug* b = k.Match(kReplication, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->id, "ID-2");
  EXPECT_EQ(b->note, "key not found on test tables");
  EXPECT_EQ(b->source, "mine.txt:4");
  RunFailure other = kReplication;
  other.table = "app.C";
  ASSERT_NE(k.Match(other, nullptr), nullptr);
  EXPECT_EQ(k.Match(other, nullptr)->id, "ID-3") << "status by its exit number";
  other.status = Status::kDivergence;
  EXPECT_EQ(k.Match(other, nullptr), nullptr);
}

TEST(KnownBugs, QuotedRegexesStatusNamesAndTheCausesClass) {
  KnownBugs k;
  k.Add("CLS  class=unsafe-statement  -- explained\n"
        "RSN  status=STATUS_BACKUP_FAILURE reason~\"redo log was (over)?written\"  -- the tool\n",
        "f");
  const Cause unsafe{CauseClass::kUnsafeStatement, "", {}};
  EXPECT_EQ(k.Match(kReplication, &unsafe)->id, "CLS");
  EXPECT_EQ(k.Match(kReplication, nullptr), nullptr) << "no cause, no class";
  const RunFailure backup{.status = Status::kBackupFailure,
                          .kind = FailureKind::kBackup,
                          .reason = "mariadb-backup --backup failed: InnoDB: redo log was overwritten"};
  ASSERT_NE(k.Match(backup, nullptr), nullptr);
  EXPECT_EQ(k.Match(backup, nullptr)->id, "RSN");
}

TEST(KnownBugs, ABadEntryIsOneLineNamingFileAndLine) {
  auto error_of = [](const std::string& text) {
    try {
      KnownBugs k;
      k.Add(text, "bugs.txt");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error_of("\nX  colour=red\n"),
            "bugs.txt:2: unknown field 'colour' (status, kind, where, server, table, gtid, error, detail, reason, "
            "class)");
  EXPECT_NE(error_of("X  reason~(unclosed").find("bugs.txt:1: reason~(unclosed: not a regular expression"),
            std::string::npos);
  EXPECT_EQ(error_of("X -- a note only"), "bugs.txt:1: X has no condition (it would match every failure)");
  EXPECT_EQ(error_of("X reason~\"open"), "bugs.txt:1: a double quote is not closed");
  EXPECT_EQ(error_of("X table"), "bugs.txt:1: 'table' is not FIELD=VALUE or FIELD~REGEX");
  EXPECT_EQ(error_of("  -- a note with no entry"), "bugs.txt:1: an entry needs an ID before its conditions");
  EXPECT_THROW(LoadKnownBugs({"/nonexistent/bugs.txt"}), InputError);
}

TEST(KnownBugs, TheShippedEntriesLoadAndAUsersFileComesFirst) {
  const KnownBugs shipped = KnownBugs::Shipped();
  ASSERT_GE(shipped.size(), 1u);
  const RunFailure assertion{.status = Status::kBackupFailure,
                             .kind = FailureKind::kBackup,
                             .reason = "mariadb-backup --backup failed (signal 6): InnoDB: Failing assertion: opt_no_lock"};
  ASSERT_NE(shipped.Match(assertion, nullptr), nullptr);
  EXPECT_EQ(shipped.Match(assertion, nullptr)->id, "MDEV-22250");
  testsupport::TempDir dir;
  std::ofstream(dir.path() / "mine.txt") << "MINE  kind=backup  -- every backup failure, here\n";
  const KnownBugs both = LoadKnownBugs({(dir.path() / "mine.txt").string()});
  EXPECT_EQ(both.size(), shipped.size() + 1);
  EXPECT_EQ(both.Match(assertion, nullptr)->id, "MINE");
}

}  // namespace
}  // namespace randsync::triage
