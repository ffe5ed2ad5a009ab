/* test_oracle.c — unit tests of the bootstrap oracle over stacks built by the loader's
 * gb_stack_build(), for profiles 1.19 and 1.22 (and others where a rule changes).
 * Expectations are the Go runtime's rules (runtime-c/README.md), written out by
 * hand per case: issue 4's 12 auxv variants, rt0_go's arithmetic, osinit's answers,
 * GOMAXPROCS parsing, the startup-random result per version, and the line format
 * and JSON views. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "oracle_json.h"
#include "stack.h"

static int failures, checks;
#define CHECK(c)                                                           \
  do {                                                                     \
    checks++;                                                              \
    if (!(c)) failures++, fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", \
                                  __FILE__, __LINE__, cur, #c);            \
  } while (0)
static const char *cur = "";

/* ---- fixtures ----------------------------------------------------------------- */

typedef struct fx {
  gb_stack_spec spec;
  gb_stack st;
  gb_oracle_in in;
  gb_oracle_state out;
  uint8_t aff[16];
  char hp[24];
  int rc;
} fx;

static const char *const ARGV[] = {"/bin/prog", "x", "yy"};
static const char *const ENVP[] = {"A=1", "B=22"};

/* Default kernel-like vector (no vDSO), seed-1 random bytes, 3 args, 2 env strings;
 * CPU: GenuineIntel, leaf 1 EAX 0x906ea; affinity 9 CPUs; THP 2 MiB. */
static void fx_init(fx *f, const char *profile) {
  gb_auxv_env env;
  memset(f, 0, sizeof *f);
  gb_auxv_env_default(&env);
  f->spec.argv = ARGV, f->spec.argc = 3;
  f->spec.envp = ENVP, f->spec.envc = 2;
  gb_random_from_seed(1, f->spec.random);
  gb_auxv_defaults(&f->spec, NULL, &env);
  if (gb_oracle_profile_parse(&f->in.prof, profile)) fprintf(stderr, "bad profile %s\n", profile), exit(2);
  f->in.cpuid_known = 1;
  f->in.cpuid_max_leaf = 0x16;
  f->in.cpuid_vendor[0] = 0x756E6547, f->in.cpuid_vendor[1] = 0x49656E69, f->in.cpuid_vendor[2] = 0x6C65746E;
  f->in.cpuid_leaf1_eax = 0x906ea;
  f->aff[0] = 0xff, f->aff[1] = 0x01;
  f->in.affinity_known = 1, f->in.affinity_ret = 8, f->in.affinity = f->aff;
  strcpy(f->hp, "2097152\n");
  f->in.hpage = (gb_oracle_file){1, 0, 8, (const uint8_t *)f->hp};
}

static void fx_run(fx *f) {
  char err[256];
  if (gb_stack_build(&f->spec, &f->st, err, sizeof err)) fprintf(stderr, "build: %s\n", err), exit(2);
  f->in.stack = (gb_oracle_mem){f->st.bytes, f->st.base, f->st.size};
  f->in.entry_sp = f->st.rsp;
  f->rc = gb_oracle_run(&f->in, &f->out);
}

static void fx_free(fx *f) { gb_stack_free(&f->st); }

#define HAS(f, bit) (((f)->out.have & (bit)) != 0)

static int fatal_is(const fx *f, const char *msg) {
  return HAS(f, GB_F_FATAL) && !strcmp(f->out.fatal, msg);
}
static int fatal_null(const fx *f) { return HAS(f, GB_F_FATAL) && f->out.fatal[0] == 0; }
/* A page size above 4096 that mallocinit accepts: 1.21+'s sysNoHugePageOS alignment
 * throw depends on mmap placement, so the outcome is not predicted (fatal absent). */
static int big_page_ok(const fx *f) {
  if (!f->in.prof.go.nohugepage_align) return fatal_null(f) && !f->out.outcome_unknown;
  return !HAS(f, GB_F_FATAL) && !HAS(f, GB_F_FAULT) && f->out.outcome_unknown &&
         strstr(f->out.undetermined, "sysNoHugePageOS") != NULL;
}

static int minor_of(const char *p) { return atoi(strchr(p, '.') + 1); }

/* ---- the baseline: what a normal kernel stack gives ---------------------------- */

static void test_baseline(const char *p) {
  fx f;
  cur = "baseline";
  fx_init(&f, p);
  fx_run(&f);
  int m = minor_of(p);
  CHECK(f.rc == GB_ORACLE_OK);
  CHECK(f.out.argc == 3 && f.out.argv == f.st.rsp + 8 && f.out.envc == 2);
  CHECK(f.st.rsp % 16 == 0 && f.out.g0_stack_hi == f.st.rsp - 48);
  CHECK(f.out.g0_stack_lo == f.out.g0_stack_hi - (m <= 20 ? 65536 - 104 : 65536));
  CHECK(f.out.g0_stackguard0 == f.out.g0_stack_lo + 928 && f.out.g0_stackguard1 == f.out.g0_stackguard0);
  CHECK(f.out.is_intel == 1 && f.out.processor_version_info == 0x906ea);
  CHECK(HAS(&f, GB_F_PAGE) && f.out.phys_page_size == 4096);
  CHECK(f.out.auxv_pairs == f.spec.nauxv && f.out.auxv_addr == f.st.auxv_addr);
  CHECK(f.out.ncpu == 9 && f.out.phys_huge_page_size == 2097152);
  /* 1.25+: the default comes from cgroup limits the oracle is not told about */
  if (m >= 25) CHECK(!HAS(&f, GB_F_GOMAXPROCS));
  else CHECK(f.out.gomaxprocs == 9);
  CHECK(fatal_null(&f) && !HAS(&f, GB_F_FAULT) && f.out.undetermined[0] == 0);
  CHECK(f.out.at_random_addr == f.st.random_addr && f.out.random_from_urandom == 0);
  CHECK(HAS(&f, GB_F_SECURE) == (m >= 21) && f.out.secure_mode == 0);
  CHECK(!HAS(&f, GB_F_G0) && !HAS(&f, GB_F_M0) && !HAS(&f, GB_F_M0_TLS0) && !HAS(&f, GB_F_FS_BASE));
  CHECK(HAS(&f, GB_F_RANDOM));
  if (m <= 21) {
    CHECK(!f.out.startup_random_null && !memcmp(f.out.startup_random, f.spec.random, 16));
    CHECK(f.out.stack_random_after == GB_RAND_UNTOUCHED);
  } else {
    CHECK(f.out.startup_random_null);
    CHECK(f.out.stack_random_after == (m >= 24 ? GB_RAND_OVERWRITTEN : GB_RAND_ZEROED));
  }
  /* runtime.g0/m0 known: fs_base = &m0.tls + 8 (tls at 136 ≤1.24, 128 1.25+). */
  f.in.g0_addr = 0x52a000, f.in.m0_addr = 0x529a80;
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.g0 == 0x52a000 && f.out.m0 == 0x529a80);
  CHECK(f.out.fs_base == 0x529a80 + (m <= 24 ? 136 : 128) + 8);
  fx_free(&f);
}

