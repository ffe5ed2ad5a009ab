/* test_stack_unit.c — unit tests of the initial-stack builder (loader/stack.h):
 * the create_elf_tables arithmetic, string order, alignment, fill addresses, auxv
 * edits, raw words, no AT_NULL, argc 0, limits and seed determinism. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack.h"

static int failures, checks;

#define CHECK(cond)                                                                \
  do {                                                                             \
    checks++;                                                                      \
    if (!(cond)) {                                                                 \
      failures++;                                                                  \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);     \
    }                                                                              \
  } while (0)

static uint64_t rd(const gb_stack *st, uint64_t addr) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | st->bytes[addr - st->base + (uint64_t)i];
  return v;
}
static const char *str(const gb_stack *st, uint64_t addr) {
  return (const char *)st->bytes + (addr - st->base);
}
static uint64_t aux(const gb_stack *st, uint64_t tag, int nth) {
  for (uint64_t a = st->auxv_addr; a + 16 <= st->auxv_end; a += 16)
    if (rd(st, a) == tag && nth-- == 0) return rd(st, a + 8);
  return ~0ULL;
}
static int count_tag(const gb_stack *st, uint64_t tag) {
  int n = 0;
  for (uint64_t a = st->auxv_addr; a + 16 <= st->auxv_end; a += 16) n += rd(st, a) == tag;
  return n;
}

static gb_image fake_image(void) {
  gb_image img;
  memset(&img, 0, sizeof img);
  img.path = (char *)"/bin/hello";
  img.entry = 0x45c0a0;
  img.phdr_vaddr = 0x400040;
  img.phnum = 7;
  img.phentsize = 56;
  return img;
}

static void spec_init(gb_stack_spec *s, const char *const *argv, int argc, const char *const *envp,
                      int envc) {
  gb_image img = fake_image();
  gb_auxv_env env;
  memset(s, 0, sizeof *s);
  s->argv = argv, s->argc = argc, s->envp = envp, s->envc = envc;
  gb_auxv_env_default(&env);
  gb_auxv_defaults(s, &img, &env);
  gb_random_from_seed(1, s->random);
}

/* The worked example of docs/go-boot-facts.md § The initial stack (create_elf_tables)
 * (Linux 6.18, env -i A=1 B=22 ./dump x yy):
 * with the kernel's own stack top and shift, every address must come out the same. */
static void test_worked_example(void) {
  const char *argv[] = {"./dump", "x", "yy"}, *envp[] = {"A=1", "B=22"};
  gb_stack_spec s;
  gb_stack st;
  char err[256];
  spec_init(&s, argv, 3, envp, 2);
  /* 23 pairs with AT_NULL as on the host: add the vDSO entry in front. */
  memmove(&s.auxv[1], &s.auxv[0], (size_t)s.nauxv * sizeof s.auxv[0]);
  s.auxv[0] = (gb_auxv_ent){AT_SYSINFO_EHDR_LINUX, 0x7fff12345000ULL, 0};
  s.nauxv++;
  s.stack_top = 0x7ffe00008000ULL;
  /* strings start at 0x7fdc; the aligned point is 0x6e30: shift = 0x7fdc - 0x6e30 */
  s.align_shift = 0x7fdc - 0x6e30;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  uint64_t b = 0x7ffe00000000ULL;
  CHECK(st.rsp == b + 0x6c60);
  CHECK(st.argv_addr == b + 0x6c68 && st.envp_addr == b + 0x6c88 && st.auxv_addr == b + 0x6ca0);
  CHECK(st.auxv_end == b + 0x6e10 && st.pad_addr == b + 0x6e10 && st.pad_len == 9);
  CHECK(st.random_addr == b + 0x6e19 && st.platform_addr == b + 0x6e29);
  CHECK(st.arg_str[0] == b + 0x7fdc && st.arg_str[1] == b + 0x7fe3 && st.arg_str[2] == b + 0x7fe5);
  CHECK(st.env_str[0] == b + 0x7fe8 && st.env_str[1] == b + 0x7fec);
  CHECK(st.execfn_addr == b + 0x7ff1 && st.strings_addr == b + 0x7fdc);
  CHECK(rd(&st, b + 0x7ff8) == 0 && !strcmp(str(&st, st.execfn_addr), "./dump"));
  CHECK(rd(&st, st.rsp) == 3);
  CHECK(st.base == b + 0x6000 && st.size == 0x2000 && st.top == b + 0x8000);
  gb_stack_free(&st);
}

