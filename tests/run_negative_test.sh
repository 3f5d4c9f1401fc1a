#!/usr/bin/env bash
# Negative controls of `randsync run`: provisioning mistakes users make, each
# of which must be caught, never reported ok, and pointed at a table:
#   (a) a logical dump without --single-transaction under write load;
#   (c) the slave started 20 transactions off the recorded GTID, either way;
#   (d) Aria tables written during a mariadb-backup with --no-lock;
# and a slave that cannot catch up within --catchup-timeout (112).
# Caught means either replication stops on the missing/duplicate row (103,
# Last_SQL_Error names the table) or the checker finds the rows (111); which
# one comes first depends on what the load touched next. A --no-lock backup
# may also catch an InnoDB transaction prepared but not committed, and the
# slave then refuses to start on it (108, the backup is unusable). (b), STATEMENT
# format with server-dependent values, is in run_cli_test.sh.
source "$(dirname "$0")/run_test_lib.sh"

# The status and the table named in summary.txt or the checks' diffs.
expect_caught() {
  local what=$1
  [[ $last_rc -eq 103 || $last_rc -eq 111 || $last_rc -eq 108 ]] || return
  if [[ $last_rc -eq 108 ]]; then
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

# A short catch-up deadline: a slave that stopped on an error must fail the
# run at once, and one that cannot catch up must not hold the test.
common=(--threads 8 --duration 10 --sync-points 2 --catchup-timeout 60)
run_expect unsafe-dump 103 111 -- "${common[@]}" --backup mariadb-dump --test-unsafe-dump && expect_caught "unsafe dump"
# 20 transactions, not a few: a skipped or repeated transaction may leave
# no trace (an ANALYZE TABLE, an UPDATE to the values a row already has, a
# row overwritten later), and then master and slave are rightly equal.
run_expect skew-plus-20 103 111 -- "${common[@]}" --test-position-skew 20 && expect_caught "GTID skew +20"
run_expect skew-minus-20 103 111 -- "${common[@]}" --test-position-skew -20 && expect_caught "GTID skew -20"
run_expect aria-no-lock 103 111 108 -- "${common[@]}" --gendata "$(dirname "$0")/data/aria_and_innodb.zz" \
    --backup-option=--no-lock && expect_caught "--no-lock"

# A slave that cannot catch up in time: a delayed replica (30 s behind by
# design), no sync point on the way, two seconds to catch up at the end.
run_expect catchup-timeout 112 -- --threads 4 --duration 8 --sync-points 0 --slave-delay 30 --catchup-timeout 2 &&
  { grep -q "did not reach .* within 2 s" "$last_run/summary.txt" ||
      { echo "FAIL: catch-up timeout not explained"; cat "$last_run/summary.txt"; fail=1; }; }

exit $fail
