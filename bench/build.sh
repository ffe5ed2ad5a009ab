#!/usr/bin/env bash
# build.sh BUILD_DIR — what bench/bench.sh runs besides BUILD_DIR/cli/goboot and
# BUILD_DIR/goprogs (scripts/build-goprogs.sh); each output is rebuilt only when older
# than its sources:
#   BUILD_DIR/bench/runone          bench/lib/runone.c: one measured run (cc)
#   BUILD_DIR/bench/progs/NAME      bench/progs/NAME/main.go: static, with Debian's Go 1.19
#                                   and the environment of scripts/build-goprogs.sh
#   CACHE/bench/std-go1.19/P.test   `go test -c` of each package of bench/stdtests.txt
#                                   (P: the import path with _ for /)
# CACHE is $GOBOOT_CACHE (default ~/.cache/goboot). Offline: the standard library only.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1/bench/progs"
out=$(cd "$1/bench" && pwd)
GO=${GO:-/usr/lib/go-1.19/bin/go}
[ -x "$GO" ] || { echo "build.sh: $GO not found (apt-get install golang-1.19-go)" >&2; exit 1; }
cache=${GOBOOT_CACHE:-$HOME/.cache/goboot}
std=$cache/bench/std-go1.19
mkdir -p "$cache/go/build" "$cache/go/path" "$std"
export GOCACHE=$cache/go/build GOPATH=$cache/go/path GOFLAGS='' GO111MODULE=off \
       CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 GOROOT_FINAL='' GOEXPERIMENT=''

# stale OUTPUT SOURCE...: OUTPUT is missing or older than one of the SOURCEs
stale() {
  local dst=$1 s; shift
  [ -f "$dst" ] || return 0
  for s; do [ "$s" -nt "$dst" ] && return 0; done
  return 1
}

if stale "$out/runone" "$here/lib/runone.c"; then
  echo "build.sh: runone"
  ${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
    -o "$out/runone.tmp" "$here/lib/runone.c"
  mv -f "$out/runone.tmp" "$out/runone"
fi

for dir in "$here"/progs/*/; do
  name=$(basename "$dir")
  dst=$out/progs/$name
  stale "$dst" "$dir/main.go" "$here/build.sh" || continue
  echo "build.sh: progs/$name"
  (cd "$dir" && "$GO" build -trimpath -buildvcs=false -o "$dst.tmp" main.go)
  mv -f "$dst.tmp" "$dst"
done

# a temp file, then rename: an interrupted build leaves no half binary
while read -r pkg _; do
  dst=$std/${pkg//\//_}.test
  stale "$dst" "$GO" || continue
  echo "build.sh: std $pkg"
  "$GO" test -c -o "$dst.tmp" "$pkg"
  mv -f "$dst.tmp" "$dst"
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$here/stdtests.txt")
