#!/usr/bin/env bash
# The consistency model (runners/scenario/consistency_model.h) end to end:
# Aria tables under a load that inserts into every table. A logical method
# forced to its snapshot variant (--single-transaction, --trx-consistency-
# only) reads them at later moments than its position: replication stops
# on a row it already has, and the run ends with the method's limit (20)
# naming the table it listed before the backup. Left to choose, the same
# method takes them under a global read lock, says so, and the same
# workload ends 0 with the Aria tables checked like the others. And a
# session's temporary table across the backup in MIXED format (any
# method), which ROW format does not log.
source "$(dirname "$0")/run_test_lib.sh"
data=$(dirname "$0")/data
common=(--threads 8 --duration 10 --sync-points 2 --catchup-timeout 60 --seed 3
        --gendata "$data/aria_and_innodb.zz" --grammar "$data/inserts_everywhere.yy")

expect_limit() {
  local what=$1 variant=$2
  grep -q "backup: $variant cannot make test\.table[0-9]*_aria_[a-z_]* (Aria) consistent: read outside the dump's snapshot" \
      "$tmp/$what.err" ||
    { echo "FAIL: $what: the Aria tables were not named before the backup"; fail=1; }
  grep -q "^status: STATUS_METHOD_LIMIT (exit 20): .*test\.table[0-9]*_aria_[a-z_]* (Aria: read outside the dump's snapshot" \
      "$last_run/summary.txt" ||
    { echo "FAIL: $what: the limit is not named"; cat "$last_run/summary.txt"; fail=1; }
  echo "   limit: $(grep '^status:' "$last_run/summary.txt" | cut -c1-200)"
}

expect_covered() {
  local what=$1 variant=$2
  grep -q "backup: 2 tables no snapshot holds (test\.table1000_aria_int_autoinc (Aria), .*): $variant takes them under a global read lock" \
      "$tmp/$what.err" ||
    { echo "FAIL: $what: the choice of the global read lock is not said"; grep "backup:" "$tmp/$what.err"; fail=1; }
  grep -q "\"backup_variant\": \"$variant\"" "$last_run/report.json" ||
    { echo "FAIL: $what: report.json does not name $variant"; fail=1; }
  grep -q '"uncovered_tables": \[\]' "$last_run/report.json" ||
    { echo "FAIL: $what: tables left uncovered"; fail=1; }
  # The Aria tables were compared row by row like the InnoDB ones.
  python3 - "$last_run/checks/final-check.json" <<'PY' || { echo "FAIL: $what: the Aria tables were not checked equal"; fail=1; }
import json, sys
tables = json.load(open(sys.argv[1]))["tables"]
aria = [t for t in tables if t["engine"] == "Aria"]
sys.exit(0 if len(aria) == 2 and all(t["outcome"] == "equal" and t["master_rows"] > 1000 for t in aria) else 1)
PY
}

run_expect dump-snapshot 20 -- "${common[@]}" --backup mariadb-dump --backup-option=--single-transaction &&
  expect_limit dump-snapshot "mariadb-dump --single-transaction"
run_expect mydumper-snapshot 20 -- "${common[@]}" --backup mydumper --backup-option=--trx-consistency-only &&
  expect_limit mydumper-snapshot "mydumper --trx-consistency-only"
run_expect dump-chosen 0 -- "${common[@]}" --backup mariadb-dump &&
  expect_covered dump-chosen "mariadb-dump --lock-all-tables"
run_expect mydumper-chosen 0 -- "${common[@]}" --backup mydumper &&
  expect_covered mydumper-chosen "mydumper"

# Session temporary tables across the backup: in MIXED format their writes
# are logged as statements on `A`, which the slave applies to its base
# table A (no backup holds a session's temporary table). The run names the
# limit before the backup, and the table and its sessions when it fails;
# in ROW format the same workload ends 0.
tmp_common=(--threads 4 --duration 8 --sync-points 2 --catchup-timeout 60 --seed 5
            --grammar "$data/temporary_across_backup.yy")
run_expect temporary-mixed 20 -- "${tmp_common[@]}" --binlog-format mixed &&
  { grep -q "backup: binlog format MIXED: a session's temporary table open at the backup's point is in no backup"         "$tmp/temporary-mixed.err" ||
      { echo "FAIL: temporary-mixed: the limit was not said before the backup"; fail=1; }
    grep -q "^status: STATUS_METHOD_LIMIT (exit 20): .*test\.A (TEMPORARY: a session's temporary table of that name open at the backup's point ([0-9]* sessions\?; thread [0-9]* created it in 0-1-[0-9]*)"         "$last_run/summary.txt" ||
      { echo "FAIL: temporary-mixed: the table and its sessions are not named"; cat "$last_run/summary.txt"; fail=1; }
    grep -q '"engine": "TEMPORARY"' "$last_run/report.json" ||
      { echo "FAIL: temporary-mixed: report.json uncovered_tables lacks it"; fail=1; }
    echo "   limit: $(grep '^status:' "$last_run/summary.txt" | cut -c1-200)"; }
run_expect temporary-row 0 -- "${tmp_common[@]}" --binlog-format row

# A logical method's --backup-option is only how it locks: anything else
# is refused in one line before a server starts.
out=$("$RANDSYNC" run --backup mariadb-dump --backup-option=--no-lock --results "$tmp/refused" 2>&1)
rc=$?
if [[ $rc -eq 0 ]] || ! grep -q "only chooses how the dump locks (--single-transaction or --lock-all-tables)" <<<"$out" ||
   [[ -e $tmp/refused ]]; then
  echo "FAIL: refused: exit $rc: $out"; fail=1
else
  echo "ok: refused: $(head -1 <<<"$out" | cut -c1-160)"
fi
exit $fail
