/* format.c — the boot state as "key=value" lines (goboot-rtc's stdout).
 * Freestanding. Absent fields are omitted; report.c reads the same lines back.
 *
 *   goboot-rtc 1
 *   profile=1.19
 *   argc=3
 *   argv=0x7ffe4c2d6c68
 *   ...
 *   end
 */
#include "oracle.h"

typedef struct out { char *buf; size_t cap, len; } out;

static void put(out *o, const char *s) {
  for (; *s; s++, o->len++)
    if (o->len + 1 < o->cap) o->buf[o->len] = *s;
}

static void put_hex(out *o, uint64_t v, int digits) {
  char t[17];
  int n = 0;
  do t[n++] = "0123456789abcdef"[v & 15], v >>= 4; while (v || n < digits);
  put(o, "0x");
  while (n) { char c[2] = {t[--n], 0}; put(o, c); }
}

static void put_dec(out *o, int64_t v) {
  char t[24];
  int n = 0;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do t[n++] = (char)('0' + u % 10), u /= 10; while (u);
  if (v < 0) put(o, "-");
  while (n) { char c[2] = {t[--n], 0}; put(o, c); }
}

static void kv_hex(out *o, const char *k, uint64_t v) { put(o, k); put(o, "="); put_hex(o, v, 1); put(o, "\n"); }
static void kv_dec(out *o, const char *k, int64_t v) { put(o, k); put(o, "="); put_dec(o, v); put(o, "\n"); }
static void kv_str(out *o, const char *k, const char *v) { put(o, k); put(o, "="); put(o, v); put(o, "\n"); }

size_t gb_oracle_format(const gb_oracle_state *st, char *buf, size_t cap) {
  static const char *const src[] = {"stack", "proc", "mincore", "none"};
  static const char *const after[] = {"untouched", "zeroed", "overwritten"};
  out o = {buf, cap, 0};
  uint32_t h = st->have;

  put(&o, "goboot-rtc 1\n");
  kv_str(&o, "profile", st->profile);
  if (h & GB_F_ARGC) kv_dec(&o, "argc", st->argc);
  if (h & GB_F_ARGV) kv_hex(&o, "argv", st->argv);
  if (h & GB_F_ENVC) kv_dec(&o, "envc", st->envc);
  if (h & GB_F_G0_STACK) {
    kv_hex(&o, "g0_stack_lo", st->g0_stack_lo);
    kv_hex(&o, "g0_stack_hi", st->g0_stack_hi);
    kv_hex(&o, "g0_stackguard0", st->g0_stackguard0);
    kv_hex(&o, "g0_stackguard1", st->g0_stackguard1);
  }
  if (h & GB_F_G0) kv_hex(&o, "g0", st->g0);
  if (h & GB_F_M0) kv_hex(&o, "m0", st->m0);
  if (h & GB_F_M0_TLS0) kv_hex(&o, "m0_tls0", st->m0_tls0);
  if (h & GB_F_FS_BASE) kv_hex(&o, "fs_base", st->fs_base);
  if (h & GB_F_PAGE) kv_dec(&o, "phys_page_size", (int64_t)st->phys_page_size);
  if (h & GB_F_HUGE) kv_dec(&o, "phys_huge_page_size", (int64_t)st->phys_huge_page_size);
  if (h & GB_F_NCPU) kv_dec(&o, "ncpu", st->ncpu);
  if (h & GB_F_GOMAXPROCS) kv_dec(&o, "gomaxprocs", st->gomaxprocs);
  if (h & GB_F_CPU) {
    kv_dec(&o, "is_intel", st->is_intel);
    put(&o, "processor_version_info="); put_hex(&o, st->processor_version_info, 8); put(&o, "\n");
  }
  if (h & GB_F_RANDOM) {
    put(&o, "startup_random=");
    if (st->startup_random_null) {
      put(&o, "null");
    } else {
      for (int i = 0; i < 16; i++) {
        char c[3] = {"0123456789abcdef"[st->startup_random[i] >> 4],
                     "0123456789abcdef"[st->startup_random[i] & 15], 0};
        put(&o, c);
      }
    }
    put(&o, "\n");
  }
  if (h & GB_F_SECURE) kv_dec(&o, "secure_mode", st->secure_mode);
  if (h & GB_F_AUXV_PAIRS) kv_dec(&o, "auxv_pairs", st->auxv_pairs);
  if (h & GB_F_FATAL) kv_str(&o, "fatal", st->fatal[0] ? st->fatal : "null");
  if (st->fatal_detail[0]) kv_str(&o, "fatal_detail", st->fatal_detail);
  if (h & GB_F_FAULT) kv_hex(&o, "fault", st->fault_addr);
  /* extras */
  kv_str(&o, "auxv_source", src[st->auxv_source & 3]);
  if (st->auxv_addr) kv_hex(&o, "auxv_addr", st->auxv_addr);
  if (st->at_random_addr) kv_hex(&o, "at_random_addr", st->at_random_addr);
  if (st->sysinfo_ehdr) kv_hex(&o, "sysinfo_ehdr", st->sysinfo_ehdr);
  kv_dec(&o, "random_from_urandom", st->random_from_urandom);
  kv_str(&o, "stack_random_after", after[st->stack_random_after % 3]);
  if (st->undetermined[0]) kv_str(&o, "undetermined", st->undetermined);
  put(&o, "end\n");
  if (cap) buf[o.len < cap ? o.len : cap - 1] = 0;
  return o.len;
}
