#!/bin/sh
# emu-test.sh NAME GOBOOT GOPROGS EMUPROGS STATIC_C — one end-to-end check of `goboot run`.
# Inputs that are missing make the test FAIL with a message (never skip).
set -u
name=$1 goboot=$2 goprogs=$3 emuprogs=$4 static_c=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL [$name]: $*" >&2; exit 1; }
need() { [ -x "$1" ] || fail "missing input $1 (build the 'goprogs' and 'emu_progs' targets: cmake --build BUILD)"; }
# run PROG [goboot options] [-- args]: stdout → $tmp/out, stderr → $tmp/err, code → $rc
run() {
  prog=$1; shift
  "$goboot" run --quiet --trace "$tmp/trace.json" "$@" "$prog" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}
run_args() { # PROG [options] -- args
  prog=$1; shift
  "$goboot" run --quiet --trace "$tmp/trace.json" "$prog" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}
expect_rc() { [ "$rc" -eq "$1" ] || { cat "$tmp/err" >&2; fail "exit code $rc, expected $1"; }; }
expect_out() { printf '%s\n' "$1" | cmp -s - "$tmp/out" || { cat "$tmp/out" >&2; fail "stdout differs from '$1'"; }; }
reached() { grep -Eq "\"reached\":.*\"$1\"" "$tmp/trace.json" || fail "$1 not reached (trace: $tmp/trace.json)"; }
stop_is() { grep -Eq "\"reason\":[[:space:]]*\"$1\"" "$tmp/trace.json" || fail "stop reason is not $1"; }

case $name in
hello)
  need "$goprogs/hello"; run "$goprogs/hello"
  expect_rc 0; expect_out "hello, world"; reached main.main; reached runtime.exit; stop_is exit ;;
goroutines)
  need "$goprogs/goroutines"; run "$goprogs/goroutines"
  expect_rc 0
  "$goprogs/goroutines" >"$tmp/native" 2>&1 || fail "native run failed"
  cmp "$tmp/native" "$tmp/out" || fail "output differs from the native run"
  grep -q '"clone"' "$tmp/trace.json" || fail "no clone in the trace" ;;
panic)
  need "$goprogs/panic"; run "$goprogs/panic"
  expect_rc 2
  "$goprogs/panic" >"$tmp/nout" 2>"$tmp/nerr"; [ $? -eq 2 ] || fail "native panic did not exit 2"
  cmp "$tmp/nout" "$tmp/out" || fail "stdout differs from native"
  cmp "$tmp/nerr" "$tmp/err" || { diff "$tmp/nerr" "$tmp/err" >&2; fail "stderr differs from native"; }
  grep -q '^panic: ' "$tmp/err" || fail "no 'panic:' message" ;;
exit3)
  need "$goprogs/exit3"; run "$goprogs/exit3"; expect_rc 3; expect_out "exiting with 3" ;;
args)
  need "$goprogs/args"
  run_args "$goprogs/args" --env A=1 --env "B=two words" -- x "y y" --z
  expect_rc 0
  env -i A=1 "B=two words" "$goprogs/args" x "y y" --z >"$tmp/native" || fail "native run failed"
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "argv/envp differ from native"; }
  run "$goprogs/args"
  grep -q '^envc=0$' "$tmp/out" || fail "default guest environment is not empty"
  # --env-host copies one variable of goboot's own, in command-line order with --env
  export GB_HOSTVAR="x=y z"
  run_args "$goprogs/args" --env A=1 --env-host GB_HOSTVAR
  expect_rc 0
  printf 'envc=2\nenv=A=1\nenv=GB_HOSTVAR=x=y z\n' >"$tmp/want"
  grep '^env' "$tmp/out" | cmp -s - "$tmp/want" || { cat "$tmp/out" >&2; fail "--env-host did not copy GB_HOSTVAR"; }
  "$goboot" run "$goprogs/args" --env-host GB_UNSET_VAR_FOR_TEST >/dev/null 2>&1
  [ $? -eq 64 ] || fail "--env-host of an unset variable is not a usage error" ;;
hello-v2)
  need "$goprogs/hello-v2"; run "$goprogs/hello-v2"; expect_rc 0; expect_out "hello, world" ;;
hello-v3)
  need "$goprogs/hello-v3"; run "$goprogs/hello-v3"; expect_rc 1
  printf 'This program can only be run on AMD64 processors with v3 microarchitecture support.\n' |
    cmp -s - "$tmp/err" || { cat "$tmp/err" >&2; fail "not the runtime's v3 message"; }
  grep -q 'called from runtime.rt0_go' "$tmp/trace.json" || fail "exit not reported as coming from rt0_go"
  if grep -Eq '"reached":.*"runtime.check"' "$tmp/trace.json"; then fail "went past rt0_go"; fi ;;
stripped)
  need "$goprogs/hello-stripped"; run "$goprogs/hello-stripped"
  expect_rc 0; expect_out "hello, world"; reached main.main ;;
determinism)
  need "$goprogs/goroutines"
  mkdir "$tmp/a" "$tmp/b"
  (cd "$tmp/a" && env -i PATH=/usr/bin:/bin HOME=/nonexistent FOO=1 \
     "$goboot" run --quiet --trace t.json "$goprogs/goroutines" >/dev/null 2>&1)
  (cd "$tmp/b" && env X_OTHER=2 LANG=C TZ=Asia/Tokyo GOMAXPROCS=7 GODEBUG=asyncpreemptoff=1 \
     "$goboot" run --quiet --trace t.json "$goprogs/goroutines" >/dev/null 2>&1)
  cmp "$tmp/a/t.json" "$tmp/b/t.json" || fail "traces differ between the two runs" ;;
budget)
  need "$emuprogs/spin"; run "$emuprogs/spin" --max-insns 3000000
  expect_rc 81; stop_is budget; reached main.main ;;
memory)
  need "$goprogs/hello"; run "$goprogs/hello" --max-mem 8000000
  expect_rc 82; stop_is memory ;;
