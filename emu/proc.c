/* proc.c — guest processes (proc.h): fork by copying, the end of a process, waiting,
 * ids, and the turns processes take on the one virtual CPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"

#define GB_FORK_REFUSALS_STOP 64 /* forks refused for the budget before the run stops */

int gb_proc_count(gb_world *w) {
  int n = 0;
  for (int i = 0; i < w->nprocs; i++) n += w->procs[i]->proc.state != PROC_REAPED;
  return n;
}

static gb_machine *by_pid(gb_world *w, int pid) {
  for (int i = 0; i < w->nprocs; i++)
    if (w->procs[i]->pid == pid && w->procs[i]->proc.state != PROC_REAPED) return w->procs[i];
  return NULL;
}

/* ---- turns ---- */

/* Make process I the running one: the clock and the budget carry over (world.h). */
static void switch_to(gb_world *w, int i) {
  gb_machine *o = w->procs[w->cur], *p = w->procs[i];
  w->tinsns_base += o->count.tinsns - w->cur_tinsns_in;
  w->insns_base += o->count.insns - w->cur_insns_in;
  w->cur = i;
  w->cur_tinsns_in = p->count.tinsns;
  w->cur_insns_in = p->count.insns;
  uint64_t left = w->max_insns > w->insns_base ? w->max_insns - w->insns_base : 0;
  uint64_t cap = p->count.insns + left;
  /* the first process's budget may be tighter already (signal.c stops it where its
   * replay twin is): never raise it */
  if (p != w->procs[0] || cap < p->o.max_insns) p->o.max_insns = cap;
}

static int live_procs(gb_world *w) {
  int n = 0;
  for (int i = 0; i < w->nprocs; i++) n += w->procs[i]->proc.state == PROC_LIVE;
  return n;
}

static void pick(gb_machine *m, int save) {
  gb_world *w = m->w;
  gb_machine *first = w->procs[0];
  if (save && gb_sched_save(m) < 0) {
    gb_stop(first, GB_STOP_ERROR, "uc_context_save failed");
    return;
  }
  for (;;) {
    for (int i = 0; i < w->nprocs; i++)
      if (w->procs[i]->proc.state == PROC_LIVE) gb_sched_expire(w->procs[i]);
    for (int k = 1; k <= w->nprocs; k++) {
      int i = (w->cur + k) % w->nprocs;
      gb_machine *p = w->procs[i];
      if (p->proc.state != PROC_LIVE || !gb_sched_runnable(p)) continue;
      if (i != w->cur) switch_to(w, i);
      gb_sched_next(p); /* p's engine holds its current thread: saved again, unchanged */
      return;
    }
    uint64_t best = GB_NEVER;
    int live = 0;
    for (int i = 0; i < w->nprocs; i++) {
      gb_machine *p = w->procs[i];
      if (p->proc.state != PROC_LIVE) continue;
      for (int t = 0; t < p->sched.nth; t++) {
        if (p->sched.th[t].state == TH_EXITED) continue;
        live++;
        if (p->sched.th[t].deadline < best) best = p->sched.th[t].deadline;
      }
    }
    if (best == GB_NEVER) {
      gb_stop(first, GB_STOP_DEADLOCK,
              "deadlock: all %d live guest threads of %d processes blocked with no deadline", live,
              live_procs(w));
      return;
    }
    uint64_t now = gb_now_ns(m);
    if (best > now) w->idle_ns += best - now;
  }
}

void gb_proc_sched(gb_machine *m) {
  gb_world *w = m->w;
  if (live_procs(w) == 1 && m->proc.state == PROC_LIVE) { /* one process: sched.c alone */
    gb_sched_next(m);
    return;
  }
  pick(m, 1);
}

/* ---- fork ---- */

