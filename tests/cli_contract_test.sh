#!/usr/bin/env bash
# The command-line contract: --help per subcommand works, and a bad option or
# a missing file gives exactly one line on stderr and a non-zero exit.
set -u
fail=0
check_one_line_error() {
  local what=$1; shift
  local err rc
  err=$("$RANDSYNC" "$@" 2>&1 >/dev/null); rc=$?
  local lines; lines=$(printf '%s' "$err" | grep -c '')
  if [[ $rc -eq 0 || $lines -ne 1 ]]; then
    echo "FAIL: $what: rc=$rc, $lines stderr lines: $err"; fail=1
  else
    echo "ok: $what -> $err"
  fi
}
"$RANDSYNC" --help | grep -q "gen" || { echo "FAIL: --help lists no gen"; fail=1; }
"$RANDSYNC" gen --help | grep -q -- "--grammar" || { echo "FAIL: gen --help"; fail=1; }
check_one_line_error "unknown option" gen --grammar /dev/null --no-such-option
check_one_line_error "missing grammar file" gen --grammar /nonexistent/x.yy
check_one_line_error "no subcommand"
check_one_line_error "bad number" gen --grammar /dev/null --queries abc
exit $fail
