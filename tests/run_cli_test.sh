#!/usr/bin/env bash
# `randsync run` end to end on throwaway servers:
#   1. a short default-shaped run is ok and leaves its whole results folder
#      (report, summary, JUnit, timeline, checks, logs, query logs);
#   1b. a pass that proves little carries warnings;
#   2. negative control: statement-based replication of a statement whose
#      value depends on the server (UUID_SHORT() uses server_id) diverges,
#      and the run says so with status 111 and the differing rows;
#   3. fault: a backup tool that fails ends the run with 108, its reason on
#      the status line and the failed step a phase.
# No mariadbd may survive any of them.
source "$(dirname "$0")/run_test_lib.sh"

# 1. ok
if run_expect default 0 -- --threads 4 --duration 12 --sync-points 2; then
  run=$last_run
  cat "$tmp/default.out"
  for f in report.json summary.txt junit.xml timeline.csv config.json checks/sync-point-1.json \
           checks/sync-point-2.json checks/final-check.json backup-logs/backup.log backup-logs/prepare.log \
           queries/thread-1.sql master/master.err slave/slave.err; do
    [[ -s $run/$f ]] || { echo "FAIL: default run: no $f"; fail=1; }
  done
  [[ -d $run/backup ]] && { echo "FAIL: a passing run kept its backup"; fail=1; }
  grep -q '<testsuite name="randsync.run.[^"]*" tests="[0-9]*" failures="0"' "$run/junit.xml" ||
    { echo "FAIL: junit.xml of a passing run"; cat "$run/junit.xml"; fail=1; }
  grep -q '<testcase [^>]*name="sync-point-2"' "$run/junit.xml" || { echo "FAIL: junit.xml lacks the checks"; fail=1; }
  head -1 "$run/timeline.csv" | grep -q '^second,statements,errors,slave_lag_s,slave_behind_trx,events$' ||
    { echo "FAIL: timeline.csv header"; fail=1; }
  for ev in "load start" "backup start" "backup end" "slave started" "sync-point-1" "sync-point-2" "final-check"; do
    grep -q "$ev" "$run/timeline.csv" || { echo "FAIL: timeline.csv lacks the event '$ev'"; fail=1; }
  done
  # Statements counted while the load ran, and a slave lag once the slave ran.
  awk -F, 'NR > 1 && $2 > 0 { n++ } END { exit !(n >= 5) }' "$run/timeline.csv" ||
    { echo "FAIL: timeline.csv counts no load"; cat "$run/timeline.csv"; fail=1; }
  awk -F, 'NR > 1 && $5 != "" { n++ } END { exit !(n >= 1) }' "$run/timeline.csv" ||
    { echo "FAIL: timeline.csv has no slave lag"; cat "$run/timeline.csv"; fail=1; }
  grep -q '"seed": 1' "$run/config.json" || { echo "FAIL: config.json lacks the seed"; fail=1; }
  grep -q "^warning:" "$run/summary.txt" && { echo "FAIL: the default run has warnings"; cat "$run/summary.txt"; fail=1; }
fi

# 1b. a pass that proves little says so: a load that fails with one error
# (a table the data does not have), changes no row of the tables, and a
# final check over a few rows.
printf 'query: SELECT * FROM no_such_table | SELECT * FROM no_such_table | SELECT 1 ;\n' > "$tmp/little.yy"
printf '$tables = { rows => [5] };\n' > "$tmp/little.zz"
if run_expect little 0 -- --grammar "$tmp/little.yy" --gendata "$tmp/little.zz" --threads 2 --duration 6 \
    --sync-points 1; then
  grep -q '^warning: [0-9]* of the [0-9]* statements ([5-9][0-9]%) failed with 1146 ER_NO_SUCH_TABLE' "$last_run/summary.txt" &&
    grep -q '^warning: final-check compared [0-9] rows per side: a pass over so little data proves little$' "$last_run/summary.txt" &&
    grep -q '^warning: the load changed no row of [0-9]* of the [0-9]* tables (' "$last_run/summary.txt" &&
    grep -q '"warnings": \[' "$last_run/report.json" ||
    { echo "FAIL: a pass that proves little has no warnings"; cat "$last_run/summary.txt"; fail=1; }
