/* emu.h — run a loaded Go image in Unicorn 2.1.1, deterministically, and trace it.
 *
 * Offers: gb_emu_opts (stop point, budgets, seed, CPU count, scheduler quantum, virtual
 * files) and gb_emu_run(), which boots the image on the given initial stack and returns
 * why it stopped, the guest's exit code and the trace (streamed to a FILE as it
 * happens, its events kept in memory only when asked).
 * Never makes a host syscall for the guest (its output is only echoed when asked), never
 * reads the host clock except for the wall-clock guard, and keeps no global state: two
 * runs may share a process. */
#ifndef GOBOOT_EMU_EMU_H
#define GOBOOT_EMU_EMU_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <signal.h>

#include "image.h"
#include "stack.h"

typedef enum gb_stop_kind {
  GB_STOP_NONE = 0,
  GB_STOP_EXIT,        /* exit_group / last thread's exit: exit_code is the guest's */
  GB_STOP_UNTIL,       /* the --until point was reached */
  GB_STOP_FAULT,       /* unmapped access, invalid instruction, ... (pc, symbol, regs) */
  GB_STOP_BUDGET,      /* instruction budget exhausted */
  GB_STOP_MEMORY,      /* guest-memory budget exhausted */
  GB_STOP_WALL,        /* wall-clock guard */
  GB_STOP_UNSUPPORTED, /* a feature goboot does not emulate */
  GB_STOP_DEADLOCK,    /* every guest thread blocked with nothing to wake it */
  GB_STOP_ERROR,       /* emulator error (Unicorn refused something, host OOM) */
  GB_STOP_PROCS,       /* the process budget (--max-procs): forks kept being refused */
  GB_STOP_HOST_SIGNAL  /* goboot itself got SIGINT/SIGTERM/SIGHUP from the host */
} gb_stop_kind;

const char *gb_stop_name(gb_stop_kind k); /* "exit", "until", "fault", ... */
int gb_stop_exit_code(gb_stop_kind k, int guest_code); /* CLI code: guest's, or 80..88 */

/* Virtual-file settings (what /proc/self/cgroup and the cgroup cpu files say). */
typedef struct gb_vfs_opts {
  int cgroup_version;    /* 0: no cgroup files (ENOENT, the default); 1 or 2 */
  int64_t cpu_quota_us;  /* v1 cfs_quota_us / v2 cpu.max quota; -1 = "max" (no limit) */
  int64_t cpu_period_us; /* default 100000 */
  int mountinfo;         /* 1: offer /proc/self/mountinfo with the cgroup mount */
  uint64_t max_fs;       /* --max-fs: bytes the guest's files may hold; 0 → 256 MiB */
  const char *cwd;       /* --cwd: the starting working directory (made if missing); NULL → / */
} gb_vfs_opts;

/* The guest's fd 0. A read returns as many bytes as asked for up to EOF (host reads
 * are repeated until then), so what the guest sees depends only on the bytes, never on
 * how the host chunked them; after EOF every read is 0. */
typedef enum gb_stdin_kind {
  GB_STDIN_NONE,   /* EOF at once (the default) */
  GB_STDIN_FD,     /* read host descriptor stdin_fd on demand (blocking host reads) */
  GB_STDIN_BYTES   /* serve stdin_data[0..stdin_len) (a replay) */
} gb_stdin_kind;

/* Where the bytes the guest read from fd 0 go (the caller frees data). */
typedef struct gb_stdin_log { unsigned char *data; size_t len; } gb_stdin_log;

/* One entry of a read-only mount (--mount HOST:GUEST), copied from the host by cli/
 * (or a recording) before the run: the guest sees it at PATH (absolute), owned by
 * itself with the host's permission bits, times 0; writes are EROFS. */
typedef struct gb_mount_ent {
  char *path;
  int type;            /* 1 regular file, 2 directory, 3 symlink (GB_INO_*) */
  uint32_t mode;
  unsigned char *data; size_t len; /* contents; a symlink's target (no NUL) */
  uint64_t size;       /* a regular file's length (what stat says) */
  int lazy;            /* a regular file whose bytes are read only when the guest opens
                        * it (gb_emu_opts.mount_read); DATA is then NULL */
} gb_mount_ent;

/* The bytes of lazy mount entry I, read when the guest first opens it: 0 with *DATA and
 * *LEN set (kept by the provider, unchanged, until the run's machine is freed), or
 * -errno (-EIO_LINUX: gone, changed, or not in a recording; the provider says why). */
typedef int (*gb_mount_read_fn)(void *ctx, int i, const unsigned char **data, size_t *len);

