/* test_goversions.c — the per-release table (loader/goversions.c) against what real
 * binaries say, never against itself.
 *
 *   1. Literal values, each measured once on a named binary (DWARF through libdw, or
 *      the instruction that uses the field, from objdump -d), compared with the
 *      table's answer for that release; every measured row of the offset table has
 *      at least one.
 *   2. The lookup between rows: the nearest measured release, the older on a tie.
 *   3. GB_GO_MINOR_NEWEST bounds what is known: the last row is that release, a newer
 *      release is laid out like it by the loader and refused by the oracle (a copy
 *      of HELLO_STRIPPED whose version strings say go1.(NEWEST+1)).
 *   4. The Go 1.19 programs: DWARF and rt0_go's code against the table, and the
 *      symbol names the table gives for 1.19 are in the binary.
 *   5. A release without a row of its own, or what is not a release, takes the
 *      binary's DWARF, and reading it leaves the image's bytes alone.
 * usage: test_goversions HELLO HELLO_STRIPPED */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "gometa.h"
#include "goversions.h"
#include "oracle.h"

static int fails;

#define FAIL(...) (fails++, printf("FAIL " __VA_ARGS__), printf("\n"))

/* ---- 1. measured values -------------------------------------------------------- */

typedef struct measured {
  int minor;          /* the release measured (1.MINOR) */
  const char *field;  /* a gb_go_facts member, see fields[] */
  int32_t value;
  const char *where;  /* the binary and how */
} measured;

/* Corpus binaries are scripts/corpus.tsv's (esbuild, ibazel); "hello" is
 * tests/goprogs' built by /usr/lib/go-1.19. "new(m)"/"new(g)": the size word of the
 * type descriptor that allocm/malg pass to runtime.newobject. */
