/* profile.c — per-version rules of the Go boot path (docs/go-boot-facts.md), one place.
 * Each rule names the source it was checked against in runtime-c/README.md. */
#include "oracle.h"

int gb_oracle_profile_init(gb_oracle_profile *p, int major, int minor, int patch) {
  if (major != 1 || minor < 10 || minor > 27) return -1;
  p->major = major; p->minor = minor; p->patch = patch;
  int pt = patch < 0 ? 0 : patch;
  /* asm_amd64.s rt0_go: SUBQ $(4*8+7) ≤1.17 (ABI0 frame with argc/argv at 16/24),
   * SUBQ $(5*8) 1.18+ (one more slot); both then ANDQ $~15. */
  p->rt0_sub = minor <= 17 ? 39 : 40;
  /* LEAQ (-64*1024+104)(SP) through 1.20: measured under goboot on go1.20.4 and
   * go1.20.12 binaries (g0.stack.hi - lo = 65432 at runtime.main); -64*1024 from 1.21
   * (golang/go#56594 landed after the 1.20 branch). */
  p->g0_lo_off = minor <= 20 ? -65536 + 104 : -65536;
  p->stack_guard = minor <= 13 ? 880 : minor == 14 ? 896 : 928; /* 896: two go1.14.2 binaries */
  p->m_tls = minor <= 24 ? 136 : 128;
  p->at_secure = minor >= 21 || (minor == 20 && pt >= 5) || (minor == 19 && pt >= 10);
  p->max_page_bound = minor >= 14;
  p->huge_page = minor >= 13;
  p->huge_page_cap = minor >= 14;
  p->nohugepage_align = minor >= 21;
  p->randinit = minor >= 22;
  p->randinit_before_malloc = minor >= 26;
  p->at_random_zero_half = minor >= 24;
  p->cgroup_maxprocs = minor >= 25;
  p->ncpu_sym = minor >= 25 ? "runtime.numCPUStartup" : "runtime.ncpu";
  p->random_sym = minor >= 22 ? "runtime.startupRand" : "runtime.startupRandomData";
  return 0;
}

static int parse_uint(const char **s, int *out) {
  const char *p = *s;
  int v = 0, n = 0;
  while (*p >= '0' && *p <= '9' && n < 6) v = v * 10 + (*p++ - '0'), n++;
  if (n == 0 || (*p >= '0' && *p <= '9')) return -1;
  *s = p; *out = v;
  return 0;
}

int gb_oracle_profile_parse(gb_oracle_profile *p, const char *s) {
  int major, minor, patch = -1;
  if (!s) return -1;
  if (s[0] == 'g' && s[1] == 'o') s += 2;
  if (parse_uint(&s, &major) || *s++ != '.' || parse_uint(&s, &minor)) return -1;
  if (*s == '.') {
    s++;
    if (parse_uint(&s, &patch)) return -1;
  }
  if (*s) return -1;
  return gb_oracle_profile_init(p, major, minor, patch);
}
