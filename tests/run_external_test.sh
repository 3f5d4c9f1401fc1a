#!/usr/bin/env bash
# `randsync run` against a master the user started (--master DSN), with the
# slave's datadir on a directory of the user's choice (--slave-datadir):
#   1. a master with a binary log: the run is ok, the master keeps running
#      afterwards, the slave used the given directory and a server id other
#      than the master's; a second run on it with mariadb-dump is ok too;
#   1b. a password never on a command line or in a result file (below);
#   2. a master without a binary log is refused before anything is written,
#      in one line naming the cause (exit 110);
#   3. option errors: --master-option / --binlog-format with --master, a
#      non-empty --slave-datadir (exit 2).
source "$(dirname "$0")/run_test_lib.sh"
# The "user's" servers live apart from randsync's, which must not survive.
userdir=$(mktemp -d -p "$(dirname "$tmp")")
trap 'pkill -9 -f -- "$userdir" 2>/dev/null; rm -rf "$userdir"; cleanup' EXIT

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
  done
}

# start_server NAME [mariadbd options...]: bootstraps and starts a server the
# way a user would; sets port.
start_server() {
  local name=$1; shift
  local d=$userdir/$name
  mkdir -p "$d"
  mariadb-install-db --no-defaults --datadir="$d/data" --user=root --auth-root-authentication-method=normal \
      --skip-test-db >"$d/install.log" 2>&1 || { echo "FAIL: bootstrap of $name"; tail "$d/install.log"; return 1; }
  port=$(free_port)
  /usr/sbin/mariadbd --no-defaults --user=root --datadir="$d/data" --socket="$d/sock" --port=$port \
      --bind-address=127.0.0.1 --pid-file="$d/pid" --log-error="$d/err" --skip-name-resolve \
      --innodb-buffer-pool-size=64M "$@" &
  disown  # killed by the cleanup, quietly
  for _ in $(seq 1 100); do
    mariadb --no-defaults -uroot -h127.0.0.1 -P$port -e "SELECT 1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "FAIL: $name did not start"; tail "$d/err"; return 1
}

# 1. a user's master with a binary log
if start_server usermaster --log-bin=um-bin --server-id=2 --binlog-format=MIXED; then
  mport=$port
  mariadb --no-defaults -uroot -h127.0.0.1 -P$mport -e "CREATE DATABASE keepme; CREATE TABLE keepme.t (a INT PRIMARY KEY) ENGINE=InnoDB; INSERT INTO keepme.t VALUES (1),(2),(3)"
  if run_expect external 0 -- --master "mysql://root@127.0.0.1:$mport/rs" --slave-datadir "$tmp/slave-here" \
      --threads 4 --duration 10 --sync-points 2; then
    grep -q '"external": true' "$last_run/report.json" || { echo "FAIL: external master not reported"; fail=1; }
    grep -q '"binlog_format": "MIXED"' "$last_run/report.json" || { echo "FAIL: the master's own format not reported"; fail=1; }
    [[ -L $last_run/slave && -s $tmp/slave-here/slave.err ]] ||
      { echo "FAIL: the slave did not use --slave-datadir"; ls -la "$last_run" "$tmp/slave-here"; fail=1; }
    grep -q "slave on 127.0.0.1:[0-9]* (server id 3," "$tmp/external.err" ||
      { echo "FAIL: the slave took the master's server id"; grep "slave on" "$tmp/external.err"; fail=1; }
    n=$(mariadb --no-defaults -uroot -h127.0.0.1 -P$mport -N -e "SELECT COUNT(*) FROM rs.A" 2>&1)
    [[ $n =~ ^[0-9]+$ ]] || { echo "FAIL: the master did not survive the run or has no data: $n"; fail=1; }
    k=$(mariadb --no-defaults -uroot -h127.0.0.1 -P$mport -N -e "SELECT COUNT(*) FROM keepme.t" 2>&1)
    [[ $k == 3 ]] || { echo "FAIL: the user's other data changed: $k"; fail=1; }
    # Only the slave was randsync's: none of its servers may survive.
    pgrep -f -- "$tmp/slave-here" >/dev/null && { echo "FAIL: the slave survived"; fail=1; }
  fi
  # Again on the same master, logically, the slave's binary named explicitly.
  if run_expect external-dump 0 -- --master "mysql://root@127.0.0.1:$mport/rs" --backup mariadb-dump \
      --slave-mariadbd /usr/sbin/mariadbd --threads 4 --duration 8 --sync-points 1; then
    grep -q '"slave_mariadbd": "/usr/sbin/mariadbd"' "$last_run/config.json" ||
      { echo "FAIL: --slave-mariadbd not in the configuration"; fail=1; }
    k=$(mariadb --no-defaults -uroot -h127.0.0.1 -P$mport -N -e "SELECT COUNT(*) FROM keepme.t" 2>&1)
    [[ $k == 3 ]] || { echo "FAIL: the master did not survive the second run: $k"; fail=1; }
  fi
