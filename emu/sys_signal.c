/* sys_signal.c — signal state; sent signals are not delivered.
 *
 * rt_sigaction/rt_sigprocmask/sigaltstack keep and report the state the guest sets.
 * Synchronous signals (a fault the guest handles) are delivered by signal.c, which also
 * does rt_sigreturn's work. No sent signal is delivered: the threads are cooperative,
 * so Go's SIGURG preemption (sent by sysmon with tgkill) is suppressed and each such
 * send leaves a
 * "signal_suppressed" event. A signal whose action is the default "terminate" ends
 * the process as Linux would (exit code 128+sig); any other is recorded, not delivered. */
#include <string.h>

#include "sys.h"

static const char *signame(int s) { return gb_signal_name_linux(s); }

int64_t gb_sys_rt_sigaction(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int sig = (int)a[0];
  if (sig < 1 || sig > NSIG_LINUX || a[3] != SIGSET_SIZE_LINUX) return -EINVAL_LINUX;
  if (a[1] && (sig == SIGKILL_LINUX || sig == SIGSTOP_LINUX)) return -EINVAL_LINUX;
  gb_sigaction old = m->sig.act[sig];
  if (a[1]) {
    uint64_t k[4];
    if (gb_read(m, a[1], k, sizeof k) < 0) return -EFAULT_LINUX;
    m->sig.act[sig].handler = k[0];
    m->sig.act[sig].flags = k[1];
    m->sig.act[sig].restorer = k[2];
    m->sig.act[sig].mask = k[3];
    if (ev) {
      char b[160];
      cJSON_AddStringToObject(ev, "handler", k[0] == SIG_DFL_LINUX ? "SIG_DFL" : k[0] == SIG_IGN_LINUX ? "SIG_IGN"
                                             : gb_sym_name(m, k[0], b, sizeof b));
    }
  }
  if (a[2]) {
    uint64_t k[4] = {old.handler, old.flags, old.restorer, old.mask};
    if (gb_write(m, a[2], k, sizeof k) < 0) return -EFAULT_LINUX;
    if (ev) { /* what the guest was told: Go's initsig reads every signal's old action */
      char b[160];
      cJSON *o = cJSON_AddObjectToObject(ev, "old");
      cJSON_AddStringToObject(o, "handler", old.handler == SIG_DFL_LINUX ? "SIG_DFL"
                                            : old.handler == SIG_IGN_LINUX ? "SIG_IGN"
                                            : gb_sym_name(m, old.handler, b, sizeof b));
      cJSON_AddItemToObject(o, "flags", gb_hex(old.flags));
      cJSON_AddItemToObject(o, "mask", gb_hex(old.mask));
    }
  }
  return 0;
}

int64_t gb_sys_rt_sigprocmask(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[3] != SIGSET_SIZE_LINUX) return -EINVAL_LINUX;
  gb_thread *t = gb_cur(m);
  uint64_t old = t->sigmask, set;
  if (a[1]) {
    if (gb_read_u64(m, a[1], &set) < 0) return -EFAULT_LINUX;
    switch (a[0]) {
    case SIG_BLOCK_LINUX: t->sigmask |= set; break;
    case SIG_UNBLOCK_LINUX: t->sigmask &= ~set; break;
    case SIG_SETMASK_LINUX: t->sigmask = set; break;
    default: return -EINVAL_LINUX;
    }
    t->sigmask &= ~(SIG_BIT_LINUX(SIGKILL_LINUX) | SIG_BIT_LINUX(SIGSTOP_LINUX));
  }
  if (a[2] && gb_write_u64(m, a[2], old) < 0) return -EFAULT_LINUX;
  return 0;
}

/* do_sigaltstack: the old stack's flags say whether the thread runs on it now
 * (SS_ONSTACK), and a thread on it cannot change it (EPERM). */