until)
  need "$goprogs/hello"
  run "$goprogs/hello" --until main.main; expect_rc 0; stop_is until
  [ -s "$tmp/out" ] && fail "main.main ran although --until main.main"
  reached runtime.main
  grep -q '"boot_state":[[:space:]]*{' "$tmp/trace.json" || fail "no boot_state object"
  run "$goprogs/hello" --until runtime.main; expect_rc 0; stop_is until
  run "$goprogs/hello" --until no.such.symbol; expect_rc 64
  grep -q 'no such symbol' "$tmp/err" || fail "no clear message for an unknown --until symbol" ;;
nosys)
  need "$emuprogs/nosys"; run "$emuprogs/nosys"; expect_rc 0
  expect_out "syscall 4000: errno 38 (function not implemented)"
  grep -q '"unknown_syscall"' "$tmp/trace.json" || fail "no unknown_syscall event" ;;
notgo)
  need "$static_c"; run "$static_c"; expect_rc 84
  grep -q 'not a Go binary' "$tmp/err" || fail "no clear message for a non-Go binary" ;;
malformed)
  need "$goprogs/hello"
  head -c 100 "$goprogs/hello" >"$tmp/trunc"; chmod +x "$tmp/trunc"
  run "$tmp/trunc"; [ "$rc" -ge 66 ] && [ "$rc" -le 77 ] || fail "truncated ELF: exit $rc, expected 66-77"
  [ -s "$tmp/err" ] || fail "truncated ELF: no message"
  printf 'hello\n' >"$tmp/text"
  run "$tmp/text"; expect_rc 66
  run "$tmp/missing"; expect_rc 65 ;;
fault)
  # the stop names the faulting load itself (go tool objdump's address for it), with the
  # registers from just before it: not the start of its block (FINDINGS.md #3). The
  # program first sets SIGSEGV back to SIG_DFL: with no handler a fault stays a stop.
  need "$emuprogs/fault"; run "$emuprogs/fault"; expect_rc 80; stop_is fault
  want=$("${GO:-go}" tool objdump -s 'main\.fault' "$emuprogs/fault" | awk '/MOVQ 0\(AX\), DX/ {print $2}')
  [ -n "$want" ] || fail "cannot find the faulting load with go tool objdump"
  field() { sed -n '/"stop":/,$p' "$tmp/trace.json" | grep -Eo "\"$1\":[[:space:]]*\"[^\"]*\"" | head -n1 | sed 's/.*"\([^"]*\)"$/\1/'; }
  [ "$(field pc)" = "$want" ] || fail "stop pc $(field pc), expected the load at $want"
  [ "$(field symbol)" = "main.fault.abi0+0x1b" ] || fail "stop symbol $(field symbol), expected main.fault.abi0+0x1b"
  [ "$(field rip)" = "$want" ] || fail "registers.rip $(field rip), expected $want"
  [ "$(field rcx)" = 0x2a ] || fail "rcx $(field rcx): the instructions before the load did not run"
  [ "$(field rdx)" != 0x1 ] || fail "rdx is 1: the instruction after the load ran"
  grep -q 'read of unmapped 0x1008' "$tmp/trace.json" || fail "the message does not name the address" ;;
fsops)
  # The in-memory tree (emu/fstree.c, sys_path.c): what a CLI does with $HOME/.cache,
  # temp files, links, times, directories and devices prints what a native run prints
  # (natively in this test's fresh mktemp -d directory, nowhere else).
  need "$emuprogs/fsops"
  mkdir "$tmp/home" || fail "mkdir"
  HOME="$tmp/home" "$emuprogs/fsops" >"$tmp/native" 2>&1 || fail "native run failed"
  run "$emuprogs/fsops" --env HOME=/tmp/home
  expect_rc 0
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "output differs from the native run"; }
  grep -Eq '"created":[[:space:]]*true' "$tmp/trace.json" || fail "no created file in the trace"
  # nothing the guest wrote reached the host
  [ -z "$(ls -A "$tmp/home")" ] || fail "native home not cleaned"
  [ ! -e /tmp/home/.cache/app ] || fail "a guest path exists on the host" ;;
fsbudget)
  # --max-fs bounds the tree: writes past it are ENOSPC; removing the file frees it.
  need "$emuprogs/fsops"
  run_args "$emuprogs/fsops" --max-fs 1000000 -- fill /tmp/big
  expect_rc 0
  grep -q '^filled [0-9]*: no space left on device$' "$tmp/out" || { cat "$tmp/out" >&2; fail "no ENOSPC"; }
  n=$(sed -n 's/^filled \([0-9]*\):.*/\1/p' "$tmp/out")
  [ "$n" -le 1000000 ] && [ "$n" -gt 900000 ] || fail "filled $n bytes with a 1000000-byte budget"
  grep -q '^after remove: 65536 ok$' "$tmp/out" || { cat "$tmp/out" >&2; fail "space not given back"; } ;;
signals)
  # Sent signals (emu/sigsend.c): os/signal.Notify with kill(self) for SIGUSR1/SIGHUP/
  # SIGTERM, tgkill to this thread, Stop, Ignore/Reset, kill of another pid (ESRCH),
  # rt_sigtimedwait timing out (EAGAIN) and taking a blocked pending signal with its
  # siginfo, rt_sigpending, a default-ignore SIGWINCH, then SIGTERM with the default
  # action: killed, 143 as a shell reports it. All as natively (the program signals
  # only itself).
  need "$emuprogs/signals"
  # natively with a clean signal state, as goboot's guest starts (a harness may hand its
  # children blocked or ignored signals), and its status as a shell would report it
  python3 -c 'import signal, subprocess, sys
def clean():
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGWINCH): signal.signal(s, signal.SIG_DFL)
r = subprocess.run([sys.argv[1]], stdout=open(sys.argv[2], "w"), stderr=subprocess.STDOUT, preexec_fn=clean)
sys.exit(128 - r.returncode if r.returncode < 0 else r.returncode)' "$emuprogs/signals" "$tmp/native"; nrc=$?
  [ "$nrc" = 143 ] || fail "native run: exit $nrc, not 143"
  run "$emuprogs/signals"
  expect_rc 143
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "output differs from the native run"; }
  python3 - "$tmp/trace.json" <<'PY' || fail "trace: signal events are not as expected"
