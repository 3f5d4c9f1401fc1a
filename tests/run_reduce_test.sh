#!/usr/bin/env bash
# `randsync reduce` on real failed runs, each a planted server-side
# divergence that needs no backup:
#   (a) a slave that filters test.A out of replication (written through a
#       view: the setup carries it);
#   (b) UUID_SHORT() (its value depends on server_id) under STATEMENT format.
# Each must shrink to at most 10 statements (and (b)'s table to the columns
# it needs) that reproduce 3 of 3 times on fresh servers, and to an mtr
# test that fails under mariadb-test-run the way the run did and passes
# once the cause is removed. A run that passed
# has nothing to reduce (110, one line). No mariadbd may survive.
source "$(dirname "$0")/run_test_lib.sh"
source "$(dirname "$0")/reduce_test_lib.sh"

# (a) a slave-side replication filter; the load writes test.A (empty in
# the default data) through a view it created before the backup, so the
# setup must carry the view.
cat > "$tmp/view.yy" <<'YY'
query_init: CREATE OR REPLACE VIEW v_a AS SELECT * FROM A ;
query: INSERT INTO v_a ( col_int_nokey ) VALUES ( _digit ) | UPDATE v_a SET col_int_nokey = _digit WHERE pk = _digit |
       INSERT INTO B ( col_int_nokey ) VALUES ( _digit ) ;
YY
if run_expect slave-filter 111 -- --grammar "$tmp/view.yy" --threads 2 --duration 4 --sync-points 1 \
    --slave-option=--replicate-wild-ignore-table=test.A && reduce_expect slave-filter; then
  sed -n '/^-- 1\./,/^-- 2\./p' "$last_run/reduced/test.sql" | grep -q 'VIEW `v_a`' &&
    grep -Eq "^(INSERT INTO|UPDATE) v_a " "$last_run/reduced/test.sql" ||
    { echo "FAIL: slave-filter: the setup does not carry the view the statement needs"; cat "$last_run/reduced/test.sql"
      fail=1; }
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
  # The columns phase leaves the primary key and the column the UPDATE sets.
  columns=$(grep -o '^  `col_[a-z_]*`' "$last_run/reduced/test.sql" | sort -u | tr -d ' `' | tr '\n' ' ')
  [[ $columns == "col_int_nokey " ]] ||
    { echo "FAIL: statement: the setup keeps the columns '$columns', not only col_int_nokey"; fail=1; }
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
