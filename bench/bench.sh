#!/usr/bin/env bash
# bench.sh — goboot against qemu-x86_64 and the native run, side by side, in one run.
#   bench/bench.sh [-n N] [PROGRAM...]      (default: -n 5, programs hello compute)
# For each program (built by scripts/build-goprogs.sh into $BUILD_DIR/goprogs) and each
# runner — native, qemu-x86_64 (its default CPU model, "max"), qemu-x86_64 -cpu Haswell
# (goboot's model; qemu 7.2's Haswell still has AVX, Unicorn's has not), `goboot run`
# (whole run), `goboot run --until main.main` —
# it runs N times and prints min and median of wall time and user+sys CPU time, the median
# peak RSS, then the ratios goboot/qemu and goboot/native. Every run's stdout is compared
# with the native one (except --until main.main, which stops before main prints), and
# every exit code must be 0.
#   BUILD_DIR     build folder with cli/goboot and goprogs/ (default: <top>/build)
#   GOBOOT_ARGS   extra options for `goboot run` (e.g. "--trace /dev/null")
# Exit: 0 if every runner ran and matched; 1 if one failed or goboot has no `run` yet.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$top/build}
n=5
if [ "${1:-}" = -n ]; then n=$2; shift 2; fi
progs=("$@"); [ ${#progs[@]} -gt 0 ] || progs=(hello compute)
goprogs=$BUILD_DIR/goprogs
goboot=$BUILD_DIR/cli/goboot
read -r -a goboot_args <<<"${GOBOOT_ARGS:-}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0

"$top/scripts/build-goprogs.sh" "$goprogs" >/dev/null
have_time=0; [ -x /usr/bin/time ] && have_time=1   # GNU time: peak RSS (Debian package `time`)
qemu=$(command -v qemu-x86_64 || true)

# goboot is usable only once its `run` command exists.
goboot_ok=0 goboot_why=""
if [ ! -x "$goboot" ]; then
  goboot_why="$goboot not built"
elif "$goboot" run --help >/dev/null 2>&1; then
  goboot_ok=1
else
  goboot_why="'goboot run' is not available yet ($("$goboot" run --help 2>&1 | head -n1 || true))"
fi

# once OUTFILE CMD...: one run (stdin /dev/null, empty environment) -> "wall cpu rss rc".
# Wall from bash's microsecond clock; CPU (user+sys of all children, ms resolution) from
# the subshell's `times`; peak RSS in KiB from GNU time.
once() {
  local out=$1; shift
  local wrap=() t0 t1 rc=0
  [ $have_time = 1 ] && wrap=(/usr/bin/time -f %M -o "$tmp/rss")
  t0=$EPOCHREALTIME
  ( env -i "${wrap[@]}" "$@" >"$out" 2>"$tmp/err" </dev/null || echo $? >"$tmp/rc"; times >"$tmp/times" )
  t1=$EPOCHREALTIME
  [ -f "$tmp/rc" ] && { rc=$(cat "$tmp/rc"); rm -f "$tmp/rc"; }
  local rss=-
  [ $have_time = 1 ] && rss=$(tail -n1 "$tmp/rss")
  # The second line of `times` is the children's "XmY.YYYs XmY.YYYs" (user sys).
  awk -v t0="$t0" -v t1="$t1" -v rss="$rss" -v rc="$rc" 'NR==2 {
        split($1,u,"m"); split($2,s,"m"); sub("s","",u[2]); sub("s","",s[2])
        printf "%.4f %.4f %s %s\n", t1-t0, u[1]*60+u[2]+s[1]*60+s[2], rss, rc }' "$tmp/times"
}

# series NAME PROG CHECK CMD...: N runs -> one table row; stats kept in $tmp/stat.NAME.PROG
series() {
  local name=$1 prog=$2 check=$3; shift 3
  local i rcs="" bad=""
  : >"$tmp/runs"
  for ((i = 0; i < n; i++)); do
    once "$tmp/out" "$@" >>"$tmp/runs"
    if [ "$check" = 1 ] && ! cmp -s "$tmp/out" "$tmp/native.$prog"; then bad=" OUTPUT-DIFFERS"; fi
  done
  rcs=$(awk '{print $4}' "$tmp/runs" | sort -u | paste -sd, -)
  [ "$rcs" = 0 ] || bad="$bad NONZERO-EXIT"   # the benchmarked programs all exit 0
  # min and median of wall ($1) and cpu ($2), median of rss ($3); mawk has no asort: sort(1)
  local m=$(( (n + 1) / 2 )) stat
  col() { awk -v f="$1" '{print $f}' "$tmp/runs" | sort -g | sed -n "$2p"; }
  stat="$(col 1 1) $(col 1 $m) $(col 2 1) $(col 2 $m) $(col 3 $m)"
  [ "$have_time" = 0 ] || stat="${stat% *} $(( ($(col 3 $m) + 512) / 1024 ))"
  echo "$stat" >"$tmp/stat.$name.$prog"
  read -r wmin wmed cmin cmed rss <<<"$stat"
  printf '%-8s %-22s %9s %9s %9s %9s %8s  %s\n' "$prog" "$name" "$wmin" "$wmed" "$cmin" "$cmed" "$rss" "$rcs$bad"
  [ -z "$bad" ] || status=1
}

ratio() {  # ratio NUM DEN FIELD(1..4) -> "x.xx" or "-"
  local a="$tmp/stat.$1" b="$tmp/stat.$2"
  if [ ! -f "$a" ] || [ ! -f "$b" ]; then echo -; return; fi
  paste -d' ' "$a" "$b" | awk -v f="$3" '{ d = $(f+5); if (d > 0) printf "%.2f", $f/d; else printf "-" }'
}

echo "bench: N=$n, min/median in seconds, RSS median in MiB (host $(nproc) cpus, $(uname -r))"
printf '%-8s %-22s %9s %9s %9s %9s %8s  %s\n' PROGRAM RUNNER wall_min wall_med cpu_min cpu_med rss_MiB exit
for p in "${progs[@]}"; do
  bin=$goprogs/$p
  [ -x "$bin" ] || { echo "bench: no $bin" >&2; exit 1; }
  env -i "$bin" >"$tmp/native.$p" 2>/dev/null </dev/null || true
  series native "$p" 1 "$bin"
  if [ -n "$qemu" ]; then
    series qemu "$p" 1 "$qemu" "$bin"
    series qemu-haswell "$p" 1 "$qemu" -cpu Haswell "$bin"
  else echo "bench: qemu-x86_64 not installed (Debian package qemu-user)" >&2; status=1; fi
  if [ $goboot_ok = 1 ]; then
    series goboot "$p" 1 "$goboot" run "${goboot_args[@]}" "$bin"
    series goboot-to-main.main "$p" 0 "$goboot" run --until main.main "${goboot_args[@]}" "$bin"
  fi
done

echo
if [ $goboot_ok = 0 ]; then
  echo "bench: goboot rows skipped: $goboot_why"
  status=1
fi
printf '%-8s %-34s %10s %10s\n' PROGRAM RATIO wall_med cpu_med
for p in "${progs[@]}"; do
  for pair in "qemu native" "goboot qemu" "goboot qemu-haswell" "goboot native" \
              "goboot-to-main.main qemu" "goboot-to-main.main qemu-haswell"; do
    read -r a b <<<"$pair"
    [ -f "$tmp/stat.$a.$p" ] || continue
    printf '%-8s %-34s %10s %10s\n' "$p" "$a / $b" "$(ratio "$a.$p" "$b.$p" 2)" "$(ratio "$a.$p" "$b.$p" 4)"
  done
done
echo "targets (issue 3): goboot-to-main.main / qemu wall <= 0.5; compute goboot / qemu cpu <= 0.7; hello goboot RSS <= 64 MiB"
exit $status
