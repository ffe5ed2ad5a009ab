/* machine.h — emu-internal: the one struct that holds a whole emulated process
 * (engine, address space, threads, files, clock, trace), and the small interfaces the
 * emu/ files offer each other. Nothing here is global: every function takes the machine. */
#ifndef GOBOOT_EMU_MACHINE_H
#define GOBOOT_EMU_MACHINE_H

#include <stdint.h>
#include <unicorn/unicorn.h>

#include "emu.h"

#define GB_PAGE 4096ULL
#define GB_PAGE_UP(x) (((x) + GB_PAGE - 1) & ~(GB_PAGE - 1))
#define GB_PAGE_DOWN(x) ((x) & ~(GB_PAGE - 1))
#define GB_NEVER UINT64_MAX

/* ---- address space (mm.c) ---- */
typedef struct gb_region {
  uint64_t start, end; /* [start, end), page-aligned */
  uint32_t prot;       /* UC_PROT_* */
  int committed;       /* 1: mapped in Unicorn; 0: a PROT_NONE reservation kept aside */
  char tag;            /* 'i' image, 's' stack, 'v' vsyscall, 'm' mmap, 'b' brk */
} gb_region;

typedef struct gb_mm {
  gb_region *r;
  int n, cap;
  uint64_t cursor;            /* bump-down allocator for mmap(NULL) */
  uint64_t committed, peak;   /* bytes mapped in Unicorn */
  uint64_t brk_start, brk_cur;
} gb_mm;

/* ---- threads (sched.c) ---- */
typedef enum gb_th_state { TH_RUN, TH_FUTEX, TH_SLEEP, TH_EPOLL, TH_EXITED } gb_th_state;

typedef struct gb_thread {
  int tid;
  gb_th_state state;
  uc_context *ctx;
  uint64_t futex_addr;
  uint32_t futex_bitset;
  uint64_t wait_seq;      /* FIFO order of waiters */
  uint64_t deadline;      /* virtual ns, GB_NEVER if none */
  int has_rax;            /* write rax when next scheduled */
  uint64_t rax;
  uint64_t clear_tid;     /* CLONE_CHILD_CLEARTID address */
  uint64_t sigmask;
  uint64_t ss_sp, ss_size;
  int ss_flags;
  uint64_t fs_base;       /* as last set (for the trace) */
  uint64_t runs;          /* times switched in */
  int sig_depth;          /* signal frames delivered and not yet returned from (signal.c) */
  uint64_t sig_cr2;       /* the kernel's thread.cr2: the last page-fault address signalled */
  char comm[16];          /* prctl(PR_SET_NAME); "" = the process's (AT_EXECFN's basename) */
} gb_thread;

/* ---- files (vfs.c, sys_file.c) ---- */
typedef enum gb_fd_kind { FD_NONE, FD_STDIN, FD_STDOUT, FD_STDERR, FD_FILE, FD_EPOLL,
                          FD_PIPE_R, FD_PIPE_W, FD_EVENTFD, FD_DIR } gb_fd_kind;

typedef struct gb_epoll_ent { int fd; uint32_t events; uint64_t data; } gb_epoll_ent;

typedef struct gb_fd {
  gb_fd_kind kind;
  char *data;          /* FD_FILE: contents (owned) */
  size_t len, pos;
  int pipe;            /* FD_PIPE_*: index into machine->pipes */
  uint64_t counter;    /* FD_EVENTFD */
  gb_epoll_ent *ep; int nep; /* FD_EPOLL interest list */
  uint32_t flags;      /* O_* / FD_CLOEXEC as set */
  int fdflags;
  char *path;          /* for the trace; FD_DIR: the directory's absolute path */
  int urandom;         /* FD_FILE: an endless stream from the seeded generator */
} gb_fd;

#define GB_MAX_FDS 256

/* ---- pending action after a syscall (the hook stops; the run loop acts) ---- */
typedef enum gb_pending { PEND_NONE, PEND_SWITCH, PEND_BLOCK, PEND_CLONE, PEND_EXIT_THREAD,
                          PEND_STOP, PEND_SIGRETURN } gb_pending;

