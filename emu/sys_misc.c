/* sys_misc.c — identity, limits, randomness and the FS base: fixed answers that do
 * not depend on the host (pid 1000, tids from 1000, uid 1000, Linux 6.1 x86_64). */
#include <string.h>

#include "sys.h"


int64_t gb_sys_arch_prctl(gb_machine *m, const uint64_t *a, cJSON *ev) {
  if (a[0] == ARCH_SET_FS_LINUX) {
    if (a[1] >= GB_USER_TOP) return -EPERM_LINUX; /* do_arch_prctl_64: >= TASK_SIZE_MAX */
    gb_set_reg(m, UC_X86_REG_FS_BASE, a[1]);
    gb_cur(m)->fs_base = a[1];
    if (ev) {
      char b[160];
      cJSON_AddStringToObject(ev, "fs_in", gb_sym_name(m, a[1], b, sizeof b));
      cJSON *exp = NULL;
      const gb_sym *m0 = gb_sym_find(m->img, "runtime.m0");
      if (m0 && m->img->layout.m_tls > 0) {
        uint64_t want = m0->addr + (uint64_t)m->img->layout.m_tls + 8;
        exp = gb_hex(want);
        cJSON_AddBoolToObject(ev, "is_m0_tls_plus_8", a[1] == want);
      }
      if (exp) cJSON_AddItemToObject(ev, "expected_m0", exp);
    }
    return 0;
  }
  if (a[0] == ARCH_GET_FS_LINUX) {
    uint64_t fs = gb_reg(m, UC_X86_REG_FS_BASE);
    return gb_write_u64(m, a[1], fs) < 0 ? -EFAULT_LINUX : 0;
  }
  return -EINVAL_LINUX;
}

/* struct new_utsname: six 65-byte fields, in this order. The trace shows them (the
 * syscall's "out"), so a golden sees what the guest was told. */
static const char *const utsname_fields[6][2] = {
  {"sysname", "Linux"},   {"nodename", "goboot"},  {"release", "6.1.0-goboot"},
  {"version", "#1 SMP PREEMPT_DYNAMIC"}, {"machine", "x86_64"}, {"domainname", "(none)"}};

int64_t gb_sys_uname(gb_machine *m, const uint64_t *a, cJSON *ev) {
  char u[6][65];
  memset(u, 0, sizeof u);
  for (int i = 0; i < 6; i++) snprintf(u[i], sizeof u[i], "%s", utsname_fields[i][1]);
  if (gb_write(m, a[0], u, sizeof u) < 0) return -EFAULT_LINUX;
  if (ev) {
    cJSON *o = cJSON_AddObjectToObject(ev, "out");
    for (int i = 0; i < 6; i++) cJSON_AddStringToObject(o, utsname_fields[i][0], u[i]);
  }
  return 0;
}

static void limit(uint64_t res, uint64_t v[2]) {
  switch (res) {
  case RLIMIT_STACK_LINUX: v[0] = 8ULL << 20; v[1] = RLIM_INFINITY_LINUX; break;
  case RLIMIT_NOFILE_LINUX: v[0] = 20000; v[1] = 20000; break; /* docs/go-boot-facts.md § getrlimit(RLIMIT_NOFILE) */
  case RLIMIT_NPROC_LINUX: v[0] = v[1] = 63704; break;
  case RLIMIT_CORE_LINUX: v[0] = 0; v[1] = RLIM_INFINITY_LINUX; break;
  default: v[0] = v[1] = RLIM_INFINITY_LINUX; break;
  }
}

int64_t gb_sys_getrlimit(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[0] >= RLIM_NLIMITS_LINUX) return -EINVAL_LINUX;
  uint64_t v[2];
  limit(a[0], v);
  return gb_write(m, a[1], v, sizeof v) < 0 ? -EFAULT_LINUX : 0;
}

int64_t gb_sys_prlimit64(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[1] >= RLIM_NLIMITS_LINUX) return -EINVAL_LINUX;
  if (a[0] != 0 && a[0] != (uint64_t)m->pid) return -ESRCH_LINUX;
  uint64_t v[2];
  limit(a[1], v);
  if (a[3] && gb_write(m, a[3], v, sizeof v) < 0) return -EFAULT_LINUX;
  return a[2] ? -EPERM_LINUX : 0; /* limits are fixed: raising or lowering them is refused */
}

int64_t gb_sys_getrandom(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  uint64_t n = a[1] > (1u << 20) ? (1u << 20) : a[1];
  unsigned char tmp[4096];
  for (uint64_t done = 0; done < n;) {
    size_t k = n - done < sizeof tmp ? (size_t)(n - done) : sizeof tmp;
    gb_rng_bytes(m, tmp, k);
    if (gb_write(m, a[0] + done, tmp, k) < 0) return done ? (int64_t)done : -EFAULT_LINUX;
    done += k;
  }
  return (int64_t)n;
}