static void test_layout_invariants(void) {
  const char *argv[] = {"/bin/hello", "-v", "", "a longer argument"};
  const char *envp[] = {"HOME=/root", "X=", "PATH=/usr/bin:/bin"};
  char err[256];
  for (int argc = 1; argc <= 4; argc++)
    for (int envc = 0; envc <= 3; envc++)
      for (uint64_t shift = 0; shift < 40; shift += 3) {
        gb_stack_spec s;
        gb_stack st;
        spec_init(&s, argv, argc, envp, envc);
        s.align_shift = shift;
        s.execfn = argc > 2 ? "/exec/fn" : NULL;
        CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
        uint64_t items = (uint64_t)argc + envc + 3, P = (uint64_t)s.nauxv + 1;
        CHECK(st.rsp % 16 == 0);
        CHECK(st.rsp == ((st.random_addr - 16 * P - 8 * items) & ~15ULL)); /* create_elf_tables' arithmetic */
        CHECK(st.pad_len == st.random_addr - (st.rsp + 8 * items + 16 * P));
        CHECK(st.pad_len < 16);
        CHECK(st.base == (st.rsp & ~4095ULL) && st.size == st.top - st.base);
        CHECK(st.top == GB_STACK_TOP_DEFAULT && rd(&st, st.top - 8) == 0);
        uint64_t align = st.platform_addr + 7;
        CHECK(align % 16 == 0 && !strcmp(str(&st, st.platform_addr), "x86_64"));
        CHECK(align == ((st.strings_addr - shift) & ~15ULL));
        CHECK(st.random_addr + 16 == st.platform_addr);
        CHECK(!memcmp(st.bytes + (st.random_addr - st.base), s.random, 16));
        /* strings ascend argv[0] < ... < envp[0] < ... < execfn, packed */
        uint64_t p = st.strings_addr;
        for (int i = 0; i < argc; i++) {
          CHECK(st.arg_str[i] == p && !strcmp(str(&st, p), argv[i]));
          CHECK(rd(&st, st.argv_addr + 8 * (uint64_t)i) == p);
          p += strlen(argv[i]) + 1;
        }
        for (int i = 0; i < envc; i++) {
          CHECK(st.env_str[i] == p && !strcmp(str(&st, p), envp[i]));
          CHECK(rd(&st, st.envp_addr + 8 * (uint64_t)i) == p);
          p += strlen(envp[i]) + 1;
        }
        CHECK(st.execfn_addr == p && p + strlen(str(&st, p)) + 1 == st.top - 8);
        CHECK(!strcmp(str(&st, p), argc > 2 ? "/exec/fn" : argv[0]));
        CHECK(rd(&st, st.rsp) == (uint64_t)argc);
        CHECK(st.argv_addr == st.rsp + 8 && rd(&st, st.argv_addr + 8 * (uint64_t)argc) == 0);
        CHECK(st.envp_addr == st.argv_addr + 8 * (uint64_t)(argc + 1));
        CHECK(rd(&st, st.envp_addr + 8 * (uint64_t)envc) == 0);
        CHECK(st.auxv_addr == st.envp_addr + 8 * (uint64_t)(envc + 1));
        CHECK(st.auxv_end == st.auxv_addr + 16 * P);
        CHECK(rd(&st, st.auxv_end - 16) == 0 && rd(&st, st.auxv_end - 8) == 0);
        /* padding and alignment gap are zero bytes */
        for (uint64_t a = st.pad_addr; a < st.random_addr; a++) CHECK(st.bytes[a - st.base] == 0);
        for (uint64_t a = align; a < st.strings_addr; a++) CHECK(st.bytes[a - st.base] == 0);
        gb_stack_free(&st);
      }
}

static const uint64_t kernel_order[] = {
  AT_MINSIGSTKSZ_LINUX, AT_HWCAP_LINUX, AT_PAGESZ_LINUX, AT_CLKTCK_LINUX, AT_PHDR_LINUX, AT_PHENT_LINUX,
  AT_PHNUM_LINUX, AT_BASE_LINUX, AT_FLAGS_LINUX, AT_ENTRY_LINUX, AT_UID_LINUX, AT_EUID_LINUX, AT_GID_LINUX,
  AT_EGID_LINUX, AT_SECURE_LINUX, AT_RANDOM_LINUX, AT_HWCAP2_LINUX, AT_EXECFN_LINUX, AT_PLATFORM_LINUX,
  AT_RSEQ_FEATURE_SIZE_LINUX, AT_RSEQ_ALIGN_LINUX};