/* ---- issue 4's auxv variants ------------------------------------------------------- */

static void run_edit(fx *f, const char *p, const char *const *edits) {
  char err[128];
  fx_init(f, p);
  for (; *edits; edits++)
    if (gb_auxv_edit(&f->spec, *edits, err, sizeof err)) fprintf(stderr, "edit %s: %s\n", *edits, err), exit(2);
  fx_run(f);
}

static void test_pagesz(const char *p) {
  int m = minor_of(p);
  fx f;

  cur = "AT_PAGESZ missing";
  run_edit(&f, p, (const char *const[]){"-AT_PAGESZ", NULL});
  CHECK(f.out.phys_page_size == 0 && fatal_is(&f, "failed to get system page size"));
  CHECK(f.out.auxv_pairs == f.spec.nauxv && !HAS(&f, GB_F_GOMAXPROCS));
  CHECK(HAS(&f, GB_F_NCPU) && HAS(&f, GB_F_HUGE)); /* osinit ran before mallocinit */
  /* a fatal in mallocinit comes before randinit (1.22–1.25): startupRand still set */
  CHECK(HAS(&f, GB_F_RANDOM) && !f.out.startup_random_null);
  fx_free(&f);

  cur = "AT_PAGESZ zero";
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=0", NULL});
  CHECK(fatal_is(&f, "failed to get system page size") && f.out.fatal_detail[0] == 0);
  fx_free(&f);

  cur = "AT_PAGESZ 8192";
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=8192", NULL});
  CHECK(f.out.phys_page_size == 8192 && big_page_ok(&f) && f.out.gomaxprocs == 9);
  fx_free(&f);

  cur = "AT_PAGESZ 64 KiB";
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=65536", NULL});
  CHECK(f.out.phys_page_size == 65536 && big_page_ok(&f));
  fx_free(&f);

  cur = "AT_PAGESZ not a power of two";
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=12288", NULL});
  CHECK(fatal_is(&f, "bad system page size"));
  CHECK(!strcmp(f.out.fatal_detail, "system page size (12288) must be a power of 2"));
  fx_free(&f);

  cur = "AT_PAGESZ 2048";
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=2048", NULL});
  CHECK(fatal_is(&f, "bad system page size"));
  CHECK(!strcmp(f.out.fatal_detail, "system page size (2048) is smaller than minimum page size (4096)"));
  fx_free(&f);

  cur = "AT_PAGESZ 1 MiB";
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=1048576", NULL});
  CHECK(fatal_is(&f, "bad system page size"));
  CHECK(!strcmp(f.out.fatal_detail, "system page size (1048576) is larger than maximum page size (524288)"));
  CHECK(!HAS(&f, GB_F_GOMAXPROCS));
  /* with a fatal before runtime.main, startupRand is what sysauxv left (1.22–1.25) */
  CHECK(!f.out.startup_random_null && !memcmp(f.out.startup_random, f.spec.random, 16));
  fx_free(&f);
  (void)m;

  cur = "duplicate AT_PAGESZ: the last wins";
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=4096", "+AT_PAGESZ=8192", NULL});
  CHECK(f.out.phys_page_size == 8192 && big_page_ok(&f) && f.out.auxv_pairs == f.spec.nauxv);
  fx_free(&f);
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=0", "+AT_PAGESZ=4096", NULL});
  CHECK(f.out.phys_page_size == 4096 && fatal_null(&f));
  fx_free(&f);
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=4096", "+AT_PAGESZ=3", NULL});
  CHECK(f.out.phys_page_size == 3 && fatal_is(&f, "bad system page size"));
  fx_free(&f);
}