static const measured seen[] = {
  /* 1.10's row, used for 1.11 */
  {11, "m.id", 224, "go1.11.2 ibazel 0.8.1: mcommoninit stores mp.id at 0xe0(m)"},
  {11, "m.tls", 136, "go1.11.2 ibazel 0.8.1: rt0_go settls(&m0+0x88)"},
  {11, "stack_guard", 880, "go1.11.2 ibazel 0.8.1: rt0_go ADDQ $0x370, AX"},
  {10, "m.size", 960, "docs/go-boot-facts.md § runtime.g and runtime.m offsets (a traced "
                      "go1.10; no 1.10 binary here)"},
  /* 1.12 */
  {12, "m.id", 232, "go1.12.9 esbuild 0.0.2: DWARF; mcommoninit stores mp.id at 0xe8(m)"},
  {12, "m.size", 840, "go1.12.9 esbuild 0.0.2: DWARF"},
  {12, "g.size", 376, "go1.12.9 esbuild 0.0.2: DWARF"},
  {12, "stack_guard", 880, "go1.12.9 esbuild 0.0.2: rt0_go ADDQ $0x370, AX"},
  /* 1.14 */
  {14, "m.size", 840, "go1.14.2 esbuild 0.2.0 and 0.5.26: DWARF"},
  {14, "m.tls", 136, "go1.14.2 esbuild 0.2.0: DWARF"},
  {14, "stack_guard", 896, "go1.14.2 esbuild 0.2.0, 0.5.26: rt0_go ADDQ $0x380, AX; "
                           "g0.stackguard0 - lo = 896 at runtime.main (golden/esbuild-0.2.0.json)"},
  /* 1.15 */
  {15, "m.size", 992, "go1.15 esbuild 0.7.22: allocm's new(m)"},
  {15, "g.size", 376, "go1.15 esbuild 0.7.22: malg's new(g)"},
  {15, "stack_guard", 928, "go1.15 esbuild 0.7.22: rt0_go ADDQ $0x3a0, AX"},
  /* 1.17, 1.18 */
  {17, "m.size", 1024, "go1.17.2 esbuild 0.13.15: allocm's new(m)"},
  {17, "g.size", 392, "go1.17.2 esbuild 0.13.15: malg's new(g)"},
  {17, "rt0_sub", 39, "go1.17.2 esbuild 0.13.15: rt0_go SUBQ $0x27, SP"},
  {18, "rt0_sub", 40, "go1.18 esbuild 0.14.30: rt0_go SUBQ $0x28, SP"},
  /* 1.19, 1.20 */
  {19, "m.size", 1008, "go1.19.8 hello: DWARF; go1.19 esbuild 0.14.54: allocm's new(m)"},
  {19, "g.size", 392, "go1.19.8 hello: DWARF"},
  {19, "m.p", 208, "go1.19.8 hello: DWARF"},
  {20, "g0_lo_off", -65432, "go1.20.12 esbuild 0.19.12: rt0_go LEAQ -0xff98(SP), BX"},
  /* 1.21 */
  {21, "g.size", 408, "docs/go-boot-facts.md § runtime.g and runtime.m offsets (a traced "
                      "go1.21.13; no 1.21 binary here)"},
  /* 1.22 */
  {22, "m.size", 2024, "go1.22.5 esbuild 0.23.1: allocm's new(m)"},
  {22, "g.size", 424, "go1.22.5 esbuild 0.23.1: malg's new(g)"},
  {22, "g.atomicstatus", 144, "go1.22.5 esbuild 0.23.1: casgstatus LOCK CMPXCHGL CX, 0x90(DI)"},
  {22, "g0_lo_off", -65536, "go1.22.5 esbuild 0.23.1: rt0_go LEAQ -0x10000(SP), BX"},
  /* 1.23 */
  {23, "m.size", 1760, "go1.23.1 esbuild 0.24.2: allocm's new(m)"},
  {23, "g.size", 432, "go1.23.1 esbuild 0.24.2: malg's new(g)"},
  {23, "g.atomicstatus", 152, "go1.23.1 esbuild 0.24.2: casgstatus LOCK CMPXCHGL CX, 0x98(DI)"},
  {23, "m.procid", 72, "go1.23.1 esbuild 0.24.2: minit stores gettid() at 0x48(m)"},
  {23, "m.tls", 136, "go1.23.1 esbuild 0.24.2: rt0_go settls(&m0+0x88)"},
  /* 1.24 */
  {24, "m.size", 1808, "docs/go-boot-facts.md § runtime.g and runtime.m offsets (a traced "
                       "go1.24.4; no 1.24 binary here)"},
  /* 1.25 */
  {25, "g.size", 440, "go1.25.4 esbuild 0.27.0: malg's new(g)"},
  {25, "g.atomicstatus", 144, "go1.25.4 esbuild 0.27.0: casgstatus LOCK CMPXCHGL CX, 0x90(DI)"},
  {25, "m.procid", 64, "go1.25.4 esbuild 0.27.0: minit stores gettid() at 0x40(m)"},
  {25, "m.tls", 128, "go1.25.4 esbuild 0.27.0: rt0_go settls(&m0+0x80)"},
  /* 1.26 */
  {26, "g.size", 456, "go1.26.5 esbuild 0.28.2: malg's new(g)"},
  {26, "m.procid", 64, "go1.26.5 esbuild 0.28.2: minit stores gettid() at 0x40(m)"},
  {26, "m.tls", 128, "go1.26.5 esbuild 0.28.2: rt0_go settls(&m0+0x80)"},
  /* 1.27 */
  {27, "m.size", 1832, "docs/go-boot-facts.md § runtime.g and runtime.m offsets (a traced "
                       "go1.27.3; no 1.27 binary here)"},
};
enum { NSEEN = sizeof seen / sizeof seen[0] };