/* A data fault that was delivered as a signal after a replay (signal.c): where it is, so a
 * later replay can stop there again, step to the instruction and deliver it the same way. */
typedef struct gb_sigpoint {
  uint64_t before;        /* instructions (block-counted) before the faulting block */
  uint64_t block, end;    /* the faulting block [block, end) */
  uint64_t bad_addr;
  int tid;
} gb_sigpoint;

typedef struct gb_sigaction { uint64_t handler, flags, restorer, mask; } gb_sigaction;

typedef struct gb_milestone {
  const char *name;     /* symbol name as asked */
  const char *sym;      /* resolved symbol name */
  uint64_t addr;
  uint64_t hits;
  int order;            /* 1 + rank of its first hit among milestones, 0 if never */
  uc_hook hh;
  int is_until, is_main, is_schedule, is_runtime_main;
} gb_milestone;

typedef struct gb_tls_site { uint64_t addr; uint64_t count; } gb_tls_site;

/* What a translated block holds: its instruction count (from Unicorn's TB) and the
 * TLS load sites inside it (a run of the sorted site table). */
typedef struct gb_block_info { uint16_t icount, ntls; int32_t first_tls; } gb_block_info;
typedef struct gb_block_ent { uint64_t addr; gb_block_info bi; } gb_block_ent;
#define GB_BLOCK_CACHE (1u << 16)

typedef struct gb_machine {
  uc_engine *uc;
  const gb_image *img;
  const gb_stack *stack;
  gb_emu_opts o;
  gb_emu_result *res;

  gb_mm mm;

  gb_thread *th;
  int nth, cap_th, cur;
  int next_tid;
  uint64_t wait_seq;
  uint64_t switches;

  /* counting and time */
  uint64_t insns;         /* guest instructions executed */
  uint64_t tinsns;        /* the same counted per block: the virtual clock's source, so
                             exact_insns cannot change what the guest sees */
  uint64_t blocks;
  uint32_t slice;
  uint64_t last_block, last_block_icount, last_block_end;
  uint64_t idle_ns;       /* virtual time added when every thread slept */
  uint64_t wall_start_ns;
  int boot_phase;         /* 1 until the first runtime.schedule */
  uc_hook hh_exact, hh_block, hh_sys, hh_intr;
  uint64_t skip_at, skip_end; /* block re-entered after an RDTSC skip: already counted */
  uc_hook hh_rdtsc[16]; int nrdtsc;

  /* per-block facts, cached by start address: direct-mapped, a miss asks Unicorn again */
  struct gb_block_ent *bc;

  /* stop state */
  int clone_stops;        /* 1: a clone() stops the run as unsupported (the probe cannot
                             rewind a thread set) instead of starting the child */
  gb_pending pending;
  uint64_t pend_clone_flags, pend_clone_stack, pend_clone_ptid, pend_clone_ctid, pend_clone_tls;
  int pend_child;
  int quantum_stop;       /* stopped by the block hook at quantum_pc */
  uint64_t quantum_pc;
  gb_stop_kind stop;
  int exit_code;
  char stop_msg[256];

  /* faults (faultpc.c) */
  uc_hook hh_bad;
  uc_err fault_err;
  int fault_in_block;     /* reported at its block's start: not yet located */
  int bad_seen, bad_type; /* the first bad access (uc_mem_type) and its address */
  uint64_t bad_addr;
  uc_context *loc_ctx;    /* locator only: the CPU state at the faulting instruction */
  int loc_found;
  uint64_t loc_steps;
  int fault_intr;         /* 1 + the CPU exception number when the interrupt hook stopped it */

  /* signal delivery (signal.c): data faults already delivered, for replays */
  gb_sigpoint *sigpts; int nsigpts, next_sigpt;

  /* files, signals, rng */
  gb_fd fds[GB_MAX_FDS];
  struct gb_pipe { char buf[4096]; size_t len; int open_r, open_w; } pipes[16];
  int npipes;
  gb_sigaction sig[65];
  uint64_t rng;           /* splitmix64 state for urandom/getrandom */

  /* hooks and milestones */
  gb_milestone ms[40]; int nms, nreached;
  gb_tls_site *tls; int ntls;
  uint64_t tls_other;     /* FS:-8 loads at unknown sites (never expected) */
  uint64_t fs_set_count;
  int boot_state_done;

  /* trace */
  cJSON *trace, *events, *syscall_counts;
  uint64_t nevents, dropped_events, nsyscalls, nunknown;
  char *out[3]; size_t out_len[3], out_cap[3];
  uint64_t suppressed_signals;
} gb_machine;

