#!/usr/bin/env bash
# The command-line contract: --help per subcommand works, `gen` prints
# statements, and every bad input gives exactly one line on stderr that names
# the cause, and a non-zero exit.
set -u
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_one_line_error WHAT EXPECTED-SUBSTRING ARGS...
check_one_line_error() {
  local what=$1 expect=$2; shift 2
  local err rc
  err=$("$RANDSYNC" "$@" 2>&1 >/dev/null); rc=$?
  local lines; lines=$(printf '%s' "$err" | grep -c '')
  if [[ $rc -eq 0 || $lines -ne 1 || $err != *"$expect"* ]]; then
    echo "FAIL: $what: rc=$rc, $lines stderr lines, expected '$expect' in: $err"; fail=1
  else
    echo "ok: $what -> $err"
  fi
}

"$RANDSYNC" --help | grep -q "gen" || { echo "FAIL: --help lists no gen"; fail=1; }
"$RANDSYNC" gen --help | grep -q -- "--grammar" || { echo "FAIL: gen --help"; fail=1; }

printf 'query: SELECT _digit ; SELECT 2 ;\n' > "$tmp/ok.yy"
n=$("$RANDSYNC" gen --grammar "$tmp/ok.yy" --queries 7 | wc -l)
[[ $n -eq 14 ]] || { echo "FAIL: gen printed $n lines, expected 14"; fail=1; }
a=$("$RANDSYNC" gen --grammar "$tmp/ok.yy" --queries 50 --seed 3 | md5sum)
b=$("$RANDSYNC" gen --grammar "$tmp/ok.yy" --queries 50 --seed 3 | md5sum)
[[ $a == "$b" ]] || { echo "FAIL: same seed, different output"; fail=1; }
# a closed pipe ends generation quietly
"$RANDSYNC" gen --grammar "$tmp/ok.yy" --queries 10000000 | head -1 >/dev/null
printf 'query: SELECT 1 ;\n' > "$tmp/cfg.yy"
printf '[gen]\ngrammar = "%s"\nqueries = 3\n' "$tmp/cfg.yy" > "$tmp/run.toml"
n=$("$RANDSYNC" --config "$tmp/run.toml" gen | wc -l)
[[ $n -eq 3 ]] || { echo "FAIL: config file: $n lines"; fail=1; }

check_one_line_error "unknown option" "no-such-option" gen --grammar "$tmp/ok.yy" --no-such-option
check_one_line_error "missing grammar file" "/nonexistent/x.yy" gen --grammar /nonexistent/x.yy
check_one_line_error "no subcommand" "subcommand" 
check_one_line_error "bad number" "queries" gen --grammar "$tmp/ok.yy" --queries abc
printf 'query: SELECT 1 ;\nbad: /* never closed ;\n' > "$tmp/bad.yy"
check_one_line_error "malformed grammar" "bad.yy:2:6: unterminated SQL comment" gen --grammar "$tmp/bad.yy"
printf 'query: loop ;\nloop: X loop ;\n' > "$tmp/loop.yy"
check_one_line_error "endless recursion" "rule 'loop'" gen --grammar "$tmp/loop.yy"
printf 'other: X ;\n' > "$tmp/noquery.yy"
check_one_line_error "no query rule" "no 'query' rule" gen --grammar "$tmp/noquery.yy"
printf 'query: { die "boom" } ;\n' > "$tmp/die.yy"
check_one_line_error "dying Perl block" "boom" gen --grammar "$tmp/die.yy"
printf '$tables = { rows => [ 1 ] ; \n' > "$tmp/bad.zz"
check_one_line_error "broken .zz" "bad.zz" gen --grammar "$tmp/ok.yy" --schema "$tmp/bad.zz"
check_one_line_error "bad DSN" "DSN" gen --grammar "$tmp/ok.yy" --dsn "postgres://x"
check_one_line_error "dead server" "127.0.0.1" gen --grammar "$tmp/ok.yy" --dsn "mysql://root@127.0.0.1:1/test"
check_one_line_error "missing redefine" "/nonexistent/r.yy" gen --grammar "$tmp/ok.yy" --redefine /nonexistent/r.yy

# randsync check: the same contract
"$RANDSYNC" check --help | grep -q -- "--sync-timeout" || { echo "FAIL: check --help"; fail=1; }
check_one_line_error "check without --slave" "--slave" check --master mysql://root@127.0.0.1:1/
check_one_line_error "check with a bad --sync" "--sync" check --master mysql://root@127.0.0.1:1/ --slave mysql://root@127.0.0.1:1/ --sync maybe
check_one_line_error "check with a bad DSN" "DSN" check --master postgres://x --slave mysql://root@127.0.0.1:1/
check_one_line_error "check of a dead server" "127.0.0.1:1" check --quiet --master mysql://root@127.0.0.1:1/ --slave mysql://root@127.0.0.1:1/
"$RANDSYNC" check --quiet --master mysql://root@127.0.0.1:1/ --slave mysql://root@127.0.0.1:1/ >/dev/null 2>&1
rc=$?; [[ $rc -eq 110 ]] || { echo "FAIL: dead server check exit $rc, expected 110"; fail=1; }
check_one_line_error "check with an unwritable --json" "--json" check --quiet --master mysql://root@127.0.0.1:1/ --slave mysql://root@127.0.0.1:1/ --json /nonexistent/dir/r.json

