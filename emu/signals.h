/* signals.h — the guest's signal state and delivery. sys_signal.c keeps what
 * rt_sigaction/rt_sigprocmask/sigaltstack set and handles sent signals; signal.c
 * delivers synchronous signals (a fault the guest handles) with the frame Linux x86-64
 * builds, and does rt_sigreturn's work.
 *
 * The one cycle in emu/ lives here: a data fault is located by a second machine that
 * replays the run, the twin (signal.c opens and keeps it, faultpc.c steps it and takes
 * the exact state from it, signal.c re-delivers the earlier signals in it), so
 * signal.c <-> faultpc.c <-> machine.c call each other. It is real, not an accident of
 * layout: locating needs a whole machine. */
#ifndef GOBOOT_EMU_SIGNALS_H
#define GOBOOT_EMU_SIGNALS_H

#include "common.h"

typedef struct gb_sigaction { uint64_t handler, flags, restorer, mask; } gb_sigaction;

/* A data fault that was delivered as a signal: where it is, so a replay can stop there
 * again, step to the instruction and deliver it the same way. */
typedef struct gb_sigpoint {
  uint64_t before;        /* instructions (block-counted) before the faulting block */
  uint64_t block, end;    /* the faulting block [block, end) */
  uint64_t bad_addr;
  int tid;
} gb_sigpoint;

typedef struct gb_signals {
  gb_sigaction act[NSIG_LINUX + 1]; /* by signal number; [0] unused */
  gb_sigpoint *pts; int npts, next_pt; /* data faults delivered (the twin: consumed) */
  gb_machine *twin;       /* a replay of this run, stopped at its last located fault */
  int twin_pending;       /* ... which the twin has not delivered yet */
  uint64_t suppressed;    /* sent signals not delivered (summary.signals_suppressed) */
} gb_signals;

/* What a synchronous fault raises, as the kernel's trap handlers decide it. */
typedef struct gb_sigfault {
  int signo, code, trapno; /* SIG*_LINUX, si_code, X86_TRAP_*_LINUX */
  uint64_t addr, err, cr2; /* si_addr; the trap's error code; cr2 (page faults only) */
  int page_fault;
} gb_sigfault;

/* The rt_sigframe signal.c writes for F with action SA, for a thread at RSP/RIP with the
 * given mask and alternate stack: pure data, so tests can check it byte by byte. */
#define GB_SIGFRAME_SIZE 440  /* pretcode 8 + ucontext 296 + siginfo 128 + padding */
#define GB_FXSAVE_SIZE 512
typedef struct gb_sigframe_plan {
  uint64_t frame;     /* RSP at the handler: the frame's address */
  uint64_t fpstate;   /* the fxsave image's address (64-byte aligned) */
  int on_altstack;    /* the frame is on the alternate stack */
  int overflows;      /* it would not fit on the alternate stack: Linux kills the process */
} gb_sigframe_plan;
/* Where the frame goes: below the red zone, or at the alternate stack's top with
 * SA_ONSTACK (get_sigframe). */
gb_sigframe_plan gb_sigframe_place(uint64_t rsp, uint64_t flags, uint64_t ss_sp,
                                   uint64_t ss_size, int ss_flags);
/* What delivery does to the thread's mask and the action (signal_delivered() and
 * handle_signal()): mask |= sa_mask, |= the signal itself unless SA_NODEFER, never
 * SIGKILL or SIGSTOP; SA_RESETHAND resets the action to SIG_DFL. */
void gb_signal_delivered(uint64_t *mask, gb_sigaction *sa, int signo);

/* on_sig_stack(): SP is on T's alternate signal stack (never while SS_AUTODISARM). */
struct gb_thread;
int gb_on_altstack(const struct gb_thread *t, uint64_t sp);

/* Run *PM to its end, delivering each fault the guest handles; a data fault is located
 * by the twin, and the run goes on in *PM, or in the twin if they disagree (*PM changes). */
void gb_machine_run_signals(gb_machine **pm);
/* M's twin (opened at the first call), brought through M's delivered data faults to the
 * instruction of M's current in-block data fault and stopped before it; NULL (and no
 * twin) if the replay diverged. The twin belongs to M (gb_signal_free). */
gb_machine *gb_replay_to_fault(gb_machine *m);
void gb_signal_free(gb_machine *m); /* the delivered points and the twin */
int64_t gb_signal_sigreturn_peek(gb_machine *m); /* the syscall hook's part: rax or -1 */
void gb_signal_sigreturn(gb_machine *m);         /* the run loop's part (PEND_SIGRETURN) */

#endif