static void test_defaults_and_fill(void) {
  const char *argv[] = {"/bin/hello"};
  gb_stack_spec s;
  gb_stack st;
  char err[256];
  gb_auxv_env env;
  gb_image img = fake_image();
  spec_init(&s, argv, 1, NULL, 0);
  CHECK(s.nauxv == 21);
  for (int i = 0; i < 21 && i < s.nauxv; i++) CHECK(s.auxv[i].tag == kernel_order[i]);
  gb_auxv_env_default(&env);
  env.vdso_base = 0x7ffff7ffd000ULL;
  gb_auxv_defaults(&s, &img, &env);
  CHECK(s.nauxv == 22 && s.auxv[0].tag == AT_SYSINFO_EHDR_LINUX && s.auxv[0].val == env.vdso_base);
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(aux(&st, AT_RANDOM_LINUX, 0) == st.random_addr);
  CHECK(aux(&st, AT_EXECFN_LINUX, 0) == st.execfn_addr);
  CHECK(aux(&st, AT_PLATFORM_LINUX, 0) == st.platform_addr);
  CHECK(aux(&st, AT_PHDR_LINUX, 0) == 0x400040 && aux(&st, AT_PHNUM_LINUX, 0) == 7);
  CHECK(aux(&st, AT_PHENT_LINUX, 0) == 56 && aux(&st, AT_ENTRY_LINUX, 0) == 0x45c0a0);
  CHECK(aux(&st, AT_PAGESZ_LINUX, 0) == 4096 && aux(&st, AT_CLKTCK_LINUX, 0) == 100);
  CHECK(aux(&st, AT_HWCAP_LINUX, 0) == 0x078bfbff - 2 && aux(&st, AT_HWCAP2_LINUX, 0) == 2);
  CHECK(aux(&st, AT_BASE_LINUX, 0) == 0 && aux(&st, AT_SECURE_LINUX, 0) == 0);
  CHECK(aux(&st, AT_RSEQ_FEATURE_SIZE_LINUX, 0) == 0x1c && aux(&st, AT_RSEQ_ALIGN_LINUX, 0) == 0x20);
  gb_stack_free(&st);
}

