/* sys_signal.c — the signal syscalls.
 *
 * rt_sigaction/rt_sigprocmask/sigaltstack keep and report the state the guest sets.
 * kill/tkill/tgkill/rt_(tg)sigqueueinfo send through gb_signal_send (sigsend.c), which
 * also delivers; rt_sigpending, rt_sigsuspend, pause and rt_sigtimedwait wait on it.
 * Synchronous signals (a fault the guest handles) are delivered by signal.c, which also
 * does rt_sigreturn's work. */
#include <string.h>

#include "sys.h"

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
    /* do_sigaction: a signal made ignored is dropped where it pends */
    if (k[0] == SIG_IGN_LINUX || (k[0] == SIG_DFL_LINUX && (sig == SIGCHLD_LINUX || sig == SIGURG_LINUX ||
                                                             sig == SIGWINCH_LINUX || sig == SIGCONT_LINUX)))
      gb_signal_flush(m, sig);
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

/* kill: another guest process is proc.c's (gb_proc_kill); this one (pid 0, -1, its own,
 * or -its own as a group) gets the signal by Linux's rules (sigsend.c). */
int64_t gb_sys_kill(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int pid = (int)a[0];
  int64_t r;
  if (gb_proc_kill(m, pid, (int)a[1], ev, &r)) return r;
  if (pid != 0 && pid != -1 && pid != m->pid && pid != -m->pid) return -ESRCH_LINUX;
  return gb_signal_send(m, 0, (int)a[1], NULL);
}

static int64_t tsend(gb_machine *m, int tgid, int tid, int sig) {
  if (tid <= 0 || tgid == 0 || tgid < -1) return -EINVAL_LINUX;
  if (tgid > 0 && tgid != m->pid) return -ESRCH_LINUX;
  gb_siginfo si = {sig, SI_TKILL_LINUX, m->pid, GB_FS_GUEST_UID, 0};
  return gb_signal_send(m, tid, sig, &si);
}
int64_t gb_sys_tkill(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return tsend(m, -1, (int)a[0], (int)a[1]);
}
int64_t gb_sys_tgkill(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if ((int)a[0] <= 0) return -EINVAL_LINUX;
  return tsend(m, (int)a[0], (int)a[1], (int)a[2]);
}

/* rt_sigqueueinfo / rt_tgsigqueueinfo: the caller's siginfo, but a process may not
 * pretend to be the kernel or kill(): si_code >= 0 or SI_TKILL is EPERM */
static int64_t qsend(gb_machine *m, int tgid, int tid, int sig, uint64_t uinfo) {
  unsigned char b[128];
  if (gb_read(m, uinfo, b, sizeof b) < 0) return -EFAULT_LINUX;
  gb_siginfo si;
  memcpy(&si.code, b + 8, 4);
  memcpy(&si.pid, b + 16, 4);
  memcpy(&si.uid, b + 20, 4);
  memcpy(&si.value, b + 24, 8);
  si.signo = sig;
  if (tgid != m->pid && tgid != 0) return -ESRCH_LINUX;
  if (si.code >= 0 || si.code == SI_TKILL_LINUX) return -EPERM_LINUX;
  return gb_signal_send(m, tid, sig, &si);
}
int64_t gb_sys_rt_sigqueueinfo(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if ((int)a[0] <= 0) return -ESRCH_LINUX;
  return qsend(m, (int)a[0], 0, (int)a[1], a[2]);
}
int64_t gb_sys_rt_tgsigqueueinfo(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if ((int)a[0] <= 0 || (int)a[1] <= 0) return -EINVAL_LINUX;
  return qsend(m, (int)a[0], (int)a[1], (int)a[2], a[3]);
}

/* rt_sigpending: blocked signals pending for this thread or the process */
int64_t gb_sys_rt_sigpending(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[1] > SIGSET_SIZE_LINUX) return -EINVAL_LINUX;
  gb_thread *t = gb_cur(m);
  uint64_t set = (t->pend.set | m->sig.shared.set) & t->sigmask;
  return gb_write(m, a[0], &set, a[1]) < 0 ? -EFAULT_LINUX : 0;
}

/* rt_sigsuspend / pause: wait with the given mask (pause: the current one) until a
 * signal is delivered (its handler runs; the frame restores the old mask) or kills. */
static int64_t suspend(gb_machine *m, uint64_t mask) {
  gb_thread *t = gb_cur(m);
  t->sig_saved = t->sigmask;
  t->sigmask = mask & ~(SIG_BIT_LINUX(SIGKILL_LINUX) | SIG_BIT_LINUX(SIGSTOP_LINUX));
  t->sig_waitset = 0;
  t->sig_waitinfo = 0;
  if ((t->pend.set | m->sig.shared.set) & ~t->sigmask) { /* already pending: at once */
    t->sig_suspended = 1;
    return -EINTR_LINUX;
  }
  gb_block(m, TH_SIGWAIT, GB_NEVER);
  return -EINTR_LINUX;
}
int64_t gb_sys_rt_sigsuspend(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  uint64_t mask;
  if (a[1] != SIGSET_SIZE_LINUX) return -EINVAL_LINUX;
  if (gb_read_u64(m, a[0], &mask) < 0) return -EFAULT_LINUX;
  return suspend(m, mask);
}
int64_t gb_sys_pause(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a;
  (void)ev;
  gb_thread *t = gb_cur(m);
  int64_t r = suspend(m, t->sigmask);
  t->sig_suspended = 0; /* pause keeps the mask it had: nothing to restore */
  return r;
}

/* rt_sigtimedwait(set, info, timeout, size): take a pending signal of SET, or wait for
 * one (the set unblocked meanwhile, as real_blocked) until the virtual-time timeout:
 * EAGAIN; a signal outside the set that a handler takes: EINTR. */
int64_t gb_sys_rt_sigtimedwait(gb_machine *m, const uint64_t *a, cJSON *ev) {
  uint64_t set, ns = 0;
  if (a[3] != SIGSET_SIZE_LINUX) return -EINVAL_LINUX;
  if (gb_read_u64(m, a[0], &set) < 0) return -EFAULT_LINUX;
  set &= ~(SIG_BIT_LINUX(SIGKILL_LINUX) | SIG_BIT_LINUX(SIGSTOP_LINUX));
  if (a[2]) {
    int64_t r = gb_read_timespec(m, a[2], &ns);
    if (r < 0) return r;
  }
  gb_siginfo si;
  int sig = gb_signal_dequeue(m, set, &si);
  if (sig) {
    if (a[1] && gb_siginfo_write(m, a[1], &si) < 0) return -EFAULT_LINUX;
    return sig;
  }
  if (a[2] && ns == 0) return -EAGAIN_LINUX;
  gb_thread *t = gb_cur(m);
  t->sig_saved = t->sigmask;
  t->sigmask &= ~set;
  t->sig_waitset = set;
  t->sig_waitinfo = a[1];
  if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
  gb_block(m, TH_SIGWAIT, a[2] ? gb_now_ns(m) + ns : GB_NEVER);
  return -EAGAIN_LINUX;
}
