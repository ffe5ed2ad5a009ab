/* sigsend.c — sent signals, as Linux's kernel/signal.c handles them within one process.
 *
 * Send (send_signal_locked): an ignored signal (SIG_IGN, or SIG_DFL whose default is to
 * ignore) that the target does not block is discarded; otherwise it joins the target
 * thread's pending set (tkill/tgkill) or the process's shared one (kill): a standard
 * signal already pending coalesces, a real-time one queues its siginfo. complete_signal
 * then picks the thread to take a process-directed one: the main thread if it wants it
 * (does not block it; is running, or has nothing else pending), else the next that does
 * from curr_target, round the thread list. A fatal default action (terminate, core) not
 * blocked ends the run at once, exit code 128+n as a shell reports the killed process.
 * The picked thread, if waiting, is woken: futex and epoll waits, sleeps and sigwaits
 * end with EINTR (nanosleep writes the time left), a pipe wait re-runs under SA_RESTART.
 * (Linux restarts a futex wait under SA_RESTART; Go's futexsleep ignores the result and
 * re-checks, so EINTR is the same to it.)
 *
 * Delivery (get_signal): when the thread next runs, before uc_emu_start — after the
 * syscall that sent or unblocked it, at its next switch-in after a quantum expiry, after
 * its wait ended — so the point is a function of the run alone. Its own queue first,
 * lowest number first; a handler gets the kernel's frame (signal.c); SIG_DFL acts:
 * ignore, terminate or core (the run ends), stop/continue (approximated as ignore: there
 * is no job control or parent to see it; recorded). */
#include <string.h>

#include "machine.h"

static const char *signame(int s) { return gb_signal_name_linux(s); }

typedef enum { DFL_TERM, DFL_CORE, DFL_IGN, DFL_STOP, DFL_CONT } dfl_kind;

static dfl_kind dfl(int sig) { /* the kernel's SIG_KERNEL_*_MASK table */
  switch (sig) {
  case SIGCHLD_LINUX: case SIGURG_LINUX: case SIGWINCH_LINUX: return DFL_IGN;
  case SIGCONT_LINUX: return DFL_CONT;
  case SIGSTOP_LINUX: case SIGTSTP_LINUX: case SIGTTIN_LINUX: case SIGTTOU_LINUX: return DFL_STOP;
  case SIGQUIT_LINUX: case SIGILL_LINUX: case SIGTRAP_LINUX: case SIGABRT_LINUX: case SIGBUS_LINUX:
  case SIGFPE_LINUX: case SIGSEGV_LINUX: case SIGXCPU_LINUX: case SIGXFSZ_LINUX: case SIGSYS_LINUX:
    return DFL_CORE;
  default: return DFL_TERM; /* real-time signals too */
  }
}

static int handler_ignores(const gb_machine *m, int sig) { /* sig_handler_ignored */
  uint64_t h = m->sig.act[sig].handler;
  return h == SIG_IGN_LINUX || (h == SIG_DFL_LINUX && (dfl(sig) == DFL_IGN || dfl(sig) == DFL_CONT));
}

static int fatal(const gb_machine *m, int sig) {
  return sig == SIGKILL_LINUX ||
         (m->sig.act[sig].handler == SIG_DFL_LINUX && (dfl(sig) == DFL_TERM || dfl(sig) == DFL_CORE));
}

static void pend_drop(gb_sigpend *p, int sig) {
  int k = 0;
  for (int i = 0; i < p->n; i++)
    if (p->q[i].signo != sig) p->q[k++] = p->q[i];
  p->n = k;
  p->set &= ~SIG_BIT_LINUX(sig);
}

void gb_signal_flush(gb_machine *m, int sig) {
  pend_drop(&m->sig.shared, sig);
  for (int i = 0; i < m->sched.nth; i++) pend_drop(&m->sched.th[i].pend, sig);
}

/* 0 queued (or coalesced), -EAGAIN: a sigqueue past the bound */
static int pend_add(gb_sigpend *p, const gb_siginfo *si) {
  uint64_t bit = SIG_BIT_LINUX(si->signo);
  if (si->signo < SIGRTMIN_LINUX && (p->set & bit)) return 0; /* legacy_queue */
  if (p->n == GB_SIGQ_MAX) {
    if (si->code < 0 && si->code != SI_TKILL_LINUX) return -EAGAIN_LINUX; /* sigqueue */
    p->set |= bit; /* the bit without its siginfo: collect_signal fills SI_USER */
    return 0;
  }
  p->q[p->n++] = *si;
  p->set |= bit;
  return 0;
}