static void test_random_secure(const char *p) {
  int m = minor_of(p);
  fx f;

  cur = "AT_RANDOM missing";
  run_edit(&f, p, (const char *const[]){"-AT_RANDOM", NULL});
  CHECK(f.out.at_random_addr == 0 && f.out.random_from_urandom == 1);
  CHECK(HAS(&f, GB_F_RANDOM) && f.out.startup_random_null);
  CHECK(f.out.stack_random_after == GB_RAND_UNTOUCHED && fatal_null(&f));
  fx_free(&f);

  cur = "AT_RANDOM = 0: a slice over a nil pointer faults at address 0";
  fx_init(&f, p);
  gb_auxv_add(&f.spec, AT_RANDOM_LINUX, 0);
  fx_run(&f);
  CHECK(HAS(&f, GB_F_FAULT) && f.out.fault_addr == 0 && fatal_null(&f));
  CHECK(!HAS(&f, GB_F_NCPU) && !HAS(&f, GB_F_PAGE));
  fx_free(&f);

  /* Every AT_RANDOM is nil-checked by a byte load at its value (go1.9.2–go1.26.5:
   * `TESTB AL, (reg)`), so an unmapped one faults in sysauxv, before mallocinit. */
  cur = "AT_RANDOM below 64 KiB: unmapped in any static process, faults there";
  run_edit(&f, p, (const char *const[]){"AT_RANDOM=0x1000", "AT_PAGESZ=3", NULL});
  CHECK(HAS(&f, GB_F_FAULT) && f.out.fault_addr == 0x1000 && fatal_null(&f));
  CHECK(!HAS(&f, GB_F_PAGE) && !HAS(&f, GB_F_RANDOM) && f.out.fatal_detail[0] == 0);
  fx_free(&f);

  cur = "AT_RANDOM at 2^47: not user space, faults";
  run_edit(&f, p, (const char *const[]){"AT_RANDOM=0x800000000000", NULL});
  CHECK(HAS(&f, GB_F_FAULT) && f.out.fault_addr == 0x800000000000ULL && fatal_null(&f));
  fx_free(&f);

  cur = "an unmapped AT_RANDOM faults even when a later one is valid";
  fx_init(&f, p);
  fx_run(&f);
  uint64_t good = f.st.random_addr;
  fx_free(&f);
  f.spec.auxv[0].tag = AT_RANDOM_LINUX, f.spec.auxv[0].val = 0x2000; /* first pair */
  fx_run(&f);
  CHECK(f.st.random_addr == good && HAS(&f, GB_F_FAULT) && f.out.fault_addr == 0x2000);
  fx_free(&f);

  cur = "AT_RANDOM outside the image, memory unknown: outcome undetermined";
  run_edit(&f, p, (const char *const[]){"AT_RANDOM=0x7f0000000000", NULL});
  CHECK(!HAS(&f, GB_F_FAULT) && !HAS(&f, GB_F_FATAL) && f.out.outcome_unknown);
  CHECK(strstr(f.out.undetermined, "0x7f0000000000") != NULL && !HAS(&f, GB_F_RANDOM));
  CHECK(HAS(&f, GB_F_PAGE) && f.out.phys_page_size == 4096 && f.out.gomaxprocs == 9);
  fx_free(&f);
  run_edit(&f, p, (const char *const[]){"AT_RANDOM=0x7f0000000000", "AT_PAGESZ=0", NULL});
  CHECK(!HAS(&f, GB_F_FATAL) && f.out.fatal[0] == 0 && !HAS(&f, GB_F_FAULT)); /* fault or fatal */
  fx_free(&f);

  cur = "AT_RANDOM outside a complete map: faults";
  fx_init(&f, p);
  f.in.mapped_complete = 1;
  gb_auxv_edit(&f.spec, "AT_RANDOM=0x7f0000000000", NULL, 0);
  fx_run(&f);
  CHECK(HAS(&f, GB_F_FAULT) && f.out.fault_addr == 0x7f0000000000ULL && fatal_null(&f));
  fx_free(&f);

  cur = "AT_RANDOM in a read-only mapping: <=1.21 boots, 1.22+ randinit's clear faults";
  gb_oracle_range text = {0x400000, 0x100000, 0};
  fx_init(&f, p);
  f.in.mapped = &text, f.in.nmapped = 1, f.in.mapped_complete = 1;
  gb_auxv_edit(&f.spec, "AT_RANDOM=0x400010", NULL, 0);
  fx_run(&f);
  CHECK(!HAS(&f, GB_F_RANDOM) && f.out.at_random_addr == 0x400010);
  if (m <= 21) CHECK(fatal_null(&f) && !HAS(&f, GB_F_FAULT) && f.out.gomaxprocs == 9);
  else CHECK(HAS(&f, GB_F_FAULT) && f.out.fault_addr == 0x400010 && fatal_null(&f) && !HAS(&f, GB_F_GOMAXPROCS));
  fx_free(&f);
  text.writable = 1;
  fx_init(&f, p);
  f.in.mapped = &text, f.in.nmapped = 1, f.in.mapped_complete = 1;
  gb_auxv_edit(&f.spec, "AT_RANDOM=0x400010", NULL, 0);
  fx_run(&f);
  CHECK(fatal_null(&f) && !HAS(&f, GB_F_FAULT) && !HAS(&f, GB_F_RANDOM) && !f.out.outcome_unknown);
  fx_free(&f);

  cur = "AT_RANDOM's 16 bytes run off the stack top: the later read faults";
  fx_init(&f, p);
  fx_run(&f);
  uint64_t top = f.st.base + f.st.size;
  fx_free(&f);
  char e[48];
  snprintf(e, sizeof e, "AT_RANDOM=0x%llx", (unsigned long long)(top - 4));
  fx_init(&f, p);
  f.in.mapped_complete = 1;
  gb_auxv_edit(&f.spec, e, NULL, 0);
  fx_run(&f);
  CHECK(HAS(&f, GB_F_FAULT) && f.out.fault_addr == top && fatal_null(&f));
  CHECK(HAS(&f, GB_F_PAGE) && HAS(&f, GB_F_NCPU) && !HAS(&f, GB_F_GOMAXPROCS)); /* after mallocinit */
  fx_free(&f);
  fx_init(&f, p);
  f.in.mapped_complete = 1;
  gb_auxv_edit(&f.spec, e, NULL, 0);
  gb_auxv_edit(&f.spec, "AT_PAGESZ=3", NULL, 0);
  fx_run(&f);
  CHECK(fatal_is(&f, "bad system page size") && !HAS(&f, GB_F_FAULT)); /* mallocinit first */
  fx_free(&f);
  /* no map, but the default stack top is TASK_SIZE_MAX (0x7ffffffff000): nothing can
   * be mapped above it, so the read faults all the same */
  CHECK(top == 0x7ffffffff000ULL);
  run_edit(&f, p, (const char *const[]){e, NULL});
  CHECK(HAS(&f, GB_F_FAULT) && f.out.fault_addr == top && !f.out.outcome_unknown);
  fx_free(&f);
  /* a lower stack top and no map: what lies above it is unknown */
  fx_init(&f, p);
  f.spec.stack_top = 0x7ff000000000ULL;
  fx_run(&f);
  top = f.st.base + f.st.size;
  fx_free(&f);
  snprintf(e, sizeof e, "AT_RANDOM=0x%llx", (unsigned long long)(top - 4));
  fx_init(&f, p);
  f.spec.stack_top = 0x7ff000000000ULL;
  gb_auxv_edit(&f.spec, e, NULL, 0);
  fx_run(&f);
  CHECK(!HAS(&f, GB_F_FAULT) && !HAS(&f, GB_F_FATAL) && f.out.outcome_unknown);
  fx_free(&f);

  cur = "AT_RANDOM = 0x1000 inside /proc/self/auxv: faults";
  {
    static const uint64_t empty[] = {0, 0};
    uint64_t pw[] = {AT_PAGESZ_LINUX, 4096, AT_RANDOM_LINUX, 0x1000, 0, 0};
    fx_init(&f, p);
    f.spec.raw_words = empty, f.spec.nraw = 2;
    f.in.proc_auxv = (gb_oracle_file){1, 0, sizeof pw, (const uint8_t *)pw};
    fx_run(&f);
    CHECK(f.out.auxv_source == GB_AUXV_PROC && HAS(&f, GB_F_FAULT) && f.out.fault_addr == 0x1000);
    fx_free(&f);
  }

  cur = "AT_RANDOM duplicate: the last wins";
  fx_init(&f, p);
  fx_run(&f);                      /* learn where the platform string lands */
  uint64_t plat = f.st.platform_addr;
  fx_free(&f);
  gb_auxv_add(&f.spec, AT_RANDOM_LINUX, plat); /* one more pair moves everything down */
  fx_run(&f);
  uint64_t plat2 = f.st.platform_addr;
  fx_free(&f);
  f.spec.auxv[f.spec.nauxv - 1].val = plat2;
  fx_run(&f);
  CHECK(f.st.platform_addr == plat2 && f.out.at_random_addr == plat2);
  if (m <= 21) CHECK(!memcmp(f.out.startup_random, "x86_64", 7));
  else CHECK(f.out.startup_random_null);
  (void)plat;
  fx_free(&f);

  cur = "AT_SECURE=1";
  run_edit(&f, p, (const char *const[]){"AT_SECURE=1", NULL});
  if (m >= 21) CHECK(HAS(&f, GB_F_SECURE) && f.out.secure_mode == 1);
  else CHECK(!HAS(&f, GB_F_SECURE)); /* 1.19.8's sysauxv has no AT_SECURE case */
  CHECK(fatal_null(&f));
  fx_free(&f);
  run_edit(&f, p, (const char *const[]){"AT_SECURE=2", NULL});
  CHECK(f.out.secure_mode == 0); /* secureMode = val == 1 */
  fx_free(&f);
}

