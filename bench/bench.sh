#!/usr/bin/env bash
# bench.sh — goboot against qemu-x86_64 and the native run, side by side, in one table.
#   bench/bench.sh [-n N] [-q] [-a] [ROW...]
#     -n N   runs per runner and row (default 5; 3 with -q)
#     -q     quick: only the rows hello-main hello compute nilloop (unless ROWs are named)
#     -a     also the slow std/ rows (bench/stdtests.txt, SET slow)
#     ROW    shell patterns of the rows to run, e.g. compute 'std/*' 'goprogs/*'
# Rows (bench/README.md): hello-main (goboot --until main.main against the others' whole
# hello), hello, compute, nilloop (bench/progs), goprogs/NAME for every program of
# tests/goprogs and their total, std/PKG for the standard-library test binaries of
# bench/stdtests.txt (-test.short) and their total.
# Runners: native, qemu-x86_64 (its default CPU model, "max"), qemu-x86_64 -cpu Haswell
# (goboot's model; qemu 7.2's Haswell still has AVX, Unicorn's has not), `goboot run`.
# Each row runs every runner N times, alternating (the order rotates each round), from an
# empty working directory with an empty environment and stdin /dev/null (bench/lib/
# runone.c measures). Cells: user+sys CPU median [min-max] in ms; peak RSS median in MiB;
# ratios of the medians. A total's CPU is per round the sum over its rows; its RSS is
# the largest row's. Every run's exit code must equal the native run's and its stdout
# the native run's, except as bench/goprogs.tsv says and for hello-main under goboot
# (stops before main prints: empty).
#   BUILD_DIR     build folder with cli/goboot (default: <top>/build); goprogs/ and
#                 bench/ are built there, the std test binaries in $GOBOOT_CACHE/bench
#   GOBOOT_ARGS   extra options for `goboot run` (e.g. "--trace /dev/null")
# Exit: 0 if every runner ran every row and matched; 1 otherwise (failing rows say why);
# 64 on a bad command line. The targets printed at the end never change the exit code.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/bench
usage() { sed -n '2,7s/^# \{0,1\}//p' "$0" >&2; exit 64; }
n='' quick=0 slow=0
while getopts n:qah opt; do
  case $opt in
  n) n=$OPTARG ;;
  q) quick=1 ;;
  a) slow=1 ;;
  *) usage ;;
  esac
