#!/usr/bin/env bash
# Failures planted with a test-only loadable function (udf/crash_udf.cpp:
# crash_at(n) aborts the server when n is 7), explained and reduced on real
# servers:
#   (a) a master that crashes during the load: a grammar calls crash_at()
#       with random digits among its DML. The crashing statement never
#       reaches the binlog: explain and reduce take it from the error
#       log's crash report or, when the report stops short, the query logs. It must shrink to the
#       function's CREATE and the one call that passes 7 (at most 3
#       statements); explain shows the crashing frame (gdb's backtrace of
#       the core) and the statement;
#   (b) a slave that stops on error 1126: the master creates the function
#       again and again, and the slave has no plugin dir holding it.
#       explain names the failing CREATE FUNCTION from the master's binlog;
#       reduce shrinks to it.
# Each reproduces 3 of 3 times, its mtr test fails under mariadb-test-run
# as the run did and passes once the cause is removed. No mariadbd may
# survive.
source "$(dirname "$0")/run_test_lib.sh"
source "$(dirname "$0")/reduce_test_lib.sh"

: "${CRASH_UDF:?the crash_at UDF (build/tests/udf/crash_udf.so)}"
plugins=$(dirname "$CRASH_UDF")
create="CREATE FUNCTION IF NOT EXISTS crash_at RETURNS INTEGER SONAME '$(basename "$CRASH_UDF")'"
dml='dml: INSERT INTO _table ( col_int_nokey ) VALUES ( _digit ) | UPDATE _table SET col_int_nokey = _digit WHERE pk = _digit ;'

# (a) the master crashes
printf 'query_init: %s ;\nquery: dml | dml | dml | dml | dml | dml | dml | dml | dml | SELECT crash_at( _digit ) ;\n%s\n' \
    "$create" "$dml" >"$tmp/crash.yy"
if run_expect crash 101 -- --grammar "$tmp/crash.yy" --threads 4 --duration 30 --sync-points 1 \
    --master-option=--plugin-dir="$plugins" --slave-option=--plugin-dir="$plugins"; then
  # The server's own crash report may stop before its Query line; gdb's
  # backtrace of the core has the frames, the query logs the statement.
  grep -q "^  backtrace: .* in crash_at " "$last_run/summary.txt" ||
    { echo "FAIL: crash: summary.txt does not show the crashing frame"; grep -A8 "^cause" "$last_run/summary.txt"; fail=1; }
  "$RANDSYNC" explain --no-write "$last_run" | grep -Eq "^  (crashing query|statement in flight): .*crash_at\( *7 *\)" ||
    { echo "FAIL: crash: explain does not name the crashing statement"; fail=1; }
  if reduce_expect crash; then
    after=$(json_number "$last_run/reduced/reduce.json" statements_after)
    if [[ $after -gt 3 ]] || ! grep -Eq "^SELECT crash_at\( *7 *\)" "$last_run/reduced/test.sql"; then
      echo "FAIL: crash: reduced to $after statements, not to the call that passes 7"; cat "$last_run/reduced/test.sql"
      fail=1
    fi
    grep -q "^--plugin-dir=$plugins" "$last_run/reduced/reduced-master.opt" ||
      { echo "FAIL: crash: the plugin dir is not in reduced-master.opt"; fail=1; }
    sed -i -E '/^SELECT crash_at\( *7 *\)/d' "$last_run/reduced/reduced.test"
    mtr_passes crash
  fi
fi

# (b) the slave cannot load the function the master creates
printf 'query: dml | dml | dml | udf ;\nudf: DROP FUNCTION IF EXISTS crash_at | %s ;\n%s\n' "$create" "$dml" >"$tmp/udf.yy"
if run_expect slave-udf 103 -- --grammar "$tmp/udf.yy" --threads 2 --duration 6 --sync-points 1 \
    --master-option=--plugin-dir="$plugins"; then
  grep -q "^  failing statement: GTID [0-9-]*: CREATE FUNCTION IF NOT EXISTS crash_at" "$last_run/summary.txt" ||
    { echo "FAIL: slave-udf: summary.txt does not name the failing statement"; grep -A6 "^cause" "$last_run/summary.txt"
      fail=1; }
  if reduce_expect slave-udf; then
    grep -q "^CREATE FUNCTION IF NOT EXISTS crash_at" "$last_run/reduced/test.sql" ||
      { echo "FAIL: slave-udf: the CREATE FUNCTION is not in test.sql"; cat "$last_run/reduced/test.sql"; fail=1; }
    echo "--plugin-dir=$plugins" >>"$last_run/reduced/reduced-slave.opt"
    mtr_passes slave-udf
  fi
fi

exit $fail
