/* report.c — reads goboot-rtc's "key=value" report back into a gb_oracle_state, so
 * the native program's findings render as the same JSON boot state. Host only.
 * Unknown keys are skipped (newer programs may say more). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oracle_json.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (err && n) vsnprintf(err, n, fmt, ap);
  va_end(ap);
  return -1;
}

static int num(const char *v, uint64_t *out) {
  char *end;
  errno = 0;
  if (*v == '-') {
    long long x = strtoll(v, &end, 10);
    *out = (uint64_t)x;
  } else {
    *out = strtoull(v, &end, 0);
  }
  return (errno || end == v || *end) ? -1 : 0;
}

static int hexbytes(const char *v, uint8_t out[16]) {
  if (strlen(v) != 32) return -1;
  for (int i = 0; i < 16; i++) {
    unsigned b;
    if (sscanf(v + 2 * i, "%2x", &b) != 1) return -1;
    out[i] = (uint8_t)b;
  }
  return 0;
}

static int pick(const char *v, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (!strcmp(v, names[i])) return i;
  return -1;
}

typedef struct numkey { const char *key; uint32_t bit; int kind; size_t off; } numkey;
enum { K_U64, K_I32, K_I64, K_U32, K_INT };
#define F(field) offsetof(gb_oracle_state, field)

static const numkey numkeys[] = {
  {"argc", GB_F_ARGC, K_I32, F(argc)},
  {"argv", GB_F_ARGV, K_U64, F(argv)},
  {"envc", GB_F_ENVC, K_I32, F(envc)},
  {"g0_stack_lo", GB_F_G0_STACK, K_U64, F(g0_stack_lo)},
  {"g0_stack_hi", GB_F_G0_STACK, K_U64, F(g0_stack_hi)},
  {"g0_stackguard0", GB_F_G0_STACK, K_U64, F(g0_stackguard0)},
  {"g0_stackguard1", GB_F_G0_STACK, K_U64, F(g0_stackguard1)},
  {"g0", GB_F_G0, K_U64, F(g0)},
  {"m0", GB_F_M0, K_U64, F(m0)},
  {"m0_tls0", GB_F_M0_TLS0, K_U64, F(m0_tls0)},
  {"fs_base", GB_F_FS_BASE, K_U64, F(fs_base)},
  {"phys_page_size", GB_F_PAGE, K_U64, F(phys_page_size)},
  {"phys_huge_page_size", GB_F_HUGE, K_U64, F(phys_huge_page_size)},
  {"ncpu", GB_F_NCPU, K_I32, F(ncpu)},
  {"gomaxprocs", GB_F_GOMAXPROCS, K_I32, F(gomaxprocs)},
  {"is_intel", GB_F_CPU, K_INT, F(is_intel)},
  {"processor_version_info", GB_F_CPU, K_U32, F(processor_version_info)},
  {"secure_mode", GB_F_SECURE, K_INT, F(secure_mode)},
  {"auxv_pairs", GB_F_AUXV_PAIRS, K_I64, F(auxv_pairs)},
  {"fault", GB_F_FAULT, K_U64, F(fault_addr)},
  {"auxv_addr", 0, K_U64, F(auxv_addr)},
  {"at_random_addr", 0, K_U64, F(at_random_addr)},
  {"sysinfo_ehdr", 0, K_U64, F(sysinfo_ehdr)},
  {"random_from_urandom", 0, K_INT, F(random_from_urandom)},
};

static int set_kv(gb_oracle_state *st, const char *k, const char *v, char *err, size_t n) {
  static const char *const src[] = {"stack", "proc", "mincore", "none"};
  static const char *const after[] = {"untouched", "zeroed", "overwritten"};
  uint64_t x;
  for (size_t i = 0; i < sizeof numkeys / sizeof numkeys[0]; i++) {
    const numkey *nk = &numkeys[i];
    if (strcmp(k, nk->key)) continue;
    if (num(v, &x)) return fail(err, n, "%s: bad number '%s'", k, v);
    char *p = (char *)st + nk->off;
    switch (nk->kind) {
    case K_U64: memcpy(p, &x, 8); break;
    case K_I64: { int64_t y = (int64_t)x; memcpy(p, &y, 8); break; }
    case K_I32: { int32_t y = (int32_t)x; memcpy(p, &y, 4); break; }
    case K_U32: { uint32_t y = (uint32_t)x; memcpy(p, &y, 4); break; }
    default: { int y = (int)x; memcpy(p, &y, sizeof y); break; }
    }
    st->have |= nk->bit;
    if (nk->bit == GB_F_FAULT) st->have |= GB_F_FATAL;
    return 0;
  }
  if (!strcmp(k, "profile")) {
    snprintf(st->profile, sizeof st->profile, "%s", v);
  } else if (!strcmp(k, "startup_random")) {
    st->have |= GB_F_RANDOM;
    if (!strcmp(v, "null")) st->startup_random_null = 1;
    else if (hexbytes(v, st->startup_random)) return fail(err, n, "startup_random: bad hex '%s'", v);
  } else if (!strcmp(k, "fatal")) {
    st->have |= GB_F_FATAL;
    snprintf(st->fatal, sizeof st->fatal, "%s", strcmp(v, "null") ? v : "");
  } else if (!strcmp(k, "fatal_detail")) {
    snprintf(st->fatal_detail, sizeof st->fatal_detail, "%s", v);
  } else if (!strcmp(k, "undetermined")) {
    snprintf(st->undetermined, sizeof st->undetermined, "%s", v);
  } else if (!strcmp(k, "auxv_source")) {
    int i = pick(v, src, 4);
    if (i < 0) return fail(err, n, "auxv_source: unknown '%s'", v);
    st->auxv_source = i;
  } else if (!strcmp(k, "stack_random_after")) {
    int i = pick(v, after, 3);
    if (i < 0) return fail(err, n, "stack_random_after: unknown '%s'", v);
    st->stack_random_after = i;
  }
  return 0;
}

int gb_oracle_parse_report(const char *text, gb_oracle_state *st, char *err, size_t errlen) {
  memset(st, 0, sizeof *st);
  if (!text || strncmp(text, "goboot-rtc 1\n", 13))
    return fail(err, errlen, "not a goboot-rtc report (no 'goboot-rtc 1' header)");
  const char *p = text + 13;
  char line[512];
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len >= sizeof line) return fail(err, errlen, "line too long");
    memcpy(line, p, len);
    line[len] = 0;
    p += len + (nl ? 1 : 0);
    if (!strcmp(line, "end")) return 0;
    char *eq = strchr(line, '=');
    if (!eq) return fail(err, errlen, "malformed line '%s'", line);
    *eq = 0;
    if (set_kv(st, line, eq + 1, err, errlen)) return -1;
  }
  return fail(err, errlen, "report truncated (no 'end' line)");
}
