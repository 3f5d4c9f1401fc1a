# Shared by the `randsync reduce` end-to-end scripts (sourced after
# run_test_lib.sh): reducing the last run and checking what it wrote, and
# running the reduced mtr test once edited.
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