static void test_empty_auxv(const char *p) {
  static const uint64_t empty[] = {0, 0};
  fx f;
  cur = "empty auxv, /proc/self/auxv readable";
  fx_init(&f, p);
  f.spec.raw_words = empty, f.spec.nraw = 2;
  fx_run(&f);
  /* first pass: no answer → the state says so */
  CHECK(f.out.need_proc_auxv && !HAS(&f, GB_F_PAGE) && f.out.undetermined[0]);
  CHECK(!HAS(&f, GB_F_FATAL) && !HAS(&f, GB_F_GOMAXPROCS));
  uint64_t words[] = {AT_PAGESZ_LINUX, 8192, AT_RANDOM_LINUX, f.st.random_addr, AT_SECURE_LINUX, 1, 0, 0};
  f.in.proc_auxv = (gb_oracle_file){1, 0, sizeof words, (const uint8_t *)words};
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.auxv_source == GB_AUXV_PROC && f.out.auxv_pairs == 3);
  CHECK(f.out.phys_page_size == 8192 && big_page_ok(&f));
  CHECK(minor_of(p) >= 21 || f.out.undetermined[0] == 0);
  CHECK(f.out.at_random_addr == f.st.random_addr);
  CHECK(HAS(&f, GB_F_SECURE) == (minor_of(p) >= 21));

  cur = "empty auxv, /proc/self/auxv holds more than 63 pairs";
  uint64_t many[130];
  for (int i = 0; i < 130; i += 2) many[i] = 100 + (uint64_t)i, many[i + 1] = 1;
  many[2] = AT_PAGESZ_LINUX, many[3] = 4096;
  f.in.proc_auxv = (gb_oracle_file){1, 0, 1024, (const uint8_t *)many};
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.auxv_pairs == 63 && f.out.phys_page_size == 4096); /* buf[126] = AT_NULL */

  cur = "empty auxv, read fails";
  f.in.proc_auxv = (gb_oracle_file){1, 0, -5, NULL};
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.auxv_pairs == 0 && fatal_is(&f, "failed to get system page size"));

  cur = "empty auxv, open fails: mincore probe";
  f.in.proc_auxv = (gb_oracle_file){1, -13, 0, NULL};
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.auxv_source == GB_AUXV_MINCORE && !HAS(&f, GB_F_PAGE) && f.out.undetermined[0]);
  f.in.mincore_known = 1, f.in.mincore_pagesz = 4096;
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.phys_page_size == 4096 && f.out.auxv_pairs == 0 && fatal_null(&f));
  CHECK(f.out.random_from_urandom == 1 && f.out.startup_random_null);
  f.in.mincore_pagesz = 0; /* its mmap failed: physPageSize stays 0 */
  gb_oracle_run(&f.in, &f.out);
  CHECK(fatal_is(&f, "failed to get system page size"));
  fx_free(&f);
}