int64_t gb_sys_clone_process(gb_machine *m, uint64_t flags, uint64_t stack, uint64_t ptid,
                             uint64_t ctid, uint64_t tls, cJSON *ev) {
  gb_world *w = m->w;
  if ((flags & CLONE_VM_LINUX) && !(flags & CLONE_VFORK_LINUX)) {
    if (ev) cJSON_AddStringToObject(ev, "unsupported", "CLONE_VM without CLONE_THREAD or CLONE_VFORK");
    return -EINVAL_LINUX;
  }
  if (flags & (CLONE_SIGHAND_LINUX | CLONE_FILES_LINUX | CLONE_FS_LINUX)) {
    if (ev) cJSON_AddStringToObject(ev, "unsupported", "a process sharing files, fs or handlers");
    return -EINVAL_LINUX;
  }
  if (gb_proc_count(w) >= w->max_procs) { /* RLIMIT_NPROC's answer */
    gb_machine *first = w->procs[0];
    if (++first->proc.forks_refused >= GB_FORK_REFUSALS_STOP)
      gb_stop(first, GB_STOP_PROCS, "process budget: %d processes (--max-procs), %u forks refused",
              w->max_procs, first->proc.forks_refused);
    if (ev) cJSON_AddStringToObject(ev, "refused", "--max-procs");
    return -EAGAIN_LINUX;
  }
  int pid = w->next_pid++;
  if ((flags & CLONE_PARENT_SETTID_LINUX) && gb_write_u32(m, ptid, (uint32_t)pid) < 0) return -EFAULT_LINUX;
  m->proc.fork_flags = flags;
  m->proc.fork_stack = stack;
  m->proc.fork_ctid = ctid;
  m->proc.fork_tls = tls;
  m->proc.fork_pid = pid;
  if (ev) cJSON_AddNumberToObject(ev, "child_pid", pid);
  gb_sched_request(m, PEND_FORK);
  return pid;
}

static int copy_memory(gb_machine *c, gb_machine *m) {
  uc_mem_region *rg = NULL;
  uint32_t n = 0;
  if (uc_mem_regions(m->uc, &rg, &n) != UC_ERR_OK) return -1;
  int r = 0;
  size_t chunk = 1u << 20;
  char *buf = malloc(chunk);
  for (uint32_t i = 0; i < n && buf && r == 0; i++) {
    uint64_t len = rg[i].end - rg[i].begin + 1;
    if (uc_mem_map(c->uc, rg[i].begin, len, rg[i].perms) != UC_ERR_OK) r = -1;
    for (uint64_t off = 0; off < len && r == 0; off += chunk) {
      size_t k = len - off < chunk ? (size_t)(len - off) : chunk;
      if (uc_mem_read(m->uc, rg[i].begin + off, buf, k) != UC_ERR_OK ||
          uc_mem_write(c->uc, rg[i].begin + off, buf, k) != UC_ERR_OK)
        r = -1;
    }
  }
  if (!buf) r = -1;
  free(buf);
  uc_free(rg);
  if (r == 0) {
    c->mm = m->mm;
    c->mm.r = malloc(sizeof *m->mm.r * (size_t)(m->mm.cap ? m->mm.cap : 1));
    if (!c->mm.r) {
      memset(&c->mm, 0, sizeof c->mm);
      return -1;
    }
    memcpy(c->mm.r, m->mm.r, sizeof *m->mm.r * (size_t)m->mm.n);
  }
  return r;
}

static void copy_registers(gb_machine *c, gb_machine *m) {
  static const int regs[] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX,
                             UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP,
                             UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
                             UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
                             UC_X86_REG_RIP, UC_X86_REG_EFLAGS, UC_X86_REG_FS_BASE,
                             UC_X86_REG_GS_BASE, UC_X86_REG_MXCSR, UC_X86_REG_FPCW};
  for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) gb_set_reg(c, regs[i], gb_reg(m, regs[i]));
  for (int i = 0; i < 16; i++) {
    unsigned char x[16];
    if (uc_reg_read(m->uc, UC_X86_REG_XMM0 + i, x) == UC_ERR_OK) uc_reg_write(c->uc, UC_X86_REG_XMM0 + i, x);
  }
}

