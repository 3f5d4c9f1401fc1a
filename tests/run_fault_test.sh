#!/usr/bin/env bash
# Faults during `randsync run`, each of which must end the run within its
# deadline, with the right status, the dead server named and its error log
# in the results folder, and no server left behind:
#   1. SIGKILL of the master while mariadb-backup runs -> 101 (master);
#   2. SIGKILL of the slave while it catches up under load -> 101 (slave);
#   3. SIGINT to randsync during the load -> a partial report, 110, no
#      surviving servers;
#   4. rows deleted behind replication's back on the slave -> its SQL thread
#      stops on the next change to them: 103 within 2 s, naming the error
#      and the transaction's GTID; a SQL thread stopped by hand -> 103.
# (A failing backup binary is in run_cli_test.sh.)
source "$(dirname "$0")/run_test_lib.sh"

# wait_for FILE PATTERN SECONDS: until a line of FILE matches.
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# start_run NAME ARGS...: randsync run in the background; sets pid and dir.
start_run() {
  local name=$1; shift
  "$RANDSYNC" run "$@" --results "$tmp/$name" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  wait_for "$tmp/$name.err" "results in" 20 || { echo "FAIL: $name: did not start"; fail=1; return 1; }
  dir=$(sed -n 's/^randsync: run: results in //p' "$tmp/$name.err" | head -1)
}

# finish NAME EXPECTED_EXIT MAX_SECONDS: waits for the run (killing it past
# the deadline) and checks its exit status and report.
finish() {
  local name=$1 expected=$2 max=$3 start=$SECONDS
  while kill -0 "$pid" 2>/dev/null && (( SECONDS - start < max )); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: $name: still running after $max s"; kill -9 "$pid"; fail=1
  fi
  wait "$pid"
  local rc=$?
  if [[ $rc -ne $expected || ! -s $dir/report.json ]]; then
    echo "FAIL: $name: exit $rc (expected $expected)"; cat "$tmp/$name.out"; tail -8 "$tmp/$name.err"; fail=1
    return 1
  fi
  echo "ok: $name: exit $rc ($(report_status "$dir"))"
  no_servers_left "$name"
}

# 1. the master dies during the backup
if start_run master-kill --threads 4 --duration 60; then
  wait_for "$tmp/master-kill.err" "backup: mariadb-backup --backup" 60 || echo "FAIL: no backup started"
  sleep 0.3
  pkill -9 -f -- "mariadbd.*$dir/master/" || echo "FAIL: no master to kill"
  if finish master-kill 101 60; then
    grep -q "mariadbd (master) exited unexpectedly: signal 9" "$dir/summary.txt" ||
      { echo "FAIL: master-kill: the summary does not name the master"; cat "$dir/summary.txt"; fail=1; }
    grep -q '"server": "master"' "$dir/report.json" || { echo "FAIL: master-kill: no crash record"; fail=1; }
    [[ -s $dir/master/master.err && -d $dir/master/data ]] ||
      { echo "FAIL: master-kill: the master's datadir or error log is gone"; fail=1; }
    [[ -s $dir/backup-logs/backup.log ]] || { echo "FAIL: master-kill: no backup log"; fail=1; }
  fi
fi

# 2. the slave dies while it catches up
if start_run slave-kill --threads 4 --duration 40; then
  wait_for "$tmp/slave-kill.err" "slave on 127.0.0.1" 90 || echo "FAIL: no slave started"
  sleep 0.5
  pkill -9 -f -- "mariadbd.*$dir/slave/" || echo "FAIL: no slave to kill"
  if finish slave-kill 101 90; then
    grep -q "mariadbd (slave) exited unexpectedly: signal 9" "$dir/summary.txt" ||
      { echo "FAIL: slave-kill: the summary does not name the slave"; cat "$dir/summary.txt"; fail=1; }
    [[ -s $dir/slave/slave.err ]] || { echo "FAIL: slave-kill: no slave error log"; fail=1; }
  fi
fi

# 3. SIGINT during the load
if start_run sigint --threads 4 --duration 120; then
  wait_for "$tmp/sigint.err" "slave on 127.0.0.1" 90 || echo "FAIL: no slave started"
  sleep 1
  kill -INT "$pid"
  if finish sigint 110 60; then
    grep -q "interrupted" "$dir/summary.txt" || { echo "FAIL: sigint: the summary does not say so"; fail=1; }
    [[ -s $dir/timeline.csv && -s $dir/junit.xml ]] || { echo "FAIL: sigint: partial report incomplete"; fail=1; }
  fi
fi

# slave_sql PORT SQL: a statement on the slave, not binlogged.
slave_sql() { mariadb --no-defaults -uroot -h127.0.0.1 -P"$1" -e "SET SESSION sql_log_bin=0; $2"; }
slave_port() { sed -n 's/^randsync: run: slave on 127.0.0.1:\([0-9]*\) .*/\1/p' "$tmp/$1.err" | head -1; }

# 4a. the slave's rows change behind replication's back: 1032 on the next update
if start_run sql-error --threads 4 --duration 60 --sync-points 1; then
  wait_for "$tmp/sql-error.err" "slave on 127.0.0.1" 90 || echo "FAIL: no slave started"
  port=$(slave_port sql-error)
  # One transaction: replication meets the missing rows only after it
  # committed, so the run cannot stop the slave under this client.
  slave_sql "$port" "START TRANSACTION; DELETE FROM test.A; DELETE FROM test.B; DELETE FROM test.C;
      DELETE FROM test.D; DELETE FROM test.E; COMMIT;" ||
    { echo "FAIL: sql-error: could not change the slave"; fail=1; }
  planted=$(date +%s%3N)
  if wait_for "$tmp/sql-error.err" "replication failed" 30; then
    noticed=$(( $(date +%s%3N) - planted ))
    # The next update of a deleted row follows within milliseconds under
    # this load; the watch's poll adds at most a quarter of a second.
    (( noticed < 2000 )) || { echo "FAIL: sql-error: the stop was noticed after $noticed ms"; fail=1; }
    echo "ok: sql-error: noticed $noticed ms after the rows were deleted"
  fi
  if finish sql-error 103 30; then
    grep -q "STATUS_REPLICATION_FAILURE.*SQL thread stopped at GTID 0-1-[0-9]*.*Last_SQL_Errno=1032" "$dir/summary.txt" ||
      { echo "FAIL: sql-error: the summary does not name the thread, the GTID and 1032"; cat "$dir/summary.txt"; fail=1; }
    grep -q '"error_number": 1032' "$dir/report.json" || { echo "FAIL: sql-error: no replication_failure record"; fail=1; }
    grep -q "sync-point-1" "$dir/summary.txt" && { echo "FAIL: sql-error: a sync point ran after the stop"; fail=1; }
  fi
fi

# 4b. the SQL thread stopped by hand, no error
if start_run sql-stop --threads 4 --duration 60 --sync-points 1; then
  wait_for "$tmp/sql-stop.err" "slave on 127.0.0.1" 90 || echo "FAIL: no slave started"
  slave_sql "$(slave_port sql-stop)" "STOP SLAVE SQL_THREAD" || { echo "FAIL: sql-stop: could not stop"; fail=1; }
  if finish sql-stop 103 30; then
    grep -q "SQL thread stopped" "$dir/summary.txt" || { echo "FAIL: sql-stop: summary"; cat "$dir/summary.txt"; fail=1; }
  fi
fi

exit $fail
