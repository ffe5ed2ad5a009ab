#!/usr/bin/env bash
# fetch-corpus.sh — fetch the pinned real Go binaries of scripts/corpus.tsv from the npm
# registry into ${GOBOOT_CACHE:-$HOME/.cache/goboot}/corpus/<id>, sha256-verified.
#   fetch-corpus.sh [ID...]            fetch (all, or the given ids); cached + verified ones are skipped
#   fetch-corpus.sh --list             print the corpus and what is cached
#   fetch-corpus.sh --check [ID...]    run each cached binary natively with its version args and
#                                      compare with scripts/corpus-expected/<id>.{out,err} and the
#                                      exit code in corpus.tsv; also check it is static (no PT_INTERP)
#   RUNNER="qemu-x86_64" fetch-corpus.sh --check   the same, under an emulator
# Binaries are third-party code: they are only ever stored in the cache, never committed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tsv=$here/corpus.tsv
expected=$here/corpus-expected
dir=${GOBOOT_CACHE:-$HOME/.cache/goboot}/corpus

die() { echo "fetch-corpus.sh: $*" >&2; exit 1; }
sha_of() { sha256sum "$1" | cut -c1-64; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# rows [ID...]: the corpus lines (comments dropped), restricted to the given ids.
rows() {
  local want=" $* " n=0
  while IFS=$'\t' read -r id rest; do
    case $id in '#'*|'') continue ;; esac
    if [ $# -eq 0 ] || [[ $want == *" $id "* ]]; then printf '%s\t%s\n' "$id" "$rest"; n=$((n+1)); fi
  done <"$tsv"
  [ $n -gt 0 ] || die "no corpus entry matches: $*"
}

list() {
  printf '%-16s %-28s %-10s %-14s %s\n' ID PACKAGE GO ARGS CACHE
  rows "$@" | while IFS=$'\t' read -r id pkg ver path sha gover args rc; do
    local st=missing
    if [ -f "$dir/$id" ]; then
      if [ "$(sha_of "$dir/$id")" = "$sha" ]; then st=ok; else st=BAD-SHA256; fi
    fi
    printf '%-16s %-28s %-10s %-14s %s\n' "$id" "$pkg@$ver" "$gover" "$args" "$st"
  done
}

fetch() {
  command -v npm >/dev/null || die "npm not found (node and npm are needed to fetch the corpus)"
  mkdir -p "$dir"
  local fails=0
  while IFS=$'\t' read -r id pkg ver path sha gover args rc; do
    if [ -f "$dir/$id" ] && [ "$(sha_of "$dir/$id")" = "$sha" ]; then continue; fi
    echo "fetch-corpus.sh: $id ($pkg@$ver)"
    rm -rf "${tmp:?}"/*
    # npm pack downloads the package tarball only: nothing is installed, no script runs.
    if ! (cd "$tmp" && npm pack --loglevel=error --ignore-scripts --fetch-retries=1 \
            "$pkg@$ver" >npm.log 2>&1); then
      echo "fetch-corpus.sh: cannot download $pkg@$ver from the npm registry (offline?):" >&2
      { grep -m2 -E 'error (code|[A-Za-z]*Error)' "$tmp/npm.log" || tail -n 3 "$tmp/npm.log"; } | sed 's/^/  /' >&2
      fails=$((fails+1)); continue
    fi
    local tgz
    tgz=$(find "$tmp" -maxdepth 1 -name "*.tgz" | head -n1)
    if [ -z "$tgz" ] || ! tar -xzf "$tgz" -O "$path" >"$tmp/bin" 2>/dev/null; then
      echo "fetch-corpus.sh: $pkg@$ver: no $path in the tarball" >&2
      fails=$((fails+1)); continue
    fi
    local got
    got=$(sha_of "$tmp/bin")
    if [ "$got" != "$sha" ]; then
      echo "fetch-corpus.sh: sha256 mismatch for $id ($pkg@$ver $path):" >&2
      echo "  expected $sha" >&2
      echo "  got      $got" >&2
      fails=$((fails+1)); continue
    fi
    chmod 0755 "$tmp/bin"
    mv -f "$tmp/bin" "$dir/$id"   # same file system not guaranteed: mv copies then renames
  done < <(rows "$@")
  [ $fails -eq 0 ] || die "$fails corpus binaries could not be fetched"
  echo "fetch-corpus.sh: corpus ready in $dir"
}

# check [ID...]: native (or $RUNNER) runs against the recorded expectations. The expected
# files were made with an empty environment, stdin from /dev/null, in this same way.
check() {
  local fails=0 runner=()
  [ -n "${RUNNER:-}" ] && read -r -a runner <<<"$RUNNER"
  while IFS=$'\t' read -r id pkg ver path sha gover args rc; do
    local bin=$dir/$id res=ok got_rc=0 a=()
    read -r -a a <<<"$args"
    if [ ! -f "$bin" ] || [ "$(sha_of "$bin")" != "$sha" ]; then
      res="not cached (run fetch-corpus.sh)"
    elif readelf -lW "$bin" | grep -q INTERP; then
      res="has PT_INTERP (not static)"
    else
      env -i "${runner[@]}" "$bin" "${a[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null || got_rc=$?
      [ "$got_rc" = "$rc" ] || res="exit $got_rc, expected $rc"
      cmp -s "$tmp/out" "$expected/$id.out" || res="$res; stdout differs"
      cmp -s "$tmp/err" "$expected/$id.err" || res="$res; stderr differs"
      res=${res#ok; }
    fi
    [ "$res" = ok ] || fails=$((fails+1))
    printf '%-16s %-10s %s\n' "$id" "$gover" "$res"
  done < <(rows "$@")
  echo "$(rows "$@" | wc -l) checked, $fails failed${RUNNER:+ (under $RUNNER)}"
  [ $fails -eq 0 ]
}

case ${1:-} in -*) [ $# -gt 1 ] && rows "${@:2}" >/dev/null ;; *) rows "$@" >/dev/null ;; esac  # unknown ids: fail early
case ${1:-} in
  --list) shift; list "$@" ;;
  --check) shift; check "$@" ;;
  -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' ;;
  -*) die "unknown option $1 (try --help)" ;;
  *) fetch "$@" ;;
esac
