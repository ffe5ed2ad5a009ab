/* rtc.c — goboot-rtc: what rt0_go and the first runtime calls do, done natively.
 *
 * From _start (start_amd64.S) with the kernel's stack pointer: g0 bounds from the
 * entry SP, arch_prctl(ARCH_SET_FS, &m0.tls + 8) and the 0x123 self-test through
 * %fs:-8, CPUID, then the oracle's phases over the live stack with the real syscall
 * answers, issued in the runtime's order: [/proc/self/auxv only for an empty auxv],
 * sched_getaffinity, hpage_pmd_size. Prints gb_oracle_format's lines on stdout.
 *
 * Profile: --profile=1.21 among the arguments, else $GOBOOT_RTC_PROFILE, else 1.19.
 * Exit: 0 report written; 3 TLS setup or self-test failed; 64 bad profile. */
#include "auxv.h"
#include "oracle.h"
#include "rtc_sys.h"

/* runtime.g prefix (offsets fixed in every version, docs/go-boot-facts.md
 * § runtime.g and runtime.m offsets). */
struct rtc_g {
  uint64_t stack_lo, stack_hi, stackguard0, stackguard1; /* 0, 8, 16, 24 */
  uint64_t panic_, defer_;                               /* 32, 40 */
  uint64_t m;                                            /* 48 */
  uint8_t rest[456 - 56];
};

/* runtime.m0 as bytes: g0 at +0, tls[6] at the profile's m_tls (136 or 128). */
static struct rtc_g g0 __attribute__((aligned(64)));
static uint8_t m0[2048] __attribute__((aligned(64)));

static uint8_t affinity[8192];       /* getproccount's buffer (on g0 in Go) */
static uint8_t numbuf[20];           /* getHugePageSize */
static uint8_t auxvbuf[1024];        /* sysargs fallback */
static char report[8192];
static const char hpage_path[] = "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size";
static const char auxv_path[] = "/proc/self/auxv";

static size_t slen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

static void say(int fd, const char *s) { rtc_sys3(RTC_SYS_write, fd, s, slen(s)); }

static const char *prefixed(const char *s, const char *prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return 0;
  return s;
}