static const struct {
  const char *name;
  size_t off;
  int offset_row; /* a column of the offset rows (not a rule) */
} fields[] = {
  {"g.atomicstatus", offsetof(gb_go_facts, g_atomicstatus), 1},
  {"g.goid", offsetof(gb_go_facts, g_goid), 1},
  {"g.size", offsetof(gb_go_facts, g_size), 1},
  {"m.procid", offsetof(gb_go_facts, m_procid), 1},
  {"m.gsignal", offsetof(gb_go_facts, m_gsignal), 1},
  {"m.tls", offsetof(gb_go_facts, m_tls), 1},
  {"m.curg", offsetof(gb_go_facts, m_curg), 1},
  {"m.p", offsetof(gb_go_facts, m_p), 1},
  {"m.id", offsetof(gb_go_facts, m_id), 1},
  {"m.size", offsetof(gb_go_facts, m_size), 1},
  {"stack_guard", offsetof(gb_go_facts, stack_guard), 0},
  {"rt0_sub", offsetof(gb_go_facts, rt0_sub), 0},
  {"g0_lo_off", offsetof(gb_go_facts, g0_lo_off), 0},
};

static int field(const char *name, int *offset_row) {
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (!strcmp(fields[i].name, name)) {
      *offset_row = fields[i].offset_row;
      return (int)i;
    }
  return -1;
}

static void test_measured(void) {
  int checked = 0;
  for (int i = 0; i < NSEEN; i++) {
    gb_go_facts f;
    int row, k = field(seen[i].field, &row);
    if (k < 0 || !gb_go_facts_for(seen[i].minor, -1, &f)) {
      FAIL("measured: no field %s for 1.%d", seen[i].field, seen[i].minor);
      continue;
    }
    int32_t v;
    memcpy(&v, (const char *)&f + fields[k].off, sizeof v);
    if (v != seen[i].value)
      FAIL("1.%d %s: the table says %d, %s measured %d", seen[i].minor, seen[i].field, v,
           seen[i].where, seen[i].value);
    checked++;
  }
  /* Every measured row of the offsets needs a measured offset of its own. */
  int rows = 0;
  for (int minor = 0; minor <= GB_GO_MINOR_NEWEST; minor++) {
    gb_go_facts f;
    gb_go_facts_for(minor, -1, &f);
    if (f.offsets_minor != minor) continue;
    rows++;
    int covered = 0;
    for (int i = 0; i < NSEEN && !covered; i++) {
      gb_go_facts g;
      int row;
      covered = field(seen[i].field, &row) >= 0 && row &&
                gb_go_facts_for(seen[i].minor, -1, &g) && g.offsets_minor == minor;
    }
    if (!covered) FAIL("offset row 1.%d has no measured value in this test", minor);
  }
  printf("ok measured: %d values compared, %d offset rows\n", checked, rows);
}

/* ---- 2. between rows ----------------------------------------------------------- */

static void test_nearest(void) {
  /* release → the row it takes: a measured release is its own row; between two rows the
   * nearer; on a tie (1.11, 1.13, 1.16, 1.18, 1.20) the older. */
  static const int want[][2] = {
    {0, 10}, {9, 10}, {10, 10}, {11, 10}, {12, 12}, {13, 12}, {14, 14}, {15, 15},
    {16, 15}, {17, 17}, {18, 17}, {19, 19}, {20, 19}, {21, 21}, {24, 24}, {27, 27},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    gb_go_facts f;
    if (!gb_go_facts_for(want[i][0], -1, &f) || f.offsets_minor != want[i][1])
      FAIL("1.%d takes the offsets of 1.%d, want 1.%d", want[i][0], f.offsets_minor, want[i][1]);
  }
  gb_go_facts f;
  if (gb_go_facts_for(-1, -1, &f) || f.m_tls != 0) FAIL("an unknown version (minor -1) has facts");
  printf("ok nearest row\n");
}

/* ---- 3. the newest release known ------------------------------------------------ */

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = n > 0 ? malloc((size_t)n) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) free(b), b = NULL;
  fclose(f);
  *len = (size_t)n;
  return b;
}

