#!/usr/bin/env bash
# The provisioning matrix beyond one full backup (issue 16), each run
# checked row by row at its sync points and the final check:
#   1. incremental chains under load: a full mariadb-backup then 2 (and 4)
#      incrementals 1 s apart, the third of 4 SIGKILLed mid-copy and taken
#      again (--kill-backup-at); the slave starts at the last incremental's point,
#      which lies past the full backup's (the chain was applied), the audit
#      confirms it and every check passes;
#      Negative controls: incrementals applied out of order or with one
#      left out fail the prepare (108), naming where the chain broke;
#   2. streamed backups (--stream mbstream, uncompressed, --compress zstd|lz4,
#      --backup-parallel 2), a full one and an incremental: each goes
#      through the pipe and mbstream -x, and every check passes;
#   3. encrypted servers (--encrypt, mariabackup and mydumper): every user
#      tablespace encrypted on master and slave;
#   4. partial backups (--tables) with each method: only the selected
#      tables are provisioned, replicated and compared;
#   5. DDL and XA across the backup (grammars/ddl_during_backup.yy) under
#      mariabackup's default locks, --lock-ddl-per-table, an incremental,
#      and mariadb-dump --lock-all-tables; under --no-lock and the
#      snapshot dumps a failure is the method's named limit;
#      XA transactions kept prepared across the point: mariabackup's copy
#      holds them, a dump cannot (its named limit);
#   6. a backup of the slave (mariabackup, mariadb-dump, mydumper)
#      provisions a second slave, replicating from the master (at the
#      position the backup recorded in the master's binlog) or from the
#      first slave (--chain); every check compares both; without that
#      position the run ends with a position error;
#   7. options a method cannot take are refused in one line before a
#      server starts.
source "$(dirname "$0")/run_test_lib.sh"

# The GTID mariadb-backup's log $1 says its copy ended at.
logged_gtid() { sed -n "s/.*GTID of the last change '\([0-9-]*\)'.*/\1/p" "$1" | tail -1; }
seq_of() { echo "${1##*-}"; }

# chain NAME K KILL: a chain of K incrementals 1 s apart, incremental KILL
# SIGKILLed mid-copy and taken again (0: none).
chain() {
  local name=$1 k=$2 kill=$3
  local args=(--threads 4 --duration $((6 + 2 * k)) --sync-points 1 --incrementals "$k" --incremental-interval 1)
  ((kill > 0)) && args+=(--kill-backup-at "$kill")
  run_expect "$name" 0 -- "${args[@]}" || return
  local summary=$last_run/summary.txt logs=$last_run/backup-logs i
  for ((i = 1; i <= k; i++)); do
    local note=""
    ((i == kill)) && note="  SIGKILLed mid-copy, taken again"
    grep -Eq "^  incremental $i +[0-9.]+ s$note$" "$summary" ||
      { echo "FAIL: $name: summary.txt lacks incremental $i${note:+ or its kill}"; cat "$summary"; fail=1; }
  done
  if ((kill > 0)); then
    # The killed copy and the one taken again both logged to its log; one
    # of them completed.
    [[ $(grep -c "Using server version" "$logs/backup-inc$kill.log") -eq 2 &&
       $(grep -c "completed OK" "$logs/backup-inc$kill.log") -eq 1 ]] ||
      { echo "FAIL: $name: incremental $kill was not killed once and taken again"; fail=1; }
  fi
  local full last start
  full=$(logged_gtid "$logs/backup.log") last=$(logged_gtid "$logs/backup-inc$k.log")
  start=$(sed -n 's/^  start position: .* GTID \([0-9-]*\) from the binlog info file; audit confirmed$/\1/p' "$summary")
  if [[ -z $full || -z $last || $start != "$last" ]] || (( $(seq_of "$last") <= $(seq_of "$full") )); then
    echo "FAIL: $name: the slave started at '$start', the full backup ended at '$full', the last incremental at '$last'"
    fail=1
  else
    echo "   the full backup ended at $full, the last incremental (the slave's start) at $last"
  fi
  [[ ! -e $last_run/incrementals ]] || { echo "FAIL: $name: a passing run kept its incrementals"; fail=1; }
}
chain chain-2 2 0
chain chain-4-kill 4 3