/* collect_signal: the first queued siginfo of SIG; the bit stays while more are queued */
static void pend_take(gb_machine *m, gb_sigpend *p, int sig, gb_siginfo *si) {
  int at = -1, more = 0;
  for (int i = 0; i < p->n; i++)
    if (p->q[i].signo == sig) {
      if (at < 0) at = i;
      else more = 1;
    }
  if (at >= 0) {
    *si = p->q[at];
    memmove(&p->q[at], &p->q[at + 1], (size_t)(p->n - at - 1) * sizeof *si);
    p->n--;
  } else {
    *si = (gb_siginfo){sig, SI_USER_LINUX, 0, 0, 0};
  }
  if (!more) p->set &= ~SIG_BIT_LINUX(sig);
  (void)m;
}

static int lowest(uint64_t set) { return set ? __builtin_ctzll(set) + 1 : 0; }

int gb_signal_dequeue(gb_machine *m, uint64_t set, gb_siginfo *si) {
  gb_thread *t = gb_cur(m);
  int sig = lowest(t->pend.set & set);
  if (sig) {
    pend_take(m, &t->pend, sig, si);
    return sig;
  }
  if ((sig = lowest(m->sig.shared.set & set))) pend_take(m, &m->sig.shared, sig, si);
  return sig;
}

static int wants(gb_machine *m, int i, int sig) {
  const gb_thread *t = &m->sched.th[i];
  if (t->state == TH_EXITED || (t->sigmask & SIG_BIT_LINUX(sig))) return 0;
  return i == m->sched.cur || !((t->pend.set | m->sig.shared.set) & ~t->sigmask);
}

/* A signal chose T: end its wait as the interrupted syscall would. */
static void interrupt(gb_machine *m, gb_thread *t, int sig) {
  if (t->state == TH_RUN || t->state == TH_EXITED) return;
  int restart = (m->sig.act[sig].flags & SA_RESTART_LINUX) != 0;
  switch (t->state) {
  case TH_PIPE:
    if (!restart) t->sig_eintr = 1;
    gb_sched_wake(t, 0);
    return;
  case TH_SLEEP:
    if (t->sleep_rem) {
      uint64_t now = gb_now_ns(m), left = t->deadline > now ? t->deadline - now : 0;
      int64_t ts[2] = {(int64_t)(left / 1000000000ULL), (int64_t)(left % 1000000000ULL)};
      gb_write(m, t->sleep_rem, ts, sizeof ts);
    }
    break;
  case TH_SIGWAIT:
    if (t->sig_waitset & SIG_BIT_LINUX(sig)) { /* rt_sigtimedwait takes it */
      gb_sigpend *p = (t->pend.set & SIG_BIT_LINUX(sig)) ? &t->pend : &m->sig.shared;
      gb_siginfo si;
      pend_take(m, p, sig, &si);
      t->sigmask = t->sig_saved;
      if (t->sig_waitinfo) gb_siginfo_write(m, t->sig_waitinfo, &si);
      gb_sched_wake(t, (uint64_t)sig);
      return;
    }
    if (t->sig_waitset) t->sigmask = t->sig_saved; /* sigtimedwait: EINTR, old mask */
    else t->sig_suspended = 1;                     /* sigsuspend: the frame restores it */
    break;
  default: break;
  }
  gb_sched_wake(t, (uint64_t)-EINTR_LINUX);
}

int gb_siginfo_write(gb_machine *m, uint64_t addr, const gb_siginfo *si) {
  unsigned char b[128] = {0}; /* si_signo, si_errno, si_code, pad; _kill/_rt: pid, uid, value */
  memcpy(b, &si->signo, 4);
  memcpy(b + 8, &si->code, 4);
  memcpy(b + 16, &si->pid, 4);
  memcpy(b + 20, &si->uid, 4);
  memcpy(b + 24, &si->value, 8);
  return gb_write(m, addr, b, sizeof b);
}

static void fatal_stop(gb_machine *m, int sig) {
  m->exit_code = 128 + sig;
  m->sig.fatal = sig | (sig != SIGKILL_LINUX && dfl(sig) == DFL_CORE ? 0x80 : 0);
  gb_stop(m, GB_STOP_EXIT, "killed by %s%s", signame(sig),
          sig != SIGKILL_LINUX && dfl(sig) == DFL_CORE ? " (core dumped)" : "");
}

/* A sent signal's event with the fields signal_suppressed and signal_pending share. */
static void note(gb_machine *m, gb_event_kind kind, int sig, int tid, const char *why) {
  cJSON *e = gb_trace_event(m, kind);
  if (!e) return;
  cJSON_AddStringToObject(e, "signal", signame(sig));
  cJSON_AddNumberToObject(e, "to_tid", tid);
  cJSON_AddStringToObject(e, "why", why);
}