typedef struct gb_emu_opts {
  const char *until;       /* NULL or "exit": run to the end; "main.main", "runtime.main", SYMBOL */
  uint64_t max_insns;      /* instruction budget; 0 → GB_EMU_DEFAULT_MAX_INSNS */
  uint64_t max_mem;        /* committed guest-memory budget in bytes; 0 → default */
  double timeout_s;        /* wall-clock guard in seconds; 0 → default */
  uint64_t seed;           /* /dev/urandom, getrandom, randomized heap base */
  int ncpu;                /* CPUs the guest sees (sched_getaffinity); 0 → 1 */
  uint32_t quantum;        /* blocks per time slice; 0 → default */
  int tls_all;             /* count TLS loads of g for the whole run, not only the boot */
  volatile sig_atomic_t *host_signal; /* the caller's flag: a host signal's number, 0 none;
                                         read at each wall-clock check and between runs */
  int no_preempt;          /* SIGURG sends are dropped (recorded), as before signals were delivered */
  int exact_insns;         /* also count with a per-instruction hook (slow; a cross-check) */
  int echo;                /* write guest fd 1/2 output to our stdout/stderr */
  gb_vfs_opts vfs;
  gb_stdin_kind stdin_kind;
  int stdin_fd;
  const unsigned char *stdin_data; size_t stdin_len;
  gb_stdin_log *stdin_log; /* NULL: not kept past the run */
  const gb_mount_ent *mounts; int nmounts; /* parents before children */
  gb_mount_read_fn mount_read; void *mount_ctx; /* NULL: no entry is lazy */
  int max_procs;           /* --max-procs: guest processes alive at once (zombies count);
                            0 → GB_DEFAULT_MAX_PROCS (world.h) */
  FILE *trace_out;          /* NULL, or where the trace goes while the run goes on: the
                             * header before the first event, each event when complete,
                             * the rest at the end; exactly cJSON_Print of the whole tree
                             * and a newline (`goboot run --trace`). The caller opens,
                             * buffers and closes it; gb_emu_result.trace_error says a
                             * write failed. */
  int trace_keep;           /* also keep every event in gb_emu_result.trace (record,
                             * replay, golden: a comparison needs them all) */
  const char *export_guest; /* an absolute guest directory whose contents, as the run
                             * left them, come back in gb_emu_result.exported */
} gb_emu_opts;

#define GB_EMU_DEFAULT_MAX_INSNS 20000000000ULL /* 2e10 */
#define GB_EMU_DEFAULT_MAX_MEM (4ULL << 30)
#define GB_EMU_DEFAULT_TIMEOUT 600.0
#define GB_EMU_DEFAULT_QUANTUM 2000
/* A slice ends at the start of its quantum-th block: with 1, a thread switched in would
 * be preempted before its first block and no thread would ever run. */
#define GB_EMU_MIN_QUANTUM 2

void gb_emu_opts_default(gb_emu_opts *o);

typedef struct gb_emu_result {
  gb_stop_kind stop;
  int exit_code;          /* guest exit status (GB_STOP_EXIT) */
  uint64_t insns;         /* guest instructions executed (all threads) */
  uint64_t pc;            /* where it stopped */
  char message[256];      /* one line: why it stopped, in words */
  cJSON *trace;           /* the trace as a tree (owned: gb_emu_result_free): header,
                           * "events" only with opts.trace_keep, boot_state, stop,
                           * summary, output */
  cJSON *milestones;      /* the milestone events, as in the trace (owned) */
  int trace_error;        /* writing to opts.trace_out failed: its errno */
  /* opts.export_guest at the end of the run: what the guest made below it (files,
   * directories, symlinks; not the read-only mounts), parents before children, paths
   * relative to it (the first, "", is GUEST itself); -1: it was not a directory.
   * Owned; gb_emu_result_free. */
  gb_mount_ent *exported; int nexported;
} gb_emu_result;

/* Boot IMG on STACK with OPTS. Returns 0 when a run happened (whatever its stop), -1
 * when the machine could not be set up, -2 when an option does not fit the binary (an
 * --until symbol it lacks); res->message says why. */
int gb_emu_run(const gb_image *img, const gb_stack *stack, const gb_emu_opts *opts,
               gb_emu_result *res);
void gb_emu_result_free(gb_emu_result *res);

/* The emulated CPU (cpu.c), for callers that must not open Unicorn themselves: the
 * engine's version ("2.1.1"), the CPU model every machine gets ("Haswell", the trace
 * header's cpu_model), and CPUID leaves LEAVES[0..N) (ECX = 0) as that model answers
 * them: EAX EBX ECX EDX into OUT[i]. gb_emu_cpuid returns 0, or -1 with a message. */
void gb_emu_unicorn_version(char *buf, size_t len);
const char *gb_emu_cpu_model(void);
int gb_emu_cpuid(const uint32_t *leaves, int n, uint32_t (*out)[4], char *err, size_t errlen);

#endif