static void test_newest(const char *stripped) {
  gb_go_facts f, n;
  /* Go 1.27's m.tls (128, traced in the facts document; 1.25.4 and 1.26.5 corpus
   * binaries say the same) — a literal, so moving the constant needs a look here. */
  if (GB_GO_MINOR_NEWEST != 27) FAIL("GB_GO_MINOR_NEWEST is %d: update this test", GB_GO_MINOR_NEWEST);
  gb_go_facts_for(GB_GO_MINOR_NEWEST, -1, &f);
  gb_go_facts_for(GB_GO_MINOR_NEWEST + 1, -1, &n);
  if (f.offsets_minor != GB_GO_MINOR_NEWEST)
    FAIL("the newest row is 1.%d, GB_GO_MINOR_NEWEST 1.%d", f.offsets_minor, GB_GO_MINOR_NEWEST);
  if (n.offsets_minor != GB_GO_MINOR_NEWEST || n.m_tls != 128 || n.stack_guard != 928)
    FAIL("1.%d is not laid out like 1.%d", GB_GO_MINOR_NEWEST + 1, GB_GO_MINOR_NEWEST);
  if (!gb_go_minor_known(GB_GO_MINOR_NEWEST) || gb_go_minor_known(GB_GO_MINOR_NEWEST + 1) ||
      !gb_go_minor_known(GB_GO_MINOR_OLDEST) || gb_go_minor_known(GB_GO_MINOR_OLDEST - 1))
    FAIL("gb_go_minor_known does not stop at 1.%d and 1.%d", GB_GO_MINOR_OLDEST, GB_GO_MINOR_NEWEST);

  /* A go1.19.8 binary that says go1.(NEWEST+1).8: the loader reads that version and
   * lays it out like the newest release; the oracle (so goboot check) refuses it. */
  size_t len;
  unsigned char *b = slurp(stripped, &len);
  char newer[16];
  snprintf(newer, sizeof newer, "go1.%d.8", GB_GO_MINOR_NEWEST + 1);
  if (!b || strlen(newer) != strlen("go1.19.8")) {
    FAIL("cannot read %s or build a version string of the same length", stripped);
    free(b);
    return;
  }
  int patched = 0;
  for (size_t i = 0; i + 8 <= len; i++)
    if (!memcmp(b + i, "go1.19.8", 8)) memcpy(b + i, newer, 8), patched++;
  gb_image img;
  char err[256];
  if (!patched || gb_image_load_mem(&img, b, len, "hello-newer", err, sizeof err) != GB_OK) {
    FAIL("the go1.19.8 binary with %s does not load (%d strings patched): %s", newer, patched, err);
    free(b);
    return;
  }
  free(b);
  gb_go_layout newest;
  gb_go_layout_table(GB_GO_MINOR_NEWEST, &newest);
  if (strcmp(img.go_version, newer) || img.go_minor != GB_GO_MINOR_NEWEST + 1)
    FAIL("version %s (minor %d), want %s", img.go_version, img.go_minor, newer);
  if (strcmp(img.layout.source, "table") || memcmp(&img.layout, &newest, sizeof newest))
    FAIL("%s: layout (%s) is not the newest row's", newer, img.layout.source);
  gb_oracle_profile p;
  if (gb_oracle_profile_init(&p, img.go_major, img.go_minor, img.go_patch) != -1)
    FAIL("the oracle accepts %s", newer);
  if (gb_oracle_profile_init(&p, 1, GB_GO_MINOR_NEWEST, 8) != 0)
    FAIL("the oracle refuses 1.%d.8", GB_GO_MINOR_NEWEST);
  gb_image_free(&img);
  printf("ok newest: 1.%d known, %s laid out like it and refused by the oracle\n",
         GB_GO_MINOR_NEWEST, newer);
}

/* ---- 4. the Go 1.19 programs ---------------------------------------------------- */

static void test_go119(const char *hello, const char *stripped) {
  const char *paths[] = {hello, stripped};
  for (int i = 0; i < 2; i++) {
    gb_image img;
    char err[256];
    if (gb_image_load(&img, paths[i], err, sizeof err) != GB_OK) {
      FAIL("%s: %s", paths[i], err);
      continue;
    }
    fails += check_rt0_vs_table(paths[i], &img);
    if (img.has_dwarf) fails += check_dwarf_vs_table(paths[i], &img);
    gb_go_facts f;
    gb_go_facts_for(img.go_minor, img.go_patch, &f);
    if (img.has_symtab && (!gb_sym_find(&img, f.ncpu_sym) || !gb_sym_find(&img, f.random_sym)))
      FAIL("%s: %s has no %s or %s", paths[i], img.go_version, f.ncpu_sym, f.random_sym);
    gb_image_free(&img);
  }
}

