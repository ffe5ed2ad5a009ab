#!/usr/bin/env bash
# test.sh — the same set-up as demo.sh, then the whole test suite: the pinned real-binary
# corpus is fetched (cached in ~/.cache/goboot), ctest runs every test, and a second
# build under ASan+UBSan runs the unit tests again, and a libFuzzer build runs each fuzz
# harness for a bounded time. This is what CI runs (.ci/run).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$top/build}
ASAN_DIR=${ASAN_DIR:-$top/build-asan}
FUZZ_DIR=${FUZZ_DIR:-$top/build-fuzz}
jobs=$(nproc)

"$top/scripts/setup.sh"
"$top/scripts/fetch-corpus.sh"

status=0

echo "== ASan+UBSan build in $ASAN_DIR: unit tests"
cmake -S "$top" -B "$ASAN_DIR" -DCMAKE_BUILD_TYPE=Debug -DGOBOOT_WERROR=ON -DGOBOOT_SANITIZE=ON \
  -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$ASAN_DIR" -j"$jobs"
(cd "$ASAN_DIR" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest --output-on-failure -j"$jobs" -L unit) || status=1
echo "== libFuzzer build in $FUZZ_DIR: each harness for ${GOBOOT_FUZZ_SECONDS:-30} s"
cmake -S "$top" -B "$FUZZ_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOBOOT_FUZZ=ON \
  -DGOBOOT_FUZZ_SECONDS="${GOBOOT_FUZZ_SECONDS:-30}" -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$FUZZ_DIR" -j"$jobs" --target fuzzers
(cd "$FUZZ_DIR" && ctest --output-on-failure -L fuzz) || status=1

# Last, so that its summary closes the output.
echo "== ctest (all tests) in $BUILD_DIR"
(cd "$BUILD_DIR" && ctest --output-on-failure -j"$jobs") || status=1
exit $status
