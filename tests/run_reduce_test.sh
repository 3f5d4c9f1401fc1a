#!/usr/bin/env bash
# `randsync reduce` on real failed runs, each a planted server-side
# divergence that needs no backup:
#   (a) a slave that filters test.A out of replication;
#   (b) UUID_SHORT() (its value depends on server_id) under STATEMENT format.
# Each must shrink to at most 10 statements that reproduce 3 of 3 times on
# fresh servers, and to an mtr test that fails under mariadb-test-run the
# way the run did and passes once the cause is removed. A run that passed
# has nothing to reduce (110, one line). No mariadbd may survive.
source "$(dirname "$0")/run_test_lib.sh"
MTR_DIR=/usr/share/mysql/mysql-test

json_number() { sed -n "s/^  \"$2\": \([0-9]*\),*$/\1/p" "$1" | head -1; }

# reduce_expect NAME: reduces $last_run; checks the result's size, its
# reproduction and the files.
reduce_expect() {
  local name=$1 start=$SECONDS
  "$RANDSYNC" reduce "$last_run" --budget 400 >"$tmp/$name.reduce.out" 2>"$tmp/$name.reduce.err"
  local rc=$? dir=$last_run/reduced
  if [[ $rc -ne 0 || ! -s $dir/reduce.json ]]; then
    echo "FAIL: $name: reduce exit $rc"; cat "$tmp/$name.reduce.out"; tail -15 "$tmp/$name.reduce.err"; fail=1; return 1
  fi
  local after before
  after=$(json_number "$dir/reduce.json" statements_after)
  before=$(json_number "$dir/reduce.json" statements_before)
  if [[ -z $after || $after -gt 10 || $before -le $after ]]; then
    echo "FAIL: $name: $before statements reduced to $after (at most 10 wanted)"; fail=1; return 1
  fi
  grep -q '"mtr_reproduced": true' "$dir/reduce.json" ||
    { echo "FAIL: $name: the mtr test did not fail as the run did"; tail -30 "$dir/mtr.log"; fail=1; return 1; }
  grep -q "reproduced 3 of 3 on fresh servers" "$tmp/$name.reduce.out" ||
    { echo "FAIL: $name: not reproduced 3 of 3"; cat "$tmp/$name.reduce.out"; fail=1; return 1; }
  grep -q "^randsync: reduce: .* replays on fresh servers" "$tmp/$name.reduce.err" ||
    { echo "FAIL: $name: no progress lines"; fail=1; }
  for f in test.sql reduced.test reduced.result README.md; do
    [[ -s $dir/$f ]] || { echo "FAIL: $name: no reduced/$f"; fail=1; }
  done
  grep -q "^## Expected" "$dir/README.md" && grep -q "^## Actual" "$dir/README.md" ||
    { echo "FAIL: $name: README.md is not a bug report"; fail=1; }
  echo "ok: $name: $before -> $after statements in $((SECONDS - start)) s: $(head -1 "$tmp/$name.reduce.out")"
  no_servers_left "$name reduce"
}

# mtr_passes NAME: the reduced test, as edited, passes under mariadb-test-run
# (from a copy, as its README says: mtr cuts --suite at a '-').
mtr_passes() {
  local name=$1 dir
  dir=$(mktemp -d /tmp/rsXXXXXX)/reduced
  cp -r "$last_run/reduced" "$dir"
  (cd "$MTR_DIR" && perl mariadb-test-run.pl --vardir="$tmp/$name-mtr" --suite="$dir" --force --retry=0 \
     --max-test-fail=0 --testcase-timeout=5 reduced) >"$tmp/$name.mtr.out" 2>&1 &&
    grep -q "\[ pass \]" "$tmp/$name.mtr.out" &&
    echo "ok: $name: the mtr test passes once the cause is removed" ||
    { echo "FAIL: $name: the mtr test without the cause does not pass"; tail -30 "$tmp/$name.mtr.out"; fail=1; }
  rm -rf "$(dirname "$dir")"
}

# (a) a slave-side replication filter
if run_expect slave-filter 111 -- --threads 4 --duration 6 --sync-points 1 \
    --slave-option=--replicate-wild-ignore-table=test.A && reduce_expect slave-filter; then
  grep -q "replicate-wild-ignore-table=test.A" "$last_run/reduced/reduced-slave.opt" ||
    { echo "FAIL: slave-filter: the filter is not in reduced-slave.opt"; fail=1; }
  : >"$last_run/reduced/reduced-slave.opt"
  mtr_passes slave-filter
fi

# (b) a statement unsafe for STATEMENT format
cat > "$tmp/unsafe.yy" <<'YY'
query: UPDATE _table SET col_int_nokey = UUID_SHORT() % 1000 WHERE pk = _digit ;
YY
if run_expect statement 111 -- --grammar "$tmp/unsafe.yy" --binlog-format statement --threads 2 --duration 6 \
    --sync-points 1 && reduce_expect statement; then
  grep -q "UUID_SHORT()" "$last_run/reduced/test.sql" ||
    { echo "FAIL: statement: the unsafe statement is not in test.sql"; fail=1; }
  sed -i 's/have_binlog_format_statement/have_binlog_format_row/' "$last_run/reduced/reduced.test"
  echo "--binlog-format=row" >"$last_run/reduced/reduced-master.opt"
  mtr_passes statement
fi

# (c) nothing to reduce
mkdir -p "$tmp/passed"
printf '{"status": "STATUS_OK", "exit_status": 0}\n' >"$tmp/passed/report.json"
"$RANDSYNC" reduce "$tmp/passed" >"$tmp/passed.out" 2>"$tmp/passed.err"
rc=$?
if [[ $rc -ne 110 ]] || ! grep -q "nothing to reduce" "$tmp/passed.err" || [[ $(wc -l <"$tmp/passed.err") -ne 1 ]]; then
  echo "FAIL: a passed run: exit $rc"; cat "$tmp/passed.err"; fail=1
else
  echo "ok: a passed run: $(cat "$tmp/passed.err")"
fi

exit $fail