int64_t gb_sys_getuid(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)m; (void)a; (void)ev;
  return GB_FS_GUEST_UID;
}
/* getgroups: the one supplementary group, the guest's own gid (as /etc/group says). */
int64_t gb_sys_getgroups(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  uint32_t gid = GB_FS_GUEST_UID;
  if ((int32_t)a[0] < 0) return -EINVAL_LINUX;
  if (a[0] == 0) return 1;
  if (gb_write(m, a[1], &gid, 4) < 0) return -EFAULT_LINUX;
  return 1;
}
int64_t gb_sys_getcpu(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  uint32_t zero = 0;
  if (a[0] && gb_write(m, a[0], &zero, 4) < 0) return -EFAULT_LINUX;
  if (a[1] && gb_write(m, a[1], &zero, 4) < 0) return -EFAULT_LINUX;
  return 0;
}
/* Known syscalls a Go runtime probes and copes without (rseq, clone3): -ENOSYS_LINUX as
 * for an unknown one, but named in the trace. */
int64_t gb_sys_enosys_quiet(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)m; (void)a; (void)ev;
  return -ENOSYS_LINUX;
}

/* prctl: the options Go programs use.
 *   PR_SET_VMA / PR_SET_VMA_ANON_NAME (Go >= 1.25 names its heap, stack and arena
 *   mappings): checked as Linux 6.1 with CONFIG_ANON_VMA_NAME checks it (page-aligned
 *   start, at most 79 printable bytes of name without \\`$[], a fully mapped range),
 *   then accepted; the name goes into the trace as "vma_name" (nothing else keeps it).
 *   PR_SET_NAME / PR_GET_NAME: the thread's 16-byte name; by default the basename of
 *   AT_EXECFN (the kernel's comm), inherited by clone.
 *   PR_GET_DUMPABLE: 1. PR_SET/GET_PDEATHSIG: the process's death signal, kept. Every other option: -EINVAL_LINUX, as for an option this kernel lacks. */

static void default_comm(gb_machine *m, char out[TASK_COMM_LEN_LINUX]) {
  char fn[256];
  memset(out, 0, TASK_COMM_LEN_LINUX);
  if (!m->stack->execfn_addr || gb_read_str(m, m->stack->execfn_addr, fn, sizeof fn) < 0) return;
  const char *b = strrchr(fn, '/');
  b = b ? b + 1 : fn;
  size_t n = strlen(b) < 15 ? strlen(b) : 15;
  memcpy(out, b, n);
}

int64_t gb_sys_prctl(gb_machine *m, const uint64_t *a, cJSON *ev) {
  gb_thread *t = gb_cur(m);
  switch (a[0]) {
  case PR_GET_DUMPABLE_LINUX: return 1;
  case PR_SET_PDEATHSIG_LINUX: /* kept; sent by no one yet (proc.h) */
    if (a[1] > NSIG_LINUX) return -EINVAL_LINUX;
    m->proc.pdeathsig = (int)a[1];
    return 0;
  case PR_GET_PDEATHSIG_LINUX:
    return gb_write_u32(m, a[1], (uint32_t)m->proc.pdeathsig) < 0 ? -EFAULT_LINUX : 0;
  case PR_GET_KEEPCAPS_LINUX: return t->keepcaps;
  case PR_SET_KEEPCAPS_LINUX: /* cap_task_prctl: 0 or 1, the other arguments 0; per thread */
    if (a[1] > 1 || a[2] || a[3] || a[4]) return -EINVAL_LINUX;
    t->keepcaps = (int)a[1];
    return 0;
  case PR_SET_NAME_LINUX: {
    char n[16];
    memset(n, 0, sizeof n);
    for (int i = 0; i < 15; i++) { /* strncpy_from_user: up to 15 bytes, stops at NUL */
      if (gb_read(m, a[1] + (uint64_t)i, &n[i], 1) < 0) return -EFAULT_LINUX;
      if (!n[i]) break;
    }
    memcpy(t->comm, n, sizeof n);
    if (ev) cJSON_AddStringToObject(ev, "comm", n);
    return 0;
  }
  case PR_GET_NAME_LINUX: {
    char n[16];
    if (t->comm[0]) memcpy(n, t->comm, sizeof n);
    else default_comm(m, n);
    return gb_write(m, a[1], n, sizeof n) < 0 ? -EFAULT_LINUX : 0;
  }
  case PR_SET_VMA_LINUX: {
    if (a[1] != PR_SET_VMA_ANON_NAME_LINUX) return -EINVAL_LINUX;
    uint64_t start = a[2], len = (a[3] + GB_PAGE - 1) & ~(GB_PAGE - 1);
    if (start & (GB_PAGE - 1)) return -EINVAL_LINUX;
    if (start + len < start) return -EINVAL_LINUX;
    char name[80] = "";
    if (a[4]) {
      int i;
      for (i = 0; i < 80; i++) {
        if (gb_read(m, a[4] + (uint64_t)i, &name[i], 1) < 0) return -EFAULT_LINUX;
        if (!name[i]) break;
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c > 0x7e || strchr("\\`$[]", c)) return -EINVAL_LINUX;
      }
      if (i == 80) return -EINVAL_LINUX; /* ANON_VMA_NAME_MAX_LEN: 80 bytes with the NUL */
    }
    if (ev) cJSON_AddStringToObject(ev, "vma_name", name);
    if (len == 0) return 0;
    /* every page must be mapped, reserved (PROT_NONE) pages included */
    for (uint64_t p = start, end; p < start + len; p = end)
      if (!(end = gb_mm_region_end(m, p))) return -ENOMEM_LINUX;
    return 0;
  }
  default: return -EINVAL_LINUX;
  }
}