/* The vector ends without AT_NULL: sysauxv walks on, taking any word in a tag slot
 * as a tag, until a zero tag or a fault. */
static void test_no_at_null(const char *p) {
  fx f;
  cur = "no AT_NULL, hand-made: a stray AT_PAGESZ acts as one";
  {
    uint64_t w[] = {0, 0, 0, 6, 4096, 6, 8192, 1234, 5, 0, 0};
    gb_oracle_in in = {0};
    gb_oracle_state st;
    gb_oracle_profile_parse(&in.prof, p);
    in.stack = (gb_oracle_mem){(const uint8_t *)w, 0x10000, sizeof w};
    in.entry_sp = 0x10000;
    gb_oracle_run(&in, &st);
    CHECK(st.auxv_pairs == 3 && st.phys_page_size == 8192 && !(st.have & GB_F_FAULT));
    w[6] = 12288;
    gb_oracle_run(&in, &st);
    CHECK(!strcmp(st.fatal, "bad system page size"));
    w[6] = 8192;
    in.stack.size = 7 * 8; /* the mapping ends after the stray pair */
    gb_oracle_run(&in, &st);
    CHECK((st.have & GB_F_FAULT) && st.fault_addr == 0x10000 + 7 * 8 && !(st.have & GB_F_PAGE));
    CHECK((st.have & GB_F_FATAL) && st.fatal[0] == 0 && !(st.have & GB_F_NCPU));
  }

  cur = "no AT_NULL, even item count: 9 zero padding bytes end the walk";
  fx_init(&f, p);
  f.spec.no_at_null = 1;
  fx_run(&f);
  CHECK(f.st.pad_len == 9 && f.out.auxv_pairs == f.spec.nauxv && fatal_null(&f));
  CHECK(f.out.phys_page_size == 4096 && f.out.gomaxprocs == (minor_of(p) >= 25 ? 0 : 9));
  fx_free(&f);

  /* Odd item count: 1 padding byte, so the first tag slot is [0, random[0..6]] and
   * the walk goes on through the random bytes, "x86_64", the alignment gap (under 16
   * bytes, so never a whole zero tag slot) and the strings, which hold no 8 zero
   * bytes in a row. The slots keep their parity, so the zero word under the top is
   * a tag slot: the walk ends there, d/16 pairs later, for every string length. If
   * that word is not mapped, the walk faults on it instead. */
  for (int len = 1; len < 20; len++) {
    char arg0[40];
    memset(arg0, 'a', (size_t)len);
    arg0[len] = 0;
    const char *av[] = {arg0, "x"};
    fx_init(&f, p);
    f.spec.argv = av, f.spec.argc = 2;
    f.spec.no_at_null = 1;
    fx_run(&f);
    uint64_t d = f.st.top - 8 - f.st.auxv_end;
    cur = "no AT_NULL, odd item count: the walk runs to the top";
    CHECK(f.st.pad_len == 1 && memcmp(f.spec.random, "\0\0\0\0\0\0\0", 7) != 0);
    CHECK(d % 16 == 0 && !HAS(&f, GB_F_FAULT));
    CHECK(f.out.auxv_pairs == f.spec.nauxv + (int64_t)(d / 16));
    CHECK(fatal_null(&f) && f.out.phys_page_size == 4096);
    f.in.stack.size = f.st.top - 8 - f.st.base;
    gb_oracle_run(&f.in, &f.out);
    CHECK(HAS(&f, GB_F_FAULT) && f.out.fault_addr == f.st.top - 8 && fatal_null(&f));
    CHECK(!HAS(&f, GB_F_PAGE) && !HAS(&f, GB_F_AUXV_PAIRS));
    fx_free(&f);
  }
}

static void test_tags(const char *p) {
  fx f;
  cur = "unknown tags";
  run_edit(&f, p, (const char *const[]){"+4660=5", "+99=7", "+AT_HWCAP3=1", NULL});
  CHECK(f.out.auxv_pairs == f.spec.nauxv && f.spec.nauxv >= 3);
  CHECK(f.out.phys_page_size == 4096 && fatal_null(&f) && f.out.undetermined[0] == 0);
  fx_free(&f);

  cur = "no AT_SYSINFO_EHDR";
  run_edit(&f, p, (const char *const[]){"-AT_SYSINFO_EHDR", NULL});
  CHECK(f.out.sysinfo_ehdr == 0 && f.out.undetermined[0] == 0 && fatal_null(&f));
  fx_free(&f);

  cur = "AT_SYSINFO_EHDR present";
  fx_init(&f, p);
  gb_auxv_set(&f.spec, AT_SYSINFO_EHDR_LINUX, 0x7ffff7fc1000ULL);
  f.in.vdso_base = 0x7ffff7fc1000ULL;
  fx_run(&f);
  CHECK(f.out.sysinfo_ehdr == 0x7ffff7fc1000ULL && f.out.undetermined[0] == 0);
  f.in.vdso_base = 0; /* nobody vouches for the ELF there */
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.undetermined[0] != 0);
  fx_free(&f);
  run_edit(&f, p, (const char *const[]){"AT_SYSINFO_EHDR=0", NULL});
  CHECK(f.out.sysinfo_ehdr == 0 && f.out.undetermined[0] == 0); /* vdsoauxv skips 0 */
  fx_free(&f);
}