import json, sys
t = json.load(open(sys.argv[1]))
ev = [e["ev"] for e in t["events"]]
assert "signal_sent" in ev and "signal_ignored" in ev, "no sent/ignored events"
assert t["stop"]["message"] == "killed by SIGTERM" and t["stop"]["exit_code"] == 143, t["stop"]
s = t["summary"]
assert s["signals_sent"] >= 6 and s["signals_delivered"] >= 4 and s["signals_ignored"] >= 1, s
PY
  ;;
preempt)
  # Async preemption: a `for {}` goroutine next to a ticker with GOMAXPROCS=1 lets main
  # run only through sysmon's SIGURG, delivered at the target's next block boundary: it
  # finishes as natively, the trace is the same twice; --no-preempt never finishes.
  need "$emuprogs/preempt"
  "$emuprogs/preempt" >"$tmp/native" 2>&1 || fail "native run failed"
  run "$emuprogs/preempt"
  expect_rc 0
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "output differs from the native run"; }
  grep -q '"signal":[[:space:]]*"SIGURG"' "$tmp/trace.json" || fail "no SIGURG in the trace"
  cp "$tmp/trace.json" "$tmp/t1.json"
  run "$emuprogs/preempt"
  cmp "$tmp/t1.json" "$tmp/trace.json" || fail "two runs gave different traces"
  run "$emuprogs/preempt" --no-preempt --max-insns 200000000
  expect_rc 81
  grep -q '"signal_suppressed"' "$tmp/trace.json" || fail "--no-preempt: no signal_suppressed event" ;;
sigpipe)
  # A write to a pipe with no reader: EPIPE plus SIGPIPE on the writer (pipe_write). Go
  # ignores it for fd > 2 and dies of it for fd 1 (exit 141, as natively).
  need "$emuprogs/sigpipe"
  "$emuprogs/sigpipe" >"$tmp/native" 2>&1; nrc=$?
  [ "$nrc" = 141 ] || fail "native run: exit $nrc, not 141"
  run "$emuprogs/sigpipe"
  expect_rc 141
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "output differs from the native run"; }
  grep -q '"message":[[:space:]]*"killed by SIGPIPE"' "$tmp/trace.json" || fail "stop is not 'killed by SIGPIPE'" ;;
hostsignal)
  # SIGTERM to goboot itself, after the guest printed, while it sleeps or spins: the run
  # ends with stop host_signal and exit 88, and the trace is written.
  need "$emuprogs/forever"
  for mode in sleep spin; do
    rm -f "$tmp/trace.json"
    "$goboot" run --quiet --trace "$tmp/trace.json" "$emuprogs/forever" $mode >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 600); do grep -q ready "$tmp/out" 2>/dev/null && break; sleep 0.1; done
    grep -q ready "$tmp/out" || { kill -KILL $pid; fail "$mode: the guest never printed"; }
    kill -TERM $pid
    wait $pid; rc=$?
    expect_rc 88
    grep -q '"reason":[[:space:]]*"host_signal"' "$tmp/trace.json" || fail "$mode: no host_signal stop in the trace"
    grep -q 'got SIGTERM from the host' "$tmp/trace.json" || fail "$mode: the stop does not name SIGTERM"
  done ;;
pipes)
  # Pipes (emu/pipe.c): 64 KiB buffers, blocking ends that wait in the scheduler and
  # re-run, EOF/EPIPE/EAGAIN, F_SETPIPE_SZ, poll, more than 16 at once: as natively.
  need "$emuprogs/pipes"
  "$emuprogs/pipes" >"$tmp/native" 2>&1 || fail "native run failed"
  run "$emuprogs/pipes"
  expect_rc 0
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "output differs from the native run"; }
  grep -Eq '"restarts":[[:space:]]*true' "$tmp/trace.json" || fail "no blocking pipe call re-ran" ;;
fork)
  # Processes (emu/proc.c): raw fork, wait4 with the exit status and rusage, WNOHANG,
  # ECHILD, a pipe shared across fork (EOF once the child's end is closed by its exit),
  # waitid with WNOWAIT, process groups: as natively. The trace is the same twice.
  need "$emuprogs/fork"
  "$emuprogs/fork" >"$tmp/native" 2>&1 || fail "native run failed"
  run "$emuprogs/fork"
  expect_rc 0
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "output differs from the native run"; }
  for ev in fork exit wait; do
    grep -Eq "\"ev\":[[:space:]]*\"$ev\"" "$tmp/trace.json" || fail "no $ev event"
  done
  grep -Eq '"pid":[[:space:]]*1[0-9]{3}' "$tmp/trace.json" || fail "no event carries a child's pid"
  mv "$tmp/trace.json" "$tmp/trace1.json"
  run "$emuprogs/fork"
  cmp -s "$tmp/trace1.json" "$tmp/trace.json" || fail "the trace differs between two runs" ;;
reexec)
  # execve (emu/exec.c) through os/exec: the program re-executes itself (its folder
  # mounted at the same path: a lazily read mounted binary), pipes stdin to the child,
  # reads its stdout, stderr and exit code 3, kills a child (SIGKILL: the parent sees
  # "signal: killed"); exec of a missing file, a non-ELF file, a
  # script without its interpreter, a file without x and a directory fail with the
  # native errors. The trace is the same twice, and record -> replay matches.
  need "$emuprogs/reexec"
  "$emuprogs/reexec" >"$tmp/native" 2>&1 || fail "native run failed"
  run "$emuprogs/reexec" --mount "$emuprogs:$emuprogs"
  expect_rc 0
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "output differs from the native run"; }
  grep -Eq '"ev":[[:space:]]*"exec"' "$tmp/trace.json" || fail "no exec event"
  grep -Eq '"status":[[:space:]]*"0x300"' "$tmp/trace.json" || fail "no wait event with exit status 3"
  grep -Eq '"signal":[[:space:]]*"SIGKILL"' "$tmp/trace.json" || fail "no exit event of a child killed by SIGKILL"
  mv "$tmp/trace.json" "$tmp/trace1.json"
  run "$emuprogs/reexec" --mount "$emuprogs:$emuprogs"
  cmp -s "$tmp/trace1.json" "$tmp/trace.json" || fail "the trace differs between two runs"
  "$goboot" record --quiet -o "$tmp/rec.json" --mount "$emuprogs:$emuprogs" "$emuprogs/reexec" >/dev/null 2>&1 ||
    fail "record failed"
  "$goboot" replay "$tmp/rec.json" </dev/null >"$tmp/replay" 2>&1 || { cat "$tmp/replay" >&2; fail "replay diverged"; } ;;
