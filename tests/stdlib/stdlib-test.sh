#!/bin/sh
# stdlib-test.sh PKG GOBOOT CACHE: the Go 1.19 standard-library test binary of PKG
# (go test -c, cached in CACHE/stdlib), run with -test.short -test.v from its package
# folder natively and under goboot (the folder and what the tests read of GOROOT
# mounted read-only at the same guest paths; a package whose tests re-execute the test
# binary runs a copy of it in a temporary folder mounted at the same path: the cache
# below /root is not the guest's to enter). PASSES when goboot's run ends in PASS
# with no failure and reports exactly the tests the native run reports (PASS or SKIP:
# natively this may be root, which some tests skip; the guest is uid 1000). Tests that
# need signals delivered to handlers or sockets are left out (named below, with why).
set -u
pkg=$1 goboot=$2 cache=$3
go=/usr/lib/go-1.19/bin/go
name=$(echo "$pkg" | tr / _)
bin=$cache/stdlib/go1.19-$name.test
src=/usr/lib/go-1.19/src/$pkg
real=$(readlink -f "$src")
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$go" ] || fail "missing $go (scripts/setup.sh installs golang-1.19)"
[ -d "$real" ] || fail "missing $src"
if [ ! -x "$bin" ]; then
  mkdir -p "$cache/stdlib" || fail "cannot make $cache/stdlib"
  (cd "$real" && env GOFLAGS= GO111MODULE=off CGO_ENABLED=0 GOCACHE="$cache/go/build" \
     "$go" test -c -o "$bin.tmp" "$pkg") && mv "$bin.tmp" "$bin" || fail "go test -c $pkg"
fi

# Left out, and why:
case $pkg in
os) skip="TestErrProcessDone TestExecutableDeleted" # run the go tool (not in the tree)
    skip="$skip TestStartProcess TestStatStdin" # run /bin/pwd, /bin/sh: not in the tree
    skip="$skip TestFifoEOF" # mkfifo: no FIFOs in the tree yet
    ;;
os/exec) skip="TestExtraFiles" ;; # runs the go tool (not in the tree)
os/signal) skip="TestNohup" ;; # its nohup cases run /usr/bin/nohup (a host program, not in the tree)
*) skip= ;;
esac
mounts="--mount $real:$src"
[ "$pkg" = path/filepath ] && mounts="$mounts --mount $(readlink -f /usr/lib/go-1.19/test):/usr/lib/go-1.19/test"

tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
case $pkg in
os|os/exec|os/signal) # they run the test binary again (os.Args[0], /proc/self/exe)
  mkdir "$tmp/bin" && cp "$bin" "$tmp/bin/" || fail "cannot copy $bin"
  bin=$tmp/bin/$(basename "$bin")
  mounts="$mounts --mount $tmp/bin:$tmp/bin" ;;
esac
(cd "$real" && "$bin" -test.list '.*') > "$tmp/all" || fail "native -test.list"
for t in $skip; do echo "$t"; done > "$tmp/skip"
grep -vxF -f "$tmp/skip" "$tmp/all" > "$tmp/run"
re="^($(paste -sd'|' "$tmp/run"))\$"
(cd "$real" && "$bin" -test.short -test.v -test.run "$re") > "$tmp/native" 2>&1 || {
  tail -20 "$tmp/native"; fail "the native run fails"; }
"$goboot" run "$bin" --quiet $mounts --cwd "$src" --env HOME=/home/user --env USER=user \
  --env PATH=/usr/bin:/bin --max-insns 2e11 --stdin none -- -test.short -test.v -test.run "$re" \
  > "$tmp/guest" 2>&1
rc=$?
names() { sed -n 's/^ *--- \(PASS\|SKIP\): \([^ ]*\) .*/\2/p' "$1" | sort; }
names "$tmp/native" > "$tmp/native.names"
names "$tmp/guest" > "$tmp/guest.names"
if [ $rc -ne 0 ] || grep -q -- '--- FAIL' "$tmp/guest" || [ "$(tail -1 "$tmp/guest")" != PASS ]; then
  grep -B3 -A12 -- '--- FAIL\|^panic\|^fatal' "$tmp/guest" | head -60
  tail -5 "$tmp/guest"
  fail "$pkg under goboot: exit $rc"
fi
diff "$tmp/native.names" "$tmp/guest.names" > "$tmp/d" || { cat "$tmp/d"; fail "$pkg: the tests reported differ"; }
echo "$pkg: $(wc -l < "$tmp/guest.names") tests PASS under goboot as natively ($(wc -l < "$tmp/skip") left out)"