/* ---- rt0_go arithmetic on an entry SP that is not 16-aligned ------------------------ */

static void test_rt0_misaligned(void) {
  /* argc 0, argv NULL, envp NULL, AT_PAGESZ 4096, AT_NULL; entry at base + 7 */
  uint8_t img[7 + 8 * 7] = {0};
  uint64_t w[7] = {0, 0, 0, 6, 4096, 0, 0};
  memcpy(img + 7, w, sizeof w);
  gb_oracle_in in = {0};
  gb_oracle_state st;
  uint64_t base = 0x7fff0000;
  in.stack = (gb_oracle_mem){img, base, sizeof img};
  in.entry_sp = base + 7;
  cur = "rt0 misaligned 1.17";
  gb_oracle_profile_parse(&in.prof, "1.17");
  CHECK(gb_oracle_run(&in, &st) == 0);
  CHECK(st.g0_stack_hi == base + 7 - 39); /* (SP-39)&~15, already aligned */
  CHECK(st.g0_stackguard0 == st.g0_stack_lo + 928 && st.argc == 0 && st.auxv_pairs == 1);
  cur = "rt0 misaligned 1.18";
  gb_oracle_profile_parse(&in.prof, "1.18");
  gb_oracle_run(&in, &st);
  CHECK(st.g0_stack_hi == ((base + 7 - 40) & ~15ULL) && st.g0_stack_hi == base + 7 - 55);
  cur = "rt0 StackGuard 880";
  gb_oracle_profile_parse(&in.prof, "1.12");
  gb_oracle_run(&in, &st);
  CHECK(st.g0_stackguard0 == st.g0_stack_lo + 880 && !(st.have & GB_F_HUGE));
  cur = "rt0 entry SP outside the image";
  in.entry_sp = base + 4096;
  gb_oracle_run(&in, &st);
  CHECK((st.have & GB_F_FAULT) && st.fault_addr == base + 4096 && !(st.have & GB_F_ARGC));
  cur = "argc word truncated to int32";
  w[0] = 0x100000000ULL; /* argc 0 for args(); sysargs then starts at argv[1] */
  memcpy(img + 7, w, sizeof w);
  in.entry_sp = base + 7;
  gb_oracle_run(&in, &st);
  CHECK(st.argc == 0);
}

/* ---- osinit answers --------------------------------------------------------------- */

static void test_osinit(void) {
  fx f;
  cur = "osinit affinity";
  fx_init(&f, "1.19");
  f.in.affinity_ret = -22;
  fx_run(&f);
  CHECK(f.out.ncpu == 1 && f.out.gomaxprocs == 1);
  memset(f.aff, 0, sizeof f.aff);
  f.in.affinity_ret = 16;
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.ncpu == 1); /* an all-zero mask still counts one CPU */
  f.aff[15] = 0x80, f.aff[3] = 0x11;
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.ncpu == 3);
  f.in.affinity_ret = 8; /* only buf[:r] is counted: aff[15] is past r */
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.ncpu == 2);
  f.in.affinity_ret = 8193;
  CHECK(gb_oracle_run(&f.in, &f.out) == GB_ORACLE_EINPUT);
  f.in.affinity_ret = 8;
  f.in.affinity_known = 0;
  gb_oracle_run(&f.in, &f.out);
  CHECK(!HAS(&f, GB_F_NCPU) && !HAS(&f, GB_F_GOMAXPROCS));
  f.in.affinity_known = 1;

  static const struct { const char *text; int64_t ret; int open_err; const char *prof; uint64_t want; } hp[] = {
    {"2097152\n", 8, 0, "1.19", 2097152},
    {"2097152", 7, 0, "1.19", 0},        /* the last byte is dropped: 209715 */
    {"3000000\n", 8, 0, "1.19", 0},      /* not a power of two */
    {"8388608\n", 8, 0, "1.19", 0},      /* > 4 MiB: mallocinit zeroes it (1.14+) */
    {"8388608\n", 8, 0, "1.13", 8388608},
    {"-2097152\n", 9, 0, "1.19", 0},
    {"", 0, 0, "1.19", 0},
    {"", 0, -2, "1.19", 0},
    {"99999999999999999999", 20, 0, "1.19", 0}, /* 19 nines after the drop: > int64 */
  };
  for (size_t i = 0; i < sizeof hp / sizeof hp[0]; i++) {
    cur = hp[i].text;
    gb_oracle_profile_parse(&f.in.prof, hp[i].prof);
    f.in.hpage = (gb_oracle_file){1, hp[i].open_err, hp[i].ret, (const uint8_t *)hp[i].text};
    gb_oracle_run(&f.in, &f.out);
    CHECK(HAS(&f, GB_F_HUGE) && f.out.phys_huge_page_size == hp[i].want);
  }
  cur = "no huge page read before 1.13";
  gb_oracle_profile_parse(&f.in.prof, "1.12");
  gb_oracle_run(&f.in, &f.out);
  CHECK(!HAS(&f, GB_F_HUGE));

  cur = "cpuid";
  gb_oracle_profile_parse(&f.in.prof, "1.19");
  f.in.cpuid_vendor[0] = 0x68747541; /* "AuthenticAMD" */
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.is_intel == 0 && f.out.processor_version_info == 0x906ea);
  f.in.cpuid_vendor[0] = 0x756E6547;
  f.in.cpuid_max_leaf = 0; /* JE nocpuinfo: neither global is written */
  gb_oracle_run(&f.in, &f.out);
  CHECK(f.out.is_intel == 0 && f.out.processor_version_info == 0 && HAS(&f, GB_F_CPU));
  fx_free(&f);
}

