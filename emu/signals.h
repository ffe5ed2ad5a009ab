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

/* A pending sent signal's siginfo (the fields a sender sets: _kill / _rt). */
typedef struct gb_siginfo { int signo, code, pid, uid; uint64_t value; } gb_siginfo;
/* A pending set: one bit per signal and the queued siginfos, oldest first. A standard
 * signal is queued once (it coalesces); a real-time one once per send, up to
 * GB_SIGQ_MAX in all (then sigqueueinfo says EAGAIN and kill queues the bit alone, as
 * Linux past RLIMIT_SIGPENDING). */
#define GB_SIGQ_MAX 32
typedef struct gb_sigpend { uint64_t set; int n; gb_siginfo q[GB_SIGQ_MAX]; } gb_sigpend;

typedef struct gb_signals {
  gb_sigaction act[NSIG_LINUX + 1]; /* by signal number; [0] unused */
  gb_sigpoint *pts; int npts, next_pt; /* data faults delivered (the twin: consumed) */
  gb_machine *twin;       /* a replay of this run, stopped at its last located fault */
  int twin_pending;       /* ... which the twin has not delivered yet */
  uint64_t suppressed;    /* SIGURG sends dropped by --no-preempt (summary.signals_suppressed) */
  int fatal;              /* the signal whose default action ended the process (0: none);
                           * 0x80 set when it dumps core, as in a wait status */
  gb_sigpend shared;      /* process-directed signals no thread has taken yet */
  int curr_target;        /* signal->curr_target: where complete_signal's search starts */
  uint64_t sent, delivered, ignored; /* summary counts */
} gb_signals;

/* Send SIGNO to thread TID of this process, or to the process when TID is 0, as Linux's
 * send_signal does (sigsend.c): SI NULL means SI_USER from this process. Ignored
 * signals are discarded, standard ones coalesce, real-time ones queue; a process-
 * directed one goes to the thread complete_signal picks; a thread blocked in a wait is
 * woken (EINTR, or the syscall restarted under SA_RESTART); a fatal default action
 * ends the run at once (exit code 128+n). Delivery to a handler happens when the
 * target thread next runs (gb_signal_run_pending). 0, -ESRCH (no such thread), -EINVAL,
 * -EAGAIN (a sigqueueinfo past the queue bound). The processes room calls this too. */
int gb_signal_send(gb_machine *m, int tid, int signo, const gb_siginfo *si);
/* The run loop's part, before the current thread runs: deliver what is pending and not
 * blocked, each to its handler (nested frames), or its default action. */
void gb_signal_run_pending(gb_machine *m);
/* Take the lowest pending signal of SET for the current thread (its own queue first):
 * its number and *SI, or 0 (rt_sigtimedwait). */
int gb_signal_dequeue(gb_machine *m, uint64_t set, gb_siginfo *si);
/* SI as the 128-byte siginfo_t of a sent signal (the _kill/_rt fields) at ADDR: 0 or -1. */
int gb_siginfo_write(gb_machine *m, uint64_t addr, const gb_siginfo *si);
/* The signal set rt_sigaction made ignored: pending instances are dropped everywhere. */
void gb_signal_flush(gb_machine *m, int signo);

/* What a synchronous fault raises, as the kernel's trap handlers decide it. */
typedef struct gb_sigfault {
  int signo, code, trapno; /* SIG*_LINUX, si_code, X86_TRAP_*_LINUX */
  uint64_t addr, err, cr2; /* si_addr; the trap's error code; cr2 (page faults only) */
  int page_fault;
  int sent; gb_siginfo si;  /* a sent signal: siginfo's _kill/_rt fields instead of addr */
} gb_sigfault;
/* Build SIG's rt_sigframe on the current thread and enter its handler (signal.c): 0 or -1
 * with a fault stop. */
int gb_signal_deliver(gb_machine *m, const gb_sigfault *f);

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
