/* runopts.h — the emulator options of every command that runs a guest to produce a
 * trace (run, record, golden): their getopt_long entries, their --help lines, and
 * gb_runopts_option(), which applies one of them to a gb_emu_opts. Also
 * gb_guest_prepare(): load a Go binary and build its stack as all those commands do. */
#ifndef GOBOOT_CLI_RUNOPTS_H
#define GOBOOT_CLI_RUNOPTS_H

#include <getopt.h>

#include "emu.h"
#include "inputs.h"

/* 0x1800..0x18ff: run options (inputs use 0x1000.., commands their own from 0x2000). */
enum {
  GB_OPT_UNTIL = 0x1800, GB_OPT_MAX_INSNS, GB_OPT_MAX_MEM, GB_OPT_TIMEOUT, GB_OPT_QUANTUM,
  GB_OPT_NCPU, GB_OPT_TLS_ALL, GB_OPT_CGROUP, GB_OPT_CPU_QUOTA, GB_OPT_CPU_PERIOD,
  GB_OPT_MOUNTINFO, GB_OPT_EXACT, GB_OPT_MAX_FS, GB_OPT_STDIN, GB_OPT_MOUNT, GB_OPT_CWD,
  GB_OPT_MAX_PROCS,
  GB_OPT_NO_PREEMPT
};

#define GB_RUN_LONGOPTS                                           \
  {"until", required_argument, 0, GB_OPT_UNTIL},                  \
  {"max-insns", required_argument, 0, GB_OPT_MAX_INSNS},          \
  {"max-mem", required_argument, 0, GB_OPT_MAX_MEM},              \
  {"timeout", required_argument, 0, GB_OPT_TIMEOUT},              \
  {"quantum", required_argument, 0, GB_OPT_QUANTUM},              \
  {"ncpu", required_argument, 0, GB_OPT_NCPU},                    \
  {"tls-all", no_argument, 0, GB_OPT_TLS_ALL},                    \
  {"cgroup", required_argument, 0, GB_OPT_CGROUP},                \
  {"cpu-quota", required_argument, 0, GB_OPT_CPU_QUOTA},          \
  {"cpu-period", required_argument, 0, GB_OPT_CPU_PERIOD},        \
  {"mountinfo", no_argument, 0, GB_OPT_MOUNTINFO},                \
  {"exact-insns", no_argument, 0, GB_OPT_EXACT},                  \
  {"max-fs", required_argument, 0, GB_OPT_MAX_FS},                \
  {"stdin", required_argument, 0, GB_OPT_STDIN},                  \
  {"mount", required_argument, 0, GB_OPT_MOUNT},                  \
  {"cwd", required_argument, 0, GB_OPT_CWD},                      \
  {"max-procs", required_argument, 0, GB_OPT_MAX_PROCS},  \
  {"no-preempt", no_argument, 0, GB_OPT_NO_PREEMPT}

#define GB_RUN_HELP                                                                        \
  "  --until WHERE      stop at exit (default), main.main, runtime.main or any SYMBOL\n"   \
  "  --max-insns N      instruction budget (default 2e10) -> exit 81\n"                     \
  "  --max-mem BYTES    committed guest memory budget (default 4 GiB) -> exit 82\n"         \
  "  --timeout SECONDS  wall-clock guard (default 600) -> exit 83\n"                        \
  "  --quantum N        basic blocks per time slice (default 2000, at least 2)\n"                       \
  "  --ncpu N           CPUs the guest sees through sched_getaffinity (default 1)\n"        \
  "  --tls-all          count TLS loads of g for the whole run, not only the boot phase\n"  \
  "  --exact-insns      also count instructions one by one (slow; checks the block counts)\n" \
  "  --cgroup 1|2       offer /proc/self/cgroup and the cgroup cpu files (default: none)\n" \
  "  --cpu-quota US     cgroup CPU quota in microseconds (default: max)\n"                  \
  "  --cpu-period US    cgroup CPU period (default 100000)\n"                               \
  "  --mountinfo        offer /proc/self/mountinfo with the cgroup mount\n"               \
  "  --max-procs N      guest processes alive at once, zombies too (default 64): fork\n" \
  "                     fails with EAGAIN past it; a fork bomb -> exit 87\n" \
  "  --max-fs BYTES     what the guest's in-memory files may hold (default 256 MiB): ENOSPC\n" \
  "  --stdin FILE|none|-  the guest's fd 0: FILE (read-only), nothing, or goboot's stdin\n" \
  "                     (the default; read to EOF as the guest asks, bytes recorded)\n" \
  "  --mount HOST:GUEST  a read-only copy of the host file or tree at GUEST (EROFS)\n" \
  "  --cwd DIR          the guest's starting directory (absolute; made if missing)\n" \
  "  --no-preempt       drop Go's SIGURG preemption signals (recorded as signal_suppressed)\n"

/* 1 if OPT was a run option (applied to O), 0 if not, -1 on a bad value (message
 * printed as "goboot WHO: ..."). */
int gb_runopts_option(gb_emu_opts *o, int opt, const char *arg, const char *who);
/* run and record: the guest's stdin is goboot's own unless --stdin says otherwise. */
void gb_runopts_stdin_default(gb_emu_opts *o);
/* run and record: SIGINT, SIGTERM, SIGHUP to goboot end the run (stop "host_signal",
 * exit 87) with the trace written, instead of killing goboot. */
void gb_runopts_host_signals(gb_emu_opts *o);

/* Load PATH, refuse anything but a Go binary, and build the initial stack from IN
 * (never announcing a vDSO: none is mapped). Returns 0, or the exit code after
 * printing why; on failure nothing is left to free. */
int gb_guest_prepare(const char *who, const char *path, gb_inputs *in, gb_image *img,
                     gb_stack *st);

#endif
