/* sys_thread.c — threads and futexes for the cooperative scheduler (sched.c).
 *
 * clone accepts the three flag sets Go has used (0x10f00 ≤1.8, 0x50f00 1.9–1.15,
 * 0xd0f00 1.16+ with CLONE_SETTLS) and the tid-address flags. The hook only records
 * the request; the run loop builds the child's context once emulation has stopped
 * (docs/unicorn.md § The syscall hook; docs/go-boot-facts.md § clone). Futex waits
 * block in virtual time. */
#include <stdio.h>
#include <string.h>

#include "sys.h"


static void flag_names(uint64_t f, char *buf, size_t cap) {
  static const struct { uint64_t bit; const char *name; } n[] = {
    {CLONE_VM_LINUX, "VM"}, {CLONE_FS_LINUX, "FS"}, {CLONE_FILES_LINUX, "FILES"},
    {CLONE_SIGHAND_LINUX, "SIGHAND"}, {CLONE_THREAD_LINUX, "THREAD"},
    {CLONE_SYSVSEM_LINUX, "SYSVSEM"}, {CLONE_SETTLS_LINUX, "SETTLS"},
    {CLONE_PARENT_SETTID_LINUX, "PARENT_SETTID"}, {CLONE_CHILD_CLEARTID_LINUX, "CHILD_CLEARTID"},
    {CLONE_CHILD_SETTID_LINUX, "CHILD_SETTID"}};
  size_t len = 0;
  buf[0] = 0;
  for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
    if ((f & n[i].bit) && len < cap)
      len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? "|" : "", n[i].name);
}

int64_t gb_sys_clone(gb_machine *m, const uint64_t *a, cJSON *ev) {
  uint64_t flags = a[0];
  if (!(flags & CLONE_THREAD_LINUX)) /* a new process (proc.c) */
    return gb_sys_clone_process(m, flags, a[1], a[2], a[3], a[4], ev);
  if (!(flags & CLONE_VM_LINUX)) return -EINVAL_LINUX; /* CLONE_THREAD needs CLONE_SIGHAND, which needs CLONE_VM */
  if (!a[1]) return -EINVAL_LINUX; /* Go always passes the new thread's stack */
  int parent = m->sched.cur;
  gb_thread *c = gb_thread_new(m);
  if (!c) return -EAGAIN_LINUX;
  m->sched.cur = parent;
  c->sigmask = m->sched.th[parent].sigmask;
  memcpy(c->comm, m->sched.th[parent].comm, sizeof c->comm); /* the kernel copies the name */
  c->keepcaps = m->sched.th[parent].keepcaps;
  if ((flags & CLONE_PARENT_SETTID_LINUX) && gb_write_u32(m, a[2], (uint32_t)c->tid) < 0) return -EFAULT_LINUX;
  if ((flags & CLONE_CHILD_SETTID_LINUX) && gb_write_u32(m, a[3], (uint32_t)c->tid) < 0) return -EFAULT_LINUX;
  if (flags & CLONE_CHILD_CLEARTID_LINUX) c->clear_tid = a[3];
  c->state = TH_EXITED; /* not runnable until the run loop has built its context */
  m->sched.clone = (gb_clone_req){flags, a[1], a[4], m->sched.nth - 1};
  gb_sched_request(m, PEND_CLONE);
  if (ev) {
    char b[160];
    flag_names(flags, b, sizeof b);
    cJSON_AddStringToObject(ev, "flags", b);
    cJSON_AddNumberToObject(ev, "child_tid", c->tid);
    if (flags & CLONE_SETTLS_LINUX) {
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
    gb_futex_wake(m, t->clear_tid, FUTEX_BITSET_MATCH_ANY_LINUX, 1);
  }
  t->state = TH_EXITED;
  gb_sched_request(m, PEND_EXIT_THREAD);
}

int64_t gb_sys_exit(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (gb_sched_live(m) <= 1) { /* the last thread: the process exits with its status */
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
  int cmd = op & ~(FUTEX_PRIVATE_FLAG_LINUX | FUTEX_CLOCK_REALTIME_LINUX);
  int realtime = op & FUTEX_CLOCK_REALTIME_LINUX;
  uint64_t addr = a[0];
  if (addr & 3) return -EINVAL_LINUX;
  switch (cmd) {
  case FUTEX_WAIT_LINUX:          /* relative timeout */
  case FUTEX_WAIT_BITSET_LINUX: { /* absolute timeout */
    uint32_t bitset = cmd == FUTEX_WAIT_BITSET_LINUX ? (uint32_t)a[5] : FUTEX_BITSET_MATCH_ANY_LINUX;
    if (!bitset) return -EINVAL_LINUX;
    uint32_t cur;
    if (gb_read_u32(m, addr, &cur) < 0) return -EFAULT_LINUX;
    if (cur != (uint32_t)a[2]) return -EAGAIN_LINUX;
    uint64_t deadline = GB_NEVER;
    if (a[3]) {
      uint64_t ns;
      int r = (int)gb_read_timespec(m, a[3], &ns);
      if (r < 0) return r;
      uint64_t now = gb_now_ns(m);
      if (cmd == FUTEX_WAIT_LINUX) deadline = now + ns;
      else if (realtime) deadline = ns > GB_REALTIME_EPOCH_NS ? ns - GB_REALTIME_EPOCH_NS : 0;
      else deadline = ns;
      if (deadline <= now) return -ETIMEDOUT_LINUX;
    }
    gb_thread *t = gb_cur(m);
    t->futex_addr = addr;
    t->futex_bitset = bitset;
    if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
    gb_block(m, TH_FUTEX, deadline);
    return 0;
  }
  case FUTEX_WAKE_LINUX:
  case FUTEX_WAKE_BITSET_LINUX: {
    uint32_t bitset = cmd == FUTEX_WAKE_BITSET_LINUX ? (uint32_t)a[5] : FUTEX_BITSET_MATCH_ANY_LINUX;
    if (!bitset) return -EINVAL_LINUX;
    int n = (int)a[2] < 0 ? 0x7fffffff : (int)a[2];
    return gb_futex_wake(m, addr, bitset, n);
  }
  default:
    if (ev) cJSON_AddStringToObject(ev, "unsupported", "futex operation");
    return -ENOSYS_LINUX;
  }
}

int64_t gb_sys_sched_yield(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)a;
  (void)ev;
  gb_sched_expire(m);
  if (gb_sched_others_runnable(m)) {
    gb_sched_request(m, PEND_SWITCH);
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
  return a[1] == ROBUST_LIST_HEAD_SIZE_LINUX ? 0 : -EINVAL_LINUX;
}

int64_t gb_sys_sched_getaffinity(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[1] < 8 || (a[1] & 7)) return -EINVAL_LINUX;
  int n = m->o.ncpu < 1 ? 1 : m->o.ncpu > 64 ? 64 : m->o.ncpu;
  uint64_t mask = n == 64 ? ~0ULL : (1ULL << n) - 1;
  if (gb_write_u64(m, a[2], mask) < 0) return -EFAULT_LINUX;
  return 8;
}

int64_t gb_sys_sched_setaffinity(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)m;
  (void)a;
  (void)ev;
  return 0;
}