done
shift $((OPTIND - 1))
pats=("$@")
[ -n "$n" ] || { n=5; [ $quick = 0 ] || n=3; }
[[ $n =~ ^[1-9][0-9]*$ ]] || usage
[ ${#pats[@]} -gt 0 ] || [ $quick = 0 ] || pats=(hello-main hello compute nilloop)

mkdir -p "${BUILD_DIR:=$top/build}"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
goprogs=$BUILD_DIR/goprogs
goboot=$BUILD_DIR/cli/goboot
runone=$BUILD_DIR/bench/runone
std=${GOBOOT_CACHE:-$HOME/.cache/goboot}/bench/std-go1.19
read -r -a goboot_args <<<"${GOBOOT_ARGS:-}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0 started=$SECONDS load0=$(cut -d' ' -f1-3 /proc/loadavg)

"$top/scripts/build-goprogs.sh" "$goprogs" >&2
"$here/build.sh" "$BUILD_DIR" >&2

runners=(native qemu qemu-haswell goboot)
declare -A missing=()   # runner -> why it cannot run
qemu=$(command -v qemu-x86_64 || true)
if [ -z "$qemu" ]; then
  missing[qemu]="qemu-x86_64 not installed (Debian package qemu-user)"
  missing[qemu-haswell]=${missing[qemu]}
fi
if [ ! -x "$goboot" ]; then
  missing[goboot]="$goboot not built"
elif ! "$goboot" run --help >/dev/null 2>&1; then
  missing[goboot]="'goboot run' is not available"
fi

# --- the rows --------------------------------------------------------------------------
# Parallel arrays, one entry per row: name, group of its total (goprogs, std or empty),
# binary, guest arguments, extra `goboot run` options, stdout check under qemu and goboot
# (native | self | empty: see check_run).
R_name=() R_group=() R_bin=() R_args=() R_gbopts=() R_qchk=() R_gchk=()
wanted() {  # wanted NAME DEFAULT(0|1): the row is selected
  local p
  [ ${#pats[@]} -gt 0 ] || return $((1 - $2))
  # shellcheck disable=SC2053  # $p is a pattern
  for p in "${pats[@]}"; do [[ $1 == $p ]] && return 0; done
  return 1
}
add_row() {  # add_row NAME GROUP BIN ARGS GBOPTS QCHK GCHK [DEFAULT]
  wanted "$1" "${8:-1}" || return 0
  R_name+=("$1") R_group+=("$2") R_bin+=("$3") R_args+=("$4") R_gbopts+=("$5")
  R_qchk+=("$6") R_gchk+=("$7")
}
add_row hello-main '' "$goprogs/hello" '' '--until main.main' native empty
add_row hello '' "$goprogs/hello" '' '' native native
add_row compute '' "$goprogs/compute" '' '' native native
add_row nilloop '' "$BUILD_DIR/bench/progs/nilloop" '' '' native native
for dir in "$top"/tests/goprogs/*/; do
  p=$(basename "$dir")
  [ -f "$dir/main.go" ] || continue
  read -r qchk gchk < <(awk -v p="$p" '$1 == p { print $2, $3 }' "$here/goprogs.tsv") || true
  add_row "goprogs/$p" goprogs "$goprogs/$p" '' '' "${qchk:-native}" "${gchk:-native}"
  qchk='' gchk=''
done
while read -r pkg set _; do
  def=1; [ "$set" = default ] || def=$slow
  add_row "std/$pkg" std "$std/${pkg//\//_}.test" -test.short '' native native $def
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$here/stdtests.txt")
[ ${#R_name[@]} -gt 0 ] || { echo "bench: no row matches ${pats[*]}" >&2; exit 64; }

# --- measuring -------------------------------------------------------------------------
# cmd_of RUNNER ROW: the command line, into the array cmd
cmd_of() {
  local r=$2 args=() gbopts=()
  read -r -a args <<<"${R_args[r]}"
  read -r -a gbopts <<<"${R_gbopts[r]}"
  case $1 in
  native) cmd=("${R_bin[r]}" "${args[@]}") ;;
  qemu) cmd=("$qemu" "${R_bin[r]}" "${args[@]}") ;;
  qemu-haswell) cmd=("$qemu" -cpu Haswell "${R_bin[r]}" "${args[@]}") ;;
  goboot)
    cmd=("$goboot" run --quiet "${gbopts[@]}" "${goboot_args[@]}" "${R_bin[r]}")
    [ ${#args[@]} = 0 ] || cmd+=(-- "${args[@]}") ;;
  esac
}

# once RUNNER ROW OUT: one run from a fresh empty folder; appends "wall cpu rss rc"
# to $tmp/runs.ROW.RUNNER, stdout in OUT
once() {
  local cmd=()
  cmd_of "$1" "$2"
  rm -rf "$tmp/cwd"; mkdir "$tmp/cwd"
  "$runone" "$3" "$tmp/err" "$tmp/cwd" "${cmd[@]}" >>"$tmp/runs.$2.$1"
}

declare -A fails=()   # ROW -> "; "-separated reasons
fail() {  # fail ROW REASON: once per reason
  case "; ${fails[$1]:-}; " in *"; $2; "*) return 0 ;; esac
  fails[$1]="${fails[$1]:+${fails[$1]}; }$2"
}

stderr_tail() {  # the end of the last run's stderr, if any, for a failure message
  [ ! -s "$tmp/err" ] || echo " (stderr ends: $(tail -c 160 "$tmp/err" | tr '\n' ' '))"
}

# check_run RUNNER ROW MODE: the last run against the native reference
check_run() {
  local k=$1 r=$2 mode=$3 rc
  rc=$(tail -n1 "$tmp/runs.$r.$k" | cut -d' ' -f4)
  if [ "$rc" != "$(cat "$tmp/ref.rc")" ]; then
    fail "$r" "$k exits $rc, native $(cat "$tmp/ref.rc")$(stderr_tail)"
  fi
  case $mode in
  native) cmp -s "$tmp/out" "$tmp/ref.out" || fail "$r" "$k stdout differs from native" ;;
  self)
    [ -f "$tmp/first.$k" ] || cp "$tmp/out" "$tmp/first.$k"
    cmp -s "$tmp/out" "$tmp/first.$k" || fail "$r" "$k stdout differs between runs" ;;
  empty) [ ! -s "$tmp/out" ] || fail "$r" "$k printed (expected nothing)" ;;
  esac
}

measure_row() {
  local r=$1 i j k mode
  rm -f "$tmp"/first.*
  [ -x "${R_bin[r]}" ] || { fail "$r" "no ${R_bin[r]}"; return 0; }
  # the native reference run, not counted (it also brings the binary into the page cache)
  once native "$r" "$tmp/ref.out"
  tail -n1 "$tmp/runs.$r.native" | cut -d' ' -f4 >"$tmp/ref.rc"
  : >"$tmp/runs.$r.native"
  # a test binary must pass natively: matching a native failure would prove nothing
  if [ "${R_group[r]}" = std ] && [ "$(cat "$tmp/ref.rc")" != 0 ]; then
    fail "$r" "the test fails natively: exit $(cat "$tmp/ref.rc")$(stderr_tail)"
  fi
  for ((i = 0; i < n; i++)); do
    for ((j = 0; j < ${#runners[@]}; j++)); do
      k=${runners[(i + j) % ${#runners[@]}]}
      [ -z "${missing[$k]:-}" ] || continue
      once "$k" "$r" "$tmp/out"
      case $k in native) mode=native ;; goboot) mode=${R_gchk[r]} ;; *) mode=${R_qchk[r]} ;; esac
      check_run "$k" "$r" "$mode"
    done
  done
}

# --- statistics and printing -----------------------------------------------------------
# stat_of ID RUNNER -> "median min max rss_median" (CPU in s, RSS in KiB) or "" if no runs
stat_of() {
  local f=$tmp/runs.$1.$2
  [ -s "$f" ] || return 0
  med() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  echo "$(cut -d' ' -f2 "$f" | med) $(cut -d' ' -f2 "$f" | sort -g | head -n1)" \
       "$(cut -d' ' -f2 "$f" | sort -g | tail -n1) $(cut -d' ' -f3 "$f" | med)"
}

# total GROUP: runs.T-GROUP.RUNNER, per round the CPU sum of the group's rows (rows in
# order, so round i of each) and their largest median RSS; a missing row leaves it empty
total() {
  local g=$1 k r files rss s
  for k in "${runners[@]}"; do
    files=() rss=0
    for r in "${!R_name[@]}"; do
      [ "${R_group[r]}" = "$g" ] || continue
      [ -s "$tmp/runs.$r.$k" ] || { files=(); break; }
      files+=("$tmp/runs.$r.$k")
      s=$(stat_of "$r" "$k"); s=${s##* }
      rss=$(awk -v a="$rss" -v b="$s" 'BEGIN { print (b > a) ? b : a }')
    done
    [ ${#files[@]} -gt 0 ] || continue
    paste -d' ' "${files[@]}" | awk -v rss="$rss" '{ c = 0; for (f = 2; f <= NF; f += 4) c += $f
                                                     print 0, c, rss, 0 }' >"$tmp/runs.T-$g.$k"
  done
}

W='%-22s %-20s %-20s %-20s %-20s %6s %6s %7s %18s %6s  %s\n'
header() {
  echo "bench: N=$n runs per runner and row, alternating; host $(nproc) cpus, $(uname -r), load $load0"
  echo "  CPU = user+sys in ms, median [min-max]; RSS = peak, median, MiB; ratios of medians;"
  echo "  g = goboot, q = qemu-x86_64 (default CPU), qH = qemu-x86_64 -cpu Haswell, n = native"
  # shellcheck disable=SC2059  # one format for the header and the rows
  printf "$W" ROW "native CPU" "qemu CPU" "qemu-Haswell CPU" "goboot CPU" g/q g/qH g/n "RSS n/q/g" g/q status
}

# print_row ID NAME STATUS
print_row() {
  local k line=()
  for k in "${runners[@]}"; do line+=("$(stat_of "$1" "$k")"); [ -n "${line[-1]}" ] || line[-1]=-; done
  printf '%s\n' "${line[@]}" | awk -v name="$2" -v st="$3" -v W="$W" '
    function ms(s) { s *= 1000; return s < 10 ? sprintf("%.2f", s) : s < 100 ? sprintf("%.1f", s) : sprintf("%.0f", s) }
    function cell(i) { return med[i] == "" ? "-" : ms(med[i]) " [" ms(lo[i]) "-" ms(hi[i]) "]" }
    function ratio(a, b) { if (med[a] == "" || med[b] == "" || med[b] <= 0) return "-"
                           x = med[a] / med[b]; return x < 10 ? sprintf("%.2f", x) : sprintf("%.0f", x) }
    function mib(i) { return rss[i] == "" ? "-" : sprintf("%.1f", rss[i] / 1024) }
    { if ($1 != "-") { med[NR] = $1; lo[NR] = $2; hi[NR] = $3; rss[NR] = $4 } }
    END {
      rr = (rss[4] == "" || rss[2] == "") ? "-" : sprintf("%.2f", rss[4] / rss[2])
      printf W, name, cell(1), cell(2), cell(3), cell(4), ratio(4, 2), ratio(4, 3), ratio(4, 1),
             mib(1) "/" mib(2) "/" mib(4), rr, st }'
}

row_status() {  # row_status ID...: ok, or FAIL when one of the rows failed or lacks a runner
  local r k
  for r; do
    [ -z "${fails[$r]:-}" ] || { echo FAIL; return; }
    for k in "${runners[@]}"; do [ -z "${missing[$k]:-}" ] || { echo FAIL; return; }; done
  done
  echo ok
}

header
for r in "${!R_name[@]}"; do
  measure_row "$r"
  print_row "$r" "${R_name[r]}" "$(row_status "$r")"
  g=${R_group[r]}
  # the group's last row: its total
  if [ -n "$g" ] && { [ $((r + 1)) = ${#R_name[@]} ] || [ "${R_group[r + 1]}" != "$g" ]; }; then
    total "$g"
    members=()
    for m in "${!R_name[@]}"; do if [ "${R_group[m]}" = "$g" ]; then members+=("$m"); fi; done
    print_row "T-$g" "$g total (${#members[@]})" "$(row_status "${members[@]}")"
  fi
done

echo
for k in "${runners[@]}"; do
  [ -z "${missing[$k]:-}" ] || { echo "bench: $k not run: ${missing[$k]}"; status=1; }
done
for r in "${!R_name[@]}"; do
  [ -z "${fails[$r]:-}" ] || { echo "bench: FAIL ${R_name[r]}: ${fails[$r]}"; status=1; }
done

# targets (the speed issue): goboot / qemu-x86_64 with its default CPU, medians
target() {  # target ID LABEL FIELD(1 CPU, 4 RSS) LIMIT
  local a b note=''
  [ -n "$1" ] || return 0
  a=$(stat_of "$1" goboot); b=$(stat_of "$1" qemu)
  [ -n "$a" ] && [ -n "$b" ] || return 0
  [ "$(row_status "$1")" = ok ] || note='no verdict: the row FAILs'
  [ "${1#T-}" = "$1" ] || [ "$(row_status "${members_std[@]}")" = ok ] || note='no verdict: a row FAILs'
  awk -v a="$a" -v b="$b" -v f="$3" -v lim="$4" -v label="$2" -v note="$note" 'BEGIN {
    split(a, x, " "); split(b, y, " "); q = x[f] / y[f]
    printf "  %-44s %6.2f  target <= %-4s %s\n", label, q, lim, note != "" ? note : q <= lim ? "met" : "not met" }'
}
idx() { local r; for r in "${!R_name[@]}"; do [ "${R_name[r]}" = "$1" ] && echo "$r"; done; }
members_std=()
for r in "${!R_name[@]}"; do if [ "${R_group[r]}" = std ]; then members_std+=("$r"); fi; done
{
  target "$(idx hello-main)" "hello to main.main / qemu's whole hello, CPU" 1 0.80
  target "$(idx compute)" "compute, CPU" 1 1.5
  target "$(idx nilloop)" "nilloop, CPU" 1 2
  if [ -f "$tmp/runs.T-std.goboot" ]; then
    target T-std "std total, CPU" 1 2
    target T-std "std total, largest peak RSS" 4 2
  fi
} >"$tmp/targets"
if [ -s "$tmp/targets" ]; then
  echo "targets (goboot / qemu-x86_64, medians; informative, not checked):"
  cat "$tmp/targets"
fi
echo "bench: $((SECONDS - started)) s, load $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
exit $status