/* machine.c: a machine's life, shared by gb_emu_run and the probe (probe.c). */

/* How a committed range of the image or the stack is mapped: gb_mm_map_fixed, or a
 * caller's function that must leave the same bookkeeping (the probe re-backs writable
 * ranges with host memory it owns). 0 or -1. */
typedef int (*gb_map_fn)(void *ctx, gb_machine *m, uint64_t start, uint64_t end,
                         uint32_t prot, char tag);

/* Engine (CPU model first), trace header, address space, image, stack, main thread as
 * execve leaves it, hooks and virtual clock. MAP NULL → gb_mm_map_fixed. Returns 0 with
 * *out set; -1 when the machine could not be set up, -2 when an --until symbol is
 * missing; res->message says why and *out is NULL. res stays the caller's. */
int gb_machine_open(gb_machine **out, const gb_image *img, const gb_stack *stack,
                    const gb_emu_opts *opts, gb_emu_result *res, gb_map_fn map, void *map_ctx);
/* Run from the current thread's RIP until a stop is set (m->stop): syscalls, clones,
 * thread switches and quantum expiries are acted on between uc_emu_start calls. */
void gb_machine_run(gb_machine *m);
void gb_machine_close(gb_machine *m); /* NULL is fine */

uint64_t gb_now_ns(gb_machine *m);       /* virtual monotonic ns (vclock.c) */
void gb_stop(gb_machine *m, gb_stop_kind k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* guestmem.c: bounded guest access through Unicorn */
int gb_read(gb_machine *m, uint64_t addr, void *buf, size_t n);
int gb_write(gb_machine *m, uint64_t addr, const void *buf, size_t n);
int gb_read_u32(gb_machine *m, uint64_t addr, uint32_t *v);
int gb_read_u64(gb_machine *m, uint64_t addr, uint64_t *v);
int gb_write_u32(gb_machine *m, uint64_t addr, uint32_t v);
int gb_write_u64(gb_machine *m, uint64_t addr, uint64_t v);
int gb_read_str(gb_machine *m, uint64_t addr, char *buf, size_t cap); /* NUL-terminated; -1 bad */
uint64_t gb_reg(gb_machine *m, int reg);
void gb_set_reg(gb_machine *m, int reg, uint64_t v);

/* mm.c */
int gb_mm_init(gb_machine *m);
void gb_mm_free(gb_machine *m);
/* Map [start,end) committed with prot (image, stack): 0 or -1. */
int gb_mm_map_fixed(gb_machine *m, uint64_t start, uint64_t end, uint32_t prot, char tag);
int64_t gb_mm_mmap(gb_machine *m, uint64_t addr, uint64_t len, int prot, int flags);
int64_t gb_mm_munmap(gb_machine *m, uint64_t addr, uint64_t len);
int64_t gb_mm_mprotect(gb_machine *m, uint64_t addr, uint64_t len, int prot);
int64_t gb_mm_brk(gb_machine *m, uint64_t addr);
int gb_mm_mapped(gb_machine *m, uint64_t addr, uint64_t len); /* committed all through */

/* sched.c */
gb_thread *gb_thread_new(gb_machine *m);
gb_thread *gb_cur(gb_machine *m);
void gb_block(gb_machine *m, gb_th_state st, uint64_t deadline);
int gb_futex_wake(gb_machine *m, uint64_t addr, uint32_t bitset, int n);
void gb_wake_epoll(gb_machine *m);
int gb_sched_next(gb_machine *m); /* pick and switch; 0 ok, -1 stop set */
int gb_sched_others_runnable(gb_machine *m);
void gb_sched_expire(gb_machine *m);

/* vclock.c */
int gb_vclock_install(gb_machine *m);
#define GB_REALTIME_EPOCH_NS 1700000000000000000ULL /* 2023-11-14T22:13:20Z */

/* vsyscall.c */
int gb_vsyscall_install(gb_machine *m);

/* vfs.c */
int gb_vfs_open(gb_machine *m, const char *path, char **data, size_t *len); /* 0 or -errno */
#define GB_AT_FDCWD (-100)
enum { GB_VFS_NONE, GB_VFS_FILE, GB_VFS_CHR, GB_VFS_DIR };
/* What an absolute, normalized path is in the virtual tree: GB_VFS_*. */
int gb_vfs_type(gb_machine *m, const char *abs);
/* PATH relative to DIRFD (GB_AT_FDCWD: the working directory "/"; ignored when PATH is
 * absolute) → the absolute normalized path in OUT; returns its GB_VFS_* type (NONE when
 * only the last component is missing), or -ENOENT/-ENOTDIR/-EBADF/-ENAMETOOLONG. */
int gb_vfs_resolve(gb_machine *m, int64_t dirfd, const char *path, char *out, size_t cap);
typedef struct gb_vfs_dirent { char name[64]; int type; } gb_vfs_dirent;
/* A virtual directory's entries: ".", "..", then its children in name order. */
int gb_vfs_list(gb_machine *m, const char *dir, gb_vfs_dirent *ents, int cap);
uint64_t gb_vfs_ino(const char *abs); /* the inode number stat and getdents64 report */
void gb_fds_init(gb_machine *m);
void gb_fds_free(gb_machine *m);
int gb_fd_alloc(gb_machine *m);
void gb_rng_bytes(gb_machine *m, void *buf, size_t n);

/* faultpc.c */
bool gb_hook_bad_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                        int64_t value, void *user);
void gb_fault_stop(gb_machine *m, uc_err err); /* the run loop's stop on a Unicorn error */
void gb_fault_locate(gb_machine *m);  /* re-run to the faulting instruction (gb_emu_run) */
/* Step L, stopped by its budget at the start of P's block, to the faulting instruction
 * under a code hook over that block only: 0 with L's CPU in the state before it. */
