/* proc.h — guest processes (proc.c): fork / vfork / clone without CLONE_THREAD, a
 * process's end (a zombie until its parent waits), wait4 / waitid, process ids and
 * groups, and the scheduler's choice between processes (one deterministic order for
 * every thread of every process: processes take turns round-robin in creation order
 * whenever the running one's slice ends, each then picks its next thread as sched.c
 * does). A process is a gb_machine with its own engine; the world (world.h) lists them.
 *
 * Forks copy: the child gets a new Unicorn engine with a copy of every committed
 * region and the calling thread's registers (RAX 0). clone(CLONE_VM|CLONE_VFORK), Go's
 * forkExec, is run the same way, with the parent's thread blocked until the child
 * execs or exits, as vfork blocks it: the child's writes to memory are its own, which
 * Go's child (it writes only its own stack frame, then execs or exits) cannot tell.
 *
 * A fault in a process other than the first is not delivered to its handlers (the
 * replay twin locating data faults replays the first process only): the process ends
 * killed by the signal the fault raises (SIGSEGV, SIGILL, SIGFPE), with an "exit"
 * event saying so. */
#ifndef GOBOOT_EMU_PROC_H
#define GOBOOT_EMU_PROC_H

#include <stdint.h>

#include "common.h"

typedef enum gb_proc_state { PROC_LIVE, PROC_ZOMBIE, PROC_REAPED } gb_proc_state;

typedef struct gb_proc {
  gb_proc_state state;
  int wstatus;            /* wait status: code << 8, or the killing signal */
  int exit_signal;        /* clone's CSIGNAL: what the parent is sent at the end */
  int vfork_pid, vfork_tid; /* the parent thread a CLONE_VFORK child holds (0: none) */
  int pdeathsig;          /* prctl(PR_SET_PDEATHSIG): kept, reported, not sent */
  uint64_t utime_ns;      /* at its end: its instructions, as virtual ns */
  uint64_t maxrss_kb;
  /* a fork asked for by the syscall, made by the run loop (gb_proc_fork) */
  uint64_t fork_flags, fork_stack, fork_ctid, fork_tls;
  int fork_pid;
  uint32_t forks_refused; /* the world's count is in procs[0] */
} gb_proc;

/* Live and zombie processes (those --max-procs counts). */
int gb_proc_count(gb_world *w);
/* The run loop's half of a fork M asked for (PEND_FORK). */
void gb_proc_fork(gb_machine *m);
/* M (not the first process) stopped: its end as Linux would see it (exit status, a
 * fault's signal) or, for a budget or an emulator error, the whole run's stop. Then
 * another process runs. */
void gb_proc_stopped(gb_machine *m);
/* Pick the next thread of any process (M is the running one): sched.c's choice within
 * a process, round-robin between processes. */
void gb_proc_sched(gb_machine *m);
/* kill() aimed at another process (proc.c): 1 when handled, with *RET. */
int gb_proc_kill(gb_machine *m, int64_t pid, int sig, cJSON *ev, int64_t *ret);
/* execve finished in M: a CLONE_VFORK parent goes on (stage 3's exec calls it). */
void gb_proc_vfork_done(gb_machine *m);

#endif
