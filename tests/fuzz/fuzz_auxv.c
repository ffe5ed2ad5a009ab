/* fuzz_auxv.c — libFuzzer harness: arbitrary auxv words into the oracle's sysargs /
 * sysauxv (runtime-c, gb_oracle_run), checked against a small independent model of
 * what the Go runtime guarantees.
 *
 * Input: byte 0 = configuration (bits 0-2: Go version, bits 3-4: what /proc/self/auxv
 * answers if the vector is empty, bit 5: AT_SYSINFO_EHDR names the supplied vDSO,
 * bit 6: also render goboot-rtc's line format, a quarter of the cost, bit 7: the
 * oracle is told the whole address space: the image plus a fake ELF, text read-only at
 * 0x400000, data writable at 0x500000), then
 * up to MAXW little-endian words: the auxv, placed by the loader's stack builder (raw
 * mode) right after envp's NULL and followed by the padding, AT_RANDOM bytes and
 * strings, as Linux lays them out. A stack image per word count is built once; each
 * input only rewrites the auxv words in it (the oracle never writes the image).
 *
 * Checked: the oracle accepts the input; the walk stops at the first zero tag or
 * faults where the image ends, or at an AT_RANDOM whose first byte is unmapped (the
 * runtime's nil check loads it; FINDINGS.md #1): below 64 KiB, at/above 2^47, or
 * outside a complete map; elsewhere outside the image the outcome is undetermined
 * (no fatal, no fault); the 16 bytes of the last AT_RANDOM fault later if one is
 * unmapped (or read-only, 1.22+'s randinit clears them), after mallocinit's verdict
 * (before it from 1.26); the last AT_PAGESZ, AT_RANDOM and
 * (1.21+) AT_SECURE win; an empty vector takes the /proc/self/auxv answer (128-word
 * buffer, word 126 forced to AT_NULL) or the mincore page size; mallocinit's verdict is
 * exactly the runtime's message and print line; the line format fits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "stack.h"

#define MAXW 160

typedef struct model {
  int fault, unknown;            /* unknown: an AT_RANDOM may be unmapped */
  uint64_t fault_addr;
  int64_t pairs;
  uint64_t page, random, ehdr;
  int secure, have_page;
} model;

typedef struct templ { gb_stack st; int built; } templ;

static templ T[MAXW + 1]; /* lazily built stack images, one per word count */
static gb_oracle_profile PROF[8];
static int prof_ready;

static const char *const PROFILES[8] = {"1.19.8", "1.21", "1.22", "1.24", "1.26", "1.12", "1.14", "1.10"};
#define VDSO 0x7ffff7fc1000ULL
static const gb_oracle_range FAKE_ELF[2] = {{0x400000, 0x100000, 0}, {0x500000, 0x20000, 1}};

/* What the process has mapped, as the oracle is told. */
typedef struct space {
  const uint8_t *img;
  uint64_t base, size;
  int complete;                  /* cfg bit 7: the image and FAKE_ELF are everything */
} space;

enum { M_FAULT, M_OK, M_RO, M_UNKNOWN };

/* A byte load at A, independently of the oracle's mem_class. */
static int load(const space *sp, uint64_t a) {
  if (a >= sp->base && a - sp->base < sp->size) return M_OK;
  if (sp->complete)
    for (int i = 0; i < 2; i++)
      if (a >= FAKE_ELF[i].base && a < FAKE_ELF[i].base + FAKE_ELF[i].size) return FAKE_ELF[i].writable ? M_OK : M_RO;
  /* below vm.mmap_min_addr, or at/above TASK_SIZE_MAX (the last page below 2^47 is
   * never a user page): nothing can be mapped there */
  if (sp->complete || a < 0x10000 || a >= 0x7ffffffff000ULL) return M_FAULT;
  return M_UNKNOWN;
}

static gb_stack *templ_for(size_t n) {
  templ *t = &T[n];
  if (t->built) return &t->st;
  static const char *const argv[] = {"/bin/prog", "x"};
  static const char *const envp[] = {"A=1", "GOMAXPROCS=2"};
  static uint64_t zeros[MAXW];
  gb_stack_spec *spec = calloc(1, sizeof *spec);
  char err[256];
  if (!spec) abort();
  spec->argv = argv, spec->argc = 2;
  spec->envp = envp, spec->envc = 2;
  gb_random_from_seed(7, spec->random);
  spec->raw_words = zeros;
  spec->nraw = n;
  if (gb_stack_build(spec, &t->st, err, sizeof err)) {
    fprintf(stderr, "fuzz_auxv: %s\n", err);
    abort();
  }
  free(spec);
  t->built = 1;
  return &t->st;
}

static int rd(const uint8_t *img, uint64_t base, uint64_t size, uint64_t a, uint64_t *v) {
  if (a < base || a - base > size || size - (a - base) < 8) return -1;
  memcpy(v, img + (a - base), 8);
  return 0;
}

