/* compare.c — the side-by-side comparison of `goboot check`, as rows of data.
 *
 * Values are compared by meaning, not spelling: a number, a "0x…" string and a bool
 * are the same value when their integers are equal (emu/ writes processor_version_info
 * as "0x306c4", the oracle as 197316). A key both sides know must agree; a key one side
 * cannot know is shown but not judged, except these, which both always know: fatal
 * (null = runtime.main reached) and fault (whether the boot faults; the emulator gives a
 * pc, the oracle the address read, so only null/non-null is compared). With a native
 * column, native must agree with emulated except where the kernel or the host differs
 * by nature (see native_excuse). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parts.h"

static const char *const ORDER[] = {
  "argc", "argv", "g0_stack_lo", "g0_stack_hi", "g0_stackguard0", "g0_stackguard1", "g0", "m0",
  "m0_tls0", "fs_base", "phys_page_size", "phys_huge_page_size", "ncpu", "gomaxprocs",
  "is_intel", "processor_version_info", "startup_random", "secure_mode", "auxv_pairs",
  "fatal", "fatal_detail", "fault", "auxv_source", "random_from_urandom", "undetermined",
};

/* An integer view of V: 1 with *out set, or 0 (not a number-like value). */
static int as_int(const cJSON *v, uint64_t *out) {
  if (cJSON_IsBool(v)) return *out = cJSON_IsTrue(v), 1;
  if (cJSON_IsNumber(v)) return *out = (uint64_t)(int64_t)v->valuedouble, 1;
  if (cJSON_IsString(v) && !strncmp(v->valuestring, "0x", 2)) {
    char *end;
    *out = strtoull(v->valuestring, &end, 16);
    return *end == 0;
  }
  return 0;
}

static int same(const cJSON *a, const cJSON *b) {
  uint64_t x, y;
  if (cJSON_IsNull(a) || cJSON_IsNull(b)) return cJSON_IsNull(a) && cJSON_IsNull(b);
  if (as_int(a, &x) && as_int(b, &y)) return x == y;
  return cJSON_Compare(a, b, 1);
}

/* Why native may differ from emulated on KEY, or NULL when it must not. */
static const char *native_excuse(const gb_check_cols *c, const char *key) {
  if (!strcmp(key, "startup_random") && c->profile_minor <= 21)
    return "kernel-random AT_RANDOM bytes";
  if (!strcmp(key, "is_intel") || !strcmp(key, "processor_version_info"))
    return "host CPU vs emulated Haswell";
  if (!c->norandom && (!strcmp(key, "argv") || !strncmp(key, "g0_stack", 8)))
    return "ASLR could not be turned off";
  return NULL;
}

static int has_key(const cJSON *keys, const char *k) {
  const cJSON *it;
  cJSON_ArrayForEach(it, keys) if (!strcmp(it->valuestring, k)) return 1;
  return 0;
}

static void add_keys(cJSON *keys, const cJSON *side) {
  const cJSON *it;
  cJSON_ArrayForEach(it, side) if (!has_key(keys, it->string))
    cJSON_AddItemToArray(keys, cJSON_CreateString(it->string));
}

static const char *judge(const gb_check_cols *c, const char *k, const cJSON *e, const cJSON *o,
                         int *bad) {
  if (c->rtc && !strcmp(k, "m0_tls0")) { /* goboot-rtc's self-test: FS:-8 reads &g0 */
    const cJSON *g0 = cJSON_GetObjectItem(c->emulated, "g0");
    if (e && g0 && same(e, g0)) return "ok (= g0)";
    return ++*bad, "DIFFER (not g0)";
  }
  if (!e && !o) return "";
  if (!e) return "oracle only";
  if (!o) return "emulated only";
  if (!strcmp(k, "fault") && !cJSON_IsNull(e) && !cJSON_IsNull(o)) return "ok (both fault)";
  if (same(e, o)) return "ok";
  return ++*bad, "DIFFER";
}

int gb_check_compare(const gb_check_cols *c, cJSON **table) {
  cJSON *keys = cJSON_CreateArray(), *rows = cJSON_CreateArray();
  int bad = 0;
  for (size_t i = 0; i < sizeof ORDER / sizeof ORDER[0]; i++)
    cJSON_AddItemToArray(keys, cJSON_CreateString(ORDER[i]));
  add_keys(keys, c->emulated), add_keys(keys, c->oracle);
  if (c->native) add_keys(keys, c->native);
  const cJSON *kv;
  cJSON_ArrayForEach(kv, keys) {
    const char *k = kv->valuestring;
    const cJSON *e = cJSON_GetObjectItem(c->emulated, k), *o = cJSON_GetObjectItem(c->oracle, k);
    const cJSON *n = c->native ? cJSON_GetObjectItem(c->native, k) : NULL;
    if (!e && !o && !n) continue;
    char verdict[160];
    snprintf(verdict, sizeof verdict, "%s", judge(c, k, e, o, &bad));
    if (c->native && !(c->rtc && !strcmp(k, "m0_tls0"))) {
      const char *why = native_excuse(c, k);
      if (!n != !e || (n && e && !same(n, e))) {
        size_t l = strlen(verdict);
        if (why) snprintf(verdict + l, sizeof verdict - l, "%snative differs: %s", l ? "; " : "", why);
        else bad++, snprintf(verdict + l, sizeof verdict - l, "%sNATIVE DIFFERS", l ? "; " : "");
      }
    }
    cJSON *row = cJSON_CreateObject();
    cJSON_AddStringToObject(row, "field", k);
    cJSON_AddItemToObject(row, "emulated", e ? cJSON_Duplicate(e, 1) : cJSON_CreateNull());
    cJSON_AddItemToObject(row, "oracle", o ? cJSON_Duplicate(o, 1) : cJSON_CreateNull());
    if (c->native) cJSON_AddItemToObject(row, "native", n ? cJSON_Duplicate(n, 1) : cJSON_CreateNull());
    cJSON_AddBoolToObject(row, "emulated_known", e != NULL);
    cJSON_AddBoolToObject(row, "oracle_known", o != NULL);
    cJSON_AddStringToObject(row, "verdict", verdict);
    cJSON_AddItemToArray(rows, row);
  }
  cJSON_Delete(keys);
  *table = rows;
  return bad;
}