static void cpuid(uint32_t leaf, uint32_t r[4]) {
  __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* open + read(len) + close, recorded as a gb_oracle_file answer. */
static void read_file(const char *path, uint8_t *buf, long len, gb_oracle_file *f) {
  long fd = rtc_syscall6(RTC_SYS_openat, RTC_AT_FDCWD, (long)path, 0 /* O_RDONLY */, 0, 0, 0);
  f->known = 1;
  if (fd < 0) { f->open_err = (int)fd; return; }
  f->read_ret = rtc_sys3(RTC_SYS_read, fd, buf, len);
  f->data = buf;
  rtc_sys3(RTC_SYS_close, fd, 0, 0);
}

/* sysargs' fallback when /proc/self/auxv cannot be opened: mmap 256 KiB and find
 * the first n = 4K, 8K, … at which mincore(base + n, 1) succeeds. */
static uint64_t mincore_probe(void) {
  static unsigned char vec[1];
  const long size = 256 << 10;
  long p = rtc_syscall6(RTC_SYS_mmap, 0, size, 3 /* RW */, 0x22 /* ANON|PRIVATE */, -1, 0);
  if (p < 0 && p > -4096) return 0;
  uint64_t found = 0;
  for (long n = 4 << 10; n < size; n <<= 1)
    if (rtc_sys3(RTC_SYS_mincore, p + n, 1, vec) == 0) { found = (uint64_t)n; break; }
  rtc_sys3(RTC_SYS_munmap, p, size, 0);
  return found ? found : (uint64_t)size;
}

/* The end of the kernel's stack block: past the highest string the vectors name
 * (AT_EXECFN sits right under the top word), rounded up to a page. */
static uint64_t stack_top(const uint64_t *sp) {
  uint64_t argc = sp[0], hi = (uint64_t)(sp + 1);
  const uint64_t *v = sp + 1;
  for (int pass = 0; pass < 2; pass++, v++)         /* argv, then envp */
    for (; *v; v++) {
      uint64_t e = *v + slen((const char *)*v) + 1;
      if (e > hi) hi = e;
    }
  for (; v[0]; v += 2)
    if (v[0] == AT_EXECFN_LINUX && v[1]) {
      uint64_t e = v[1] + slen((const char *)v[1]) + 1;
      if (e > hi) hi = e;
    }
  (void)argc;
  return (hi + 8 + 4095) & ~(uint64_t)4095;
}

int rtc_main(uint64_t *sp);

int rtc_main(uint64_t *sp) {
  gb_oracle_in in = {0};
  gb_oracle_state st;
  const char *prof = 0;
  uint64_t argc = sp[0];
  const char *const *argv = (const char *const *)(sp + 1);
  const char *const *envp = argv + argc + 1;

  for (uint64_t i = 1; i < argc; i++)
    if (prefixed(argv[i], "--profile=")) prof = prefixed(argv[i], "--profile=");
  for (const char *const *e = envp; !prof && *e; e++)
    prof = prefixed(*e, "GOBOOT_RTC_PROFILE=");
  if (gb_oracle_profile_parse(&in.prof, prof ? prof : "1.19")) {
    say(2, "goboot-rtc: unknown profile (want 1." GB_GO_STR(GB_GO_MINOR_OLDEST) " … 1."
           GB_GO_STR(GB_GO_MINOR_NEWEST) ")\n");
    return 64;
  }
  const gb_oracle_profile *p = &in.prof;

  /* rt0_go: SP -= 39/40; SP &= ~15 → g0.stack.hi; lo = guards = hi - 64K (+104). */
  uint64_t hi = ((uint64_t)sp - (uint64_t)p->go.rt0_sub) & ~(uint64_t)15;
  g0.stack_hi = hi;
  g0.stack_lo = g0.stackguard0 = g0.stackguard1 = hi + (uint64_t)p->go.g0_lo_off;

  /* CPUID leaf 0 (max leaf, vendor), leaf 1 EAX. */
  uint32_t r[4];
  cpuid(0, r);
  in.cpuid_known = 1;
  in.cpuid_max_leaf = r[0];
  in.cpuid_vendor[0] = r[1], in.cpuid_vendor[1] = r[3], in.cpuid_vendor[2] = r[2];
  if (r[0]) cpuid(1, r), in.cpuid_leaf1_eax = r[0];

  /* settls: FS = &m0.tls + 8, so that FS:-8 is m0.tls[0]. */
  uint64_t *tls = (uint64_t *)(m0 + p->go.m_tls);
  long ret = rtc_syscall6(RTC_SYS_arch_prctl, RTC_ARCH_SET_FS, (long)(tls + 1), 0, 0, 0, 0);
  if (ret < 0 && ret > -4096) { say(2, "goboot-rtc: arch_prctl(ARCH_SET_FS) failed\n"); return 3; }
  /* Store 0x123 through FS, read m0.tls[0] back by absolute address. */
  __asm__ volatile("movq $0x123, %%fs:-8" ::: "memory");
  if (*(volatile uint64_t *)tls != 0x123) { say(2, "goboot-rtc: TLS self-test failed\n"); return 3; }
  /* FS:-8 = &g0; m0.g0 = &g0; g0.m = &m0. */
  __asm__ volatile("movq %0, %%fs:-8" ::"r"((uint64_t)&g0) : "memory");
  *(uint64_t *)m0 = (uint64_t)&g0;
  g0.m = (uint64_t)m0;

  /* args → sysargs over the live stack. */
  in.stack.bytes = (const uint8_t *)sp;
  in.stack.base = (uint64_t)sp;
  in.stack.size = stack_top(sp) - (uint64_t)sp;
  in.entry_sp = (uint64_t)sp;
  in.g0_addr = (uint64_t)&g0;
  in.m0_addr = (uint64_t)m0;
  gb_oracle_rt0(&in, &st);
  gb_oracle_sysargs(&in, &st);
  if (st.sysinfo_ehdr) {             /* the kernel's (or goboot's) vDSO is the real one */
    in.vdso_base = st.sysinfo_ehdr;
    gb_oracle_sysargs(&in, &st);
  }
  if (st.need_proc_auxv) {
    read_file(auxv_path, auxvbuf, sizeof auxvbuf, &in.proc_auxv);
    if (in.proc_auxv.open_err) in.mincore_known = 1, in.mincore_pagesz = mincore_probe();
    gb_oracle_sysargs(&in, &st);
  }

  /* osinit: sched_getaffinity(0, 8192, buf); hpage_pmd_size (1.13+). */
  in.affinity_known = 1;
  in.affinity_ret = rtc_sys3(RTC_SYS_sched_getaffinity, 0, sizeof affinity, affinity);
  in.affinity = affinity;
  if (p->go.huge_page) read_file(hpage_path, numbuf, sizeof numbuf, &in.hpage);
  gb_oracle_osinit(&in, &st);
  gb_oracle_schedinit(&in, &st);

  /* mstart0: stackguard0 = stackguard1 = lo + StackGuard. Report the native g0. */
  g0.stackguard0 = g0.stack_lo + (uint64_t)p->go.stack_guard;
  g0.stackguard1 = g0.stackguard0;
  st.g0_stack_lo = g0.stack_lo, st.g0_stack_hi = g0.stack_hi;
  st.g0_stackguard0 = g0.stackguard0, st.g0_stackguard1 = g0.stackguard1;
  uint64_t cur;
  __asm__ volatile("movq %%fs:-8, %0" : "=r"(cur));
  st.m0_tls0 = *(volatile uint64_t *)tls;
  if (cur == st.m0_tls0) st.have |= GB_F_M0_TLS0;

  size_t n = gb_oracle_format(&st, report, sizeof report);
  if (n >= sizeof report) n = sizeof report - 1;
  for (size_t off = 0; off < n;) {
    long w = rtc_sys3(RTC_SYS_write, 1, report + off, n - off);
    if (w <= 0) return 65;
    off += (size_t)w;
  }
  return 0;
}