int gb_signal_send(gb_machine *m, int tid, int sig, const gb_siginfo *si_in) {
  if (sig < 0 || sig > NSIG_LINUX) return -EINVAL_LINUX;
  int ti = -1;
  if (tid) {
    for (int i = 0; i < m->sched.nth; i++)
      if (m->sched.th[i].tid == tid && m->sched.th[i].state != TH_EXITED) ti = i;
    if (ti < 0) return -ESRCH_LINUX;
  }
  if (sig == 0) return 0;
  gb_siginfo si = si_in ? *si_in : (gb_siginfo){sig, SI_USER_LINUX, m->pid, GB_FS_GUEST_UID, 0};
  si.signo = sig;
  int from = m->sched.nth ? gb_cur(m)->tid : 0;
  if (sig == SIGURG_LINUX && m->o.no_preempt) { /* today's behaviour, on request */
    m->sig.suppressed++;
    note(m, GB_EV_SIGNAL_SUPPRESSED, sig, tid, "--no-preempt: SIGURG is not delivered");
    return 0;
  }
  m->sig.sent++;
  cJSON *e = gb_trace_event(m, GB_EV_SIGNAL_SENT);
  if (e) {
    cJSON_AddStringToObject(e, "signal", signame(sig));
    cJSON_AddNumberToObject(e, "from_tid", from);
    cJSON_AddNumberToObject(e, "to_tid", tid);
    cJSON_AddNumberToObject(e, "code", si.code);
  }
  /* sig_ignored: the target's handler ignores it and the target does not block it (for a
   * process-directed signal the target is the main thread, the group leader) */
  const gb_thread *tg = &m->sched.th[ti >= 0 ? ti : 0];
  if (sig != SIGKILL_LINUX && handler_ignores(m, sig) && !(tg->sigmask & SIG_BIT_LINUX(sig))) {
    m->sig.ignored++;
    cJSON *ei = gb_trace_event(m, GB_EV_SIGNAL_IGNORED);
    if (ei) {
      cJSON_AddStringToObject(ei, "signal", signame(sig));
      cJSON_AddStringToObject(ei, "why", m->sig.act[sig].handler == SIG_IGN_LINUX ? "SIG_IGN" : "default action: ignore");
    }
    return 0;
  }
  /* complete_signal, asked before the signal is queued: wants_signal's "no signal
   * pending" is TIF_SIGPENDING, which this signal has not set yet */
  int pick = -1;
  if (ti >= 0) pick = wants(m, ti, sig) ? ti : -1;
  else if (wants(m, 0, sig)) pick = 0;
  else if (m->sched.nth > 1) {
    int start = m->sig.curr_target % m->sched.nth, i = start;
    do {
      if (wants(m, i, sig)) { pick = i; break; }
      i = (i + 1) % m->sched.nth;
    } while (i != start);
    if (pick >= 0) m->sig.curr_target = pick;
  }
  int r = pend_add(ti >= 0 ? &m->sched.th[ti].pend : &m->sig.shared, &si);
  if (r < 0) return r;
  if (pick < 0) { /* blocked everywhere: pending until a thread unblocks it */
    note(m, GB_EV_SIGNAL_PENDING, sig, tid, "blocked by the target's mask");
    return 0;
  }
  if (fatal(m, sig)) {
    fatal_stop(m, sig);
    return 0;
  }
  interrupt(m, &m->sched.th[pick], sig);
  return 0;
}

void gb_signal_run_pending(gb_machine *m) {
  gb_thread *t = gb_cur(m);
  for (int nested = 0; nested < NSIG_LINUX && m->stop == GB_STOP_NONE; nested++) {
    uint64_t ready = (t->pend.set | m->sig.shared.set) & ~t->sigmask;
    if (!ready) {
      if (t->sig_suspended) { /* rt_sigsuspend woke for nothing a handler took */
        t->sigmask = t->sig_saved;
        t->sig_suspended = 0;
      }
      return;
    }
    gb_siginfo si;
    int sig = lowest(t->pend.set & ~t->sigmask);
    if (sig) pend_take(m, &t->pend, sig, &si);
    else pend_take(m, &m->sig.shared, sig = lowest(ready), &si);
    gb_sigaction *sa = &m->sig.act[sig];
    if (sa->handler == SIG_IGN_LINUX || (sa->handler == SIG_DFL_LINUX && !fatal(m, sig))) {
      m->sig.ignored++;
      cJSON *e = gb_trace_event(m, GB_EV_SIGNAL_IGNORED);
      if (e) {
        cJSON_AddStringToObject(e, "signal", signame(sig));
        cJSON_AddNumberToObject(e, "tid", t->tid);
        cJSON_AddStringToObject(e, "why", sa->handler == SIG_IGN_LINUX ? "SIG_IGN"
                                          : dfl(sig) == DFL_STOP ? "default action: stop (not emulated: no job control)"
                                          : "default action: ignore");
      }
      continue;
    }
    if (sa->handler == SIG_DFL_LINUX || !(sa->flags & SA_RESTORER_LINUX)) {
      fatal_stop(m, sig); /* no restorer: Linux x86-64 refuses the frame (SIGSEGV) */
      return;
    }
    gb_sigfault f;
    memset(&f, 0, sizeof f);
    f.signo = sig;
    f.code = si.code;
    f.sent = 1;
    f.si = si;
    if (gb_signal_deliver(m, &f) < 0) return;
    m->sig.delivered++;
  }
}