int64_t gb_sys_sigaltstack(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_thread *t = gb_cur(m);
  uint64_t sp = gb_reg(m, UC_X86_REG_RSP);
  int on = gb_on_altstack(t, sp);
  unsigned char old[24];
  uint32_t flags = !t->ss_size ? SS_DISABLE_LINUX : on ? SS_ONSTACK_LINUX : 0;
  flags |= (uint32_t)t->ss_flags & SS_AUTODISARM_LINUX;
  memset(old, 0, sizeof old);
  memcpy(old, &t->ss_sp, 8);
  memcpy(old + 8, &flags, 4);
  memcpy(old + 16, &t->ss_size, 8);
  if (a[0]) {
    unsigned char ss[24];
    uint64_t ss_sp, ss_size;
    uint32_t f;
    if (gb_read(m, a[0], ss, sizeof ss) < 0) return -EFAULT_LINUX;
    memcpy(&ss_sp, ss, 8);
    memcpy(&f, ss + 8, 4);
    memcpy(&ss_size, ss + 16, 8);
    if (on) return -EPERM_LINUX;
    uint32_t mode = f & ~SS_AUTODISARM_LINUX;
    if (mode != SS_DISABLE_LINUX && mode != SS_ONSTACK_LINUX && mode != 0) return -EINVAL_LINUX;
    if (mode == SS_DISABLE_LINUX) ss_sp = ss_size = 0;
    else if (ss_size < MINSIGSTKSZ_LINUX) return -ENOMEM_LINUX;
    t->ss_sp = ss_sp;
    t->ss_size = ss_size;
    t->ss_flags = (int)f;
  }
  if (a[1] && gb_write(m, a[1], old, sizeof old) < 0) return -EFAULT_LINUX;
  return 0;
}

/* The frame is read here only for the return value (the restored rax, as Linux returns
 * it); the registers are restored once uc_emu_start has returned (a RIP written in the
 * syscall hook would resume 2 bytes late, docs/unicorn.md § The syscall hook): signal.c. */
int64_t gb_sys_rt_sigreturn(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a;
  (void)ev;
  if (gb_cur(m)->sig_depth <= 0) {
    gb_stop(m, GB_STOP_UNSUPPORTED, "rt_sigreturn without a delivered signal");
    return -ENOSYS_LINUX;
  }
  int64_t rax = gb_signal_sigreturn_peek(m);
  gb_sched_request(m, PEND_SIGRETURN);
  return rax;
}

static int default_terminates(int sig) {
  switch (sig) {
  case SIGCHLD_LINUX: case SIGCONT_LINUX: case SIGSTOP_LINUX: case SIGTSTP_LINUX:
  case SIGTTIN_LINUX: case SIGTTOU_LINUX: case SIGURG_LINUX: case SIGWINCH_LINUX: return 0;
  default: return 1; /* every other default action ends the process, real-time signals too */
  }
}

static int64_t send(gb_machine *m, int sig, int tid, cJSON *ev) {
  if (sig == 0) return 0;
  if (sig < 0 || sig > NSIG_LINUX) return -EINVAL_LINUX;
  cJSON *e = gb_trace_event(m, GB_EV_SIGNAL_SUPPRESSED);
  if (sig == SIGURG_LINUX && m->sig.act[sig].handler > SIG_IGN_LINUX) {
    m->sig.suppressed++;
    if (e) {
      cJSON_AddStringToObject(e, "signal", signame(sig));
      cJSON_AddNumberToObject(e, "to_tid", tid);
      cJSON_AddStringToObject(e, "why", "async preemption is not delivered: threads are "
                                        "cooperative (GODEBUG is left as the user gave it)");
    }
    return 0;
  }
  if (m->sig.act[sig].handler == SIG_DFL_LINUX && default_terminates(sig)) {
    if (e) {
      cJSON_AddStringToObject(e, "signal", signame(sig));
      cJSON_AddStringToObject(e, "why", "default action: terminate the process");
    }
    m->exit_code = 128 + sig;
    gb_stop(m, GB_STOP_EXIT, "killed by %s", signame(sig));
    return 0;
  }
  m->sig.suppressed++;
  if (e) {
    cJSON_AddStringToObject(e, "signal", signame(sig));
    cJSON_AddNumberToObject(e, "to_tid", tid);
    cJSON_AddStringToObject(e, "why", m->sig.act[sig].handler == SIG_IGN_LINUX ? "ignored (SIG_IGN)"
                                                                : "handler not run: goboot does not deliver signals");
  }
  (void)ev;
  return 0;
}

int64_t gb_sys_kill(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int64_t r;
  if (gb_proc_kill(m, (int32_t)a[0], (int)a[1], ev, &r)) return r; /* another process (proc.c) */
  return send(m, (int)a[1], 0, ev);
}
int64_t gb_sys_tkill(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return send(m, (int)a[1], (int)a[0], ev);
}
int64_t gb_sys_tgkill(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return send(m, (int)a[2], (int)a[1], ev);
}
