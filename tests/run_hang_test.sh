#!/usr/bin/env bash
# A server that stops answering while its process lives (SIGSTOP) ends the
# run with 107 (STATUS_SERVER_DEADLOCKED) naming the server and its state,
# within --hang-timeout and a few seconds, whenever it happens:
#   1. the master during the load;
#   2. the master during the backup, mariadb-backup's and mariadb-dump's
#      (the tool is given up, not waited for until --backup-timeout);
#      mariadb-dump is held (a wrapper that stops itself) until the master
#      is stopped: the dump of the default data takes 0.1 s, less than it
#      takes to see it start, so an unheld stop could land after it;
#   3. the slave during the sync points (one every second);
#   4. the slave during the final catch-up.
# No mariadbd may survive (the run resumes a stopped server to end it).
source "$(dirname "$0")/run_test_lib.sh"

# hang NAME ROLE TRIGGER PHASE -- RUN ARGS: starts the run, and once its
# progress shows TRIGGER (a regex), SIGSTOPs ROLE's mariadbd; then expects
# 107 naming ROLE within 45 s, and summary.txt to show PHASE (unless "-")
# as the phase that failed: the stop was caught where it landed.
# With HELD set to a pid file, the process it names (stopped by itself) is
# resumed once the server is stopped.
HELD=
hang() {
  local name=$1 role=$2 trigger=$3 phase=$4; shift 5
  "$RANDSYNC" run "$@" --hang-timeout 5 --results "$tmp/$name" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  local run=$! i port pid
  for i in $(seq 1 900); do grep -Eq "$trigger" "$tmp/$name.err" && break; sleep 0.1; done
  if [[ -n $HELD ]]; then
    for i in $(seq 1 300); do [[ -s $HELD ]] && break; sleep 0.1; done
  fi
  port=$(sed -n "s/^randsync: run: $role on 127\.0\.0\.1:\([0-9]*\) .*/\1/p" "$tmp/$name.err" | head -1)
  pid=$(pgrep -f -- "mariadbd.*--port=$port( |$)" | head -1)
  if [[ -z $port || -z $pid ]]; then
    echo "FAIL: $name: no $role to stop (trigger '$trigger', port '$port')"; tail -5 "$tmp/$name.err"
    kill "$run"; wait "$run"; fail=1; return
  fi
  kill -STOP "$pid"
  local stopped=$SECONDS
  if [[ -n $HELD ]]; then
    if [[ -s $HELD ]]; then kill -CONT "$(cat "$HELD")"; else echo "FAIL: $name: nothing held in $HELD"; fail=1; fi
  fi
  wait "$run"
  local rc=$? took=$((SECONDS - stopped))
  last_run=$tmp/$name/latest
  if [[ $rc -ne 107 ]] ||
     ! grep -q "^status: STATUS_SERVER_DEADLOCKED (exit 107): mariadbd ($role, pid $pid) has not answered for [0-9]* s; its process is stopped by a signal (SIGSTOP)" \
         "$last_run/summary.txt"; then
    echo "FAIL: $name: exit $rc"; cat "$tmp/$name.out"; tail -8 "$tmp/$name.err"; fail=1
  elif [[ $phase != - ]] && ! grep -Eq "^  $phase +[0-9.]+ s  failed" "$last_run/summary.txt"; then
    echo "FAIL: $name: no failed $phase phase in summary.txt"; cat "$last_run/summary.txt"; fail=1
  elif (( took > 45 )); then
    echo "FAIL: $name: the run took $took s after the $role stopped"; fail=1
  else
    echo "ok: $name: exit 107 $took s after the $role stopped: $(grep '^status:' "$last_run/summary.txt")"
  fi
  kill -CONT "$pid" 2>/dev/null
  no_servers_left "$name"
}

hang master-during-load master "^randsync: run: slave on " - -- --threads 4 --duration 60 --sync-points 1
hang master-during-backup master "^randsync: run: backup: mariadb-backup --backup" backup -- --threads 4 --duration 60 \
    --sync-points 1
cat >"$tmp/held-dump" <<EOF
#!/usr/bin/env bash
echo \$\$ >"$tmp/dump.pid"
kill -STOP \$\$
exec $(command -v mariadb-dump || command -v mysqldump) "\$@"
EOF
chmod +x "$tmp/held-dump"
HELD=$tmp/dump.pid
hang master-during-dump master "^randsync: run: backup: mariadb-dump" backup -- --backup mariadb-dump \
    --mariabackup "$tmp/held-dump" --threads 4 --duration 60 --sync-points 1
HELD=
hang slave-at-sync-points slave "^randsync: run: slave on " - -- --threads 4 --duration 60 --sync-interval 1
# A delayed slave (MASTER_DELAY) is still catching up when its progress
# says so: the stop lands in the catch-up, not after it.
hang slave-during-catchup slave "^randsync: run: catch-up: waiting" - -- --threads 4 --duration 6 --sync-points 1 \
    --slave-delay 10 --sync-timeout 90

exit $fail
