#!/usr/bin/env bash
# Positive controls of `randsync run`: the shipped grammar under load, the
# slave provisioned each way users do it, must never raise a false alarm.
# ROW and MIXED binlog format x mariadb-backup / mariadb-dump / mydumper,
# several seeds, GTID and binlog-file positions, serial and parallel
# replication, sync points by count and by interval, Aria tables backed up
# with mariadb-backup's locks. Every run must end STATUS_OK.
source "$(dirname "$0")/run_test_lib.sh"

common=(--threads 4 --duration 8)
run_expect row-mariabackup-s11 0 -- "${common[@]}" --binlog-format row --backup mariabackup --seed 11
run_expect mixed-mariabackup-s12 0 -- "${common[@]}" --binlog-format mixed --backup mariabackup --seed 12
run_expect row-dump-s13 0 -- "${common[@]}" --binlog-format row --backup mariadb-dump --seed 13
run_expect mixed-dump-s14 0 -- "${common[@]}" --binlog-format mixed --backup mariadb-dump --seed 14 \
    --slave-parallel-threads 4 --slave-parallel-mode optimistic
run_expect row-mydumper-file-s15 0 -- --threads 4 --duration 16 --binlog-format row --backup mydumper --seed 15 \
    --position file --sync-interval 3
if [[ $last_rc -eq 0 ]]; then
  [[ -s $last_run/backup-logs/mydumper.log && -s $last_run/backup-logs/myloader.log ]] ||
    { echo "FAIL: mydumper run without its logs"; fail=1; }
  grep -q '"replication_started_at": "master-bin\.[0-9]*:[0-9]*"' "$last_run/report.json" ||
    { echo "FAIL: --position file did not start at a binlog file/position"; grep -A4 backup_position "$last_run/report.json"; fail=1; }
  # --sync-interval 3 over the ~12 s of load after the slave started.
  n=$(ls "$last_run"/checks/sync-point-*.json 2>/dev/null | wc -l)
  (( n >= 2 )) || { echo "FAIL: --sync-interval 3 gave $n sync points"; fail=1; }
fi
run_expect mixed-mariabackup-file-s16 0 -- "${common[@]}" --binlog-format mixed --backup mariabackup --seed 16 \
    --position file --slave-parallel-threads 2 --slave-parallel-mode conservative
run_expect aria-mariabackup-s17 0 -- "${common[@]}" --backup mariabackup --seed 17 \
    --gendata "$(dirname "$0")/data/aria_and_innodb.zz"

exit $fail
