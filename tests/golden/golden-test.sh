#!/bin/sh
# golden-test.sh NAME GOBOOT SRCDIR GOPROGS CORPUS — the golden suite's own checks.
#   cover     every tests/goprogs program, every stripped twin and every corpus binary has a case
#   twins     each stripped/unstripped pair of goldens reaches the same milestones, in order
#   versions  docs/versions.md is what 'goboot golden versions' prints from the goldens
#   host      cases re-run from another folder, under another host environment, still match
#   file      a user's own suite: file:PATH cases are created by update, pass check, and a
#             changed binary fails check
set -u
name=$1 goboot=$2 src=$3 goprogs=$4 corpus=$5
cases=$src/golden/cases.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL [golden.$name]: $*" >&2; exit 1; }
has_binary() { grep -v '^#' "$cases" | cut -f2 | grep -qx "$1"; }

case $name in
cover)
  n=0
  for d in "$src"/tests/goprogs/*/; do
    p=$(basename "$d"); [ -f "$d/main.go" ] || continue
    has_binary "goprogs:$p" || fail "no golden case runs goprogs:$p"; n=$((n+1))
  done
  for p in hello-stripped goroutines-stripped args-stripped hello-v2 hello-v3; do
    has_binary "goprogs:$p" || fail "no golden case runs goprogs:$p"; n=$((n+1))
  done
  for id in $(grep -v '^#' "$src/scripts/corpus.tsv" | cut -f1); do
    has_binary "corpus:$id" || fail "no golden case runs corpus:$id"; n=$((n+1))
  done
  grep -v '^#' "$cases" | cut -f1 | while read -r id; do
    [ -f "$src/golden/$id.json" ] || fail "case $id has no golden/$id.json (goboot golden update --case $id)"
  done || exit 1
  echo "all $n binaries have a golden case" ;;
twins)
  for p in hello goroutines args; do
    "$goboot" golden milestones --dir "$src/golden" --case "$p" >"$tmp/a" || fail "no milestones for $p"
    "$goboot" golden milestones --dir "$src/golden" --case "$p-stripped" >"$tmp/b" || fail "no milestones for $p-stripped"
    grep -qx main.main "$tmp/a" || fail "$p never reaches main.main"
    cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b" >&2; fail "$p and $p-stripped reach different milestones"; }
    echo "$p / $p-stripped: the same $(wc -l <"$tmp/a") milestones"
  done ;;
versions)
  "$goboot" golden versions --dir "$src/golden" >"$tmp/v.md" || fail "goboot golden versions failed"
  cmp -s "$tmp/v.md" "$src/docs/versions.md" || {
    diff "$src/docs/versions.md" "$tmp/v.md" >&2
    fail "docs/versions.md is stale: goboot golden versions > docs/versions.md"; } ;;
host)
  # Another working folder, another HOME, locale, time zone, Go variables and PATH:
  # nothing of it may reach a golden.
  mkdir "$tmp/elsewhere"
  (cd "$tmp/elsewhere" && env -i PATH=/bin HOME=/nonexistent LANG=ja_JP.UTF-8 TZ=Pacific/Chatham \
     GOMAXPROCS=13 GODEBUG=madvdontneed=1 GOBOOT_CACHE=/nonexistent LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
     "$goboot" golden check --dir "$src/golden" --goprogs "$goprogs" --corpus "$corpus" \
       --case hello --case goroutines --case gomaxprocs --case args --case esbuild-0.28.2) ||
    fail "goldens differ when run from another folder under another environment" ;;
file)
  # A suite of one's own, in a folder of one's own, over a binary of one's own.
  mkdir "$tmp/suite"
  cp "$goprogs/hello" "$tmp/suite/prog"
  printf 'mine\tfile:prog\t--argv0 prog --until main.main\t-\n' >"$tmp/suite/cases.tsv"
  "$goboot" golden update --dir "$tmp/suite" >/dev/null || fail "update of a file: case failed"
  [ -s "$tmp/suite/mine.json" ] || fail "update wrote no mine.json"
  "$goboot" golden check --dir "$tmp/suite" >/dev/null || fail "a fresh file: golden does not check"
  cp "$goprogs/goroutines" "$tmp/suite/prog"
  if "$goboot" golden check --dir "$tmp/suite" >"$tmp/out" 2>&1; then
    fail "check passed although the binary changed"
  fi
  grep -q "first divergence" "$tmp/out" || fail "no first divergence printed: $(cat "$tmp/out")"
  echo "file: cases update, check, and catch a changed binary" ;;
*) fail "unknown check" ;;
esac