forkbomb)
  # --max-procs: every process forks forever (never run natively); forks past the budget
  # fail with EAGAIN and the run stops with the process budget's reason, exit 87.
  need "$emuprogs/fork"
  run_args "$emuprogs/fork" --max-procs 6 -- bomb
  expect_rc 87
  stop_is procs
  grep -q 'process budget: 6 processes' "$tmp/err" "$tmp/trace.json" || fail "the stop message does not name the budget"
  grep -q '"refused"' "$tmp/trace.json" || fail "no refused fork in the trace" ;;
netloop)
  # The loopback network (emu/net.h): HTTP via httptest on 127.0.0.1 and [::1], TCP echo
  # with shutdown(SHUT_WR), AF_UNIX stream (path and abstract), datagram, socketpair,
  # seqpacket, UDP echo, a refused dial: as natively (the native run listens only on
  # 127.0.0.1 and ::1, inside the program). The trace is byte-identical over two runs and
  # a recording replays.
  need "$emuprogs/netloop"
  "$emuprogs/netloop" >"$tmp/native" 2>&1 || { cat "$tmp/native" >&2; fail "native run failed"; }
  run "$emuprogs/netloop"
  expect_rc 0
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "output differs from the native run"; }
  for k in net_socket net_bind net_listen net_connect net_accept net_refused net_close; do
    grep -q "\"$k\"" "$tmp/trace.json" || fail "no $k event in the trace"
  done
  cp "$tmp/trace.json" "$tmp/trace1.json"
  run "$emuprogs/netloop"
  cmp "$tmp/trace1.json" "$tmp/trace.json" || fail "trace differs between two runs"
  "$goboot" record --quiet -o "$tmp/rec.json" "$emuprogs/netloop" >/dev/null 2>&1 || fail "record failed"
  "$goboot" replay "$tmp/rec.json" >"$tmp/replay" 2>&1 || { cat "$tmp/replay" >&2; fail "replay diverged"; } ;;
netoffnet)
  # Under goboot only (never natively: this machine's network is off limits): a dial to
  # TEST-NET 192.0.2.1 and to 2001:db8::1 is ENETUNREACH at once; localhost resolves from
  # /etc/hosts; a name not there fails through the resolver's UDP to 127.0.0.1:53, which
  # is refused at once (connected UDP: the port-unreachable error comes back on read).
  need "$emuprogs/netloop"
  run_args "$emuprogs/netloop" offnet
  expect_rc 0
  grep -qx 'dial 192.0.2.1: unreachable = true dial tcp 192.0.2.1:80: connect: network is unreachable' "$tmp/out" ||
    { cat "$tmp/out" >&2; fail "the TEST-NET dial did not fail with ENETUNREACH"; }
  grep -qx 'dial 2001:db8::1 udp: unreachable = true' "$tmp/out" || fail "the IPv6 dial was not ENETUNREACH"
  grep -qx 'localhost: \[127.0.0.1 ::1\] <nil>' "$tmp/out" || fail "localhost did not resolve from /etc/hosts"
  grep -q '^lookup nosuch.example.com fails: true lookup nosuch.example.com on 127.0.0.1:53: read udp 127.0.0.1:[0-9]*->127.0.0.1:53: read: connection refused$' "$tmp/out" ||
    { cat "$tmp/out" >&2; fail "the DNS lookup did not fail with a refused read from 127.0.0.1:53"; }
  grep -qx 'fast: true' "$tmp/out" || fail "not at once"
  grep -q '"net_unreachable"' "$tmp/trace.json" || fail "no net_unreachable event"
  cp "$tmp/out" "$tmp/out1"
  run_args "$emuprogs/netloop" offnet
  cmp "$tmp/out1" "$tmp/out" || fail "output differs between two runs" ;;
nohostsocket)
  # goboot makes no host socket syscall while the guest uses sockets (strace -f over the
  # whole goboot process, both socket programs).
  command -v strace >/dev/null || fail "strace is not installed (scripts/setup.sh installs it)"
  need "$emuprogs/netloop"
  # LeakSanitizer cannot run under ptrace: the sanitizer build checks leaks elsewhere
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0; export ASAN_OPTIONS
  strace -f -qq -e trace=network -o "$tmp/strace" "$goboot" run --quiet "$emuprogs/netloop" >"$tmp/out" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; fail "goboot run under strace failed"; }
  strace -f -qq -e trace=network -o "$tmp/strace2" "$goboot" run --quiet "$emuprogs/netloop" offnet >>"$tmp/out" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; fail "goboot run offnet under strace failed"; }
  grep -q 'echo:ping' "$tmp/out" || fail "the guest did not use its sockets"
  cat "$tmp/strace2" >>"$tmp/strace"
  if grep -E '(socket|connect|bind|sendto|sendmsg|recvfrom|recvmsg|listen|accept|socketpair)\(' "$tmp/strace" >&2; then
    fail "goboot made host socket syscalls (above)"
  fi ;;
stdin)
  # fd 0 (emu/stdin.c): gofmt formats what goboot's stdin or --stdin FILE holds, as the
  # native gofmt does; the summary has the bytes' count and sha256; a recording keeps
  # the bytes, so the replay needs no stdin; --stdin none is EOF at once.
  gofmt=/usr/lib/go-1.19/bin/gofmt
  need "$gofmt"
  printf 'package main\nimport "fmt"\nfunc main(){\nfmt.Println( "hi" )\n}\n' >"$tmp/main.go"
  "$gofmt" <"$tmp/main.go" >"$tmp/native" || fail "native gofmt failed"
  run "$gofmt" <"$tmp/main.go"
  expect_rc 0
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "gofmt < file differs from native"; }
  sha=$(sha256sum <"$tmp/main.go" | cut -d' ' -f1)
  size=$(wc -c <"$tmp/main.go")
  tr -d ' \t\n' <"$tmp/trace.json" | grep -q "\"stdin\":{\"bytes\":$size,\"sha256\":\"$sha\"}" ||
    fail "summary.stdin is not {bytes $size, sha256 $sha}"
  run "$gofmt" --stdin "$tmp/main.go" </dev/null
  expect_rc 0
  cmp "$tmp/native" "$tmp/out" || fail "--stdin FILE differs from native"
  run "$gofmt" --stdin none <"$tmp/main.go"
  expect_rc 0
  [ ! -s "$tmp/out" ] || fail "--stdin none still read the input"
  "$goboot" record --quiet -o "$tmp/rec.json" "$gofmt" <"$tmp/main.go" || fail "record failed"
  "$goboot" replay "$tmp/rec.json" </dev/null >"$tmp/replay" 2>&1 || { cat "$tmp/replay" >&2; fail "replay without stdin diverged"; } ;;
