#!/usr/bin/env bash
# `randsync campaign`, `replay` and --bisect-exit end to end on throwaway
# servers. A campaign of every combination of 2 grammars x 2 backup methods
# x a planted failing dimension (a backup binary that fails, as in
# run_cli_test.sh), 2 trials at once:
#   - the summary counts are right: the trials with the failing binary are
#     STATUS_BACKUP_FAILURE, the others STATUS_OK, exit status 108;
#   - only failing trials keep their artifacts; campaign.json and junit.xml
#     list every trial;
#   - shards 1/2 and 2/2 together are the unsharded trial list, and merging
#     their folders reproduces the unsharded summary;
#   - replay of a failing trial fails the same way; replay from query logs
#     sends the recorded statements;
#   - --bisect-exit gives 0 / 1 / 125 for ok / bad / environment.
source "$(dirname "$0")/run_test_lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)

printf '#!/bin/sh\necho "simulated: backup tool failure" >&2\nexit 1\n' > "$tmp/bad-tool"
chmod +x "$tmp/bad-tool"
printf 'query: UPDATE _table SET col_int_nokey = _digit WHERE pk = _digit ;\n' > "$tmp/small.yy"
cat > "$tmp/spec.json" <<JSON
{
  // comments are allowed
  "name": "e2e", "seed": 5, "draw": "all", "parallel": 2, "trial_timeout_s": 180,
  "args": ["--threads", "2", "--duration", "6", "--sync-points", "1"],
  "dimensions": {
    "--grammar": ["$root/grammars/default.yy", "$tmp/small.yy"],
    "--backup": ["mariabackup", "mariadb-dump"],
    "--mariabackup": [null, "$tmp/bad-tool"]
  }
}
JSON

# The trial list, and the shards of it.
"$RANDSYNC" campaign "$tmp/spec.json" --list > "$tmp/list.all" || { echo "FAIL: --list"; fail=1; }
"$RANDSYNC" campaign "$tmp/spec.json" --list --shard 1/2 > "$tmp/list.1"
"$RANDSYNC" campaign "$tmp/spec.json" --list --shard 2/2 > "$tmp/list.2"
[[ $(wc -l < "$tmp/list.all") -eq 8 ]] || { echo "FAIL: expected 8 trials"; cat "$tmp/list.all"; fail=1; }
if [[ $(sort -n "$tmp/list.1" "$tmp/list.2") == $(sort -n "$tmp/list.all") && -s $tmp/list.1 && -s $tmp/list.2 ]]; then
  echo "ok: shards 1/2 and 2/2 together are the trial list"
else
  echo "FAIL: shards do not partition the trial list"; fail=1
fi
bad_trials=$(grep -c bad-tool "$tmp/list.all")

# The whole campaign.
start=$SECONDS
"$RANDSYNC" campaign "$tmp/spec.json" --output "$tmp/whole" >"$tmp/whole.out" 2>"$tmp/whole.err"
rc=$?
echo "campaign: exit $rc in $((SECONDS - start)) s"
cat "$tmp/whole.out"
[[ $rc -eq 108 ]] || { echo "FAIL: campaign exit $rc, expected 108 (the worst)"; tail -30 "$tmp/whole.err"; fail=1; }
grep -q "STATUS_OK *$((8 - bad_trials))\$" "$tmp/whole/summary.txt" || { echo "FAIL: STATUS_OK count"; fail=1; }
grep -q "STATUS_BACKUP_FAILURE *$bad_trials\$" "$tmp/whole/summary.txt" || { echo "FAIL: backup failure count"; fail=1; }
[[ $(grep -c '^randsync: campaign: \[[0-9]/8\] trial' "$tmp/whole.err") -eq 8 ]] ||
  { echo "FAIL: not one line per finished trial"; cat "$tmp/whole.err"; fail=1; }
kept=$(ls "$tmp/whole/trials" | wc -l)
[[ $kept -eq $bad_trials ]] || { echo "FAIL: $kept trial folders kept, expected the $bad_trials failing ones"; fail=1; }
grep -q 'tests="8" failures="'"$bad_trials"'"' "$tmp/whole/junit.xml" || { echo "FAIL: junit.xml"; fail=1; }
no_servers_left "campaign"

# Shards, merged.
"$RANDSYNC" campaign "$tmp/spec.json" --shard 1/2 --output "$tmp/s1" >/dev/null 2>"$tmp/s1.err"
"$RANDSYNC" campaign "$tmp/spec.json" --shard 2/2 --output "$tmp/s2" >/dev/null 2>"$tmp/s2.err"
"$RANDSYNC" campaign merge "$tmp/s1" "$tmp/s2" --output "$tmp/merged" >/dev/null
rc=$?
if [[ $rc -eq 108 ]] && diff "$tmp/whole/summary.txt" "$tmp/merged/summary.txt"; then
  echo "ok: merged shards reproduce the unsharded summary"
else
  echo "FAIL: merge exit $rc or summary differs"; cat "$tmp/merged/summary.txt"; fail=1
fi

# Replay of a failing trial.
failing=$(ls -d "$tmp"/whole/trials/trial-*/results/2* 2>/dev/null | head -1)
if [[ -z $failing ]]; then
  echo "FAIL: no failing trial folder to replay"; fail=1
else
  "$RANDSYNC" replay "$failing" --results "$tmp/replay" >"$tmp/replay.out" 2>"$tmp/replay.err"
  rc=$?
  [[ $rc -eq 108 ]] && echo "ok: replay of a failing trial fails the same way (108)" ||
    { echo "FAIL: replay exit $rc"; tail "$tmp/replay.err"; fail=1; }
  "$RANDSYNC" replay "$failing" --results "$tmp/replay" --bisect-exit >/dev/null 2>&1
  rc=$?; [[ $rc -eq 1 ]] || { echo "FAIL: bisect of a bad run gave $rc, expected 1"; fail=1; }
  "$RANDSYNC" replay "$failing" --results "$tmp/replay" --bisect-exit --bisect-bad divergence >/dev/null 2>&1
  rc=$?; [[ $rc -eq 125 ]] || { echo "FAIL: bisect of a status not under investigation gave $rc, expected 125"; fail=1; }
fi

# --bisect-exit: good and environment; replay from query logs.
if run_expect good 0 -- --threads 2 --duration 5 --sync-points 0 --bisect-exit --grammar "$tmp/small.yy"; then
  "$RANDSYNC" replay "$last_run" --from-query-logs --results "$tmp/fromlogs" >"$tmp/fromlogs.out" 2>"$tmp/fromlogs.err"
  rc=$?
  replayed=$tmp/fromlogs/latest
  if [[ $rc -ne 0 ]]; then
    echo "FAIL: replay from query logs: exit $rc"; tail "$tmp/fromlogs.err"; fail=1
  elif ! diff <(grep -v '^-- ' "$last_run/queries/thread-1.sql") <(grep -v '^-- ' "$replayed/queries/thread-1.sql") >/dev/null; then
    echo "FAIL: the replay did not send the recorded statements"; fail=1
  else
    echo "ok: replay from query logs sent the $(grep -vc '^-- ' "$replayed/queries/thread-1.sql") recorded statements of thread 1"
  fi
fi
"$RANDSYNC" run --mariadbd /nonexistent/mariadbd --bisect-exit --results "$tmp/env" >/dev/null 2>&1
rc=$?; [[ $rc -eq 125 ]] || { echo "FAIL: bisect of an environment failure gave $rc, expected 125"; fail=1; }
no_servers_left "bisect"

exit $fail
