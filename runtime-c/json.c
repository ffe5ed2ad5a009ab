/* json.c — a gb_oracle_state as the contract's JSON boot state (cJSON). Host only.
 * 64-bit values and addresses are "0x…" strings (cJSON numbers are doubles); counts,
 * page sizes, flags and the 32-bit processor_version_info are numbers. */
#include <stdio.h>
#include <stdlib.h>
#include "oracle_json.h"

static void add_hex(cJSON *o, const char *k, uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  cJSON_AddStringToObject(o, k, b);
}

cJSON *gb_oracle_to_cjson(const gb_oracle_state *st, int extras) {
  static const char *const src[] = {"stack", "proc", "mincore", "none"};
  static const char *const after[] = {"untouched", "zeroed", "overwritten"};
  cJSON *o = cJSON_CreateObject();
  uint32_t h = st->have;
  if (!o) return NULL;
  if (h & GB_F_ARGC) cJSON_AddNumberToObject(o, "argc", st->argc);
  if (h & GB_F_ARGV) add_hex(o, "argv", st->argv);
  if (h & GB_F_G0_STACK) {
    add_hex(o, "g0_stack_lo", st->g0_stack_lo);
    add_hex(o, "g0_stack_hi", st->g0_stack_hi);
    add_hex(o, "g0_stackguard0", st->g0_stackguard0);
    add_hex(o, "g0_stackguard1", st->g0_stackguard1);
  }
  if (h & GB_F_G0) add_hex(o, "g0", st->g0);
  if (h & GB_F_M0) add_hex(o, "m0", st->m0);
  if (h & GB_F_M0_TLS0) add_hex(o, "m0_tls0", st->m0_tls0);
  if (h & GB_F_FS_BASE) add_hex(o, "fs_base", st->fs_base);
  if (h & GB_F_PAGE) cJSON_AddNumberToObject(o, "phys_page_size", (double)st->phys_page_size);
  if (h & GB_F_HUGE) cJSON_AddNumberToObject(o, "phys_huge_page_size", (double)st->phys_huge_page_size);
  if (h & GB_F_NCPU) cJSON_AddNumberToObject(o, "ncpu", st->ncpu);
  if (h & GB_F_GOMAXPROCS) cJSON_AddNumberToObject(o, "gomaxprocs", st->gomaxprocs);
  if (h & GB_F_CPU) {
    cJSON_AddNumberToObject(o, "is_intel", st->is_intel);
    cJSON_AddNumberToObject(o, "processor_version_info", st->processor_version_info);
  }
  if (h & GB_F_RANDOM) {
    if (st->startup_random_null) {
      cJSON_AddNullToObject(o, "startup_random");
    } else {
      char b[33];
      for (int i = 0; i < 16; i++) snprintf(b + 2 * i, 3, "%02x", st->startup_random[i]);
      cJSON_AddStringToObject(o, "startup_random", b);
    }
  }
  if (h & GB_F_SECURE) cJSON_AddNumberToObject(o, "secure_mode", st->secure_mode);
  if (h & GB_F_AUXV_PAIRS) cJSON_AddNumberToObject(o, "auxv_pairs", (double)st->auxv_pairs);
  if (h & GB_F_FATAL) {
    if (st->fatal[0]) cJSON_AddStringToObject(o, "fatal", st->fatal);
    else cJSON_AddNullToObject(o, "fatal");
  }
  if (extras) {
    cJSON *x = cJSON_AddObjectToObject(o, "oracle");
    if (!x) { cJSON_Delete(o); return NULL; }
    cJSON_AddStringToObject(x, "profile", st->profile);
    if (h & GB_F_ENVC) cJSON_AddNumberToObject(x, "envc", st->envc);
    if (h & GB_F_FAULT) add_hex(x, "fault", st->fault_addr);
    if (st->fatal_detail[0]) cJSON_AddStringToObject(x, "fatal_detail", st->fatal_detail);
    cJSON_AddStringToObject(x, "auxv_source", src[st->auxv_source & 3]);
    if (st->auxv_addr) add_hex(x, "auxv_addr", st->auxv_addr);
    if (st->at_random_addr) add_hex(x, "at_random_addr", st->at_random_addr);
    if (st->sysinfo_ehdr) add_hex(x, "sysinfo_ehdr", st->sysinfo_ehdr);
    cJSON_AddBoolToObject(x, "random_from_urandom", st->random_from_urandom);
    cJSON_AddStringToObject(x, "stack_random_after", after[st->stack_random_after % 3]);
    if (st->undetermined[0]) cJSON_AddStringToObject(x, "undetermined", st->undetermined);
  }
  return o;
}
