/* machine.h — emu-internal: one emulated process (the world it shares with the
 * others is world.h's), as a struct of parts that each
 * belong to one file (declared in that file's header, changed only there or through
 * its functions), and the machine's life: open, run, close (machine.c).
 *
 *   part        type        owner (header)               what it holds
 *   mm          gb_mm       mm.c (mm.h)                  regions, reservations, brk
 *   sched       gb_sched    sched.c, sys_thread.c (threads.h) threads, run-loop requests
 *   count       gb_count    hooks.c (hooks.h)            instructions, blocks, quantum
 *   watch       gb_watch    hooks.c (hooks.h)            milestones, TLS loads of g
 *   clock       gb_vclock   vclock.c (vclock.h)          RDTSC hooks (time = count)
 *   fault       gb_fault    faultpc.c (fault.h)          the bad access, the locator
 *   sig         gb_signals  signal.c, sigsend.c, sys_signal.c  actions, pending sets, delivered faults
 *   files       gb_files    fstree.c, sys_file.c, sys_path.c, vfs.c (files.h)  fd table, cwd, umask
 * and w, the gb_world every process shares (world.h): the process list, the shared
 * file objects (inode tree, pipes), the one trace, virtual time and the budgets.
 * Leaf helpers every file uses are in common.h; guest memory access in guestmem.h;
 * the guest's ABI constants in abi/linux.h. Nothing here is global. */
#ifndef GOBOOT_EMU_MACHINE_H
#define GOBOOT_EMU_MACHINE_H

#include <stdint.h>
#include <unicorn/unicorn.h>

#include "common.h"
#include "emu.h"
#include "fault.h"
#include "files.h"
#include "guestmem.h"
#include "hooks.h"
#include "mm.h"
#include "proc.h"
#include "threads.h"
#include "signals.h"
#include "trace.h"
#include "vclock.h"
#include "world.h"

struct gb_machine {
  uc_engine *uc;
  const gb_image *img;
  const gb_stack *stack;
  gb_emu_opts o;          /* defaults filled in */
  gb_emu_result *res;

  /* why the run stopped (common.c: the first reason wins) */
  gb_stop_kind stop;
  int exit_code;
  char stop_msg[256];

  gb_mm mm;
  gb_sched sched;
  gb_count count;
  gb_watch watch;
  gb_vclock clock;
  gb_fault fault;
  gb_signals sig;
  gb_files files;

  gb_image *own_img;      /* an execve's image and stack, owned (NULL: the caller's) */
  gb_stack *own_stack;
  gb_machine *exec_next;
  int exec_cwd;           /* 1 + the directory a relative execve path was taken in (sys_path.c's
                             /proc/self/exe); 0: the run's start (--cwd) */  /* execve: the machine that replaces this one (PEND_EXEC) */
  gb_proc proc;           /* proc.c (proc.h): its life as a process */
  gb_world *w;            /* shared by every process (world.h) */
  int pid, ppid, pgid, sid;
};

static inline gb_thread *gb_cur(gb_machine *m) { return &m->sched.th[m->sched.cur]; }
/* virtual monotonic ns: a pure function of the work done (vclock.h) */
static inline uint64_t gb_now_ns(gb_machine *m) {
  const gb_world *w = m->w;
  return GB_MONO_BASE_NS + w->tinsns_base + (w->procs[w->cur]->count.tinsns - w->cur_tinsns_in) +
         w->idle_ns;
}

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
/* The halves of gb_machine_open that execve repeats (exec.c): map M's image and stack
 * (0, or -1 with ERR), and start its main thread as execve leaves it (0 or -1). */
int gb_machine_load(gb_machine *m, gb_map_fn map, void *map_ctx, char *err, size_t errlen);
int gb_machine_start_main(gb_machine *m);
/* exec.c: the run loop's half of a successful execve (PEND_EXEC). */
void gb_exec_commit(gb_machine *m);

/* vsyscall.c: the legacy page Go <= 1.15 calls (0 or -1) */
int gb_vsyscall_install(gb_machine *m);
/* sys_table.c: the syscall hook's body */
void gb_syscall(gb_machine *m);

#endif
