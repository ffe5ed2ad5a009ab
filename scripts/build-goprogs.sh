#!/usr/bin/env bash
# build-goprogs.sh OUTDIR — build the project's Go programs (tests/goprogs/<name>/main.go)
# as static linux/amd64 binaries with Debian's Go 1.19, reproducibly:
#   OUTDIR/<name>                 every program
#   OUTDIR/<name>-stripped        -ldflags='-s -w' twins of hello, goroutines, args
#   OUTDIR/hello-v2, hello-v3     GOAMD64=v2 / v3 builds of hello
#   OUTDIR/<name>                 for <name> ending in -cgo: cgo, linked externally and
#                                 statically by gcc (glibc's _start, PT_TLS)
# An output newer than its main.go and this script is left alone.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../tests/goprogs" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
GO=${GO:-/usr/lib/go-1.19/bin/go}
[ -x "$GO" ] || { echo "build-goprogs.sh: $GO not found (apt-get install golang-1.19-go)" >&2; exit 1; }

cache=${GOBOOT_CACHE:-$HOME/.cache/goboot}/go
mkdir -p "$cache/build" "$cache/path"
# A clean, fixed environment: nothing from the caller's Go setup changes the bytes.
# GO111MODULE=off builds a lone main.go with only the standard library, offline.
export GOCACHE=$cache/build GOPATH=$cache/path GOFLAGS='' GO111MODULE=off \
       CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 GOROOT_FINAL='' GOEXPERIMENT=''

# build NAME OUTPUT [go build flags...]
build() {
  local name=$1 dst=$out/$2; shift 2
  local main=$src/$name/main.go
  # up to date: newer than every file of its folder (a cgo program includes .c files)
  if [ -f "$dst" ] && [ -z "$(find "$src/$name" -newer "$dst" -print -quit)" ] &&
     [ "$dst" -nt "$here/build-goprogs.sh" ]; then
    return 0
  fi
  echo "build-goprogs.sh: $(basename "$dst")"
  # Build in the source folder (with -trimpath the path does not reach the binary)
  # into a temp file, then rename, so an interrupted build leaves no half binary.
  (cd "$src/$name" && "$GO" build -trimpath -buildvcs=false "$@" -o "$dst.tmp" main.go)
  mv -f "$dst.tmp" "$dst"
}

for dir in "$src"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/main.go" ] || continue
  case $name in
  *-cgo) CGO_ENABLED=1 build "$name" "$name" -ldflags='-linkmode=external -extldflags=-static' ;;
  *) build "$name" "$name" ;;
  esac
done
for name in hello goroutines args; do
  build "$name" "$name-stripped" -ldflags='-s -w'
done
GOAMD64=v2 build hello hello-v2
GOAMD64=v3 build hello hello-v3
