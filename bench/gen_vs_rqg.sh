#!/usr/bin/env bash
# Generation speed of `randsync gen` against RQG's own gensql.pl, on the same
# grammars and the same schema (RQG's Dummy executor metadata, which
# bench/rqg_dummy_schema.json reproduces), measured in one run, one core each.
# Also peak memory of randsync gen for 100k and 1M queries (must stay flat).
#
# Needs: build/randsync, the RQG corpus (../shared/corpus/rqg by default or
# CORPUS=...), and an RQG checkout in RQG_HOME (a directory holding
# gensql.pl and lib/). Without RQG_HOME only randsync is measured.
#
# Usage: bench/gen_vs_rqg.sh [queries-for-rqg] [queries-for-randsync]
set -euo pipefail
cd "$(dirname "$0")/.."
RANDSYNC=${RANDSYNC:-build/randsync}
CORPUS=${CORPUS:-../shared/corpus/rqg}
RQG_N=${1:-2000}
RS_N=${2:-200000}
SCHEMA=bench/rqg_dummy_schema.json
GRAMMARS=(
  conf/transactions/transactions.yy
  conf/replication/rpl_transactions.yy
  conf/replication/replication_simple.yy
  conf/optimizer/optimizer_subquery.yy
)

[[ -x $RANDSYNC ]] || { echo "gen_vs_rqg: $RANDSYNC not built (bash scripts/build.sh)" >&2; exit 1; }
if [[ -z ${RQG_HOME:-} || ! -f ${RQG_HOME:-/nonexistent}/gensql.pl ]]; then
  echo "gen_vs_rqg: RQG_HOME is not set to an RQG checkout (a folder with gensql.pl and lib/);"
  echo "  check out the MariaDB/randgen repository and export RQG_HOME=<its folder>."
  echo "  Measuring randsync alone."
  RQG_HOME=""
fi

# Seconds (wall) of a command, its stdout discarded but its lines counted.
# Prints "<seconds> <lines> <peak-kb>".
measure() {
  local out; out=$(mktemp)
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out.mem" taskset -c 0 "$@" 2>"$out.err" | wc -l >"$out"
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc -l) $(cat "$out") $(cat "$out.mem")"
  if grep -qiE 'error|died' "$out.err"; then head -3 "$out.err" >&2; fi
  rm -f "$out" "$out.err" "$out.mem"
}

printf '%-42s %12s %12s %12s %8s\n' grammar "rqg q/s" "randsync q/s" "stmts/s" ratio
for g in "${GRAMMARS[@]}"; do
  # randsync: queries per second (one query = one RQG next() call)
  read -r rs_t _ rs_mem < <(measure "$RANDSYNC" gen --grammar "$CORPUS/$g" --schema "$SCHEMA" --queries "$RS_N" --seed 1)
  rs_lines=$("$RANDSYNC" gen --grammar "$CORPUS/$g" --schema "$SCHEMA" --queries "$RS_N" --seed 1 | wc -l)
  rs_qps=$(echo "$RS_N / $rs_t" | bc -l)
  rs_sps=$(echo "$rs_lines / $rs_t" | bc -l)
  if [[ -n $RQG_HOME ]]; then
    read -r rq_t _ _ < <(cd "$RQG_HOME" && measure perl gensql.pl --grammar="$OLDPWD/$CORPUS/$g" --queries="$RQG_N" --seed=1 --dsn=dummy)
    rq_qps=$(echo "$RQG_N / $rq_t" | bc -l)
    ratio=$(echo "$rs_qps / $rq_qps" | bc -l)
    printf '%-42s %12.0f %12.0f %12.0f %7.0fx\n' "$g" "$rq_qps" "$rs_qps" "$rs_sps" "$ratio"
  else
    printf '%-42s %12s %12.0f %12.0f %8s\n' "$g" - "$rs_qps" "$rs_sps" -
  fi
done

echo
echo "peak memory of randsync gen (KB), conf/transactions/transactions.yy:"
for n in 100000 1000000; do
  read -r t _ mem < <(measure "$RANDSYNC" gen --grammar "$CORPUS/conf/transactions/transactions.yy" --schema "$SCHEMA" --queries "$n" --seed 1)
  printf '  %8d queries: %7d KB peak RSS, %.2f s\n' "$n" "$mem" "$t"
done
