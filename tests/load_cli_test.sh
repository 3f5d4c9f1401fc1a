#!/usr/bin/env bash
# `randsync load` end to end on throwaway servers: a short run succeeds; bad
# inputs give a one-line cause and a non-zero exit; a SIGKILLed mariadbd ends
# the load within 5 s with the crash status (101) and the error-log tail; a
# SIGKILLed randsync leaves no mariadbd behind.
set -u
fail=0
tmp=$(mktemp -d)
cleanup() {
  # Never leave a server of ours behind, whatever failed.
  pkill -9 -f -- "--datadir=$tmp" 2>/dev/null
  [[ -n ${pid:-} ]] && kill -9 "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export TMPDIR=$tmp

# waits until FILE contains TEXT (at most 60 s)
wait_for() {
  local file=$1 text=$2
  for _ in $(seq 600); do grep -q -- "$text" "$file" 2>/dev/null && return 0; sleep 0.1; done
  echo "FAIL: '$text' never appeared in $file:"; cat "$file"; return 1
}
master_pid() {  # the mariadbd started for the run whose stderr is in $1
  local dir; dir=$(sed -n 's/.*error log \(.*\)\/master.err/\1/p' "$1" | head -1)
  pgrep -f -- "--datadir=$dir/data" | head -1
}

# 1. A short run on the embedded defaults.
out=$("$RANDSYNC" load --threads 2 --duration 2 2>"$tmp/ok.err"); rc=$?
if [[ $rc -ne 0 ]] || ! grep -q "status STATUS_OK" "$tmp/ok.err" || [[ $out != *statements* ]]; then
  echo "FAIL: short load run: rc=$rc"; cat "$tmp/ok.err"; fail=1
else
  echo "ok: short load run: $(head -1 <<<"$out")"
fi

# 2. Bad inputs: the last stderr line names the cause.
check_error() {
  local what=$1 expect=$2; shift 2
  "$RANDSYNC" load --duration 1 "$@" >/dev/null 2>"$tmp/err"; local rc=$?
  local last; last=$(tail -1 "$tmp/err")
  if [[ $rc -eq 0 || $last != *"$expect"* ]]; then
    echo "FAIL: $what: rc=$rc, last line: $last"; fail=1
  else
    echo "ok: $what -> $last"
  fi
}
check_error "wrong DSN" "Can't connect" --master "mysql://root@127.0.0.1:1/test"
check_error "malformed DSN" "DSN" --master "mysql:/nonsense"
check_error "missing binary" "mariadbd not found at /nonexistent/mariadbd" --mariadbd /nonexistent/mariadbd
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$port)); s.listen(1); time.sleep(60)" &
holder=$!
sleep 0.5
check_error "occupied port" "already in use" "--mysqld=--port=$port"
kill "$holder" 2>/dev/null

# 3. SIGKILL of mariadbd mid-load.
"$RANDSYNC" load --threads 4 --duration 60 >/dev/null 2>"$tmp/crash.err" &
pid=$!
if wait_for "$tmp/crash.err" "load: 4 threads"; then
  sleep 1
  mpid=$(master_pid "$tmp/crash.err")
  kill -9 "$mpid"
  t0=$(date +%s.%N)
  wait "$pid"; rc=$?
  t1=$(date +%s.%N)
  secs=$(python3 -c "print(round($t1 - $t0, 2))")
  if [[ $rc -eq 101 ]] && grep -q "last lines of" "$tmp/crash.err" && python3 -c "import sys; sys.exit(0 if $secs <= 5 else 1)"; then
    echo "ok: SIGKILL of mariadbd ended the load in ${secs}s with status 101"
  else
    echo "FAIL: SIGKILL of mariadbd: rc=$rc after ${secs}s"; cat "$tmp/crash.err"; fail=1
  fi
else
  fail=1
fi
pid=

# 4. SIGKILL of randsync: its mariadbd goes too.
"$RANDSYNC" load --threads 2 --duration 60 >/dev/null 2>"$tmp/orphan.err" &
pid=$!
if wait_for "$tmp/orphan.err" "load: 2 threads"; then
  mpid=$(master_pid "$tmp/orphan.err")
  kill -9 "$pid"
  gone=0
  for _ in $(seq 100); do kill -0 "$mpid" 2>/dev/null || { gone=1; break; }; sleep 0.1; done
  if [[ $gone -eq 1 ]]; then echo "ok: no orphaned mariadbd after SIGKILL of randsync"; else
    echo "FAIL: mariadbd $mpid outlived randsync"; kill -9 "$mpid"; fail=1; fi
else
  fail=1
fi
pid=
exit $fail
