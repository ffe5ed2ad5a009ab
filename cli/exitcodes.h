/* exitcodes.h — goboot's process exit codes, by name, and the table `goboot --help`
 * prints (README's "Exit codes" says the same; tests/cli/test_exit_codes.c compares the
 * three). 0 and 64–78 are the loader's statuses (gb_status, loader/image.h), which double
 * as exit codes; 80–87 are what emu/'s gb_stop_exit_code() gives for each stop reason;
 * 1 and 2 are the verdicts of the commands that compare. */
#ifndef GOBOOT_CLI_EXITCODES_H
#define GOBOOT_CLI_EXITCODES_H

#include "image.h" /* GB_OK, GB_E_USAGE .. GB_E_NOMEM */

enum {
  GB_E_DIFFER = 1,       /* check, diff, golden, replay: a difference */
  GB_E_REFUSED = 2,      /* replay: the binary or the versions are not the recorded ones */
  GB_E_GUEST_FAULT = 80, /* emulation stopped: the guest faulted */
  GB_E_INSN_BUDGET = 81, /* ... the instruction budget ran out */
  GB_E_MEM_BUDGET = 82,  /* ... the guest-memory budget ran out */
  GB_E_WALL_CLOCK = 83,  /* ... the wall-clock guard fired */
  GB_E_UNSUPPORTED = 84, /* ... a feature goboot does not emulate; check: a binary it cannot judge */
  GB_E_DEADLOCK = 85,    /* ... every guest thread blocked */
  GB_E_EMULATOR = 86,    /* ... the emulator failed (Unicorn refused something) */
  GB_E_PROC_BUDGET = 87, /* ... the process budget (--max-procs): a fork bomb */
  GB_E_HOST_SIGNAL = 88  /* ... goboot got SIGINT, SIGTERM or SIGHUP (the trace is still written) */
};

#define GB_EXIT_CODES_HELP                                                                \
  "Exit codes:\n"                                                                         \
  "  0        success; run passes the guest's own exit code through\n"                    \
  "  1        a comparison found a difference (check, diff, golden, replay)\n"            \
  "  2        replay refused: the binary or the versions differ from the recording\n"     \
  "  64       bad command line\n"                                                         \
  "  65       cannot read the file\n"                                                     \
  "  66-77    invalid ELF: 66 not ELF, 67 truncated, 68 ELF32, 69 big-endian,\n"          \
  "           70 not x86-64, 71 not EXEC/DYN, 72 dynamically linked, 73 no PT_LOAD,\n"    \
  "           74 filesz > memsz, 75 out of bounds, 76 overlapping segments,\n"            \
  "           77 entry outside executable segments\n"                                     \
  "  78       out of host memory\n"                                                       \
  "  80-87    emulation stopped: 80 guest fault, 81 instruction budget, 82 memory budget,\n" \
  "           83 wall-clock guard, 84 unsupported feature, 85 deadlock, 86 emulator error,\n" \
  "           87 process budget (--max-procs)\n" \
  "  88       goboot got SIGINT, SIGTERM or SIGHUP: the run ends, the trace is written\n"

#endif