mount)
  # --mount HOST:GUEST (cli/mounts.c, emu/fstree.c): a read-only copy the guest reads
  # (symlinks resolved in its tree) and cannot change (EROFS); a recording keeps the
  # bytes, so the replay works once the host files are gone.
  need "$emuprogs/fsops"
  mkdir -p "$tmp/src/sub" && printf 'mounted bytes\n' >"$tmp/src/sub/data.txt" &&
    ln -s sub/data.txt "$tmp/src/link" || fail "setup"
  run_args "$emuprogs/fsops" --mount "$tmp/src:/work/src" -- mount /work/src
  expect_rc 0
  cat >"$tmp/want" <<'EOF_WANT'
listing: link:l sub:d
read: "mounted bytes\n" ok
through link: "mounted bytes\n" ok
readlink: sub/data.txt ok
open for write: read-only file system
create: read-only file system
mkdir: read-only file system
remove: read-only file system
chmod: read-only file system
rename out: read-only file system
EOF_WANT
  cmp "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out" >&2; fail "stdout differs"; }
  # --cwd: relative paths start there (a made directory for one that is missing)
  run_args "$emuprogs/fsops" --mount "$tmp/src:/work/src" --cwd /work/src -- mount .
  expect_rc 0
  cmp "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out" >&2; fail "--cwd: stdout differs"; }
  run_args "$emuprogs/fsops" --cwd /home/me/proj --max-fs 200000 -- fill big
  expect_rc 0
  grep -q '^after remove: 65536 ok$' "$tmp/out" || { cat "$tmp/out" >&2; fail "--cwd to a new directory"; }
  grep -q '"max_fs":[[:space:]]*200000' "$tmp/trace.json" && grep -q '"cwd":[[:space:]]*"/home/me/proj"' "$tmp/trace.json" ||
    fail "the trace header lacks vfs.max_fs or vfs.cwd"
  "$goboot" record --quiet -o "$tmp/rec.json" --cwd /work/src --mount "$tmp/src:/work/src" "$emuprogs/fsops" mount . ||
    fail "record failed"
  rm -rf "$tmp/src"
  "$goboot" replay "$tmp/rec.json" >"$tmp/replay" 2>&1 || { cat "$tmp/replay" >&2; fail "replay without the host files diverged"; } ;;
mountgo)
  # A lazy --mount (cli/mounts.c, emu/fstree.c gb_fs_fill) of the whole Go tree (474 MB
  # with /usr/share/go-1.19; more than a run may read): the listing is taken up front, a
  # file's bytes only when the guest opens it. /usr/lib/go-1.19/src is a symlink to
  # ../../share/go-1.19/src, resolved in the guest's tree: without that mount too it
  # leads nowhere. gofmt of a std file prints it unchanged.
  lib=/usr/lib/go-1.19 share=/usr/share/go-1.19 f=src/errors/errors.go
  gofmt=$lib/bin/gofmt
  need "$gofmt"; [ -f "$share/$f" ] || fail "missing input $share/$f"
  run_args "$gofmt" --mount "$lib:$lib" -- "$lib/$f"
  expect_rc 2
  grep -q 'no such file or directory' "$tmp/err" || { cat "$tmp/err" >&2; fail "the symlink out of the mount reached the host"; }
  run_args "$gofmt" --mount "$lib:$lib" --mount "$share:$share" -- "$lib/$f"
  expect_rc 0
  cmp "$share/$f" "$tmp/out" || fail "gofmt through the mounts did not print $f"
  # a recording keeps what was read, not the tree; its replay needs none of it
  cp -al "$lib" "$tmp/lib" 2>/dev/null && cp -al "$share" "$tmp/share" 2>/dev/null ||
    { rm -rf "$tmp/lib" "$tmp/share"; cp -a "$lib" "$tmp/lib" && cp -a "$share" "$tmp/share"; } || fail "copying the Go tree"
  "$goboot" record --quiet -o "$tmp/rec.json" --mount "$tmp/lib:$lib" --mount "$tmp/share:$share" \
    "$gofmt" "$lib/$f" >/dev/null || fail "record failed"
  rm -rf "$tmp/lib" "$tmp/share"
  [ "$(wc -c <"$tmp/rec.json")" -lt 20000000 ] || fail "the recording holds more than what the guest read"
  "$goboot" replay "$tmp/rec.json" >"$tmp/replay" 2>&1 || { cat "$tmp/replay" >&2; fail "replay without the host files diverged"; }
  # a recording that lacks bytes the replay needs says so
  size=$(wc -c <"$share/$f")
  sed "s|\(\"path\":\"$share/$f\",\"type\":1,\"mode\":[0-9]*,\)\"hex\":\"[0-9a-f]*\"|\1\"size\":$size|" \
    "$tmp/rec.json" >"$tmp/lack.json" || fail "sed"
  ! cmp -s "$tmp/rec.json" "$tmp/lack.json" || fail "the recording's entry for $f was not found"
  "$goboot" replay "$tmp/lack.json" >"$tmp/replay" 2>&1 && fail "a replay lacking the bytes it read passed"
  grep -q 'recording lacks the bytes of the mounted file /usr/share/go-1.19/src/errors/errors.go' "$tmp/replay" ||
    { cat "$tmp/replay" >&2; fail "the replay did not say what the recording lacks"; } ;;