/* ---- 5. a release without a row of its own --------------------------------------- */

/* HELLO (go1.19.8, a measured row) said to be a devel build, a release candidate or a
 * GOEXPERIMENT build of 1.19, or with a version found by a scan, takes its DWARF.
 * HELLO saying go1.18.8 (between the rows 1.17 and 1.19), loaded from memory: the
 * loader reads its DWARF, which inflates the SHF_COMPRESSED .debug_info, and the bytes
 * it was given, the guest's, stay as they were (libdw rewrites the section headers of
 * what it reads). */
static void test_unmeasured(const char *hello) {
  size_t len;
  unsigned char *b = slurp(hello, &len), *orig = b ? malloc(len) : NULL;
  gb_image img, want;
  char err[256];
  if (!b || !orig || gb_image_load(&want, hello, err, sizeof err) != GB_OK) {
    FAIL("cannot read or load %s", hello);
    free(b);
    free(orig);
    return;
  }
  gb_go_layout dwarf;
  if (!gb_go_layout_dwarf(&want, &dwarf)) FAIL("%s: no layout in its DWARF", hello);
  /* Only a release read from the build info (or runtime.buildVersion) takes the row:
   * the same 1.19 binary, said to be something else than the release go1.19.8. */
  static const struct { const char *version; int sure; const char *source; } says[] = {
    {"go1.19.8", 1, "table"},
    {"go1.19", 1, "table"},
    {"go1.19.8", 0, "dwarf"}, /* found by scanning the data */
    {"devel go1.19-0123456789 Tue Jan 2 00:00:00 2024 +0000", 1, "dwarf"},
    {"go1.19rc2", 1, "dwarf"},
    {"go1.19.8 X:boringcrypto", 1, "dwarf"},
  };
  for (size_t i = 0; i < sizeof says / sizeof says[0]; i++) {
    snprintf(want.go_version, sizeof want.go_version, "%s", says[i].version);
    gb_go_layout_fill(&want, says[i].sure);
    if (strcmp(want.layout.source, says[i].source))
      FAIL("'%s' (%s): layout from %s, want %s", says[i].version,
           says[i].sure ? "build info" : "scan", want.layout.source, says[i].source);
  }
  gb_image_free(&want);
  int patched = 0;
  for (size_t i = 0; i + 8 <= len; i++)
    if (!memcmp(b + i, "go1.19.8", 8)) memcpy(b + i, "go1.18.8", 8), patched++;
  memcpy(orig, b, len);
  if (!patched || gb_image_load_mem(&img, b, len, "hello-go1.18", err, sizeof err) != GB_OK) {
    FAIL("the go1.19.8 binary saying go1.18.8 does not load (%d strings patched): %s", patched, err);
    free(b);
    free(orig);
    return;
  }
  gb_go_facts f;
  gb_go_facts_for(18, -1, &f);
  if (f.offsets_minor == 18) FAIL("1.18 has a row of its own now: pick another release here");
  if (img.go_minor != 18 || strcmp(img.layout.source, "dwarf") ||
      memcmp(&img.layout, &dwarf, sizeof dwarf))
    FAIL("go1.18.8: layout from '%s' (minor %d), want the binary's DWARF", img.layout.source,
         img.go_minor);
  if (memcmp(img.bytes, orig, len) || memcmp(b, orig, len))
    FAIL("go1.18.8: reading the DWARF changed the image's bytes");
  gb_image_free(&img);
  free(b);
  free(orig);
  printf("ok unmeasured: go1.18.8 takes its DWARF, m.size %d; the bytes are untouched\n",
         dwarf.m_size);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_goversions HELLO HELLO_STRIPPED\n");
    return 2;
  }
  test_measured();
  test_nearest();
  test_newest(argv[2]);
  test_go119(argv[1], argv[2]);
  test_unmeasured(argv[1]);
  printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
  return fails != 0;
}
