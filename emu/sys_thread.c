/* sys_thread.c — threads and futexes for the cooperative scheduler (sched.c).
 *
 * clone accepts the three flag sets Go has used (0x10f00 ≤1.8, 0x50f00 1.9–1.15,
 * 0xd0f00 1.16+ with CLONE_SETTLS) and the tid-address flags. The hook only records
 * the request; the run loop builds the child's context once emulation has stopped
 * (docs/unicorn.md § The syscall hook; docs/go-boot-facts.md § clone). Futex waits
 * block in virtual time. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sys.h"

#define CLONE_VM_ 0x100
#define CLONE_THREAD_ 0x10000
#define CLONE_SETTLS_ 0x80000
#define CLONE_PARENT_SETTID_ 0x100000
#define CLONE_CHILD_CLEARTID_ 0x200000
#define CLONE_CHILD_SETTID_ 0x1000000

static void flag_names(uint64_t f, char *buf, size_t cap) {
  static const struct { uint64_t bit; const char *name; } n[] = {
    {0x100, "VM"}, {0x200, "FS"}, {0x400, "FILES"}, {0x800, "SIGHAND"}, {0x10000, "THREAD"},
    {0x40000, "SYSVSEM"}, {0x80000, "SETTLS"}, {0x100000, "PARENT_SETTID"},
    {0x200000, "CHILD_CLEARTID"}, {0x1000000, "CHILD_SETTID"}};
  size_t len = 0;
  buf[0] = 0;
  for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
    if ((f & n[i].bit) && len < cap)
      len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? "|" : "", n[i].name);
}

int64_t gb_sys_clone(gb_machine *m, const uint64_t *a, cJSON *ev) {
  uint64_t flags = a[0];
  if ((flags & (CLONE_VM_ | CLONE_THREAD_)) != (CLONE_VM_ | CLONE_THREAD_)) {
    if (ev) cJSON_AddStringToObject(ev, "unsupported", "process fork (no CLONE_THREAD)");
    return -ENOSYS;
  }
  if (!a[1]) return -EINVAL; /* Go always passes the new thread's stack */
  int parent = m->cur;
  gb_thread *c = gb_thread_new(m);
  if (!c) return -EAGAIN;
  m->cur = parent;
  c->sigmask = m->th[parent].sigmask;
  memcpy(c->comm, m->th[parent].comm, sizeof c->comm); /* the kernel copies the name */
  if ((flags & CLONE_PARENT_SETTID_) && gb_write_u32(m, a[2], (uint32_t)c->tid) < 0) return -EFAULT;
  if ((flags & CLONE_CHILD_SETTID_) && gb_write_u32(m, a[3], (uint32_t)c->tid) < 0) return -EFAULT;
  if (flags & CLONE_CHILD_CLEARTID_) c->clear_tid = a[3];
  c->state = TH_EXITED; /* not runnable until the run loop has built its context */
  m->pend_child = m->nth - 1;
  m->pend_clone_flags = flags;
  m->pend_clone_stack = a[1];
  m->pend_clone_tls = a[4];
  m->pending = PEND_CLONE;
  uc_emu_stop(m->uc);
  if (ev) {
    char b[160];
    flag_names(flags, b, sizeof b);
    cJSON_AddStringToObject(ev, "flags", b);
    cJSON_AddNumberToObject(ev, "child_tid", c->tid);
    if (flags & CLONE_SETTLS_) {
      char s[160];
      cJSON_AddStringToObject(ev, "tls_in", gb_sym_name(m, a[4], s, sizeof s));
    }
  }
  return c->tid;
}

static void thread_exit(gb_machine *m) {
  gb_thread *t = gb_cur(m);
  if (t->clear_tid) {
    gb_write_u32(m, t->clear_tid, 0);
    gb_futex_wake(m, t->clear_tid, 0xffffffffu, 1);
  }
  t->state = TH_EXITED;
  m->pending = PEND_EXIT_THREAD;
  uc_emu_stop(m->uc);
}

int64_t gb_sys_exit(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  int live = 0;
  for (int i = 0; i < m->nth; i++)
    if (m->th[i].state != TH_EXITED) live++;
  if (live <= 1) { /* the last thread: the process exits with its status */
    m->exit_code = (int)(a[0] & 0xff);
    gb_stop(m, GB_STOP_EXIT, "exit(%d) of the last thread", m->exit_code);
    return 0;
  }
  thread_exit(m);
  return 0;
}

