#!/bin/bash
# replay-test.sh NAME GOBOOT SRCDIR GOPROGS CORPUS CASE — goboot record / replay / diff.
#   case      record golden case CASE (its cases.tsv options and args), replay: identical
#   tampered  change the first read's result in a recording: replay names that event
#   refuse    other goboot version / other binary: refused (exit 2); --force runs it
#   mimic     a --mimic-host recording replays from its stored auxv words
#   diff      goboot diff aligns two Go versions by milestone; a file against itself is equal
#   stream    `run --trace` (events streamed) = cJSON_Print of `record`'s trace (events kept),
#             byte for byte: hello, goroutines, signals delivered, faults located
#             (CASE is the trace_print helper)
#   malformed a recording whose stdin bytes or mount entries are broken: a clear error, exit 64 (as any malformed recording)
set -u
name=$1 goboot=$2 src=$3 goprogs=$4 corpus=$5 id=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL [replay.$name]: $*" >&2; exit 1; }
need() { [ -f "$1" ] || fail "missing input $1 (build the goprogs target; fetch the corpus: scripts/fetch-corpus.sh)"; }
hello=$goprogs/hello

case $name in
stream)
  emuprogs=$(dirname "$goprogs")/tests/emu/progs
  for b in "$hello" "$goprogs/goroutines" "$goprogs/sigframe-cgo" "$goprogs/nilpanic" \
           "$emuprogs/faultsite" "$emuprogs/fault"; do
    need "$b"
    n=$(basename "$b")
    "$goboot" run --quiet --no-echo --trace "$tmp/$n.json" "$b" >/dev/null 2>&1
    "$goboot" record --quiet -o "$tmp/$n.gbrec" "$b" >/dev/null 2>&1 || fail "$n: record failed"
    "$id" "$tmp/$n.gbrec" >"$tmp/$n.print" || fail "$n: trace_print failed"
    grep -q '"ev":' "$tmp/$n.json" || fail "$n: no event in the streamed trace"
    cmp "$tmp/$n.print" "$tmp/$n.json" || fail "$n: the streamed trace differs from the recorded one"
  done
  ;;
malformed)
  need "$hello"
  "$goboot" record "$hello" -o "$tmp/r.gbrec" >/dev/null 2>&1 || fail "record failed"
  for edit in 'stdin_hex=zz' 'stdin_hex=abc' 'mount_type=9' 'mount_type=-1' 'mount_path=rel' \
              'mount_mode=99999' 'mount_hex=xy' 'mount_nohex'; do
    python3 - "$tmp/r.gbrec" "$tmp/bad.gbrec" "$edit" <<'PY' || fail "could not edit the recording"
import json, sys
r = json.load(open(sys.argv[1])); k, _, v = sys.argv[3].partition("=")
m = {"path": "/w/f", "type": 1, "mode": 0o644, "hex": "6869"}
if k == "stdin_hex": r["inputs"]["stdin_hex"] = v
else:
    if k == "mount_type": m["type"] = int(v)
    if k == "mount_path": m["path"] = v
    if k == "mount_mode": m["mode"] = int(v)
    if k == "mount_hex": m["hex"] = v
    if k == "mount_nohex": del m["hex"]
    r["inputs"]["mounts"] = [m]
json.dump(r, open(sys.argv[2], "w"))
PY
    "$goboot" replay "$tmp/bad.gbrec" >"$tmp/out" 2>&1; rc=$?
    [ $rc -eq 64 ] || { cat "$tmp/out" >&2; fail "$edit: exit $rc, expected 64"; }
    grep -Eq "stdin_hex is not hex|mounts are malformed" "$tmp/out" || { cat "$tmp/out" >&2; fail "$edit: no clear message"; }
  done
  ;;
case)
  line=$(grep -v '^#' "$src/golden/cases.tsv" | awk -F'\t' -v id="$id" '$1 == id')
  [ -n "$line" ] || fail "no case $id in golden/cases.tsv"
  IFS=$'\t' read -r cid bin opts args <<<"$line"
  case $bin in goprogs:*) path=$goprogs/${bin#goprogs:} ;; corpus:*) path=$corpus/${bin#corpus:} ;; esac
  need "$path"
  [ "$opts" = - ] && opts=
  [ "$args" = - ] && args=
  eval "set -- $opts"
  # Options and guest args are words; quotes keep spaces ("B=two words").
  eval "gargs=($args)"
  "$goboot" record --quiet "$@" "$path" -o "$tmp/r.gbrec" -- "${gargs[@]}" >"$tmp/out" 2>&1 ||
    { cat "$tmp/out"; fail "record failed"; }
  "$goboot" replay "$tmp/r.gbrec" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "replay diverged"; }
  grep -q identical "$tmp/out" || fail "replay did not say identical"
  # The recording's trace cut to the golden subset is the golden itself.
  "$goboot" diff "$src/golden/$id.json" "$tmp/r.gbrec" >"$tmp/d" 2>&1 ||
    { cat "$tmp/d"; fail "the recording differs from golden/$id.json"; }
  cat "$tmp/out" ;;