/* The child machine: everything the parent has, copied (proc.h). */
static gb_machine *fork_machine(gb_machine *m, int pid, char *err, size_t errlen) {
  gb_world *w = m->w;
  gb_machine *c = calloc(1, sizeof *c);
  if (!c) return snprintf(err, errlen, "out of host memory"), NULL;
  c->o = m->o;
  c->o.until = "exit"; /* --until is the first process's */
  c->img = m->img;
  c->stack = m->stack;
  c->res = m->res;
  c->w = w;
  if (w->nprocs == w->capprocs) {
    gb_machine **np = realloc(w->procs, sizeof *np * (size_t)(w->capprocs * 2));
    if (!np) return free(c), snprintf(err, errlen, "out of host memory"), NULL;
    w->procs = np;
    w->capprocs *= 2;
  }
  w->procs[w->nprocs++] = c;
  c->pid = pid;
  c->ppid = m->pid;
  c->pgid = m->pgid;
  c->sid = m->sid;
  c->proc.state = PROC_LIVE;
  c->proc.exit_signal = (int)(m->proc.fork_flags & CSIGNAL_LINUX);
  if (uc_open(UC_ARCH_X86, UC_MODE_64, &c->uc) != UC_ERR_OK) {
    c->uc = NULL;
    return snprintf(err, errlen, "uc_open failed"), NULL;
  }
  if (uc_ctl_set_cpu_model(c->uc, GB_CPU_MODEL) != UC_ERR_OK)
    return snprintf(err, errlen, "cannot set the CPU model"), NULL;
  if (copy_memory(c, m) < 0) return snprintf(err, errlen, "cannot copy the parent's memory"), NULL;
  if (gb_fds_fork(c, m) < 0) return snprintf(err, errlen, "out of host memory"), NULL;
  memcpy(c->sig.act, m->sig.act, sizeof c->sig.act);
  copy_registers(c, m);
  gb_set_reg(c, UC_X86_REG_RAX, 0);
  if (m->proc.fork_stack) gb_set_reg(c, UC_X86_REG_RSP, m->proc.fork_stack);
  if (m->proc.fork_flags & CLONE_SETTLS_LINUX) gb_set_reg(c, UC_X86_REG_FS_BASE, m->proc.fork_tls);
  int next = w->next_pid;
  w->next_pid = pid; /* the main thread's tid is the pid */
  gb_thread *t = gb_thread_new(c);
  w->next_pid = next;
  if (!t) return snprintf(err, errlen, "out of host memory"), NULL;
  const gb_thread *pt = gb_cur(m);
  t->sigmask = pt->sigmask;
  t->fs_base = (m->proc.fork_flags & CLONE_SETTLS_LINUX) ? m->proc.fork_tls : pt->fs_base;
  memcpy(t->comm, pt->comm, sizeof t->comm);
  t->runs = 1;
  if (m->proc.fork_flags & CLONE_CHILD_CLEARTID_LINUX) t->clear_tid = m->proc.fork_ctid;
  if ((m->proc.fork_flags & CLONE_CHILD_SETTID_LINUX) && gb_write_u32(c, m->proc.fork_ctid, (uint32_t)pid) < 0)
    return snprintf(err, errlen, "CLONE_CHILD_SETTID address not mapped"), NULL;
  if (gb_hooks_install(c) < 0 || gb_vclock_install(c) < 0)
    return snprintf(err, errlen, "cannot install hooks"), NULL;
  for (int i = 0; i < c->watch.nms && i < m->watch.nms; i++) { /* the same program, going on */
    c->watch.ms[i].hits = m->watch.ms[i].hits;
    c->watch.ms[i].order = m->watch.ms[i].order;
  }
  c->watch.nreached = m->watch.nreached;
  c->watch.boot_phase = m->watch.boot_phase;
  c->watch.boot_state_done = 1; /* the trace's boot state is the first process's */
  c->count.wall_start_ns = m->count.wall_start_ns;
  if (uc_context_save(c->uc, t->ctx) != UC_ERR_OK) return snprintf(err, errlen, "uc_context_save failed"), NULL;
  return c;
}