# randsync run: option errors are one line and exit 2, before any server starts
"$RANDSYNC" run --help | grep -q -- "--slave-parallel-threads" || { echo "FAIL: run --help"; fail=1; }
"$RANDSYNC" run --help | grep -q -- "--test-position-skew" && { echo "FAIL: run --help shows test-only options"; fail=1; }
check_one_line_error "run with an unknown backup" "--backup" run --backup tar
check_one_line_error "run with --sync-points and --sync-interval" "sync-interval" run --sync-points 2 --sync-interval 5
check_one_line_error "run with a bad --position" "--position" run --position lsn
check_one_line_error "run --backup-option without mariabackup" "--backup-option" run --backup mydumper --backup-option=--no-lock
check_one_line_error "run with a missing grammar" "/nonexistent/g.yy" run --grammar /nonexistent/g.yy
"$RANDSYNC" run --backup tar >/dev/null 2>&1
rc=$?; [[ $rc -eq 2 ]] || { echo "FAIL: run usage error exit $rc, expected 2"; fail=1; }
"$RANDSYNC" run --backup mydumper --backup-option=--no-lock >/dev/null 2>&1
rc=$?; [[ $rc -eq 2 ]] || { echo "FAIL: run invalid combination exit $rc, expected 2"; fail=1; }

# randsync run / load: a workload that cannot run is refused before any
# server starts (in well under a second, with no mariadbd left to reap)
printf 'value:\n  1 | 2 ;\nwhere_cond:\n  pk > value ;\n' > "$tmp/redefine-only.yy"
start_ms=$(date +%s%3N)
check_one_line_error "run with a redefine-only grammar" "looks like a file for --redefine" \
  run --grammar "$tmp/redefine-only.yy" --results "$tmp/results"
elapsed=$(( $(date +%s%3N) - start_ms ))
(( elapsed < 1000 )) || { echo "FAIL: the redefine-only grammar took $elapsed ms to refuse"; fail=1; }
[[ -e $tmp/results ]] && { echo "FAIL: a refused run made a results folder"; fail=1; }
check_one_line_error "load with a redefine-only grammar" "looks like a file for --redefine" \
  load --grammar "$tmp/redefine-only.yy"
printf 'thread1:\n  SELECT 1 ;\nthread2:\n  SELECT 2 ;\n' > "$tmp/two-threads.yy"
check_one_line_error "run with more threads than threadN rules" "load thread 3 has no start rule" \
  run --grammar "$tmp/two-threads.yy" --threads 3 --results "$tmp/results"
"$RANDSYNC" load --grammar "$tmp/two-threads.yy" --threads 2 --duration 0.2 >/dev/null 2>&1 ||
  { echo "FAIL: load with one threadN rule per thread was refused"; fail=1; }
check_one_line_error "run with a broken data spec" "bad.zz" run --grammar "$tmp/ok.yy" --gendata "$tmp/bad.zz" --results "$tmp/results"
printf '$tables = { rows => [] };\n' > "$tmp/empty.zz"
check_one_line_error "run with a data spec of no table" "empty.zz: the data spec creates no table" run --grammar "$tmp/ok.yy" --gendata "$tmp/empty.zz" --results "$tmp/results"
# As RQG, a table whose CREATE the server refuses (PAGE_COMPRESSED on
# MyISAM) is left out with a warning naming it and the error; the rest loads.
printf '$tables = { rows => [3], engines => ["InnoDB", "MyISAM"], options => ["PAGE_COMPRESSED=1"] };\n' > "$tmp/refused.zz"
err=$("$RANDSYNC" load --grammar "$tmp/ok.yy" --gendata "$tmp/refused.zz" --duration 0.2 2>&1 >/dev/null) &&
  [[ $err == *"gendata: warning: left out \`test\`.\`table3_myisam"*"ERROR 1911"* ]] ||
  { echo "FAIL: load with a table the server refuses: $err"; fail=1; }
printf '$tables = [ 1 ];\n' > "$tmp/shape.zz"
check_one_line_error "load with a data spec of the wrong shape" "shape.zz: data spec: \$tables must be a hash" load --grammar "$tmp/ok.yy" --gendata "$tmp/shape.zz"

# randsync campaign / replay: bad input is one line naming the cause
check_one_line_error "campaign without a spec" "SPEC" campaign
printf '{"dimensions": {"backup": ["x"]}}' > "$tmp/bad-spec.json"
check_one_line_error "campaign with a bad dimension" "bad-spec.json: dimension 'backup'" campaign "$tmp/bad-spec.json"
printf '{ "trials": 3, }' > "$tmp/bad-json.json"
check_one_line_error "campaign spec that is not JSON" "bad-json.json: not valid JSON" campaign "$tmp/bad-json.json"
printf '{"trials": 3}' > "$tmp/ok-spec.json"
check_one_line_error "campaign with a bad shard" "--shard 3/2" campaign "$tmp/ok-spec.json" --shard 3/2 --list
check_one_line_error "campaign merge of a non-campaign" "not a campaign.json" campaign merge "$tmp/ok-spec.json"
check_one_line_error "replay of a non-results folder" "no recorded command line" replay "$tmp"
check_one_line_error "unknown --bisect-bad status" "divergnce" run --bisect-exit --bisect-bad divergnce
printf 'X-1  colour=red  -- no such field\n' > "$tmp/bad-bugs.txt"
check_one_line_error "run with a bad known-bugs file" "bad-bugs.txt:1: unknown field 'colour'" run \
    --known-bugs "$tmp/bad-bugs.txt"
check_one_line_error "explain of a non-results folder" "no report (not a \`randsync run\` results folder)" \
    explain "$tmp"
n=$("$RANDSYNC" campaign "$tmp/ok-spec.json" --list | wc -l)
[[ $n -eq 3 ]] || { echo "FAIL: campaign --list printed $n trials, expected 3"; fail=1; }
exit $fail