export)
  # --export GUEST:HOSTDIR (cli/export.c, emu/fstree.c gb_fs_export): what the guest left
  # under GUEST comes out as a native run leaves it (modes, symlinks as symlinks, never
  # followed); an existing HOSTDIR is refused before the run.
  need "$emuprogs/fsops"
  "$emuprogs/fsops" leave "$tmp/native" >/dev/null || fail "native run failed"
  run_args "$emuprogs/fsops" --export "/tmp/out:$tmp/exp" -- leave /tmp/out
  expect_rc 0; expect_out left
  tree() { (cd "$1" && find . -printf '%P %y %m %s %l\n' | sort); }
  tree "$tmp/native" >"$tmp/want"; tree "$tmp/exp" >"$tmp/got"
  cmp "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got" >&2; fail "the export differs from the native run's files"; }
  cmp "$tmp/native/a/b/f.txt" "$tmp/exp/a/b/f.txt" || fail "exported bytes differ"
  [ -L "$tmp/exp/abs" ] && [ "$(readlink "$tmp/exp/a/up")" = ../../../../etc/passwd ] || fail "symlinks not kept as symlinks"
  chmod -R u+w "$tmp/native" "$tmp/exp"
  rm -f "$tmp/trace.json"
  run_args "$emuprogs/fsops" --export "/tmp/out:$tmp/exp" -- leave /tmp/out
  expect_rc 64
  [ ! -e "$tmp/trace.json" ] && [ ! -s "$tmp/out" ] || fail "the run went ahead over an existing HOSTDIR"
  grep -q 'must not exist' "$tmp/err" || { cat "$tmp/err" >&2; fail "no reason given"; } ;;
procfd)
  # /proc/self/fd (emu/fstree.c gb_fs_fd_refresh): a link per open descriptor, named as
  # Linux names them (the runtime's netpoll pipe and os.Pipe: two pipes, four ends; the
  # listing's own descriptor is closed by the time its link is read); opening one (or
  # /dev/stdout, /dev/fd/N) reaches what it holds.
  need "$emuprogs/fsops"; run_args "$emuprogs/fsops" -- fds
  expect_rc 0
  grep -q '^fd 0 -> pipe:\[1\] ok$' "$tmp/out" && grep -q '^fd 1 -> pipe:\[2\] ok$' "$tmp/out" &&
    grep -q '^fd 2 -> pipe:\[3\] ok$' "$tmp/out" && grep -q ' -> /tmp/open.txt ok$' "$tmp/out" &&
    grep -q ' -> anon_inode:\[eventpoll\] ok$' "$tmp/out" &&
    [ "$(grep -c ' -> pipe:\[1[6-9]\] ok$' "$tmp/out")" -eq 4 ] &&
    grep -q '^fd [0-9]* ->  no such file or directory$' "$tmp/out" || { cat "$tmp/out" >&2; fail "the /proc/self/fd links"; }
  grep -q '^/dev/stdout -> /proc/self/fd/1 ok$' "$tmp/out" && grep -q '^through /dev/stdout$' "$tmp/out" &&
    grep -q '^pipe read 1 "x"$' "$tmp/out" && grep -q '^file again: "abc" ok$' "$tmp/out" ||
    { cat "$tmp/out" >&2; fail "opening through /proc/self/fd"; }
  # the fd table's to change: a name held across a refresh would be gone
  grep -q '^create in /proc/self/fd: read-only file system$' "$tmp/out" &&
    grep -q '^remove a link: read-only file system$' "$tmp/out" &&
    grep -q '^link a link: invalid cross-device link$' "$tmp/out" || { cat "$tmp/out" >&2; fail "/proc/self/fd changed"; } ;;
vfsdir)
  # The guest's tree (emu/fstree.c): cwd "/", the default directories listed by
  # getdents64, Linux path resolution, root's read-only system directories (mkdir/create
  # EACCES for uid 1000), prctl names.
  # The errno lines were checked against a native run as uid 65534 (same errnos where
  # the host's tree agrees; the host kernel lacks CONFIG_ANON_VMA_NAME: EINVAL there).
  need "$goprogs/vfsdir"; run "$goprogs/vfsdir"
  expect_rc 0
  cat >"$tmp/want" <<'EOF_WANT'
getwd: "/" ok
stat ".": dr-xr-xr-x dir=true
stat "/": dr-xr-xr-x dir=true
stat "proc": dr-xr-xr-x dir=true
stat "/proc/self/../version": -r--r--r-- dir=false
stat "./dev//urandom": Dcrw-rw-rw- dir=false
stat "/proc/version/": not a directory
stat "/proc/version/x": not a directory
stat "/nope/x": no such file or directory
stat "/sys/kernel/mm": dr-xr-xr-x dir=true
readdir /: ok [dev:d etc:d home:d proc:d root:d sys:d tmp:d usr:d]
readdir /proc/self: ok [auxv:f exe:f fd:d]
readdir /dev: ok [fd:f full:c null:c random:c stderr:f stdin:f stdout:f urandom:c zero:c]
readdir /proc/version: not a directory []
read relative: 115 bytes ok
open dir: ok
openat dirfd: ok "2097152\n"
read dir: is a directory
open dir O_RDWR: is a directory
openat on a file fd: not a directory
O_DIRECTORY on a file: not a directory
mkdir v3: permission denied
mkdir /proc: file exists
mkdir /nope/x: no such file or directory
create: permission denied
access /proc w: permission denied
access /proc x: ok
access /proc/version r: ok
PR_GET_NAME: 0 "vfsdir"
PR_SET_NAME: 0, then 0 "worker-with-a-l"
PR_SET_VMA: 0
PR_SET_VMA bad char: invalid argument
PR_SET_VMA unaligned: invalid argument
PR_SET_VMA unmapped: cannot allocate memory
PR_GET_DUMPABLE: 1
prctl 9999: invalid argument
EOF_WANT
  cmp -s "$tmp/want" "$tmp/out" || { diff "$tmp/want" "$tmp/out" >&2; fail "stdout differs"; }
  if grep -q '"unknown_syscall"' "$tmp/trace.json"; then fail "an unknown syscall"; fi
  grep -Eq '"vma_name":[[:space:]]*"goboot test"' "$tmp/trace.json" || fail "no vma_name in the trace" ;;
