#!/usr/bin/env bash
# run-fuzzer.sh FUZZER SECONDS WORKDIR REGRESSIONS [-dict=F] -- SEEDS...
# Runs a libFuzzer binary for SECONDS over a scratch corpus seeded from SEEDS and the
# regression inputs; prints its exec rate. A crash leaves the input in WORKDIR/crashes/:
# add it to REGRESSIONS (the normal build replays that folder) once the bug is fixed.
set -euo pipefail
fuzzer=$1 seconds=$2 work=$3 regressions=$4; shift 4
opts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
[ $# -gt 0 ] && shift
mkdir -p "$work/corpus" "$work/crashes"
for s in "$@" "$regressions"; do
  if [ -d "$s" ]; then cp -r "$s"/. "$work/corpus/" 2>/dev/null || true
  elif [ -f "$s" ]; then cp "$s" "$work/corpus/"; fi
done
"$fuzzer" "${opts[@]}" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$work/crashes/" -rss_limit_mb=4096 "$work/corpus" 2>"$work/log" || {
  tail -n 60 "$work/log"; echo "fuzzer found a crash: see $work/crashes/"; exit 1; }
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/log" || tail -n 5 "$work/log"