void gb_proc_fork(gb_machine *m) {
  char err[128] = "";
  int pid = m->proc.fork_pid;
  gb_machine *c = fork_machine(m, pid, err, sizeof err);
  if (!c) {
    gb_stop(m->w->procs[0], GB_STOP_ERROR, "fork of process %d: %s", pid, err);
    return;
  }
  cJSON *ev = gb_trace_event(m, GB_EV_FORK);
  if (ev) {
    cJSON_AddNumberToObject(ev, "pid", m->pid);
    cJSON_AddNumberToObject(ev, "child_pid", pid);
    cJSON_AddBoolToObject(ev, "vfork", (m->proc.fork_flags & CLONE_VFORK_LINUX) != 0);
  }
  if (m->proc.fork_flags & CLONE_VFORK_LINUX) { /* the parent waits for exec or exit */
    gb_thread *pt = gb_cur(m);
    c->proc.vfork_pid = m->pid;
    c->proc.vfork_tid = pt->tid;
    pt->state = TH_VFORK;
    pt->deadline = GB_NEVER;
    pt->wait_seq = ++m->sched.wait_seq;
    gb_proc_sched(m);
  }
}

void gb_proc_vfork_done(gb_machine *c) {
  if (!c->proc.vfork_pid) return;
  gb_machine *p = by_pid(c->w, c->proc.vfork_pid);
  c->proc.vfork_pid = 0;
  if (!p || p->proc.state != PROC_LIVE) return;
  for (int i = 0; i < p->sched.nth; i++)
    if (p->sched.th[i].tid == c->proc.vfork_tid && p->sched.th[i].state == TH_VFORK)
      gb_sched_wake(&p->sched.th[i], (uint64_t)c->pid);
}

/* ---- the end of a process ---- */

/* do_notify_parent: the child's exit signal (SIGCHLD as fork sets it) with si_code
 * CLD_EXITED or CLD_KILLED, and the parent's waiters woken. */