selfexe)
  # os.Executable is readlink("/proc/self/exe"): AT_EXECFN made absolute against the
  # virtual cwd "/" and normalised; the file itself is the binary (emu/vfs.c), so
  # debug/buildinfo can read it. Nothing of the host's paths appears. The guest's
  # sha256 of the file is sha256sum's: the loader's own readers (libelf, libdw, which
  # rewrites section headers when it inflates compressed DWARF) never write the bytes
  # the guest sees.
  need "$goprogs/selfexe"
  run_args "$goprogs/selfexe" --argv0 ./bin/../tools//selfexe -- hash
  expect_rc 0
  size=$(wc -c <"$goprogs/selfexe")
  sum=$(sha256sum <"$goprogs/selfexe" | cut -d' ' -f1)
  expect_out "executable: /tools/selfexe
/proc/self/exe: $size bytes, ELF magic true
sha256: $sum
built with: go1.19.8"
  grep -Eq '"target":[[:space:]]*"/tools/selfexe"' "$tmp/trace.json" || fail "no readlink target in the trace"
  # The same program saying go1.18.8, a release without a measured row: the loader
  # reads its DWARF (inflating .debug_info), and the guest still reads the file's bytes.
  LC_ALL=C sed 's/go1\.19\.8/go1.18.8/g' "$goprogs/selfexe" >"$tmp/selfexe-go1.18"
  chmod +x "$tmp/selfexe-go1.18"
  "$goboot" inspect "$tmp/selfexe-go1.18" | grep -q '^layout  *(dwarf)' ||
    fail "the go1.18.8 copy does not take its layout from DWARF"
  run_args "$tmp/selfexe-go1.18" --argv0 /selfexe -- hash
  expect_rc 0
  sum=$(sha256sum <"$tmp/selfexe-go1.18" | cut -d' ' -f1)
  expect_out "executable: /selfexe
/proc/self/exe: $size bytes, ELF magic true
sha256: $sum
built with: go1.18.8" ;;
sigframe-cgo)
  # C handlers (SA_NODEFER, SA_RESETHAND, SA_ONSTACK, a blocked mask) and what each sees
  # of its frame: masks in and saved by the frame, si_code/si_addr, trapno, the page-fault
  # error code, uc_stack, sigaltstack's SS_ONSTACK, the frame's shape. Equal to the real
  # kernel's, line for line (sigframe.c prints nothing that depends on addresses).
  need "$goprogs/sigframe-cgo"; run "$goprogs/sigframe-cgo"
  expect_rc 0
  "$goprogs/sigframe-cgo" >"$tmp/native" 2>&1 || fail "native run failed"
  [ "$(wc -l <"$tmp/native")" -eq 8 ] || fail "native run printed $(wc -l <"$tmp/native") lines, not 8"
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "handlers saw other frames than on the real kernel"; }
  python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); n=sum(e["ev"]=="signal" for e in t["events"]); sys.exit(n != 8)' "$tmp/trace.json" || fail "not 8 signal events in the trace" ;;
nilpanic)
  # Go's SIGSEGV handler gets each nil dereference (signal delivery, emu/signal.c): two
  # are recovered, the last one panics; "div" ends with runtime.panicdivide instead.
  # Output and exit code equal the native run's, byte for byte (the pc= and goroutine
  # lines too: same binary, same addresses); the trace is deterministic.
  need "$goprogs/nilpanic"
  for mode in div ""; do
    # shellcheck disable=SC2086
    run_args "$goprogs/nilpanic" -- $mode
    expect_rc 2
    # shellcheck disable=SC2086
    "$goprogs/nilpanic" $mode >"$tmp/nout" 2>"$tmp/nerr"; [ $? -eq 2 ] || fail "native run did not exit 2"
    cmp "$tmp/nout" "$tmp/out" || { diff "$tmp/nout" "$tmp/out" >&2; fail "stdout differs from native ($mode)"; }
    cmp "$tmp/nerr" "$tmp/err" || { diff "$tmp/nerr" "$tmp/err" >&2; fail "stderr differs from native ($mode)"; }
  done
  grep -q 'signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=' "$tmp/err" || fail "no [signal SIGSEGV] line"
  run "$goprogs/nilpanic"; cp "$tmp/trace.json" "$tmp/t1.json"
  python3 - "$tmp/trace.json" <<'PY' || fail "signal/sigreturn events are not as expected"
import json, sys
t = json.load(open(sys.argv[1]))
sig = [e for e in t["events"] if e["ev"] == "signal"]
ret = [e for e in t["events"] if e["ev"] == "sigreturn"]
assert len(sig) == 3 and len(ret) == 3, (len(sig), len(ret))
for e in sig:
    assert (e["signo"], e["signal"], e["code"], e["addr"]) == (11, "SIGSEGV", 1, "0x0"), e
    assert e["symbol"] == "main.load" and e["handler"].startswith("runtime.sigtramp"), e
    assert e["altstack"] is True and e["tid"] == 1000, e
for e in ret:
    assert e["symbol"].startswith("runtime.sigpanic"), e  # Go rewrote the frame's rip
assert t["stop"]["reason"] == "exit" and t["stop"]["guest_exit_code"] == 2
PY
  run "$goprogs/nilpanic"; cmp "$tmp/t1.json" "$tmp/trace.json" || fail "two runs give different traces" ;;
sigfpe)
  # a hardware divide error (#DE) in assembly → SIGFPE FPE_INTDIV → Go's panicdivide
  need "$emuprogs/fault"; run_args "$emuprogs/fault" -- div; expect_rc 2
  "$emuprogs/fault" div >"$tmp/nout" 2>"$tmp/nerr"
  cmp "$tmp/nerr" "$tmp/err" || { diff "$tmp/nerr" "$tmp/err" >&2; fail "stderr differs from native"; }
  grep -q '^\[signal SIGFPE: floating-point exception code=0x1 ' "$tmp/err" || fail "no [signal SIGFPE] line"
  grep -q '"signal":[[:space:]]*"SIGFPE"' "$tmp/trace.json" || fail "no SIGFPE signal event" ;;
