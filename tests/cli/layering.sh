#!/usr/bin/env bash
# layering.sh SRC — cli/ only parses options and prints (docs/DESIGN.md): no C file under
# cli/ talks to Unicorn (uc_*, unicorn.h) or starts a host process (fork, exec*, wait*,
# posix_spawn, system, popen, personality); check/ and emu/ do that behind their APIs.
set -u
src=$1
hits=$(grep -nE '\buc_[a-z_]+[[:space:]]*\(|unicorn/unicorn\.h|\b(v?fork|execve|execvp?e?|execlp?e?|fexecve|posix_spawnp?|waitpid|waitid|wait[34]?|system|popen|personality)[[:space:]]*\(' \
  "$src"/cli/*.c "$src"/cli/*.h)
n=$(ls "$src"/cli/*.c | wc -l)
if [ -n "$hits" ]; then
  echo "FAIL cli/ calls what belongs in a library:"
  sed 's/^/    /' <<<"$hits"
  exit 1
fi
echo "ok   $n C files under cli/: no Unicorn, no host processes"