static void notify_parent(gb_machine *parent, gb_machine *c) {
  int st = c->proc.wstatus;
  if (c->proc.exit_signal > 0 && c->proc.exit_signal <= NSIG_LINUX) {
    gb_siginfo si = {c->proc.exit_signal, (st & 0x7f) ? CLD_KILLED_LINUX : CLD_EXITED_LINUX,
                     c->pid, GB_FS_GUEST_UID, (uint64_t)((st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff)};
    gb_signal_send(parent, 0, c->proc.exit_signal, &si);
  }
  for (int i = 0; i < parent->sched.nth; i++)
    if (parent->sched.th[i].state == TH_CHILD) gb_sched_wake(&parent->sched.th[i], 0);
}

static void release(gb_machine *c) {
  gb_sched_free(c);
  gb_mm_free(c);
  gb_hooks_free(c);
  if (c->uc) uc_close(c->uc);
  c->uc = NULL;
}

static void end(gb_machine *c, int wstatus, const char *why) {
  gb_world *w = c->w;
  c->proc.state = PROC_ZOMBIE;
  c->proc.wstatus = wstatus;
  c->proc.utime_ns = c->count.tinsns;
  c->proc.maxrss_kb = c->mm.peak / 1024;
  cJSON *ev = gb_trace_event(c, GB_EV_PROC_EXIT);
  if (ev) {
    cJSON_AddNumberToObject(ev, "pid", c->pid);
    if (wstatus & 0x7f) cJSON_AddStringToObject(ev, "signal", gb_signal_name_linux(wstatus & 0x7f));
    else cJSON_AddNumberToObject(ev, "code", (wstatus >> 8) & 0xff);
    cJSON_AddStringToObject(ev, "why", why);
  }
  gb_fds_close(c, 0);
  gb_fs_put(c, c->files.cwd);
  gb_proc_vfork_done(c);
  for (int i = 0; i < w->nprocs; i++) { /* orphans go to init, which reaps them */
    gb_machine *k = w->procs[i];
    if (k->ppid != c->pid || k->proc.state == PROC_REAPED) continue;
    k->ppid = 1;
    if (k->proc.state == PROC_ZOMBIE) k->proc.state = PROC_REAPED;
  }
  gb_machine *parent = by_pid(w, c->ppid);
  if (parent && parent->proc.state == PROC_LIVE) notify_parent(parent, c);
  else c->proc.state = PROC_REAPED;
  release(c);
}

void gb_proc_stopped(gb_machine *c) {
  gb_machine *first = c->w->procs[0];
  char why[300];
  snprintf(why, sizeof why, "%s", c->stop_msg);
  switch (c->stop) {
  case GB_STOP_EXIT: end(c, c->sig.fatal ? c->sig.fatal : (c->exit_code & 0xff) << 8, why); break;
  case GB_STOP_FAULT: {
    int sig = c->fault.intr == 1 ? SIGFPE_LINUX : c->fault.intr == 7 ? SIGILL_LINUX : SIGSEGV_LINUX;
    end(c, sig, why);
    break;
  }
  default:
    gb_stop(first, c->stop, "process %d: %s", c->pid, why);
    return;
  }
  pick(c, 0);
}

/* ---- waiting ---- */

static int matches(gb_machine *m, gb_machine *c, int idtype, int64_t id) {
  if (c->ppid != m->pid || c->proc.state == PROC_REAPED) return 0;
  switch (idtype) {
  case P_PID_LINUX: return c->pid == id;
  case P_PGID_LINUX: return c->pgid == (id ? id : m->pgid);
  default: return 1;
  }
}

/* A zombie child as (IDTYPE, ID) select it: 1 found (*Z), 0 children but none ended,
 * -ECHILD none. */
static int find_child(gb_machine *m, int idtype, int64_t id, gb_machine **z) {
  int any = 0;
  *z = NULL;
  for (int i = 0; i < m->w->nprocs; i++) {
    gb_machine *c = m->w->procs[i];
    if (!matches(m, c, idtype, id)) continue;
    any = 1;
    if (c->proc.state == PROC_ZOMBIE) {
      *z = c;
      return 1;
    }
  }
  return any ? 0 : -ECHILD_LINUX;
}

static int64_t wait_again(gb_machine *m, int nr, cJSON *ev) {
  gb_set_reg(m, UC_X86_REG_RIP, gb_reg(m, UC_X86_REG_RIP) - 2); /* re-run when a child ends */
  gb_block(m, TH_CHILD, GB_NEVER);
  if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
  return nr;
}

/* struct rusage: ru_utime, ru_stime (timevals), then 14 longs from ru_maxrss */
static int put_rusage(gb_machine *m, uint64_t addr, const gb_machine *c) {
  uint64_t ru[18];
  memset(ru, 0, sizeof ru);
  uint64_t ns = c ? c->proc.utime_ns : 0;
  ru[0] = ns / 1000000000ULL;
  ru[1] = ns % 1000000000ULL / 1000;
  ru[4] = c ? c->proc.maxrss_kb : 0;
  return gb_write(m, addr, ru, sizeof ru);
}

static void reap(gb_machine *m, gb_machine *z, int nr) {
  z->proc.state = PROC_REAPED;
  cJSON *ev = gb_trace_event(m, GB_EV_WAIT);
  if (ev) {
    cJSON_AddNumberToObject(ev, "pid", m->pid);
    cJSON_AddNumberToObject(ev, "child_pid", z->pid);
    cJSON_AddItemToObject(ev, "status", gb_hex((uint64_t)z->proc.wstatus));
    cJSON_AddStringToObject(ev, "by", nr == 61 ? "wait4" : "waitid");
  }
}

int64_t gb_sys_wait4(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int64_t pid = (int32_t)a[0];
  uint32_t opt = (uint32_t)a[2];
  if (opt & ~(uint32_t)(WNOHANG_LINUX | WUNTRACED_LINUX | WCONTINUED_LINUX | WNOTHREAD_LINUX |
                        WALL_LINUX | WCLONE_LINUX))
    return -EINVAL_LINUX;
  if (pid == INT32_MIN) return -ESRCH_LINUX; /* kernel_wait4: -INT_MIN overflows */
  int idtype = pid > 0 ? P_PID_LINUX : pid == -1 ? P_ALL_LINUX : P_PGID_LINUX;
  int64_t id = pid < -1 ? -pid : pid;
  gb_machine *z;
  int r = find_child(m, idtype, id, &z);
  if (r < 0) return r;
  if (!r) return (opt & WNOHANG_LINUX) ? 0 : wait_again(m, 61, ev);
  if (a[1] && gb_write_u32(m, a[1], (uint32_t)z->proc.wstatus) < 0) return -EFAULT_LINUX;
  if (a[3] && put_rusage(m, a[3], z) < 0) return -EFAULT_LINUX;
  reap(m, z, 61);
  return z->pid;
}

int64_t gb_sys_waitid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int idtype = (int)a[0];
  int64_t id = (int32_t)a[1];
  uint32_t opt = (uint32_t)a[3];
  if (opt & ~(uint32_t)(WNOHANG_LINUX | WNOWAIT_LINUX | WEXITED_LINUX | WUNTRACED_LINUX |
                        WCONTINUED_LINUX | WNOTHREAD_LINUX | WALL_LINUX | WCLONE_LINUX))
    return -EINVAL_LINUX;
  if (!(opt & (WEXITED_LINUX | WUNTRACED_LINUX | WCONTINUED_LINUX))) return -EINVAL_LINUX;
  if (idtype != P_ALL_LINUX && idtype != P_PID_LINUX && idtype != P_PGID_LINUX) return -EINVAL_LINUX;
  if ((idtype == P_PID_LINUX && id <= 0) || (idtype == P_PGID_LINUX && id < 0)) return -EINVAL_LINUX;
  gb_machine *z = NULL;
  int r = (opt & WEXITED_LINUX) ? find_child(m, idtype, id, &z) : find_child(m, idtype, id, &z) < 0 ? -ECHILD_LINUX : 0;
  if (r < 0) return r;
  if (!r && !(opt & WNOHANG_LINUX)) return wait_again(m, 247, ev);
  if (a[2]) { /* siginfo: signo, errno, code, then pid, uid, status (kernel_waitid) */
    unsigned char si[128];
    memset(si, 0, sizeof si);
    if (z) {
      int32_t v[6] = {SIGCHLD_LINUX, 0, (z->proc.wstatus & 0x7f) ? CLD_KILLED_LINUX : CLD_EXITED_LINUX,
                      0, z->pid, GB_FS_GUEST_UID};
      int32_t status = (z->proc.wstatus & 0x7f) ? (z->proc.wstatus & 0x7f) : (z->proc.wstatus >> 8) & 0xff;
      memcpy(si, v, 12);
      memcpy(si + 16, &v[4], 4);
      memcpy(si + 20, &v[5], 4);
      memcpy(si + 24, &status, 4);
    }
    if (gb_write(m, a[2], si, sizeof si) < 0) return -EFAULT_LINUX;
  }
  if (a[4] && put_rusage(m, a[4], z) < 0) return -EFAULT_LINUX;
  if (z && !(opt & WNOWAIT_LINUX)) reap(m, z, 247);
  return 0;
}