# Negative controls of the chain: incrementals applied out of order, or
# one left out, are refused by the prepare, which names where the chain
# broke (status 108), never provisioning a slave from a torn chain. The
# master flushes every dirty page at once, so its checkpoint moves between
# the backups: an incremental starts at its base's checkpoint LSN, and
# while the checkpoint stands still (the default under a short load:
# measured from_lsn = to_lsn = 44404 for a full backup and two
# incrementals) each one holds every page changed since it, and leaving
# one out loses nothing.
flushing=(--master-option=--innodb-max-dirty-pages-pct=0 --master-option=--innodb-max-dirty-pages-pct-lwm=0)
for order in 2,1 1,3; do
  if run_expect "chain-order-$order" 108 -- --threads 4 --duration 8 --sync-points 1 --incrementals 3 \
      --incremental-interval 1 "${flushing[@]}" --test-incremental-order "$order"; then
    first=${order%,*} second=${order#*,}
    if [[ $order == 2,1 ]]; then
      want="applying incremental 2 after the full backup failed (it was taken on incremental 1, so the chain is broken there)"
    else
      want="applying incremental 3 after incremental 1 failed (it was taken on incremental 2, so the chain is broken there)"
    fi
    grep -qF "$want" "$last_run/summary.txt" ||
      { echo "FAIL: chain-order-$order: the broken chain is not named"; tail -5 "$last_run/summary.txt"; fail=1; }
    [[ ! -e $last_run/slave ]] || { echo "FAIL: chain-order-$order: a slave was started from a torn chain"; fail=1; }
  fi
done

# A streamed chain: every backup goes through mbstream (and zstd or lz4)
# with 2 copy threads, is stored as one file, extracted, and the file removed.
for compress in none zstd lz4; do
  compressing=(--compress "$compress") through=" | $compress"
  [[ $compress == none ]] && compressing=() through=""
  if run_expect "stream-$compress" 0 -- --threads 4 --duration 4 --sync-points 1 --stream mbstream \
      "${compressing[@]}" --backup-parallel 2 --incrementals 1 --incremental-interval 1; then
    logs=$last_run/backup-logs
    grep -qF "randsync: run: backup: mariadb-backup --backup --parallel=2 --stream=mbstream$through | mbstream -x while" \
        "$tmp/stream-$compress.err" ||
      { echo "FAIL: stream-$compress: no progress line naming the stream"; fail=1; }
    for log in backup backup-inc1; do
      grep -q "Streaming ./test/" "$logs/$log.log" && ! grep -q "Copying ./test/" "$logs/$log.log" ||
        { echo "FAIL: stream-$compress: $log was not streamed"; fail=1; }
    done
    [[ -z $(find "$last_run" -name "*.mbstream*") ]] || { echo "FAIL: stream-$compress: a stream file was left"; fail=1; }
  fi
done

# Encrypted servers: the tablespaces the backup copies (or the dump's rows
# the slave loads) are encrypted on both sides, and every check passes.
for method in mariabackup mydumper; do
  if run_expect "encrypt-$method" 0 -- --threads 4 --duration 4 --sync-points 1 --encrypt --backup "$method"; then
    for role in master slave; do
      grep -Eq "^randsync: run: encryption: $role: ([1-9][0-9]*) of \1 InnoDB tablespaces of user tables encrypted$" \
          "$tmp/encrypt-$method.err" ||
        { echo "FAIL: encrypt-$method: the $role's tables are not all encrypted"; grep encryption "$tmp/encrypt-$method.err"
          fail=1; }
    done
    [[ $(stat -c %a "$last_run/encryption/keys.txt") == 600 ]] ||
      { echo "FAIL: encrypt-$method: no key file readable by its owner only"; fail=1; }
    grep -q -- "--file-key-management-filename=.*encryption/keys.txt" "$last_run/config.json" ||
      { echo "FAIL: encrypt-$method: config.json lacks the servers' encryption options"; fail=1; }
  fi
done

# Partial backups: each method takes 3 of the 10 tables while the load
# writes all of them; the slave replicates only those (any other row event
# would stop it: the table is not there), and the checks compare exactly them.
selection='^test\.(A|B|CC)$'
for method in mariabackup mariadb-dump mydumper; do
  if run_expect "partial-$method" 0 -- --threads 4 --duration 4 --sync-points 1 --backup "$method" \
      --tables "$selection"; then
    grep -qxF "  partial backup (--tables '$selection'): 3 tables; the slave replicated and the checks compared only them" \
        "$last_run/summary.txt" || { echo "FAIL: partial-$method: no partial backup line"; cat "$last_run/summary.txt"; fail=1; }
    for check in "$last_run"/checks/*.json; do
      compared=$(grep -o '"table": "[^"]*"' "$check" | sort -u | tr '\n' ' ')
      [[ $compared == '"table": "A" "table": "B" "table": "CC" ' ]] ||
        { echo "FAIL: partial-$method: $(basename "$check") compared $compared"; fail=1; }
    done
  fi
done

# DDL and XA across the backup (grammars/ddl_during_backup.yy): the lock
# modes and variants that hold DDL still must provision a slave equal to
# the master at every check.
ddl=(--grammar "$(dirname "$0")/../grammars/ddl_during_backup.yy" --threads 4 --duration 6 --sync-points 1)
run_expect ddl-mariabackup 0 -- "${ddl[@]}"
run_expect ddl-lock-ddl-per-table 0 -- "${ddl[@]}" --backup-option=--lock-ddl-per-table
run_expect ddl-incremental 0 -- "${ddl[@]}" --incrementals 1 --incremental-interval 1
run_expect ddl-dump-locked 0 -- "${ddl[@]}" --backup mariadb-dump --backup-option=--lock-all-tables
# The variants that do not hold DDL still: a failure is their named limit
# (20: a table the copy tore, a dump's ER_TABLE_DEF_CHANGED), never a
# server bug (103, 111) or randsync's own (110).
run_expect ddl-no-lock 0 20 -- "${ddl[@]}" --backup-option=--no-lock
run_expect ddl-dump-snapshot 0 20 -- "${ddl[@]}" --backup mariadb-dump --backup-option=--single-transaction
run_expect ddl-mydumper-snapshot 0 20 -- "${ddl[@]}" --backup mydumper --backup-option=--trx-consistency-only

# XA transactions kept prepared across the backup's point (detached from
# their sessions, grammars/xa_prepared.yy): mariabackup's copy holds them
# prepared and replication brings their end; a dump holds none, and the
# XA COMMIT of one prepared before its point is its named limit (20).
xa=(--grammar "$(dirname "$0")/../grammars/xa_prepared.yy" --threads 4 --duration 6 --sync-points 1)
if run_expect xa-mariabackup 0 -- "${xa[@]}"; then
  held=$(sed -n 's/.*"prepared_xa_in_copy": \([0-9]*\).*/\1/p' "$last_run/report.json" | head -1)
  (( ${held:-0} >= 1 )) || { echo "FAIL: xa-mariabackup: the copy held ${held:-no} prepared XA transactions"; fail=1; }
  echo "   the copy held $held XA transactions prepared across its point"
fi
if run_expect xa-mariadb-dump 20 -- "${xa[@]}" --backup mariadb-dump; then
  grep -Eq "^status: STATUS_METHOD_LIMIT \(exit 20\): mariadb-dump --single-transaction holds no prepared XA transaction: XA X'[0-9a-f]+',X'',1 was prepared before the dump's point .*XAER_NOTA" \
      "$last_run/summary.txt" || { echo "FAIL: xa-mariadb-dump: the limit is not named"; grep status: "$last_run/summary.txt"; fail=1; }
fi

# A backup of the first slave, under load, provisions a second one: from
# the master at the position the replica's backup recorded in the master's
# binary log (mariabackup's slave info, mariadb-dump --dump-slave,
# mydumper's SHOW SLAVE STATUS), or from the first slave at the backup's
# own; both slaves pass every check.
replica=(--threads 4 --duration 10 --sync-points 1 --backup-from replica)
# replica_of_master NAME METHOD SOURCE-NAME
replica_of_master() {
  local name=$1 method=$2 source=$3
  run_expect "$name" 0 -- "${replica[@]}" --backup "$method" || return 1
  grep -Eq "^  slave2: $method .*of slave 1, replicating from the master, start (master-bin\.[0-9]+:[0-9]+ )?GTID [0-9-]+ from the $source; audit confirmed$" \
      "$last_run/summary.txt" ||
    { echo "FAIL: $name: no slave2 line starting in the master's binlog at the $source"; cat "$last_run/summary.txt"; fail=1; }
}
if replica_of_master replica-of-master mariabackup "slave info"; then
  grep -q "Writing xtrabackup_slave_info" "$last_run/backup-logs/slave2/backup.log" ||
    { echo "FAIL: replica-of-master: the replica's backup wrote no slave info"; fail=1; }
fi
replica_of_master replica-dump mariadb-dump "dump header"
replica_of_master replica-mydumper mydumper "mydumper metadata's SHOW SLAVE STATUS"
if run_expect replica-chain 0 -- "${replica[@]}" --chain; then
  summary=$last_run/summary.txt
  grep -Eq "^  slave2: mariabackup of slave 1, replicating from the first slave, start slave-bin\.[0-9]+:[0-9]+ GTID [0-9-]+ from the binlog info file; audit confirmed$" \
      "$summary" || { echo "FAIL: replica-chain: no slave2 line starting in slave 1's binlog"; cat "$summary"; fail=1; }
fi
for run in replica-of-master replica-dump replica-mydumper replica-chain; do
  dir=$tmp/$run/latest
  [[ -s $dir/report.json ]] || continue
  for check in sync-point-1 final-check; do
    grep -Eq "^  $check +[0-9.]+ s  ok \(slave: ok, slave2: ok\)" "$dir/summary.txt" &&
      grep -q '"status": 0' "$dir/checks/$check.slave2.json" ||
      { echo "FAIL: $run: $check did not check both slaves"; fail=1; }
  done
done
# Without its master's position (no --slave-info; --master-data instead of
# --dump-slave) a replica's backup gives no start for a slave of the master.
for method in mariabackup mariadb-dump; do
  if run_expect "replica-no-slave-info-$method" 113 -- "${replica[@]}" --backup "$method" --test-no-slave-info; then
    why="no slave info file: taken without --slave-info"
    [[ $method == mariadb-dump ]] && why="taken with --master-data, without --dump-slave"
    grep -qF "status: STATUS_POSITION_MISMATCH (exit 113): slave2: position audit: the backup of slave 1" "$last_run/summary.txt" &&
      grep -qF "recorded no position in its master's binary log ($why)" "$last_run/summary.txt" ||
      { echo "FAIL: replica-no-slave-info-$method: the position error is not named"; grep status: "$last_run/summary.txt"
        fail=1; }
  fi
done

# refused NAME EXPECTED-MESSAGE -- ARGS: one line, no results folder.
refused() {
  local name=$1 want=$2; shift 3
  local out rc
  out=$("$RANDSYNC" run "$@" --results "$tmp/$name" 2>&1)
  rc=$?
  if [[ $rc -eq 0 ]] || ! grep -qF -- "$want" <<<"$out" || [[ -e $tmp/$name ]]; then
    echo "FAIL: $name: exit $rc: $out"; fail=1
  else
    echo "ok: $name: $(head -1 <<<"$out" | cut -c1-160)"
  fi
}
refused chain-dump "--incrementals needs --backup mariabackup (a mariadb-dump has no incrementals)" -- \
    --backup mariadb-dump --incrementals 2
refused stream-dump "--stream needs --backup mariabackup (mydumper writes SQL, not an mbstream)" -- \
    --backup mydumper --stream mbstream
refused compress-unstreamed "--compress needs --stream mbstream" -- --compress zstd
refused parallel-dump "--backup-parallel: mariadb-dump dumps in one thread" -- --backup mariadb-dump --backup-parallel 2
refused partial-statement "--tables and --databases need --binlog-format row" -- --tables 'test\.A$' \
    --binlog-format statement
refused replica-mydumper-no-slave-info "--test-no-slave-info: mydumper records a replica's SHOW SLAVE STATUS whenever it dumps one" -- \
    --backup mydumper --backup-from replica --test-no-slave-info
refused chain-alone "--chain needs --backup-from replica" -- --chain
refused kill-past-chain "--kill-backup-at 3 needs an incremental to kill: 1 to --incrementals (2)" -- \
    --incrementals 2 --kill-backup-at 3

exit $fail