int gb_fault_step(gb_machine *l, const gb_sigpoint *p);

/* signal.c: synchronous signals (SIGSEGV, SIGFPE, SIGILL) delivered to the
 * guest's handlers as Linux x86-64 does, and rt_sigreturn. */
/* Run *PM to its end, delivering each fault the guest handles; a data fault is replayed
 * in a new machine to its exact instruction and the run goes on there (*PM changes). */
void gb_machine_run_signals(gb_machine **pm);
/* A new machine that replayed M's run (and its deliveries) to the instruction of M's
 * current in-block data fault, stopped before it; NULL if the replay diverged. */
gb_machine *gb_replay_to_fault(gb_machine *m);
int64_t gb_signal_sigreturn_peek(gb_machine *m); /* the syscall hook's part: rax or -1 */
void gb_signal_sigreturn(gb_machine *m);         /* the run loop's part (PEND_SIGRETURN) */

/* sys_table.c */
void gb_syscall(gb_machine *m);

/* hooks.c */
int gb_hooks_install(gb_machine *m);
void gb_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user);

/* trace.c */
void gb_trace_init(gb_machine *m);
cJSON *gb_trace_event(gb_machine *m, const char *kind); /* appended; NULL when over the cap */
cJSON *gb_hex(uint64_t v);
void gb_trace_output(gb_machine *m, int fd, const char *buf, size_t n);
void gb_trace_finish(gb_machine *m);
cJSON *gb_regs_json(gb_machine *m);
const char *gb_sym_name(gb_machine *m, uint64_t addr, char *buf, size_t cap);

#endif