/* ---- ids ---- */

int64_t gb_sys_getpid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a, (void)ev;
  return m->pid;
}
int64_t gb_sys_getppid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a, (void)ev;
  return m->ppid;
}
int64_t gb_sys_getpgrp(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a, (void)ev;
  return m->pgid;
}
int64_t gb_sys_getpgid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_machine *p = a[0] ? by_pid(m->w, (int)a[0]) : m;
  return p ? p->pgid : -ESRCH_LINUX;
}
int64_t gb_sys_getsid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_machine *p = a[0] ? by_pid(m->w, (int)a[0]) : m;
  return p ? p->sid : -ESRCH_LINUX;
}
int64_t gb_sys_setsid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a, (void)ev;
  for (int i = 0; i < m->w->nprocs; i++) /* a group leader, or a group named by our pid */
    if (m->w->procs[i]->proc.state != PROC_REAPED && m->w->procs[i]->pgid == m->pid) return -EPERM_LINUX;
  m->sid = m->pgid = m->pid;
  return m->sid;
}
int64_t gb_sys_setpgid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  int64_t pid = (int64_t)a[0], pgid = (int64_t)a[1];
  if (pgid < 0 || pid < 0) return -EINVAL_LINUX;
  gb_machine *p = pid ? by_pid(m->w, (int)pid) : m;
  if (!p || (p != m && p->ppid != m->pid)) return -ESRCH_LINUX;
  if (!pgid) pgid = p->pid;
  if (p->sid == p->pid || p->sid != m->sid) return -EPERM_LINUX; /* a session leader, another session */
  if (pgid != p->pid) {
    int ok = 0;
    for (int i = 0; i < m->w->nprocs; i++)
      if (m->w->procs[i]->proc.state != PROC_REAPED && m->w->procs[i]->pgid == pgid &&
          m->w->procs[i]->sid == m->sid)
        ok = 1;
    if (!ok) return -EPERM_LINUX;
  }
  p->pgid = (int)pgid;
  return 0;
}