fi

# 1b. a user with a password, with every method: the password reaches each
#     tool through a mode-0600 options file, never a command line (sampled
#     every 20 ms during the run), a log or a result file; the slave
#     replicates as a throwaway account, made and dropped unlogged.
if [[ -n ${mport:-} ]]; then
  pw='Sekr1t#pw_Qx9z'
  printf '%s\n' "$pw" > "$tmp/pw.pattern"  # for the file greps; the sampler reads it on stdin
  mariadb --no-defaults -uroot -h127.0.0.1 -P$mport -e "CREATE USER qa@'%' IDENTIFIED BY '$pw';
      GRANT ALL ON *.* TO qa@'%' WITH GRANT OPTION"
  accounts() {
    mariadb --no-defaults -uroot -h127.0.0.1 -P$mport -N -e "SHOW GLOBAL STATUS WHERE Variable_name IN
        ('Com_create_user', 'Com_drop_user')" | awk '{printf "%s ", $2}'
  }
  before=$(accounts)
  ( while :; do
      # The pattern on stdin: a path under $tmp on this grep's command line
      # would look like a server left behind to no_servers_left.
      for f in $(grep -alF -f - /proc/[0-9]*/cmdline 2>/dev/null <<< "$pw"); do
        tr '\0' ' ' < "$f" >> "$tmp/cmdline-leaks" 2>/dev/null; echo >> "$tmp/cmdline-leaks"
      done
      sleep 0.02
    done ) &
  watcher=$!
  for method in mariabackup mariadb-dump mydumper; do
    RANDSYNC_PASSWORD=$pw run_expect "secret-$method" 0 -- --master "mysql://qa@127.0.0.1:$mport/rs" \
        --backup "$method" --threads 4 --duration 6 --sync-points 1 &&
      grep -rlaF -f "$tmp/pw.pattern" "$tmp/secret-$method" "$tmp/secret-$method.out" "$tmp/secret-$method.err" &&
      { echo "FAIL: secret-$method: the password is in the files above"; fail=1; }
  done
  kill "$watcher"; wait "$watcher" 2>/dev/null
  [[ -s $tmp/cmdline-leaks ]] && { echo "FAIL: the password was on a command line:"; cat "$tmp/cmdline-leaks"; fail=1; }
  read -r created dropped <<< "$before"
  read -r created2 dropped2 <<< "$(accounts)"
  (( created2 - created == 3 && dropped2 - dropped == 3 )) ||
    { echo "FAIL: throwaway replication accounts: created $((created2 - created)), dropped $((dropped2 - dropped))"; fail=1; }
  left=$(mariadb --no-defaults -uroot -h127.0.0.1 -P$mport -N -e "SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'randsync_repl%'")
  [[ $left == 0 ]] || { echo "FAIL: $left throwaway replication accounts left on the master"; fail=1; }
fi

# 2. a master without a binary log: refused up front
if start_server nobinlog --server-id=5; then
  nport=$port
  start=$SECONDS
  "$RANDSYNC" run --master "mysql://root@127.0.0.1:$nport/rs" --duration 5 --results "$tmp/nobinlog-r" \
      >"$tmp/nobinlog.out" 2>"$tmp/nobinlog.err"
  rc=$?
  if [[ $rc -ne 110 ]] || ! grep -q "binary log is off" "$tmp/nobinlog.out" "$tmp/nobinlog.err"; then
    echo "FAIL: master without binlog: exit $rc"; cat "$tmp/nobinlog.out" "$tmp/nobinlog.err"; fail=1
  else
    echo "ok: master without binlog refused: $(grep -h 'binary log is off' "$tmp/nobinlog.out" | head -1)"
  fi
  t=$(mariadb --no-defaults -uroot -h127.0.0.1 -P$nport -N -e "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'rs'")
  [[ $t == 0 ]] || { echo "FAIL: something was written to a master that was refused"; fail=1; }
fi

# 3. option errors
for args in "--master mysql://root@127.0.0.1:1/x --master-option=--log-bin" \
            "--master mysql://root@127.0.0.1:1/x --binlog-format mixed"; do
  # shellcheck disable=SC2086
  "$RANDSYNC" run $args >/dev/null 2>"$tmp/opt.err"
  rc=$?
  [[ $rc -eq 2 && $(grep -c '' "$tmp/opt.err") -eq 1 ]] ||
    { echo "FAIL: run $args: exit $rc"; cat "$tmp/opt.err"; fail=1; }
done
mkdir -p "$tmp/full" && touch "$tmp/full/x"
"$RANDSYNC" run --slave-datadir "$tmp/full" >/dev/null 2>"$tmp/opt.err"
rc=$?
[[ $rc -eq 2 ]] && grep -q "not empty" "$tmp/opt.err" || { echo "FAIL: non-empty --slave-datadir: exit $rc"; cat "$tmp/opt.err"; fail=1; }

exit $fail
