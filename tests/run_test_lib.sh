# Shared by the `randsync run` end-to-end scripts (sourced, not run):
# a private temp dir whose servers die with it, and the checks every
# scenario makes on a results folder.
set -u
fail=0
tmp=$(mktemp -d)
cleanup() {
  pkill -9 -f -- "$tmp" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export TMPDIR=$tmp

# The "status" of results folder $1's report.json.
report_status() { sed -n 's/^  "status": "\(.*\)",*$/\1/p' "$1/report.json" | head -1; }

no_servers_left() {
  if pgrep -f -- "$tmp" >/dev/null; then echo "FAIL: $1: a mariadbd survived"; fail=1; fi
}

# run_expect NAME EXPECTED_EXIT... -- randsync run ARGS: runs into $tmp/NAME,
# passes when the exit status is one of the expected ones and report.json
# says the same; prints the summary either way.
run_expect() {
  local name=$1; shift
  local expected=()
  while [[ $1 != -- ]]; do expected+=("$1"); shift; done
  shift
  local start=$SECONDS
  "$RANDSYNC" run "$@" --results "$tmp/$name" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local rc=$? ok=0
  for e in "${expected[@]}"; do [[ $rc -eq $e ]] && ok=1; done
  last_run=$tmp/$name/latest
  last_rc=$rc
  if [[ $ok -ne 1 || ! -s $last_run/report.json ]]; then
    echo "FAIL: $name: exit $rc (expected ${expected[*]})"; cat "$tmp/$name.out"; tail -15 "$tmp/$name.err"; fail=1
    return 1
  fi
  echo "ok: $name: exit $rc in $((SECONDS - start)) s ($(report_status "$last_run"))"
  no_servers_left "$name"
  return 0
}
