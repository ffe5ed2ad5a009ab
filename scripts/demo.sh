#!/usr/bin/env bash
# demo.sh — install what goboot needs, build it and its Go test programs, then boot the
# default Go program (a Go 1.19 "hello, world" built here) under goboot.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
BUILD_DIR=${BUILD_DIR:-$top/build}
echo "== goboot inspect $BUILD_DIR/goprogs/hello"
"$BUILD_DIR/cli/goboot" inspect "$BUILD_DIR/goprogs/hello"
echo "== goboot run $BUILD_DIR/goprogs/hello"
exec "$BUILD_DIR/cli/goboot" run --trace "$BUILD_DIR/hello.trace.json" "$BUILD_DIR/goprogs/hello"
