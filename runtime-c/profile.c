/* profile.c — the oracle's view of a Go release: the facts of loader/goversions.c
 * (the one per-release table, docs/go-boot-facts.md) for the releases whose boot path
 * is known, GB_GO_MINOR_OLDEST..GB_GO_MINOR_NEWEST. */
#include "oracle.h"

int gb_oracle_profile_init(gb_oracle_profile *p, int major, int minor, int patch) {
  gb_go_facts f;
  if (major != 1 || !gb_go_minor_known(minor) || !gb_go_facts_for(minor, patch, &f)) return -1;
  p->major = major; p->minor = minor; p->patch = patch;
  p->go = f;
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
