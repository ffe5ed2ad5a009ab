#!/usr/bin/env bash
# cli_errors.sh GOBOOT HELLO STATIC_C — `goboot inspect` gives each kind of bad input a
# clear message and its documented exit code; good inputs exit 0.
set -u
goboot=$1 hello=$2 static_c=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

# expect CODE PATTERN -- ARGS...: exit code and a stderr/stdout line matching PATTERN.
expect() {
  local code=$1 pat=$2; shift 3
  n=$((n + 1))
  out=$("$goboot" "$@" 2>&1); got=$?
  if [ "$got" -ne "$code" ] || ! grep -qE -- "$pat" <<<"$out"; then
    echo "FAIL goboot $* -> exit $got (want $code), output:"; sed 's/^/    /' <<<"$out"
    fails=$((fails + 1))
  else
    echo "ok   goboot $* -> $got: $(grep -E -m1 -- "$pat" <<<"$out")"
  fi
}

printf 'hello' >"$tmp/text"
head -c 100 "$hello" >"$tmp/cut"
expect 0  'boot path'                    -- inspect "$hello"
expect 0  '"go_version":'                -- inspect --json "$hello"
expect 65 'No such file'                 -- inspect "$tmp/missing"
expect 66 'not an ELF'                   -- inspect "$tmp/text"
expect 67 'truncated'                    -- inspect "$tmp/cut"
expect 72 'dynamically linked \(interpreter /lib'  -- inspect /bin/true
expect 64 "bad value .1. for --quantum"  -- run --quantum 1 "$hello"
expect 0  "hello, world"               -- run --quiet --quantum 2 "$hello"
expect 0  'not a Go binary'              -- inspect "$static_c"
# A regular file is mapped; what cannot be mapped is read: a pipe, an empty file, a
# directory. Both ways give the file's bytes (the sha256 is sha256sum's).
sum=$(sha256sum <"$hello" | cut -d' ' -f1)
: >"$tmp/empty"
expect 0  "sha256 $sum"                  -- inspect "$hello"
expect 0  "sha256 $sum"                  -- inspect <(cat "$hello")
expect 66 'not an ELF'                   -- inspect "$tmp/empty"
expect 65 'Is a directory'               -- inspect "$tmp"
expect 64 'usage'                        -- inspect
expect 64 'unknown command'              -- frobnicate
expect 0  'goboot [0-9]'                 -- --version
expect 0  'Exit codes'                   -- --help
# Like a UPX-packed binary: no section headers at all, so no Go metadata to find.
python3 - "$static_c" "$tmp/nosections" <<'PY'
import sys, struct
b = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<Q', b, 0x28, 0)       # e_shoff
struct.pack_into('<HH', b, 0x3c, 0, 0)   # e_shnum, e_shstrndx
open(sys.argv[2], 'wb').write(b)
PY
expect 0  'not a Go binary'              -- inspect "$tmp/nosections"
echo "$((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