static void test_edits(void) {
  const char *argv[] = {"/bin/hello"};
  gb_stack_spec s;
  gb_stack st;
  char err[256];
  spec_init(&s, argv, 1, NULL, 0);
  int n0 = s.nauxv;
  CHECK(gb_auxv_edit(&s, "AT_PAGESZ=65536", err, sizeof err) == 0);
  CHECK(gb_auxv_edit(&s, "+pagesz=0x2000", err, sizeof err) == 0);
  CHECK(gb_auxv_edit(&s, "-AT_HWCAP2", err, sizeof err) == 0);
  CHECK(gb_auxv_edit(&s, "-AT_HWCAP2", err, sizeof err) == 0); /* absent: no-op */
  CHECK(gb_auxv_edit(&s, "99=7", err, sizeof err) == 0);       /* unknown tag by number */
  CHECK(gb_auxv_edit(&s, "AT_RANDOM=0x1234", err, sizeof err) == 0);
  CHECK(gb_auxv_edit(&s, "+AT_EXECFN=auto", err, sizeof err) == 0);
  CHECK(s.nauxv == n0 + 1 - 1 + 1 + 1);
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(count_tag(&st, AT_PAGESZ_LINUX) == 2);
  CHECK(aux(&st, AT_PAGESZ_LINUX, 0) == 65536 && aux(&st, AT_PAGESZ_LINUX, 1) == 0x2000);
  CHECK(count_tag(&st, AT_HWCAP2_LINUX) == 0);
  CHECK(aux(&st, 99, 0) == 7);
  CHECK(aux(&st, AT_RANDOM_LINUX, 0) == 0x1234); /* explicit value wins over fill */
  CHECK(count_tag(&st, AT_EXECFN_LINUX) == 2 && aux(&st, AT_EXECFN_LINUX, 1) == st.execfn_addr);
  /* the duplicate goes last, before AT_NULL */
  CHECK(rd(&st, st.auxv_end - 32) == AT_EXECFN_LINUX);
  gb_stack_free(&st);

  CHECK(gb_auxv_edit(&s, "AT_RANDOM=auto", err, sizeof err) == 0);
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(aux(&st, AT_RANDOM_LINUX, 0) == st.random_addr);
  gb_stack_free(&st);

  const char *bad[] = {"AT_PAGESZ", "-AT_PAGESZ=1", "AT_NOPE=1", "AT_PAGESZ=", "AT_PAGESZ=12x",
                       "AT_PAGESZ=-1", "=5", "AT_PAGESZ=auto", "+", "AT_PAGESZ=99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = 0;
    CHECK(gb_auxv_edit(&s, bad[i], err, sizeof err) == -1 && err[0]);
    CHECK(gb_auxv_edit(NULL, bad[i], err, sizeof err) == -1);
  }
  CHECK(gb_auxv_edit(NULL, "AT_PAGESZ=4096", err, sizeof err) == 0);

  /* set replaces every duplicate; drop removes them all */
  CHECK(gb_auxv_add(&s, AT_CLKTCK_LINUX, 1) == 0);
  CHECK(gb_auxv_set(&s, AT_CLKTCK_LINUX, 250) == 0);
  int n = 0;
  for (int i = 0; i < s.nauxv; i++)
    if (s.auxv[i].tag == AT_CLKTCK_LINUX) {
      CHECK(s.auxv[i].val == 250);
      n++;
    }
  CHECK(n == 2);
  CHECK(gb_auxv_drop(&s, AT_CLKTCK_LINUX) == 0 && gb_auxv_drop(&s, AT_CLKTCK_LINUX) == -1);
  /* full vector */
  while (s.nauxv < GB_AUXV_MAX) CHECK(gb_auxv_add(&s, 100, 1) == 0);
  CHECK(gb_auxv_add(&s, 100, 1) == -1);
  CHECK(gb_auxv_edit(&s, "+AT_FLAGS=1", err, sizeof err) == -1);
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(st.auxv_end - st.auxv_addr == 16 * (GB_AUXV_MAX + 1));
  gb_stack_free(&st);

  uint64_t tag;
  CHECK(gb_auxv_parse_tag("AT_SYSINFO_EHDR", &tag) == 0 && tag == 33);
  CHECK(gb_auxv_parse_tag("minsigstksz", &tag) == 0 && tag == 51);
  CHECK(gb_auxv_parse_tag("0x19", &tag) == 0 && tag == 25);
  CHECK(gb_auxv_parse_tag("AT_", &tag) == -1 && gb_auxv_parse_tag("", &tag) == -1);
  CHECK(!strcmp(gb_auxv_name(6), "AT_PAGESZ") && gb_auxv_name(1234) == NULL);
}

static void test_raw_and_no_null(void) {
  const char *argv[] = {"/bin/hello"};
  gb_stack_spec s;
  gb_stack st;
  char err[256];
  spec_init(&s, argv, 1, NULL, 0);
  s.no_at_null = 1;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(st.auxv_end == st.auxv_addr + 16 * (uint64_t)s.nauxv);
  CHECK(rd(&st, st.auxv_end - 16) == AT_RSEQ_ALIGN_LINUX);
  CHECK(st.rsp == ((st.random_addr - 16 * (uint64_t)s.nauxv - 8 * 4) & ~15ULL));
  gb_stack_free(&st);

  /* raw: an odd number of words, no AT_NULL, copied verbatim */
  static const uint64_t raw[] = {6, 4096, 25, 0xdeadbeef, 33};
  s.raw_words = raw;
  s.nraw = 5;
  s.no_at_null = 0;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(st.auxv_end == st.auxv_addr + 40);
  for (int i = 0; i < 5; i++) CHECK(rd(&st, st.auxv_addr + 8 * (uint64_t)i) == raw[i]);
  CHECK(st.rsp == ((st.random_addr - 40 - 8 * 4) & ~15ULL));
  CHECK(st.pad_len == st.random_addr - st.auxv_end);
  gb_stack_free(&st);

  /* raw: empty vector (Go's /proc/self/auxv fallback trigger needs a zero tag, so a
   * caller passes {0, 0}; zero words is allowed too) */
  s.nraw = 0;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(st.auxv_end == st.auxv_addr);
  gb_stack_free(&st);
}