sigsegv-fatal|sigill)
  # Go's handler makes these fatal and prints every goroutine. Natively with one CPU
  # (goboot's default) and an empty environment the output is the same except: parked
  # goroutines' argument guesses ("0x41de76?") are stale stack words that depend on host
  # timing, so only goroutine 1's section is compared; and in SIGILL's register dump rdx
  # and r15 hold host stack/mmap addresses (ASLR) and r11 is 0 because Unicorn's syscall
  # instruction does not set RCX/R11 as the CPU does (docs/unicorn.md § The syscall hook).
  need "$emuprogs/fault"
  mode=handled; [ "$name" = sigill ] && mode=ill
  run_args "$emuprogs/fault" -- "$mode"; expect_rc 2
  # Natively, about 1 run in 10 has its main goroutine's stack 32 KiB higher in the heap
  # (the runtime's background goroutines allocated first): goboot must equal one of up to
  # 5 native runs.
  cut_g1() { sed -e '/^goroutine 2 /,/^rax /{/^rax /!d}' -e '/^\(rdx\|r11\|r15\) /d' "$1"; }
  cut_g1 "$tmp/err" >"$tmp/g1"
  same=0
  for _ in 1 2 3 4 5; do
    env -i taskset -c 0 "$emuprogs/fault" "$mode" >"$tmp/nout" 2>"$tmp/nerr"
    cut_g1 "$tmp/nerr" >"$tmp/n1"
    if cmp -s "$tmp/n1" "$tmp/g1"; then same=1; break; fi
  done
  [ "$same" = 1 ] || { diff "$tmp/n1" "$tmp/g1" >&2; fail "stderr differs from native"; }
  if [ "$mode" = ill ]; then
    grep -q '^SIGILL: illegal instruction$' "$tmp/err" || fail "no SIGILL message"
    grep -q '^rflags 0x10246$' "$tmp/err" || fail "the saved flags lack RF"
  else
    grep -q '^unexpected fault address 0x1008$' "$tmp/err" || fail "no 'unexpected fault address'"
  fi ;;
faultsite)
  # Data faults taken by a handler of its own that records the frame and resumes after
  # the faulting instruction: the same instructions fault again and again, from blocks
  # that set the flags just before them and from two block starts, among faults
  # elsewhere (progs/faultsite). The first fault at an instruction is located by a
  # replay, the later ones by the code hook left on it (emu/faultpc.c): RIP, RFLAGS,
  # si_addr, si_code, the error code and the registers must be the kernel's for both.
  need "$emuprogs/faultsite"
  printf 'faults on stdin\nsecond line\n' >"$tmp/in"
  run "$emuprogs/faultsite" <"$tmp/in"; expect_rc 0
  "$emuprogs/faultsite" <"$tmp/in" >"$tmp/native" 2>&1 || fail "native run failed"
  grep -qx 'stdin: "faults" " on stdin\\nsecond line\\n"' "$tmp/native" || fail "native run: $(tail -n1 "$tmp/native")"
  [ "$(head -n1 "$tmp/native")" = "faults: 17 105000000" ] || fail "native run: $(head -n1 "$tmp/native")"
  cmp "$tmp/native" "$tmp/out" || { diff "$tmp/native" "$tmp/out" >&2; fail "the handler saw other frames than on the real kernel"; }
  cp "$tmp/trace.json" "$tmp/t1.json"
  python3 - "$tmp/trace.json" <<'PY' || fail "signal/sigreturn events are not as expected"
import json, sys
t = json.load(open(sys.argv[1]))
# the faults; sysmon's SIGURG preemption signals (sent) come and return among them
sent = [e for e in t["events"] if e["ev"] == "signal" and e.get("sent")]
assert all(e["signal"] == "SIGURG" for e in sent), sent
sig = [e for e in t["events"] if e["ev"] == "signal" and not e.get("sent")]
fpcs = set(int(e["pc"], 16) + 3 for e in sig)
ret = [e for e in t["events"] if e["ev"] == "sigreturn" and int(e["pc"], 16) in fpcs]
nret = len([e for e in t["events"] if e["ev"] == "sigreturn"])
assert len(sig) == 17 and len(ret) == 17 and nret == 17 + len(sent), (len(sig), len(ret), nret, len(sent))
assert [e["i"] for e in sig] == sorted(set(e["i"] for e in sig)), "i not increasing"
for e, r in zip(sig, ret):
    assert e["symbol"].split(".abi0+")[0] in ("main.loadcmp", "main.storeadd", "main.twoways", "main.late"), e
    assert int(r["pc"], 16) == int(e["pc"], 16) + 3, (e, r)  # resumed after the instruction
PY
  run "$emuprogs/faultsite" <"$tmp/in"; cmp "$tmp/t1.json" "$tmp/trace.json" || fail "two runs give different traces" ;;
deadlock)
  # the only thread futex-waits with no timeout: nothing can wake it
  need "$emuprogs/futexwait"; run "$emuprogs/futexwait"; expect_rc 85; stop_is deadlock
  grep -q '"name":[[:space:]]*"futex"' "$tmp/trace.json" || fail "no futex syscall in the trace" ;;
contend)
  # 8 goroutines waiting for each other (a CAS spin lock, a sync.Mutex, a channel) on 8
  # CPUs: a thread that spins for a lock must give up its time slice at once (its holder
  # cannot run before), so the work stays that of one CPU. Without it: 4.4x, 4.1x, 1.5x.
  need "$emuprogs/contend"
  insns() { sed -n 's/.*"instructions":[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$tmp/trace.json" | tail -n 1; }
  for mode in cas mutex chan; do
    run_args "$emuprogs/contend" --ncpu 1 -- "$mode" 5000; expect_rc 0
    one=$(insns)
    run_args "$emuprogs/contend" --ncpu 8 -- "$mode" 5000; expect_rc 0
    grep -q "^$mode: total \([0-9]*\) (want \1)\$" "$tmp/out" || fail "$mode: wrong total: $(cat "$tmp/out")"
    grep -q '^GOMAXPROCS 8$' "$tmp/out" || fail "$mode: GOMAXPROCS is not 8"
    eight=$(insns)
    [ -n "$one" ] && [ -n "$eight" ] || fail "$mode: no instruction count in the trace"
    [ $((eight * 4)) -le $((one * 5)) ] ||
      fail "$mode: $eight instructions on 8 CPUs, more than 1.25 x $one on one: spinning threads burn their slices"
    cp "$tmp/trace.json" "$tmp/first.json"
    run_args "$emuprogs/contend" --ncpu 8 -- "$mode" 5000
    cmp -s "$tmp/first.json" "$tmp/trace.json" || fail "$mode: two runs on 8 CPUs differ"
  done ;;
*) fail "unknown test" ;;
esac
echo "ok [$name]"
