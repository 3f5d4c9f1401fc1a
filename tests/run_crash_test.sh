#!/usr/bin/env bash
# Crash steps (--crash ROLE@SECONDS[:SIGNAL], issue 17) on real servers:
# a server killed during the load is restarted on its datadir and port,
# the run goes on, and the sync points after it pass row by row:
#   1. the slave SIGKILLed: it recovers, its replication resumes from its
#      crash-safe position (a skipped or repeated transaction would show
#      as a difference or a replication error at the next sync point);
#   2. the master SIGKILLed: the load's workers reconnect and go on, the
#      slave's IO thread reconnects, and nothing the slave applied is
#      missing on the master (durable settings, stated in the run's log);
#   3. the slave stopped with SIGTERM (a normal shutdown) and started;
#   4. a step due after the load ended is said not to have run.
# Each run's summary has the step's phase, and no mariadbd survives.
source "$(dirname "$0")/run_test_lib.sh"

# crashed NAME ROLE SIGNAL -- RUN ARGS: the run passes, the step ran once
# (its phase, the restart in the role's error log) and a sync point
# after it passed.
crashed() {
  local name=$1 role=$2 signal=$3; shift 4
  run_expect "$name" 0 -- "$@" || return
  local summary=$last_run/summary.txt log
  log=$(ls "$last_run/$role/"*.err | grep -v bootstrap | head -1)
  grep -Eq "^  crash-1 $role +[0-9.]+ s  $role@8:$signal at [0-9.]+ s: .* in [0-9.]+ s, back in [0-9.]+ s$" "$summary" ||
    { echo "FAIL: $name: no crash-1 $role phase"; cat "$summary"; fail=1; return; }
  grep -Eq "^randsync: run: crash-1: $role (signal 9 \(Killed\)|exit code 0) in [0-9.]+ s, back in [0-9.]+ s$" \
      "$tmp/$name.err" || { echo "FAIL: $name: no line saying how the $role ended and came back"; fail=1; }
  [[ $(grep -c "ready for connections" "$log") -ge 2 ]] ||
    { echo "FAIL: $name: the $role did not start again on its datadir"; fail=1; }
  # A sync point after the restart passed (the timeline has the restart
  # before the last sync point's mark).
  grep -q "sync-point-2 .* ok" "$summary" ||
    { echo "FAIL: $name: no passing sync point after the crash"; cat "$summary"; fail=1; }
  echo "   $(grep -F "crash-1: $role" "$tmp/$name.err" | tail -1)"
}

common=(--threads 4 --duration 16 --sync-points 2)
crashed slave-kill slave KILL -- "${common[@]}" --crash slave@8
if grep -q "crash steps: the slave runs with --sync-binlog=1 (durable)" "$tmp/slave-kill.err"; then :; else
  echo "FAIL: slave-kill: the slave's durable settings are not stated"; fail=1
fi
crashed master-kill master KILL -- "${common[@]}" --crash master@8
# userstat's counts did not survive the restart: no claim from them.
if [[ -s $tmp/master-kill/latest/summary.txt ]] && grep -q "the load changed no row" "$tmp/master-kill/latest/summary.txt"; then
  echo "FAIL: master-kill: an unchanged-table warning from counts the restart lost"; fail=1
fi
crashed slave-term slave TERM -- "${common[@]}" --crash slave@8:TERM

# A step due after the load: the run says it did not run.
if run_expect late 0 -- --threads 2 --duration 6 --sync-points 1 --crash slave@600; then
  grep -q "warning: crash-1 (slave@600:KILL) did not run: the load ended first" "$last_run/summary.txt" ||
    { echo "FAIL: late: the step that did not run is not said"; cat "$last_run/summary.txt"; fail=1; }
fi

exit $fail
