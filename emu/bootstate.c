/* bootstate.c — read the boot state (bootstate.h) through symbols and the image's
 * struct layout (DWARF or the per-version table). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bootstate.h"

static int rd(uc_engine *uc, uint64_t addr, void *out, size_t n) {
  return addr && uc_mem_read(uc, addr, out, n) == UC_ERR_OK;
}

static void add_hex(cJSON *o, const char *key, uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "0x%" PRIx64, v);
  cJSON_AddStringToObject(o, key, b);
}

/* A data symbol's address, or 0. Functions of the same name don't count. */
static uint64_t var(const gb_image *img, const char *name) {
  const gb_sym *s = gb_sym_find(img, name);
  return s && s->kind == GB_SYM_DATA ? s->addr : 0;
}

/* An integer variable of SIZE bytes (the symbol's own size when .symtab gives one). */
static void add_int(cJSON *o, const char *key, uc_engine *uc, const gb_image *img,
                    const char *name, size_t size) {
  const gb_sym *s = gb_sym_find(img, name);
  if (!s || s->kind != GB_SYM_DATA) return;
  if (s->size == 1 || s->size == 4 || s->size == 8) size = s->size;
  uint64_t v = 0;
  if (!rd(uc, s->addr, &v, size)) return;
  if (size == 4) v = (uint64_t)(int64_t)(int32_t)v; /* int32 globals: keep the sign */
  cJSON_AddNumberToObject(o, key, (double)(int64_t)v);
}

/* The 16 bytes behind a []byte global, as hex; null for a nil slice. */
static void add_random(cJSON *o, uc_engine *uc, const gb_image *img) {
  uint64_t a = var(img, "runtime.startupRandomData");
  if (!a) a = var(img, "runtime.startupRand");
  uint64_t slice[3];
  if (!rd(uc, a, slice, sizeof slice)) return;
  if (slice[0] == 0) {
    cJSON_AddNullToObject(o, "startup_random");
    return;
  }
  unsigned char bytes[16];
  if (slice[1] != 16 || !rd(uc, slice[0], bytes, 16)) return;
  char hex[33];
  for (int i = 0; i < 16; i++) snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  cJSON_AddStringToObject(o, "startup_random", hex);
}

/* g0 and m0 by symbol; in a stripped binary m0 follows from the FS base (rt0_go set it
 * to &m0.tls + 8, and only m0's thread reaches runtime.main) and g0 from m0.g0. */
static void add_g0_m0(cJSON *o, uc_engine *uc, const gb_image *img, uint64_t fs_base) {
  const gb_go_layout *l = &img->layout;
  uint64_t g0 = var(img, "runtime.g0"), m0 = var(img, "runtime.m0");
  if (!m0 && l->source[0] && fs_base > (uint64_t)l->m_tls + 8) m0 = fs_base - 8 - l->m_tls;
  if (!g0 && m0 && l->source[0] && !rd(uc, m0 + l->m_g0, &g0, 8)) g0 = 0;
  if (g0) add_hex(o, "g0", g0);
  if (m0) add_hex(o, "m0", m0);
  if (!l->source[0] || !g0) return;
  uint64_t v;
  if (rd(uc, g0 + l->g_stack_lo, &v, 8)) add_hex(o, "g0_stack_lo", v);
  if (rd(uc, g0 + l->g_stack_hi, &v, 8)) add_hex(o, "g0_stack_hi", v);
  if (rd(uc, g0 + l->g_stackguard0, &v, 8)) add_hex(o, "g0_stackguard0", v);
  if (rd(uc, g0 + l->g_stackguard1, &v, 8)) add_hex(o, "g0_stackguard1", v);
  if (m0 && rd(uc, m0 + l->m_tls, &v, 8)) add_hex(o, "m0_tls0", v);
}

cJSON *gb_bootstate_read(uc_engine *uc, const gb_image *img, uint64_t fs_base) {
  cJSON *o = cJSON_CreateObject();
  add_int(o, "argc", uc, img, "runtime.argc", 4);
  uint64_t argv;
  if (rd(uc, var(img, "runtime.argv"), &argv, 8)) add_hex(o, "argv", argv);
  add_g0_m0(o, uc, img, fs_base);
  add_hex(o, "fs_base", fs_base);
  add_int(o, "phys_page_size", uc, img, "runtime.physPageSize", 8);
  add_int(o, "phys_huge_page_size", uc, img, "runtime.physHugePageSize", 8);
  if (var(img, "runtime.numCPUStartup"))
    add_int(o, "ncpu", uc, img, "runtime.numCPUStartup", 4);
  else
    add_int(o, "ncpu", uc, img, "runtime.ncpu", 4);
  add_int(o, "gomaxprocs", uc, img, "runtime.gomaxprocs", 4);
  add_int(o, "is_intel", uc, img, "runtime.isIntel", 1);
  add_int(o, "processor_version_info", uc, img, "runtime.processorVersionInfo", 4);
  add_random(o, uc, img);
  add_int(o, "secure_mode", uc, img, "runtime.secureMode", 1);
  uint64_t auxv[3];
  if (rd(uc, var(img, "runtime.auxv"), auxv, sizeof auxv))
    cJSON_AddNumberToObject(o, "auxv_pairs", (double)(auxv[1] / 2));
  cJSON_AddNullToObject(o, "fatal");
  return o;
}
