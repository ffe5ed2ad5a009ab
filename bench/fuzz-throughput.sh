#!/usr/bin/env bash
# fuzz-throughput.sh [SECONDS] — execs/s of each fuzz harness (elf, stack, auxv, emu_auxv)
# on one core (taskset -c 0), in two builds:
#   fuzz   the CI configuration: clang, -DGOBOOT_FUZZ=ON (ASan + UBSan + coverage on
#          every library), libFuzzer driving;
#   plain  clang -O2, no sanitizer, coverage only in the harness file, libFuzzer driving:
#          the ceiling the harness and the code under test allow.
# Rates are per CPU second (user + sys of the fuzzer process), so a busy machine does
# not distort them much; wall-clock rates are printed too. emu_auxv also runs once per
# guest-memory reset strategy (hostcopy, madvise, snapshot: emu/probe.h).
# Build dirs: build-bench-fuzz, build-bench-plain (kept for reuse).
set -euo pipefail
secs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)

cmake -S . -B build-bench-fuzz -DCMAKE_C_COMPILER=clang -DGOBOOT_FUZZ=ON >/dev/null
cmake --build build-bench-fuzz -j"$jobs" --target fuzzers >/dev/null

# plain: the libraries at -O2 without instrumentation; each harness linked by hand with
# libFuzzer (coverage then comes only from the harness itself).
cmake -S . -B build-bench-plain -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench-plain -j"$jobs" --target goboot_emu goboot_oracle goboot_loader goprogs >/dev/null
P=build-bench-plain
libs="$P/emu/libgoboot_emu.a $P/runtime-c/libgoboot_oracle.a $P/loader/libgoboot_loader.a"
syslibs=$(pkg-config --libs unicorn libelf libdw libcjson libcrypto)
inc="-Iloader -Iemu -Iruntime-c"
mkdir -p $P/fuzz
for h in elf stack auxv emu_auxv; do
  clang -O2 -g -fsanitize=fuzzer $inc -DGOBOOT_FUZZ_HELLO="\"$root/$P/goprogs/hello\"" \
    tests/fuzz/fuzz_$h.c $libs $syslibs -o $P/fuzz/${h}_fuzz
done

seeds_of() {
  case $1 in
    elf) echo "$root/build-bench-fuzz/goprogs/hello" ;;
    *) echo "$root/tests/fuzz/seeds/$1" ;;
  esac
}

# run BINARY NAME [env...]: prints "execs cpu_s wall_s"
run() {
  local bin=$1 name=$2; shift 2
  local work; work=$(mktemp -d)
  mkdir -p "$work/c"
  local s; s=$(seeds_of "$name")
  if [ -d "$s" ]; then cp "$s"/* "$work/c/"; else cp "$s" "$work/c/"; fi
  [ -d "tests/fuzz/regressions/$name" ] && cp tests/fuzz/regressions/$name/* "$work/c/" 2>/dev/null || true
  local dict=(); [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
  local t0 t1; t0=$(date +%s.%N)
  env "$@" taskset -c 0 /usr/bin/time -f "cpu %U %S" "$bin" "${dict[@]}" -max_total_time="$secs" \
    -print_final_stats=1 -rss_limit_mb=4096 -artifact_prefix="$work/" "$work/c" >"$work/log" 2>&1 || true
  t1=$(date +%s.%N)
  local execs cpu; execs=$(grep -m1 '^stat::number_of_executed_units' "$work/log" | awk '{print $2}')
  cpu=$(grep '^cpu ' "$work/log" | awk '{print $2 + $3}')
  if ls "$work"/crash-* >/dev/null 2>&1; then echo "  ($name: the fuzzer stopped on a finding: $(ls "$work"/crash-* | head -1))" >&2; fi
  grep -h '^emu_auxv:' "$work/log" >&2 || true
  echo "${execs:-0} ${cpu:-0} $(echo "$t1 - $t0" | bc)"
  rm -rf "$work"
}

printf "%-10s %-8s %-9s %12s %12s %10s\n" build harness reset execs/cpu-s execs/wall-s execs
for build in fuzz plain; do
  if [ $build = fuzz ]; then dir=build-bench-fuzz/tests/fuzz; else dir=$P/fuzz; fi
  for h in elf stack auxv emu_auxv; do
    resets=(-); [ $h = emu_auxv ] && resets=(hostcopy madvise snapshot)
    for r in "${resets[@]}"; do
      read -r execs cpu wall < <(run "$dir/${h}_fuzz" $h GOBOOT_PROBE_RESET="${r/-/hostcopy}" GOBOOT_FUZZ_STATS=1 ASAN_OPTIONS=detect_leaks=0)
      printf "%-10s %-8s %-9s %12.0f %12.0f %10s\n" $build $h "$r" \
        "$(echo "$execs / ($cpu + 0.001)" | bc -l)" "$(echo "$execs / ($wall + 0.001)" | bc -l)" "$execs"
    done
  done
done
