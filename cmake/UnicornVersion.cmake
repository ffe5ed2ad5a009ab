# goboot_check_unicorn_version(VERSION): refuse the Unicorn versions goboot cannot use.
# 2.1.1 is the one goboot is measured on and pins (scripts/setup.sh; README
# "Dependencies"; docs/unicorn.md "Why exactly 2.1.1"). Measured and refused:
#   < 2.1.1  bookworm's 2.0.1: every guest store takes a slow path (4.6 M stores/s against
#            2.1.1's 257 M; Go code ~5x slower) and the CPU model is ignored (one fixed
#            CPUID without POPCNT: GOAMD64=v2 binaries cannot start);
#   2.1.4    a lookup of the memory mapping on every store: 14 M stores/s, ~18x slower.
# 2.1.2, 2.1.3 and later ones were never measured: accepted with a warning, since the
# goldens, the instruction counts and the timings all come from 2.1.1.
function(goboot_check_unicorn_version version)
  set(fix "run scripts/setup.sh, which installs Debian 13's libunicorn-dev 2.1.1 (README, Dependencies)")
  if(version VERSION_LESS 2.1.1)
    message(FATAL_ERROR
      "goboot needs Unicorn >= 2.1.1, found ${version}. Bookworm's 2.0.1 sends every guest "
      "store through a slow path and ignores the CPU model; ${fix}.")
  elseif(version VERSION_GREATER_EQUAL 2.1.4 AND version VERSION_LESS 2.1.5)
    message(FATAL_ERROR
      "goboot refuses Unicorn ${version}: 2.1.4 looks up the memory mapping on every guest "
      "store, ~18x slower than 2.1.1 on stores; ${fix}.")
  elseif(NOT version VERSION_EQUAL 2.1.1)
    message(WARNING
      "Unicorn ${version} was never measured with goboot (2.1.1 is): the goldens and "
      "instruction counts may differ and the speed is unknown; ${fix}.")
  endif()
endfunction()