/* ---- GOMAXPROCS and GODEBUG from envp ------------------------------------------------- */

static int gomaxprocs_with(const char *prof, const char *const *env, int envc, int32_t *out) {
  fx f;
  fx_init(&f, prof);
  f.spec.envp = env, f.spec.envc = envc;
  fx_run(&f);
  int has = HAS(&f, GB_F_GOMAXPROCS);
  *out = f.out.gomaxprocs;
  fx_free(&f);
  return has;
}

static void test_gomaxprocs(void) {
  static const struct { const char *env[3]; int envc; int32_t want; } t[] = {
    {{"GOMAXPROCS=4"}, 1, 4},
    {{"GOMAXPROCS=04"}, 1, 4},
    {{"GOMAXPROCS=0"}, 1, 9},
    {{"GOMAXPROCS=-3"}, 1, 9},
    {{"GOMAXPROCS=+4"}, 1, 9},
    {{"GOMAXPROCS= 4"}, 1, 9},
    {{"GOMAXPROCS="}, 1, 9},
    {{"GOMAXPROCS"}, 1, 9},
    {{"GOMAXPROCS=2147483647"}, 1, 2147483647},
    {{"GOMAXPROCS=2147483648"}, 1, 9},     /* not an int32 */
    {{"GOMAXPROCS=100000"}, 1, 100000},    /* no upper clamp */
    {{"GOMAXPROCS=abc", "GOMAXPROCS=5"}, 2, 9}, /* the first match decides */
    {{"GOMAXPROCS5=1", "GOMAXPROCS=5"}, 2, 5},
    {{"gomaxprocs=5"}, 1, 9},              /* case-sensitive on Linux */
  };
  int32_t got;
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    cur = t[i].env[0];
    CHECK(gomaxprocs_with("1.19", t[i].env, t[i].envc, &got) && got == t[i].want);
    CHECK(gomaxprocs_with("1.22", t[i].env, t[i].envc, &got) && got == t[i].want);
  }
  cur = "1.25: cgroup default unless containermaxprocs=0";
  const char *none[] = {"A=1"};
  CHECK(!gomaxprocs_with("1.25", none, 1, &got));
  const char *off[] = {"GODEBUG=x=1,containermaxprocs=0"};
  CHECK(gomaxprocs_with("1.25", off, 1, &got) && got == 9);
  const char *last[] = {"GODEBUG=containermaxprocs=0,containermaxprocs=1"};
  CHECK(!gomaxprocs_with("1.25", last, 1, &got));
  const char *first[] = {"GODEBUG=containermaxprocs=1", "GODEBUG=containermaxprocs=0"};
  CHECK(!gomaxprocs_with("1.25", first, 2, &got));
  const char *env_wins[] = {"GOMAXPROCS=6"};
  CHECK(gomaxprocs_with("1.25", env_wins, 1, &got) && got == 6);
}

/* ---- startup random per version -------------------------------------------------------- */

static void test_random_versions(void) {
  fx f;
  cur = "1.24: an all-zero half means no AT_RANDOM";
  fx_init(&f, "1.24");
  memset(f.spec.random + 8, 0, 8);
  fx_run(&f);
  CHECK(f.out.random_from_urandom == 1 && f.out.startup_random_null);
  CHECK(f.out.stack_random_after == GB_RAND_UNTOUCHED);
  fx_free(&f);
  fx_init(&f, "1.23");
  memset(f.spec.random + 8, 0, 8);
  fx_run(&f);
  CHECK(f.out.random_from_urandom == 0 && f.out.stack_random_after == GB_RAND_ZEROED);
  fx_free(&f);

  cur = "1.26: randinit before mallocinit";
  run_edit(&f, "1.26", (const char *const[]){"AT_PAGESZ=0", NULL});
  CHECK(fatal_is(&f, "failed to get system page size") && f.out.startup_random_null);
  fx_free(&f);
  run_edit(&f, "1.25", (const char *const[]){"AT_PAGESZ=0", NULL});
  CHECK(fatal_is(&f, "failed to get system page size") && !f.out.startup_random_null);
  fx_free(&f);

  cur = "1.12 accepts a 1 MiB page";
  run_edit(&f, "1.12", (const char *const[]){"AT_PAGESZ=1048576", NULL});
  CHECK(fatal_null(&f) && f.out.phys_page_size == 1048576);
  fx_free(&f);
  cur = "1.19.10 has the AT_SECURE backport";
  run_edit(&f, "1.19.10", (const char *const[]){"AT_SECURE=1", NULL});
  CHECK(HAS(&f, GB_F_SECURE) && f.out.secure_mode == 1);
  fx_free(&f);
}

/* ---- profiles -------------------------------------------------------------------- */