/* sysauxv as the runtime's loop reads: tag, then value, until tag 0; each AT_RANDOM
 * value's first byte is loaded in the process's memory SP. */
static void walk(model *md, const uint8_t *img, uint64_t base, uint64_t size, uint64_t a, int secure_tag,
                 const space *sp) {
  for (;; a += 16) {
    uint64_t tag, val;
    if (rd(img, base, size, a, &tag)) { md->fault = 1, md->fault_addr = base + size; return; }
    if (!tag) return;
    if (rd(img, base, size, a + 8, &val)) { md->fault = 1, md->fault_addr = base + size; return; }
    md->pairs++;
    if (tag == 25) {
      int c = load(sp, val);
      if (c == M_FAULT) { md->fault = 1, md->fault_addr = val; return; }
      if (c == M_UNKNOWN) md->unknown = 1;
      md->random = val;
    }
    if (tag == 6) md->page = val;
    if (tag == 23 && secure_tag) md->secure = val == 1;
    if (tag == 33 && val) md->ehdr = val;
  }
}

static void expect_fatal(const gb_oracle_state *o, const gb_oracle_profile *p, uint64_t ps) {
  char detail[GB_ORACLE_MSG] = "";
  const char *msg = "";
  if (ps == 0) msg = "failed to get system page size";
  else if (p->go.max_page_bound && ps > 524288)
    snprintf(detail, sizeof detail, "system page size (%llu) is larger than maximum page size (524288)",
             (unsigned long long)ps), msg = "bad system page size";
  else if (ps < 4096)
    snprintf(detail, sizeof detail, "system page size (%llu) is smaller than minimum page size (4096)",
             (unsigned long long)ps), msg = "bad system page size";
  else if (ps & (ps - 1))
    snprintf(detail, sizeof detail, "system page size (%llu) must be a power of 2", (unsigned long long)ps),
        msg = "bad system page size";
  if (!(o->have & GB_F_FATAL) || strcmp(o->fatal, msg) || strcmp(o->fatal_detail, detail)) {
    fprintf(stderr, "fatal: got '%s' / '%s', want '%s' / '%s' (page %llu)\n", o->fatal, o->fatal_detail,
            msg, detail, (unsigned long long)ps);
    abort();
  }
}

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "fuzz_auxv: %s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  uint8_t cfg = data[0];
  size_t n = (size - 1) / 8;
  if (n > MAXW) n = MAXW;
  gb_stack *st = templ_for(n);
  memcpy(st->bytes + (st->auxv_addr - st->base), data + 1, n * 8);

  gb_oracle_in in;
  memset(&in, 0, sizeof in);
  if (!prof_ready) {
    for (int i = 0; i < 8; i++)
      if (gb_oracle_profile_parse(&PROF[i], PROFILES[i])) abort();
    prof_ready = 1;
  }
  in.prof = PROF[cfg & 7];
  in.stack = (gb_oracle_mem){st->bytes, st->base, st->size};
  in.entry_sp = st->rsp;
  in.vdso_base = (cfg & 32) ? VDSO : 0;
  space sp = {st->bytes, st->base, st->size, (cfg & 128) != 0};
  if (sp.complete) in.mapped = FAKE_ELF, in.nmapped = 2, in.mapped_complete = 1;
  /* /proc/self/auxv: 0 unknown, 1 the bytes after the first pair, 2 open fails + mincore
   * 16 KiB, 3 open fails + mincore unknown */
  int proc = (cfg >> 3) & 3;
  const uint8_t *pdata = size > 17 ? data + 17 : NULL;
  int64_t plen = pdata ? (int64_t)(size - 17) : 0;
  if (plen > 1024) plen = 1024;
  if (proc == 1) in.proc_auxv = (gb_oracle_file){1, 0, plen, pdata};
  if (proc >= 2) in.proc_auxv = (gb_oracle_file){1, -2, 0, NULL};
  if (proc == 2) in.mincore_known = 1, in.mincore_pagesz = 16384;

  gb_oracle_state o;
  REQUIRE(gb_oracle_run(&in, &o) == GB_ORACLE_OK);
  REQUIRE((o.have & GB_F_ARGC) && o.argc == 2 && o.argv == st->argv_addr);

  model md = {0};
  walk(&md, st->bytes, st->base, st->size, st->auxv_addr, in.prof.go.at_secure, &sp);
  REQUIRE(o.auxv_addr == st->auxv_addr);
  if (md.fault) {
    REQUIRE((o.have & GB_F_FAULT) && (o.have & GB_F_FATAL) && o.fatal[0] == 0);
    REQUIRE(o.fault_addr == md.fault_addr);
    REQUIRE(!(o.have & (GB_F_PAGE | GB_F_RANDOM | GB_F_GOMAXPROCS)));
    return 0;
  }
  if (md.pairs == 0) { /* the empty-vector fallback */
    REQUIRE(o.need_proc_auxv);
    if (proc == 0) {
      REQUIRE(!(o.have & GB_F_FAULT) && o.undetermined[0] && !(o.have & GB_F_PAGE) && !(o.have & GB_F_FATAL));
      return 0;
    }
    if (proc == 3) {
      REQUIRE(!(o.have & GB_F_FAULT) && o.auxv_source == GB_AUXV_MINCORE && !(o.have & GB_F_PAGE));
      return 0;
    }
    if (proc == 2) {
      REQUIRE(o.auxv_source == GB_AUXV_MINCORE && o.phys_page_size == 16384);
      md.page = 16384;
    } else {
      uint8_t buf[1024] = {0};
      if (plen > 0) memcpy(buf, pdata, (size_t)plen);
      memset(buf + 126 * 8, 0, 8);
      model pm = {0};
      walk(&pm, buf, 0, sizeof buf, 0, in.prof.go.at_secure, &sp);
      REQUIRE(o.auxv_source == GB_AUXV_PROC);
      if (pm.fault) { /* only an AT_RANDOM can fault inside the zero-ended buffer */
        REQUIRE(o.fault_addr == pm.fault_addr && (o.have & GB_F_FAULT) && o.fatal[0] == 0);
        return 0;
      }
      REQUIRE(o.auxv_pairs == pm.pairs && pm.pairs <= 63);
      md = pm;
    }
  } else { /* a fault from here on comes from schedinit, checked below */
    REQUIRE(o.auxv_source == GB_AUXV_STACK && o.auxv_pairs == md.pairs);
  }
  /* the last AT_PAGESZ / AT_RANDOM / AT_SECURE / AT_SYSINFO_EHDR win */
  REQUIRE(o.phys_page_size == md.page);
  REQUIRE(o.at_random_addr == md.random);
  REQUIRE(o.sysinfo_ehdr == md.ehdr);
  if (in.prof.go.at_secure) REQUIRE((o.have & GB_F_SECURE) && o.secure_mode == md.secure);
  else REQUIRE(o.secure_mode == 0);
  REQUIRE(!md.ehdr || md.ehdr == in.vdso_base || o.undetermined[0]);
  /* the last AT_RANDOM's 16 bytes: read (and from 1.22 cleared) in schedinit */
  int rfault = 0, unknown16 = 0;
  uint64_t raddr = 0;
  for (uint64_t i = 0; md.random && i < 16 && !rfault; i++) {
    int c = load(&sp, md.random + i);
    if (c == M_FAULT || (c == M_RO && in.prof.go.randinit)) rfault = 1, raddr = md.random + i;
    if (c == M_UNKNOWN) unknown16 = 1;
  }
  int early = in.prof.go.randinit_before_malloc; /* 1.26+: randinit before mallocinit */
  uint64_t ps = md.page;
  int malloc_fatal = ps == 0 || ps < 4096 || (ps & (ps - 1)) || (in.prof.go.max_page_bound && ps > 524288);
  int read16 = early || !malloc_fatal;        /* the 16 bytes are read at all */
  /* 1.21+, a page size above 4096 that passes: sysNoHugePageOS may throw (mmap placement) */
  int may_throw = !malloc_fatal && in.prof.go.nohugepage_align && ps > 4096;
  int unknown = md.unknown || (read16 && unknown16 && !rfault) || may_throw;
  if (rfault && (early || (!malloc_fatal && !may_throw))) {
    REQUIRE((o.have & GB_F_FAULT) && (o.have & GB_F_FATAL) && o.fatal[0] == 0 && o.fault_addr == raddr);
    return 0;
  }
  REQUIRE(!(o.have & GB_F_FAULT));
  REQUIRE(o.outcome_unknown == (unknown || (rfault && may_throw)));
  unknown |= rfault && may_throw;
  if (unknown) { /* the runtime may fault first: neither a boot nor a message predicted */
    REQUIRE(!(o.have & GB_F_FATAL) && o.fatal[0] == 0 && o.undetermined[0]);
    return 0;
  }
  expect_fatal(&o, &in.prof, md.page);
  /* AT_RANDOM bytes: copied from the image when it holds them (<= 1.21 keeps them) */
  if (md.random && md.random >= st->base && md.random - st->base <= st->size - 16 && !in.prof.go.randinit)
    REQUIRE((o.have & GB_F_RANDOM) && !memcmp(o.startup_random, st->bytes + (md.random - st->base), 16));
  if (!md.random) REQUIRE(o.startup_random_null || !(o.have & GB_F_RANDOM));

  if (!(cfg & 64)) return 0;
  char line[2048];
  size_t need = gb_oracle_format(&o, line, sizeof line);
  REQUIRE(need < sizeof line && strlen(line) == need);
  return 0;
}
