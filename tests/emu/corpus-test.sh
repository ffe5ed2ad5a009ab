#!/bin/sh
# corpus-test.sh ID GOBOOT CORPUS_DIR SCRIPTS_DIR — a pinned real binary, run with its
# version arguments, prints exactly its native output (scripts/corpus-expected/), exits
# with the native code and reaches main.main. A missing binary FAILS (fetch it first).
set -u
id=$1 goboot=$2 corpus=$3 scripts=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL [$id]: $*" >&2; exit 1; }
row=$(grep "^$id	" "$scripts/corpus.tsv") || fail "not in corpus.tsv"
args=$(printf '%s\n' "$row" | cut -f7)
native_exit=$(printf '%s\n' "$row" | cut -f8)
bin=$corpus/$id
[ -f "$bin" ] || fail "missing $bin: run scripts/fetch-corpus.sh (needs the npm registry)"
# shellcheck disable=SC2086 # version_args is a space-separated list
"$goboot" run --quiet --trace "$tmp/t.json" "$bin" -- $args >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq "$native_exit" ] || { tail -5 "$tmp/err" >&2; fail "exit code $rc, native $native_exit"; }
cmp "$scripts/corpus-expected/$id.out" "$tmp/out" || fail "stdout differs from native"
cmp "$scripts/corpus-expected/$id.err" "$tmp/err" || fail "stderr differs from native"
grep -Eq '"reached":.*"main.main"' "$tmp/t.json" || fail "main.main not reached"
echo "ok [$id]"
