#!/usr/bin/env bash
# Negative controls of `randsync run`: provisioning mistakes users make, each
# of which must be caught, never reported ok, and pointed at a table:
#   (a) a logical dump without --single-transaction under write load;
#   (c) the slave started 20 transactions off the recorded GTID either way,
#       and 1 or 3 off with a workload where every transaction leaves a row:
#       the position audit refuses it before replication starts (113);
#   (d) Aria tables written during a mariadb-backup with --no-lock;
# a MEMORY table under mariabackup, the method's known limit (20); a slave
# that filters a table (111, the setting's); and a slave that cannot catch
# up within --catchup-timeout (112). Each failure's cause (randsync
# explain) has its class.
# Caught means the run names the method's limit on a table it listed before
# the backup (20; Aria under --no-lock), the position audit finds the data is not at the recorded
# position (113, naming the transaction and the row), replication stops on
# the missing/duplicate row (103, Last_SQL_Error names the table) or the
# checker finds the rows (111); which one comes first depends on what the
# load touched next. (b), STATEMENT
# format with server-dependent values, is in run_cli_test.sh.
source "$(dirname "$0")/run_test_lib.sh"

# The position audit reads the transactions on both sides of the start from
# the master's binary log and finds them applied or not in the restored
# data, before replication starts (113, naming the transaction and row).
# Either a row contradicts the start, or (a position read without locks)
# the recorded GTID is not the master's at the recorded file/position.
expect_audit() {
  local what=$1
  grep -q "STATUS_POSITION_MISMATCH.*\(transaction 0-1-[0-9]* (#[0-9]* \(before\|after\) the start) .*test\.[A-Za-z0-9_]* row (pk=\|but the master logged 0-1-[0-9]* there\)" \
      "$last_run/summary.txt" ||
    { echo "FAIL: $what: the audit does not name the transaction and the row"; cat "$last_run/summary.txt"; fail=1; return; }
  grep -q '"verdict": "wrong"' "$last_run/report.json" || { echo "FAIL: $what: no audit in report.json"; fail=1; return; }
  echo "   caught: $(grep '^status:' "$last_run/summary.txt" | cut -c1-220)"
}
# The status and the table named in summary.txt or the checks' diffs.
expect_caught() {
  local what=$1
  [[ $last_rc -eq 20 || $last_rc -eq 103 || $last_rc -eq 111 || $last_rc -eq 108 || $last_rc -eq 113 ]] || return
  if [[ $last_rc -eq 113 ]]; then
    expect_audit "$what"; return
  elif [[ $last_rc -eq 20 ]]; then
    grep -q "STATUS_METHOD_LIMIT.*\(cannot make consistent.*test\.[A-Za-z0-9_]* (\|cannot place a copy in the binary log .*transaction 0-1-[0-9]* (#[0-9]* \(before\|after\) the start)\)" \
        "$last_run/summary.txt" ||
      { echo "FAIL: $what: method limit without the table"; cat "$last_run/summary.txt"; fail=1; return; }
  elif [[ $last_rc -eq 108 ]]; then
    grep -q "the slave does not start on the prepared backup" "$last_run/summary.txt" ||
      { echo "FAIL: $what: backup failure without the cause"; cat "$last_run/summary.txt"; fail=1; return; }
  elif [[ $last_rc -eq 103 ]]; then
    grep -q "Last_SQL_Error=.*test\.[A-Za-z_0-9]" "$last_run/summary.txt" ||
      { echo "FAIL: $what: replication failure without the table"; cat "$last_run/summary.txt"; fail=1; return; }
  else
    grep -q '^  `test`\.`[^`]*`: DIFFERENT' "$last_run"/checks/*.txt ||
      { echo "FAIL: $what: divergence without the table"; cat "$last_run"/checks/*.txt; fail=1; return; }
  fi
  echo "   caught: $(grep '^status:' "$last_run/summary.txt" | cut -c1-220)"
}

# `randsync explain`'s class of the cause (summary.txt's cause: line, which
# every failed run writes), and the same from the command on the folder.
expect_cause() {
  local class=$1 what=$2
  grep -q "^cause: $class: " "$last_run/summary.txt" ||
    { echo "FAIL: $what: the cause is not $class"; grep -A3 '^cause:' "$last_run/summary.txt"; fail=1; return; }
  "$RANDSYNC" explain --no-write "$last_run" | grep -q "^cause: $class: " ||
    { echo "FAIL: $what: randsync explain does not say $class"; fail=1; return; }
  echo "   $(grep '^cause:' "$last_run/summary.txt" | cut -c1-160)"
}

# A short catch-up deadline: a slave that stopped on an error must fail the
# run at once, and one that cannot catch up must not hold the test.
common=(--threads 8 --duration 10 --sync-points 2 --catchup-timeout 60)
run_expect unsafe-dump 103 111 113 -- "${common[@]}" --backup mariadb-dump --test-unsafe-dump && expect_caught "unsafe dump" &&
  expect_cause wrong-backup-position "unsafe dump"
# 20 transactions, not a few: a skipped or repeated transaction may leave
# no trace (an ANALYZE TABLE, an UPDATE to the values a row already has, a
# row overwritten later), and then master and slave are rightly equal.
for skew in 20 -20; do
  run_expect "skew$skew" 113 -- "${common[@]}" --test-position-skew "$skew" && expect_audit "GTID skew $skew" &&
    expect_cause wrong-backup-position "GTID skew $skew"
done
# One transaction off is found when every transaction leaves a row behind
# (with the shipped grammar a few skipped ANALYZEs or no-op UPDATEs can
# rightly leave master and slave equal).
for skew in 1 -1 3 -3; do
  run_expect "every-change-skew$skew" 113 -- "${common[@]}" --grammar "$(dirname "$0")/data/every_change_counts.yy" \
      --test-position-skew "$skew" && expect_audit "GTID skew $skew, every transaction an insert"
done
# Before the backup starts, the run names each table the method cannot make
# consistent, and report.json lists them. Whatever the unlocked copy of the
# Aria tables breaks (replication stops on one, or the audit finds a
# transaction that also used Aria committed in one phase past InnoDB's
# position) ends with 20, the method's limit (16 of 16 seeds).
run_expect aria-no-lock 20 -- "${common[@]}" --gendata "$(dirname "$0")/data/aria_and_innodb.zz" \
    --backup-option=--no-lock && expect_caught "--no-lock" && expect_cause method-limitation "--no-lock" &&
  { grep -q "backup: mariabackup --no-lock cannot make test\.table[0-9]*_aria_[a-z_]* (Aria) consistent: copied without locks" \
        "$tmp/aria-no-lock.err" && grep -q '"engine": "Aria"' "$last_run/report.json" ||
      { echo "FAIL: aria-no-lock: the Aria tables were not named before the backup"; fail=1; }; }

# A method's known limit is no server bug: MEMORY tables under mariabackup
# (their rows are in no file) end with 20 and are named.
run_expect memory-mariabackup 20 -- "${common[@]}" --gendata "$(dirname "$0")/data/memory_and_innodb.zz" &&
  expect_cause method-limitation "MEMORY under mariabackup" &&
  { grep -q "^status: STATUS_METHOD_LIMIT (exit 20): .*test\.table[0-9]*_memory_[a-z_]* (MEMORY: a MEMORY table's rows are in no file" \
        "$last_run/summary.txt" ||
      { echo "FAIL: memory-mariabackup: the limit is not named"; cat "$last_run/summary.txt"; fail=1; }; }

# A slave that filters a table out of replication (a setting, not a bug):
# the divergence is explained as the setting's, and each differing row is
# followed into the master's binary log: the transaction that wrote it, its
# row event and statement, and the load thread that sent it.
run_expect slave-filter 111 -- "${common[@]}" --slave-option=--replicate-wild-ignore-table=test.A &&
  expect_cause environment "a slave that filters test.A" &&
  { "$RANDSYNC" explain --no-write "$last_run" >"$tmp/slave-filter.explain" &&
      grep -q "^  differing row: \`test\`\.\`A\` pk='[0-9]*'" "$tmp/slave-filter.explain" &&
      grep -Eq "^  row write: \`test\`\.\`A\` pk='[0-9]*': 0-1-[0-9]+ (Write|Update|Delete)_rows by .+ \[queries/thread-[0-9]+\.sql statement [0-9]+" \
        "$tmp/slave-filter.explain" ||
      { echo "FAIL: slave-filter: the rows' writes are not named"; head -30 "$tmp/slave-filter.explain"; fail=1; }; }

# A slave that cannot catch up in time: a delayed replica (30 s behind by
# design), no sync point on the way, two seconds to catch up at the end.
run_expect catchup-timeout 112 -- --threads 4 --duration 8 --sync-points 0 --slave-delay 30 --catchup-timeout 2 &&
  { grep -q "did not reach .* within 2 s" "$last_run/summary.txt" ||
      { echo "FAIL: catch-up timeout not explained"; cat "$last_run/summary.txt"; fail=1; }; } &&
  expect_cause environment "a slave delayed past the catch-up timeout"

exit $fail
