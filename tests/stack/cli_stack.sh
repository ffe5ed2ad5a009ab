#!/bin/sh
# cli_stack.sh GOBOOT BINARY — `goboot stack` end to end: the picture, the JSON, the
# options shared with run/check (inputs.h), and the exit codes of bad input.
set -u
goboot=$1 bin=$2
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
expect() { # expect CODE CMD... : the command must exit with CODE
  want=$1; shift
  "$@" >"$t/out" 2>"$t/err"; got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: '$*' exited $got, expected $want"; cat "$t/err"; fail=1
  fi
}
has() { grep -q -- "$1" "$t/out" || { echo "FAIL: output lacks '$1'"; fail=1; }; }

expect 0 "$goboot" stack "$bin" --arg x --arg yy --env A=1 --env B=22
has '← RSP'; has 'argc = 3'; has 'argv\[2\] string "yy"'; has 'envp\[1\] string "B=22"'
has 'platform "x86_64"'; has 'AT_RANDOM'; has 'AT_NULL'; has 'padding'; has 'stack top'
rsp_text=$(sed -n 's/^RSP = \(0x[0-9a-f]*\).*/\1/p' "$t/out")

expect 0 "$goboot" stack "$bin" --arg x --arg yy --env A=1 --env B=22 --json
has '"rsp":'; has '"AT_PAGESZ"'
rsp_json=$(sed -n 's/^[[:space:]]*"rsp":[[:space:]]*"\(0x[0-9a-f]*\)".*/\1/p' "$t/out")
[ -n "$rsp_text" ] && [ "$rsp_text" = "$rsp_json" ] || { echo "FAIL: RSP text '$rsp_text' json '$rsp_json'"; fail=1; }
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["argc"]==3 and d["auxv"][-1]["tag"]==0' "$t/out" ||
    { echo "FAIL: JSON"; fail=1; }
fi

# Same seed, same bytes; another seed, other random bytes.
"$goboot" stack "$bin" --seed 5 --json >"$t/a"; "$goboot" stack "$bin" --seed 5 --json >"$t/b"
"$goboot" stack "$bin" --seed 6 --json >"$t/c"
cmp -s "$t/a" "$t/b" || { echo "FAIL: --seed not deterministic"; fail=1; }
cmp -s "$t/a" "$t/c" && { echo "FAIL: --seed ignored"; fail=1; }

expect 0 "$goboot" stack "$bin" --auxv AT_PAGESZ=65536 --auxv +AT_PAGESZ=4096 --auxv -AT_HWCAP2
has 'AT_PAGESZ            0x10000'; has 'AT_PAGESZ            0x1000 '
grep -q AT_HWCAP2 "$t/out" && { echo "FAIL: -AT_HWCAP2 kept"; fail=1; }
expect 0 "$goboot" stack "$bin" --mimic-host --vdso 0x7ffff7ffd000 --stack-top 0x7ff000000000 --execfn /x
has 'AT_SYSINFO_EHDR      0x7ffff7ffd000'; has 'AT_EXECFN string "/x"'; has '0x7ff000000000'
expect 0 "$goboot" stack --help
expect 64 "$goboot" stack
expect 64 "$goboot" stack "$bin" --auxv NOPE=1
expect 64 "$goboot" stack "$bin" --auxv AT_PAGESZ
expect 64 "$goboot" stack "$bin" --seed -1
expect 64 "$goboot" stack "$bin" --stack-top 0x1234
expect 64 "$goboot" stack "$bin" --bogus
expect 65 "$goboot" stack "$t/missing"
expect 66 "$goboot" stack /etc/hostname
exit $fail