int64_t gb_sys_fork(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a;
  return gb_sys_clone_process(m, SIGCHLD_LINUX, 0, 0, 0, 0, ev);
}
int64_t gb_sys_vfork(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a;
  return gb_sys_clone_process(m, CLONE_VM_LINUX | CLONE_VFORK_LINUX | SIGCHLD_LINUX, 0, 0, 0, 0, ev);
}

/* kill(PID, SIG) for another guest process (PID > 0, not M's own): its default action
 * ends it (a zombie killed by SIG); a signal it handles, or one whose default is not to
 * end it, is sent to it (sigsend.c) and delivered when it runs. 1 when handled here (*RET set). */
int gb_proc_kill(gb_machine *m, int64_t pid, int sig, cJSON *ev, int64_t *ret) {
  if (pid <= 0 || pid == m->pid) return 0;
  gb_machine *t = by_pid(m->w, (int)pid);
  if (!t) {
    /* a thread id of M's own is the kernel's "process" too: left to sys_signal.c */
    for (int i = 0; i < m->sched.nth; i++)
      if (m->sched.th[i].tid == pid) return 0;
    *ret = -ESRCH_LINUX;
    return 1;
  }
  *ret = 0;
  if (sig < 0 || sig > NSIG_LINUX) return *ret = -EINVAL_LINUX, 1;
  if (sig == 0 || t->proc.state != PROC_LIVE) return 1;
  int keep = sig == SIGCHLD_LINUX || sig == SIGCONT_LINUX || sig == SIGSTOP_LINUX ||
             sig == SIGTSTP_LINUX || sig == SIGTTIN_LINUX || sig == SIGTTOU_LINUX ||
             sig == SIGURG_LINUX || sig == SIGWINCH_LINUX;
  if (sig != SIGKILL_LINUX && (keep || t->sig.act[sig].handler != SIG_DFL_LINUX)) {
    gb_siginfo si = {sig, SI_USER_LINUX, m->pid, GB_FS_GUEST_UID, 0};
    *ret = gb_signal_send(t, 0, sig, &si); /* delivered when T next runs (sigsend.c) */
    return 1;
  }
  char why[64];
  snprintf(why, sizeof why, "killed by %s from process %d", gb_signal_name_linux(sig), m->pid);
  if (t == m->w->procs[0]) {
    t->exit_code = 128 + sig;
    gb_stop(t, GB_STOP_EXIT, "%s", why);
    return 1;
  }
  end(t, sig, why);
  return 1;
}

/* setuid / setgid / setgroups: the guest is uid and gid 1000 and not privileged, so
 * only its own ids are accepted (as Linux lets an unprivileged process "change" to them),
 * anything else is EPERM. */
int64_t gb_sys_setuid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)m, (void)ev;
  return (uint32_t)a[0] == GB_FS_GUEST_UID ? 0 : -EPERM_LINUX;
}
int64_t gb_sys_setgroups(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  for (uint64_t i = 0; i < a[0] && i < 65536; i++) {
    uint32_t g;
    if (gb_read_u32(m, a[1] + 4 * i, &g) < 0) return -EFAULT_LINUX;
    if (g != GB_FS_GUEST_UID) return -EPERM_LINUX;
  }
  return a[0] > 65536 ? -EINVAL_LINUX : 0;
}
