/* threads.h — guest threads and the one deterministic scheduler (sched.c), and the
 * request a syscall hook leaves for the run loop (a hook cannot switch contexts while
 * Unicorn runs: it records what to do and stops the engine; machine.c acts). */
#ifndef GOBOOT_EMU_THREADS_H
#define GOBOOT_EMU_THREADS_H

#include <unicorn/unicorn.h>

#include "common.h"
#include "signals.h"

/* TH_PIPE: blocked in a pipe read/write that re-runs when woken (sys_file.c rewinds RIP);
 * TH_CHILD: in wait4/waitid, re-run the same way when a child ends (proc.c);
 * TH_VFORK: a parent held until its CLONE_VFORK child execs or exits (proc.c);
 * TH_SIGWAIT: in rt_sigtimedwait, rt_sigsuspend or pause (sys_signal.c) */
typedef enum gb_th_state { TH_RUN, TH_FUTEX, TH_SLEEP, TH_EPOLL, TH_EXITED, TH_PIPE, TH_CHILD,
                           TH_VFORK, TH_SIGWAIT } gb_th_state;

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
  uint64_t sigmask;       /* SIG_BIT_LINUX(sig) set: blocked */
  uint64_t ss_sp, ss_size; /* sigaltstack; ss_size 0: none */
  int ss_flags;
  uint64_t fs_base;       /* as last set (for the trace) */
  uint64_t runs;          /* times switched in */
  uint64_t spin_at;       /* the spin-wait block it last gave up its slice at (hooks.c) */
  uint64_t spin_blocks;   /* blocks counted then (the machine's, so the others' since) */
  int sig_depth;          /* signal frames delivered and not yet returned from (signal.c) */
  uint64_t sig_cr2;       /* the kernel's thread.cr2: the last page-fault address signalled */
  gb_sigpend pend;        /* thread-directed signals pending (sigsend.c) */
  uint64_t sleep_rem;     /* nanosleep's rem pointer while in TH_SLEEP, or 0 */
  int sig_eintr;          /* at switch-in: a restartable wait ends with EINTR (RIP past the syscall) */
  uint64_t sig_waitset;   /* TH_SIGWAIT in rt_sigtimedwait: the set taken; 0 in rt_sigsuspend/pause */
  uint64_t sig_waitinfo;  /* rt_sigtimedwait's siginfo pointer, or 0 */
  uint64_t sig_saved;     /* the mask to restore after the wait (sigsuspend: in the frame) */
  int sig_suspended;      /* the next frame saves sig_saved as its mask (rt_sigsuspend) */
  int keepcaps;           /* prctl(PR_SET_KEEPCAPS), a per-thread credential bit */
  char comm[TASK_COMM_LEN_LINUX]; /* prctl(PR_SET_NAME); "" = the process's */
} gb_thread;

/* What the run loop does when uc_emu_start returns after a syscall. */
typedef enum gb_pending { PEND_NONE, PEND_SWITCH, PEND_BLOCK, PEND_CLONE, PEND_EXIT_THREAD,
                          PEND_STOP, PEND_SIGRETURN, PEND_FORK,
                          PEND_EXEC } gb_pending;

/* clone(): recorded by the syscall, carried out by the run loop (sched.c gb_sched_clone). */
typedef struct gb_clone_req {
  uint64_t flags, stack, tls;
  int child; /* index into th */
} gb_clone_req;

typedef struct gb_sched {
  gb_thread *th;
  int nth, cap, cur;
  uint64_t wait_seq;      /* last FIFO number given to a waiter */
  uint64_t switches;
  gb_pending pending;
  gb_clone_req clone;
  int clone_stops;        /* 1: a clone() stops the run as unsupported (the probe cannot
                             rewind a thread set) instead of starting the child */
} gb_sched;

gb_thread *gb_thread_new(gb_machine *m);
/* The current thread waits in ST until woken or DEADLINE (virtual ns; GB_NEVER). */
void gb_block(gb_machine *m, gb_th_state st, uint64_t deadline);
/* T runs again; RAX (unless a TH_PIPE wait, which re-runs its syscall) */
void gb_sched_wake(gb_thread *t, uint64_t rax);
int gb_futex_wake(gb_machine *m, uint64_t addr, uint32_t bitset, int n);
void gb_wake_epoll(gb_machine *m);
int gb_sched_next(gb_machine *m); /* pick and switch; 0 ok, -1 stop set */
int gb_sched_save(gb_machine *m); /* the running thread's registers into its context: 0, -1 */
/* Wake thread T as a wait ends (RAX = RAX when it next runs; a re-run syscall keeps its
 * own number). */
void gb_sched_wake(gb_thread *t, uint64_t rax);
int gb_sched_others_runnable(gb_machine *m);
int gb_sched_runnable(gb_machine *m);   /* threads that can run, the current one too */
void gb_sched_expire(gb_machine *m);  /* wake the threads whose deadline has passed */
void gb_sched_request(gb_machine *m, gb_pending p); /* leave P for the run loop and stop */
void gb_sched_clone(gb_machine *m);   /* the run loop's half of clone() */
int gb_sched_live(gb_machine *m);     /* threads not exited */
void gb_sched_free(gb_machine *m);

#endif