int64_t gb_sys_exit_group(gb_machine *m, const uint64_t *a, cJSON *ev) {
  char here[160], from[160];
  uint64_t ret = 0, pc = gb_reg(m, UC_X86_REG_RIP);
  m->exit_code = (int)(a[0] & 0xff);
  gb_sym_name(m, pc, here, sizeof here);
  /* runtime.exit is a frameless assembly stub: its return address is at RSP */
  if (gb_read_u64(m, gb_reg(m, UC_X86_REG_RSP), &ret) == 0 && gb_sym_at(m->img, ret)) {
    gb_sym_name(m, ret, from, sizeof from);
    if (ev) cJSON_AddStringToObject(ev, "called_from", from);
    gb_stop(m, GB_STOP_EXIT, "exit_group(%d) in %s called from %s", m->exit_code, here, from);
  } else {
    gb_stop(m, GB_STOP_EXIT, "exit_group(%d) in %s", m->exit_code, here);
  }
  return 0;
}

int64_t gb_sys_futex(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int op = (int)a[1];
  int cmd = op & 127, realtime = op & 256;
  uint64_t addr = a[0];
  if (addr & 3) return -EINVAL;
  switch (cmd) {
  case 0:   /* FUTEX_WAIT: relative timeout */
  case 9: { /* FUTEX_WAIT_BITSET: absolute timeout */
    uint32_t bitset = cmd == 9 ? (uint32_t)a[5] : 0xffffffffu;
    if (!bitset) return -EINVAL;
    uint32_t cur;
    if (gb_read_u32(m, addr, &cur) < 0) return -EFAULT;
    if (cur != (uint32_t)a[2]) return -EAGAIN;
    uint64_t deadline = GB_NEVER;
    if (a[3]) {
      uint64_t ns;
      int r = (int)gb_read_timespec(m, a[3], &ns);
      if (r < 0) return r;
      uint64_t now = gb_now_ns(m);
      if (cmd == 0) deadline = now + ns;
      else if (realtime) deadline = ns > GB_REALTIME_EPOCH_NS ? ns - GB_REALTIME_EPOCH_NS : 0;
      else deadline = ns;
      if (deadline <= now) return -ETIMEDOUT;
    }
    gb_thread *t = gb_cur(m);
    t->futex_addr = addr;
    t->futex_bitset = bitset;
    if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
    gb_block(m, TH_FUTEX, deadline);
    return 0;
  }
  case 1:    /* FUTEX_WAKE */
  case 10: { /* FUTEX_WAKE_BITSET */
    uint32_t bitset = cmd == 10 ? (uint32_t)a[5] : 0xffffffffu;
    if (!bitset) return -EINVAL;
    int n = (int)a[2] < 0 ? 0x7fffffff : (int)a[2];
    return gb_futex_wake(m, addr, bitset, n);
  }
  default:
    if (ev) cJSON_AddStringToObject(ev, "unsupported", "futex operation");
    return -ENOSYS;
  }
}

int64_t gb_sys_sched_yield(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a;
  (void)ev;
  gb_sched_expire(m);
  if (gb_sched_others_runnable(m)) {
    m->pending = PEND_SWITCH;
    uc_emu_stop(m->uc);
  }
  return 0;
}

int64_t gb_sys_gettid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a;
  (void)ev;
  return gb_cur(m)->tid;
}

int64_t gb_sys_set_tid_address(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_cur(m)->clear_tid = a[0];
  return gb_cur(m)->tid;
}

int64_t gb_sys_set_robust_list(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)m;
  (void)ev;
  return a[1] == 24 ? 0 : -EINVAL;
}

int64_t gb_sys_sched_getaffinity(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[1] < 8 || (a[1] & 7)) return -EINVAL;
  int n = m->o.ncpu < 1 ? 1 : m->o.ncpu > 64 ? 64 : m->o.ncpu;
  uint64_t mask = n == 64 ? ~0ULL : (1ULL << n) - 1;
  if (gb_write_u64(m, a[2], mask) < 0) return -EFAULT;
  return 8;
}

int64_t gb_sys_sched_setaffinity(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)m;
  (void)a;
  (void)ev;
  return 0;
}