fi

# 2. negative control: STATEMENT format and a server-dependent value
cat > "$tmp/unsafe.yy" <<'YY'
query: UPDATE _table SET col_int_nokey = UUID_SHORT() % 1000 WHERE pk = _digit ;
YY
if run_expect statement 111 -- --grammar "$tmp/unsafe.yy" --binlog-format statement --threads 2 --duration 8 \
    --sync-points 1; then
  if ! grep -q "different: pk=" "$last_run"/checks/*.txt; then
    echo "FAIL: divergence without the rows"; cat "$last_run"/checks/*.txt; fail=1
  elif ! grep -q '<failure' "$last_run/junit.xml"; then
    echo "FAIL: junit.xml of a diverging run has no failure"; fail=1
  elif ! grep -q '^cause: unsafe-statement: the master logs in STATEMENT format' "$last_run/summary.txt" ||
       ! grep -Eq '^  unsafe statement: 0-1-[0-9]+: UPDATE .* UUID_SHORT\(\) % 1000 .*\(the server: unsafe because it uses a system function' \
         "$last_run/summary.txt"; then
    # The server flagged the statement unsafe for its format (its error
    # log): explain names the class, the statement and the reason.
    echo "FAIL: the divergence is not explained as an unsafe statement"; grep -A8 '^cause:' "$last_run/summary.txt"; fail=1
  else
    echo "ok: divergence caught: $(grep -h DIFFERENT "$last_run"/checks/*.txt | head -1)"
  fi
fi

# 3. a backup tool that fails
printf '#!/bin/sh\necho "simulated: InnoDB: redo log was overwritten" >&2\nexit 1\n' > "$tmp/bad-backup-tool"
chmod +x "$tmp/bad-backup-tool"
start=$SECONDS
# A known-bugs entry that matches the tool's reason labels the failure.
printf '# a test entry\nSIM-1  kind=backup reason~"redo log was overwritten"  -- the simulated tool failure\n' \
    > "$tmp/known-bugs.txt"
if run_expect bad-backup 108 -- --mariabackup "$tmp/bad-backup-tool" --threads 2 --duration 30 \
    --known-bugs "$tmp/known-bugs.txt"; then
  grep -q "^known bug: SIM-1: the simulated tool failure ($tmp/known-bugs.txt:2)$" "$last_run/summary.txt" &&
    grep -q '"id": "SIM-1"' "$last_run/report.json" ||
    { echo "FAIL: failing backup: the known-bugs entry does not label it"; cat "$last_run/summary.txt"; fail=1; }
  # The status line holds the tool's reason; the failed step is a phase of
  # the summary and a failed case of junit.xml.
  if ! grep -q "^status: STATUS_BACKUP_FAILURE (exit 108): mariadb-backup --backup failed (exit code 1): simulated: InnoDB: redo log was overwritten (log .*backup.log)$" \
      "$last_run/summary.txt"; then
    echo "FAIL: failing backup: the status line does not name the tool's reason"; cat "$last_run/summary.txt"; fail=1
  elif ! grep -q "^  backup  *[0-9.]* s  failed$" "$last_run/summary.txt" ||
       ! grep -A1 '<testcase [^>]*name="backup"' "$last_run/junit.xml" | grep -q '<failure'; then
    echo "FAIL: failing backup: the failed step is not a phase"; cat "$last_run/summary.txt" "$last_run/junit.xml"; fail=1
  elif (( SECONDS - start > 25 )); then
    echo "FAIL: failing backup: the run went on for $((SECONDS - start)) s"; fail=1
  fi
fi

exit $fail