tampered)
  need "$hello"
  "$goboot" record --quiet --argv0 hello "$hello" -o "$tmp/r.gbrec" || fail "record failed"
  # Index of the first read event: events are one per line inside "events": [ ... ].
  idx=$(awk '/"events": \[/{on=1; n=0; next} on && /^ *\]/{on=0} on{ if ($0 ~ /"name":"read"/) {print n; exit} n++ }' "$tmp/r.gbrec")
  [ -n "$idx" ] || fail "no read event in the recording"
  awk '/"name":"read"/ && !d { if (sub(/"ret":8/, "\"ret\":7")) d=1 } {print}' "$tmp/r.gbrec" >"$tmp/bad.gbrec"
  cmp -s "$tmp/r.gbrec" "$tmp/bad.gbrec" && fail "could not change the read's result"
  "$goboot" replay "$tmp/bad.gbrec" >"$tmp/out" 2>&1
  rc=$?
  cat "$tmp/out"
  [ $rc -eq 1 ] || fail "replay of a changed recording exited $rc, expected 1"
  grep -q "^first divergence at event #$idx " "$tmp/out" || fail "first divergence not reported at event #$idx"
  grep -Eq "recorded +#$idx +read\(3, .*\) = 7" "$tmp/out" || fail "recorded event not shown"
  grep -Eq "replayed +#$idx +read\(3, .*\) = 8" "$tmp/out" || fail "replayed event not shown"
  grep -q "ret: recorded 7, replayed 8" "$tmp/out" || fail "differing field not named"
  grep -q "after milestone runtime.osinit" "$tmp/out" || fail "no location (milestone) given"
  [ "$(grep -c '^  context ' "$tmp/out")" -eq 3 ] || fail "not 3 events of context" ;;
refuse)
  need "$hello"; need "$goprogs/exit3"
  "$goboot" record --quiet --argv0 hello "$hello" -o "$tmp/r.gbrec" || fail "record failed"
  sed 's/^  "goboot_version": ".*",$/  "goboot_version": "0.0.0-other",/' "$tmp/r.gbrec" >"$tmp/v.gbrec"
  cmp -s "$tmp/r.gbrec" "$tmp/v.gbrec" && fail "could not change the version"
  "$goboot" replay "$tmp/v.gbrec" >"$tmp/out" 2>&1; rc=$?
  [ $rc -eq 2 ] || { cat "$tmp/out"; fail "other goboot version: exit $rc, expected 2"; }
  grep -q "refusing to replay: recorded with goboot 0.0.0-other" "$tmp/out" || { cat "$tmp/out"; fail "no clear refusal"; }
  "$goboot" replay --force "$tmp/v.gbrec" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "--force did not replay"; }
  grep -q "warning: recorded with goboot" "$tmp/out" || fail "--force gave no warning"
  "$goboot" replay --binary "$goprogs/exit3" "$tmp/r.gbrec" >"$tmp/out" 2>&1; rc=$?
  [ $rc -eq 2 ] || { cat "$tmp/out"; fail "other binary: exit $rc, expected 2"; }
  grep -q "is not the recorded binary" "$tmp/out" || fail "no clear refusal for the binary"
  "$goboot" replay --force --binary "$goprogs/exit3" "$tmp/r.gbrec" >"$tmp/out" 2>&1; rc=$?
  [ $rc -eq 1 ] || { cat "$tmp/out"; fail "forced replay of another binary: exit $rc, expected 1 (diverged)"; }
  cp "$hello" "$tmp/moved"
  "$goboot" replay --binary "$tmp/moved" "$tmp/r.gbrec" >/dev/null || fail "same binary at another path did not replay" ;;
mimic)
  need "$hello"
  "$goboot" record --quiet --mimic-host --argv0 hello "$hello" -o "$tmp/r.gbrec" || fail "record failed"
  grep -q '"mimic_host": true' "$tmp/r.gbrec" || fail "mimic_host not recorded"
  grep -q '"auxv_words": \["0x' "$tmp/r.gbrec" || fail "auxv words not recorded"
  "$goboot" replay "$tmp/r.gbrec" || fail "mimic-host recording did not replay" ;;
diff)
  a=$src/golden/esbuild-0.14.54.json b=$src/golden/esbuild-0.17.19.json
  "$goboot" diff "$a" "$a" >"$tmp/out" || { cat "$tmp/out"; fail "a golden differs from itself"; }
  "$goboot" diff "$a" "$b" >"$tmp/out"; rc=$?
  head -40 "$tmp/out"
  [ $rc -eq 1 ] || fail "go1.19 vs go1.20: exit $rc, expected 1"
  grep -Eq '^@ runtime.newproc +i [0-9]+ → [0-9]+ \([+-][0-9]+\)$' "$tmp/out" || fail "no aligned newproc line (instruction delta)"
  grep -Eq '^@ main.main ' "$tmp/out" || fail "main.main not aligned"
  grep -q '^events: ' "$tmp/out" || fail "no event totals"
  grep -q 'binary.go_version: A go1.19, B go1.20.4' "$tmp/out" || fail "Go versions not compared"
  need "$hello"
  "$goboot" run --quiet --argv0 hello --trace "$tmp/t1.json" "$hello" >/dev/null
  "$goboot" run --quiet --argv0 hello --ncpu 4 --trace "$tmp/t4.json" "$hello" >/dev/null
  "$goboot" diff "$tmp/t1.json" "$tmp/t4.json" >"$tmp/out"; rc=$?
  cat "$tmp/out"
  [ $rc -eq 1 ] || fail "ncpu 1 vs 4: exit $rc"
  grep -q 'boot_state.ncpu: A 1, B 4' "$tmp/out" || fail "changed boot state not shown"
  grep -Eq '^    ~ clone\(' "$tmp/out" || fail "changed syscall (clone's stack and TLS) not shown"
  grep -Eq '^@ runtime.schedinit +i 2830 → 2851 \(\+21\)$' "$tmp/out" || fail "no instruction delta at schedinit" ;;
*) fail "unknown test" ;;
esac
