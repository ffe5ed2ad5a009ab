/* sys_signal.c — signal state; sent signals are not delivered.
 *
 * rt_sigaction/rt_sigprocmask/sigaltstack keep and report the state the guest sets.
 * Synchronous signals (a fault the guest handles) are delivered by signal.c, which also
 * does rt_sigreturn's work. No sent signal is delivered: the threads are cooperative,
 * so Go's SIGURG preemption (sent by sysmon with tgkill) is suppressed and each such
 * send leaves a
 * "signal_suppressed" event. A signal whose action is the default "terminate" ends
 * the process as Linux would (exit code 128+sig); any other is recorded, not delivered. */
#include <errno.h>
#include <string.h>

#include "sys.h"

#define SIGKILL_ 9
#define SIGSTOP_ 19
#define SIGURG_ 23

static const char *signame(int s) {
  static const char *const n[] = {
    "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
    "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};
  return s >= 0 && s < 32 ? n[s] : "SIGRT";
}

int64_t gb_sys_rt_sigaction(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int sig = (int)a[0];
  if (sig < 1 || sig > 64 || a[3] != 8) return -EINVAL;
  if (a[1] && (sig == SIGKILL_ || sig == SIGSTOP_)) return -EINVAL;
  gb_sigaction old = m->sig[sig];
  if (a[1]) {
    uint64_t k[4];
    if (gb_read(m, a[1], k, sizeof k) < 0) return -EFAULT;
    m->sig[sig].handler = k[0];
    m->sig[sig].flags = k[1];
    m->sig[sig].restorer = k[2];
    m->sig[sig].mask = k[3];
    if (ev) {
      char b[160];
      cJSON_AddStringToObject(ev, "handler", k[0] == 0 ? "SIG_DFL" : k[0] == 1 ? "SIG_IGN"
                                             : gb_sym_name(m, k[0], b, sizeof b));
    }
  }
  if (a[2]) {
    uint64_t k[4] = {old.handler, old.flags, old.restorer, old.mask};
    if (gb_write(m, a[2], k, sizeof k) < 0) return -EFAULT;
  }
  return 0;
}

int64_t gb_sys_rt_sigprocmask(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[3] != 8) return -EINVAL;
  gb_thread *t = gb_cur(m);
  uint64_t old = t->sigmask, set;
  if (a[1]) {
    if (gb_read_u64(m, a[1], &set) < 0) return -EFAULT;
    switch (a[0]) {
    case 0: t->sigmask |= set; break;
    case 1: t->sigmask &= ~set; break;
    case 2: t->sigmask = set; break;
    default: return -EINVAL;
    }
    t->sigmask &= ~((1ULL << (SIGKILL_ - 1)) | (1ULL << (SIGSTOP_ - 1)));
  }
  if (a[2] && gb_write_u64(m, a[2], old) < 0) return -EFAULT;
  return 0;
}

int64_t gb_sys_sigaltstack(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_thread *t = gb_cur(m);
  unsigned char old[24];
  uint32_t flags = t->ss_size ? (uint32_t)t->ss_flags : 2; /* SS_DISABLE when never set */
  memset(old, 0, sizeof old);
  memcpy(old, &t->ss_sp, 8);
  memcpy(old + 8, &flags, 4);
  memcpy(old + 16, &t->ss_size, 8);
  if (a[0]) {
    unsigned char ss[24];
    if (gb_read(m, a[0], ss, sizeof ss) < 0) return -EFAULT;
    uint32_t f;
    memcpy(&t->ss_sp, ss, 8);
    memcpy(&f, ss + 8, 4);
    memcpy(&t->ss_size, ss + 16, 8);
    t->ss_flags = (int)f;
    if (f & 2) t->ss_size = 0;
  }
  if (a[1] && gb_write(m, a[1], old, sizeof old) < 0) return -EFAULT;
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
    return -ENOSYS;
  }
  int64_t rax = gb_signal_sigreturn_peek(m);
  m->pending = PEND_SIGRETURN;
  uc_emu_stop(m->uc);
  return rax;
}

static int default_terminates(int sig) {
  switch (sig) {
  case 17: case 18: case 19: case 20: case 21: case 22: case 23: case 28: return 0;
  default: return sig < 32;
  }
}

static int64_t send(gb_machine *m, int sig, int tid, cJSON *ev) {
  if (sig == 0) return 0;
  if (sig < 0 || sig > 64) return -EINVAL;
  cJSON *e = gb_trace_event(m, "signal_suppressed");
  if (sig == SIGURG_ && m->sig[sig].handler > 1) {
    m->suppressed_signals++;
    if (e) {
      cJSON_AddStringToObject(e, "signal", signame(sig));
      cJSON_AddNumberToObject(e, "to_tid", tid);
      cJSON_AddStringToObject(e, "why", "async preemption is not delivered: threads are "
                                        "cooperative (GODEBUG is left as the user gave it)");
    }
    return 0;
  }
  if (m->sig[sig].handler == 0 && default_terminates(sig)) {
    if (e) {
      cJSON_AddStringToObject(e, "signal", signame(sig));
      cJSON_AddStringToObject(e, "why", "default action: terminate the process");
    }
    m->exit_code = 128 + sig;
    gb_stop(m, GB_STOP_EXIT, "killed by %s", signame(sig));
    return 0;
  }
  m->suppressed_signals++;
  if (e) {
    cJSON_AddStringToObject(e, "signal", signame(sig));
    cJSON_AddNumberToObject(e, "to_tid", tid);
    cJSON_AddStringToObject(e, "why", m->sig[sig].handler == 1 ? "ignored (SIG_IGN)"
                                                                : "handler not run: goboot does not deliver signals");
  }
  (void)ev;
  return 0;
}

int64_t gb_sys_kill(gb_machine *m, const uint64_t *a, cJSON *ev) { return send(m, (int)a[1], 0, ev); }
int64_t gb_sys_tkill(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return send(m, (int)a[1], (int)a[0], ev);
}
int64_t gb_sys_tgkill(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return send(m, (int)a[2], (int)a[1], ev);
}