static void test_profiles(void) {
  gb_oracle_profile p;
  cur = "profiles";
  CHECK(gb_oracle_profile_parse(&p, "go1.19.8") == 0 && p.patch == 8 && p.go.g0_lo_off == -65432);
  CHECK(gb_oracle_profile_parse(&p, "1.20") == 0 && p.go.g0_lo_off == -65536 + 104 && !p.go.at_secure);
  CHECK(gb_oracle_profile_parse(&p, "1.21") == 0 && p.go.g0_lo_off == -65536);
  CHECK(gb_oracle_profile_parse(&p, "1.20.5") == 0 && p.go.at_secure);
  CHECK(gb_oracle_profile_parse(&p, "1.25") == 0 && p.go.m_tls == 128 &&
        !strcmp(p.go.ncpu_sym, "runtime.numCPUStartup"));
  CHECK(gb_oracle_profile_parse(&p, "1.24") == 0 && p.go.m_tls == 136 && !strcmp(p.go.ncpu_sym, "runtime.ncpu"));
  CHECK(gb_oracle_profile_parse(&p, "1.22") == 0 && !strcmp(p.go.random_sym, "runtime.startupRand"));
  CHECK(gb_oracle_profile_parse(&p, "1.21") == 0 && !strcmp(p.go.random_sym, "runtime.startupRandomData"));
  CHECK(gb_oracle_profile_parse(&p, "1.13") == 0 && p.go.stack_guard == 880);
  CHECK(gb_oracle_profile_parse(&p, "1.14") == 0 && p.go.stack_guard == 896);
  CHECK(gb_oracle_profile_parse(&p, "1.15") == 0 && p.go.stack_guard == 928);
  CHECK(gb_oracle_profile_parse(&p, "1.20") == 0 && !p.go.nohugepage_align);
  CHECK(gb_oracle_profile_parse(&p, "1.21") == 0 && p.go.nohugepage_align);
  /* the oracle knows 1.GB_GO_MINOR_OLDEST to 1.GB_GO_MINOR_NEWEST, nothing around them */
  char v[16];
  snprintf(v, sizeof v, "1.%d", GB_GO_MINOR_NEWEST);
  CHECK(gb_oracle_profile_parse(&p, v) == 0);
  snprintf(v, sizeof v, "go1.%d.0", GB_GO_MINOR_NEWEST + 1);
  CHECK(gb_oracle_profile_parse(&p, v) == -1);
  snprintf(v, sizeof v, "1.%d", GB_GO_MINOR_OLDEST);
  CHECK(gb_oracle_profile_parse(&p, v) == 0);
  snprintf(v, sizeof v, "1.%d", GB_GO_MINOR_OLDEST - 1);
  CHECK(gb_oracle_profile_parse(&p, v) == -1);
  CHECK(gb_oracle_profile_parse(&p, "2.1") == -1 && gb_oracle_profile_parse(&p, "1.19x") == -1);
  CHECK(gb_oracle_profile_parse(&p, "") == -1 && gb_oracle_profile_parse(&p, "1.") == -1);
}

/* ---- line format ↔ report reader ↔ JSON ---------------------------------------------- */

static void test_views(const char *p) {
  fx f;
  char buf[4096], err[128];
  gb_oracle_state back;
  cur = "format/parse round trip";
  run_edit(&f, p, (const char *const[]){"AT_PAGESZ=12288", NULL});
  f.in.g0_addr = 0x52a000, f.in.m0_addr = 0x529a80;
  gb_oracle_run(&f.in, &f.out);
  size_t n = gb_oracle_format(&f.out, buf, sizeof buf);
  CHECK(n < sizeof buf && strstr(buf, "fatal=bad system page size\n"));
  CHECK(gb_oracle_parse_report(buf, &back, err, sizeof err) == 0);
  cJSON *a = gb_oracle_to_cjson(&f.out, 1), *b = gb_oracle_to_cjson(&back, 1);
  CHECK(a && b && cJSON_Compare(a, b, 1));
  CHECK(!strcmp(cJSON_GetObjectItem(a, "fatal")->valuestring, "bad system page size"));
  CHECK(cJSON_GetObjectItem(a, "gomaxprocs") == NULL); /* never reached */
  CHECK((cJSON_GetObjectItem(a, "secure_mode") != NULL) == (minor_of(p) >= 21));
  CHECK(cJSON_GetObjectItem(a, "m0_tls0") == NULL);
  cJSON_Delete(a), cJSON_Delete(b);
  fx_free(&f);

  fx_init(&f, p);
  fx_run(&f);
  n = gb_oracle_format(&f.out, buf, sizeof buf);
  CHECK(gb_oracle_parse_report(buf, &back, err, sizeof err) == 0);
  a = gb_oracle_to_cjson(&f.out, 1), b = gb_oracle_to_cjson(&back, 1);
  CHECK(cJSON_Compare(a, b, 1));
  cJSON *r = cJSON_GetObjectItem(a, "startup_random");
  CHECK(minor_of(p) >= 22 ? cJSON_IsNull(r) : (cJSON_IsString(r) && strlen(r->valuestring) == 32));
  CHECK(cJSON_IsNull(cJSON_GetObjectItem(a, "fatal")));
  char hi[24];
  snprintf(hi, sizeof hi, "0x%llx", (unsigned long long)(f.st.rsp - 48));
  CHECK(!strcmp(cJSON_GetObjectItem(a, "g0_stack_hi")->valuestring, hi));
  cJSON_Delete(a), cJSON_Delete(b);

  cur = "report reader rejects";
  CHECK(gb_oracle_parse_report("hello\n", &back, err, sizeof err) == -1);
  buf[n - 4] = 0; /* cut "end\n" */
  CHECK(gb_oracle_parse_report(buf, &back, err, sizeof err) == -1);
  CHECK(gb_oracle_parse_report("goboot-rtc 1\nargc=x\nend\n", &back, err, sizeof err) == -1);
  CHECK(gb_oracle_parse_report("goboot-rtc 1\nfuture_key=1\nend\n", &back, err, sizeof err) == 0);
  cur = "format truncates safely";
  char small[16];
  size_t need = gb_oracle_format(&f.out, small, sizeof small);
  CHECK(need > sizeof small && strlen(small) == sizeof small - 1);
  fx_free(&f);
}

int main(void) {
  static const char *const profiles[] = {"1.19", "1.22"};
  for (int i = 0; i < 2; i++) {
    const char *p = profiles[i];
    test_baseline(p);
    test_pagesz(p);
    test_random_secure(p);
    test_empty_auxv(p);
    test_no_at_null(p);
    test_tags(p);
    test_views(p);
  }
  test_baseline("1.25");
  test_rt0_misaligned();
  test_osinit();
  test_gomaxprocs();
  test_random_versions();
  test_profiles();
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures != 0;
}