static void test_argc0(void) {
  const char *envp[] = {"A=1"};
  gb_stack_spec s;
  gb_stack st;
  char err[256];
  spec_init(&s, NULL, 0, envp, 1);
  s.execfn = "/bin/hello";
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(st.argc == 1 && rd(&st, st.rsp) == 1);
  CHECK(st.arg_str[0] == st.strings_addr && !strcmp(str(&st, st.arg_str[0]), ""));
  CHECK(st.env_str[0] == st.strings_addr + 1); /* "" lowest, right below envp[0] */
  CHECK(rd(&st, st.argv_addr) == st.strings_addr && rd(&st, st.argv_addr + 8) == 0);
  CHECK(!strcmp(str(&st, st.execfn_addr), "/bin/hello"));
  gb_stack_free(&st);
  s.execfn = NULL; /* defaults to "" */
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  CHECK(st.execfn_addr == st.top - 9 && str(&st, st.execfn_addr)[0] == 0);
  gb_stack_free(&st);
}

static void test_limits(void) {
  gb_stack_spec s;
  gb_stack st;
  char err[256];
  size_t big = 200000;
  char *huge = malloc(big);
  memset(huge, 'a', big - 1);
  huge[big - 1] = 0;
  const char *argv[] = {"/bin/hello", huge};
  spec_init(&s, argv, 2, NULL, 0);
  err[0] = 0;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1 && strstr(err, "MAX_ARG_STRLEN"));
  CHECK(st.bytes == NULL);
  /* many strings just under MAX_ARG_STRLEN: the 8 MiB cap trips, cleanly */
  huge[131070] = 0;
  const char **many = malloc(100 * sizeof *many);
  for (int i = 0; i < 100; i++) many[i] = huge;
  spec_init(&s, many, 100, NULL, 0);
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1 &&
        strstr(err, "stack would exceed 8388608 bytes"));
  spec_init(&s, many, 60, NULL, 0); /* 60 x 128 KiB = 7.5 MiB: fits */
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0 && st.size <= (8u << 20));
  gb_stack_free(&st);
  /* huge counts of empty strings: the pointer arrays count too */
  const char **lots = malloc(600000 * sizeof *lots);
  for (int i = 0; i < 600000; i++) lots[i] = "";
  spec_init(&s, lots, 600000, lots, 600000);
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1 && strstr(err, "stack would exceed"));
  /* absurd shifts, raw sizes, tops */
  spec_init(&s, argv, 1, NULL, 0);
  s.align_shift = ~0ULL;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1);
  s.align_shift = 8191;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  gb_stack_free(&st);
  s.align_shift = 0;
  s.raw_words = (const uint64_t *)huge;
  s.nraw = (size_t)-1 / 8;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1);
  s.raw_words = NULL;
  s.stack_top = 0x7ffffffff001ULL;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1 && strstr(err, "page-aligned"));
  s.stack_top = 0x1000; /* far too low for the stack: refused, not wrapped */
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0 || strstr(err, "exceed"));
  gb_stack_free(&st);
  s.stack_top = 0x1000;
  s.align_shift = 4096;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1);
  s.stack_top = (1ULL << 47) + 4096;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1);
  s.stack_top = 1ULL << 47; /* TASK_SIZE_MAX is 0x7ffffffff000: the last page is never user's */
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1);
  s.stack_top = 0x7ffffffff000ULL;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == 0);
  gb_stack_free(&st);
  s.stack_top = 0;
  s.nauxv = GB_AUXV_MAX + 1;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1);
  s.nauxv = 0;
  const char *nullarg[] = {"/bin/hello", NULL};
  s.argv = nullarg;
  s.argc = 2;
  CHECK(gb_stack_build(&s, &st, err, sizeof err) == -1 && strstr(err, "argv[1] is NULL"));
  free(lots);
  free(many);
  free(huge);
}

static void test_seed(void) {
  uint8_t a[16], b[16], c[16];
  gb_random_from_seed(1, a);
  gb_random_from_seed(1, b);
  gb_random_from_seed(2, c);
  CHECK(!memcmp(a, b, 16) && memcmp(a, c, 16));
  /* splitmix64 from state 1: first output 0x910a2dec89025cc1 (reference value) */
  static const uint8_t want[8] = {0xc1, 0x5c, 0x02, 0x89, 0xec, 0x2d, 0x0a, 0x91};
  CHECK(!memcmp(a, want, 8));
  int zero8 = 1;
  for (int i = 8; i < 16; i++) zero8 &= a[i] == 0;
  CHECK(!zero8); /* Go 1.24+ treats an all-zero half as "no AT_RANDOM" */
}

int main(void) {
  test_worked_example();
  test_layout_invariants();
  test_defaults_and_fill();
  test_edits();
  test_raw_and_no_null();
  test_argc0();
  test_limits();
  test_seed();
  printf("stack unit: %d checks, %d failures\n", checks, failures);
  return failures != 0;
}
