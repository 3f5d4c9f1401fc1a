#!/usr/bin/env bash
# `randsync run` end to end on throwaway servers:
#   1. a short default-shaped run is ok and leaves its results folder;
#   2. negative control: statement-based replication of a statement whose
#      value depends on the server (UUID_SHORT() uses server_id) diverges,
#      and the run says so with status 111 and the differing rows;
#   3. fault: a backup tool that fails ends the run with 108 and its log;
#   4. the same scenario with mariadb-dump --single-transaction is ok.
# No mariadbd may survive any of them.
set -u
fail=0
tmp=$(mktemp -d)
cleanup() {
  pkill -9 -f -- "$tmp" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export TMPDIR=$tmp

report_status() { sed -n 's/^  "status": "\(.*\)",*$/\1/p' "$1/report.json" | head -1; }
no_servers_left() {
  if pgrep -f -- "$tmp" >/dev/null; then echo "FAIL: $1: a mariadbd survived"; fail=1; fi
}

# 1. ok
"$RANDSYNC" run --threads 4 --duration 12 --sync-points 2 --results "$tmp/r1" >"$tmp/1.out" 2>"$tmp/1.err"
rc=$?
run=$tmp/r1/latest
if [[ $rc -ne 0 || $(report_status "$run") != STATUS_OK ]]; then
  echo "FAIL: default run: exit $rc"; cat "$tmp/1.out"; tail -20 "$tmp/1.err"; fail=1
else
  echo "ok: default run"; cat "$tmp/1.out"
fi
for f in report.json summary.txt config.json checks/sync-point-1.json checks/sync-point-2.json \
         checks/final-check.json backup-logs/backup.log backup-logs/prepare.log queries/thread-1.sql; do
  [[ -s $run/$f ]] || { echo "FAIL: default run: no $f"; fail=1; }
done
[[ -d $run/backup ]] && { echo "FAIL: a passing run kept its backup"; fail=1; }
no_servers_left "default run"

# 2. negative control: STATEMENT format and a server-dependent value
cat > "$tmp/unsafe.yy" <<'YY'
query: UPDATE _table SET col_int_nokey = UUID_SHORT() % 1000 WHERE pk = _digit ;
YY
"$RANDSYNC" run --grammar "$tmp/unsafe.yy" --binlog-format statement --threads 2 --duration 8 \
    --sync-points 1 --results "$tmp/r2" >"$tmp/2.out" 2>"$tmp/2.err"
rc=$?
if [[ $rc -ne 111 || $(report_status "$tmp/r2/latest") != STATUS_DIVERGENCE ]]; then
  echo "FAIL: unsafe statements under STATEMENT format: exit $rc (expected 111)"; cat "$tmp/2.out"; fail=1
elif ! grep -q "different: pk=" "$tmp"/r2/latest/checks/*.txt; then
  echo "FAIL: divergence without the rows"; cat "$tmp"/r2/latest/checks/*.txt; fail=1
else
  echo "ok: divergence caught: $(grep -h DIFFERENT "$tmp"/r2/latest/checks/*.txt | head -1)"
fi
no_servers_left "negative control"

# 3. a backup tool that fails
printf '#!/bin/sh\necho "simulated: InnoDB: redo log was overwritten" >&2\nexit 1\n' > "$tmp/bad-backup"
chmod +x "$tmp/bad-backup"
start=$SECONDS
"$RANDSYNC" run --mariabackup "$tmp/bad-backup" --threads 2 --duration 30 --results "$tmp/r3" \
    >"$tmp/3.out" 2>"$tmp/3.err"
rc=$?
if [[ $rc -ne 108 || $(report_status "$tmp/r3/latest") != STATUS_BACKUP_FAILURE ]]; then
  echo "FAIL: failing backup: exit $rc (expected 108)"; cat "$tmp/3.out"; tail "$tmp/3.err"; fail=1
elif ! grep -q "redo log was overwritten" "$tmp/3.out" "$tmp/r3/latest/backup-logs/backup.log"; then
  echo "FAIL: failing backup: its log is not reported"; fail=1
elif (( SECONDS - start > 25 )); then
  echo "FAIL: failing backup: the run went on for $((SECONDS - start)) s"; fail=1
else
  echo "ok: failing backup -> 108 in $((SECONDS - start)) s"
fi
no_servers_left "failing backup"

# 4. logical backup
"$RANDSYNC" run --backup mariadb-dump --threads 4 --duration 10 --sync-points 1 --seed 2 --results "$tmp/r4" \
    >"$tmp/4.out" 2>"$tmp/4.err"
rc=$?
if [[ $rc -ne 0 || $(report_status "$tmp/r4/latest") != STATUS_OK || ! -e $tmp/r4/latest/backup-logs/dump.log ]]; then
  echo "FAIL: mariadb-dump run: exit $rc"; cat "$tmp/4.out"; tail -5 "$tmp/4.err"; fail=1
else
  echo "ok: mariadb-dump run"
fi
no_servers_left "mariadb-dump run"

exit $fail
