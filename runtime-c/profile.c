/* profile.c — the oracle's view of a Go release: the facts of loader/goversions.c
 * (the one per-release table, docs/go-boot-facts.md) for the releases whose boot path
 * is known, GB_GO_MINOR_OLDEST..GB_GO_MINOR_NEWEST. */
#include "oracle.h"

int gb_oracle_profile_init(gb_oracle_profile *p, int major, int minor, int patch) {
  gb_go_facts f;
  if (major != 1 || !gb_go_minor_known(minor) || !gb_go_facts_for(minor, patch, &f)) return -1;
  p->major = major; p->minor = minor; p->patch = patch;
  p->rt0_sub = f.rt0_sub;
  p->g0_lo_off = f.g0_lo_off;
  p->stack_guard = f.stack_guard;
  p->m_tls = f.m_tls;
  p->at_secure = f.at_secure;
  p->max_page_bound = f.max_page_bound;
  p->huge_page = f.huge_page;
  p->huge_page_cap = f.huge_page_cap;
  p->nohugepage_align = f.nohugepage_align;
  p->randinit = f.randinit;
  p->randinit_before_malloc = f.randinit_before_malloc;
  p->at_random_zero_half = f.at_random_zero_half;
  p->cgroup_maxprocs = f.cgroup_maxprocs;
  p->ncpu_sym = f.ncpu_sym;
  p->random_sym = f.random_sym;
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
