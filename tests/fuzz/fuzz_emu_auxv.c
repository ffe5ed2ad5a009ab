/* fuzz_emu_auxv.c — differential libFuzzer harness: the Go runtime's own auxv parser
 * (runtime.args → sysargs → sysauxv, run by goboot's emulator) against the oracle's
 * (runtime-c). The input is up to AREA little-endian 64-bit words: the auxv as the
 * runtime will find it, ending where the boot stack's auxv area ends, so a vector with
 * no AT_NULL walks on into the padding, AT_RANDOM bytes and strings, as on Linux.
 *
 * Once per process: boot a Go program (GOBOOT_FUZZ_GOBIN, default build/goprogs/hello)
 * to the entry of runtime.args and snapshot it (emu/probe.h; GOBOOT_PROBE_RESET picks
 * hostcopy, madvise or snapshot). Per input: write the vector (the words below it
 * become extra envp entries, as the runtime only skips non-NULL envp words), run until
 * args returns (the entry of runtime.osinit), compare argc/argv, physPageSize,
 * startupRandomData/startupRand, secureMode, runtime.auxv and the vDSO symbol slots
 * with the oracle's prediction, rewind. A disagreement, or any stop but "reached
 * osinit" where the oracle predicts none, is a finding: the harness prints both sides
 * and aborts. Inputs with a non-zero AT_SYSINFO_EHDR make the runtime parse whatever
 * that address holds, which the oracle does not model: only "no host crash" is checked.
 * GOBOOT_FUZZ_STATS=1 prints execs/s and the restore figures at exit;
 * GOBOOT_FUZZ_STRICT=1 drops the allowance for FINDINGS.md #2 (goboot's address
 * aliasing): it then shows as a disagreement. (#1, an unmapped AT_RANDOM, is fixed: the
 * oracle is told the guest's whole address space at runtime.args and predicts the fault.) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oracle.h"
#include "probe.h"
#include "stack.h"

#define AREA 128                 /* auxv words on the boot stack: /proc/self/auxv = 1024 bytes */
#define RUN_BUDGET 2000000       /* guest instructions per input (a looping vDSO parse) */
#define CHECK_FIRST 64           /* full memory checks: every input at first, then 1 in 256 */
#define CHECK_EVERY 256

#ifndef GOBOOT_FUZZ_HELLO
#define GOBOOT_FUZZ_HELLO "build/goprogs/hello"
#endif

typedef struct sym_slot { const char *name; uint64_t addr; uint64_t size; } sym_slot;

enum { S_ARGC, S_ARGV, S_PAGE, S_RANDOM, S_SECURE, S_AUXV, S_VDSO0, S_VDSO1, S_VDSO2, S_VDSO3,
       S_VDSO4, S_N };

typedef struct harness {
  gb_image img;
  gb_stack st;
  gb_probe *probe;
  gb_probe_reset reset;
  gb_oracle_profile prof;
  uint8_t *image;               /* the oracle's copy of the stack image */
  uint64_t area, area_end;      /* [envp_addr, auxv_end): the words this harness rewrites */
  uint64_t filler;              /* a non-NULL envp word (argv[0]'s address) */
  uint64_t a_args, a_osinit;
  sym_slot sym[S_N];
  uint64_t at_snapshot[S_N][3]; /* each global's value at the snapshot */
  const uint8_t *proc_auxv;     /* what /proc/self/auxv holds: the boot stack's vector */
  int64_t proc_len;
  uint64_t execs, guest_insns;
  struct timespec t0;
  int stats;
  int strict;                   /* GOBOOT_FUZZ_STRICT=1: no allowance for known findings */
  gb_oracle_range mapped[GB_MAX_SEGMENTS + 1]; /* the guest's mappings besides the image */
  size_t nmapped;
} harness;

static harness *H; /* one per process: libFuzzer's entry point takes no context */

/* The guest's own edge coverage of the Go text, as libFuzzer extra counters: the
 * runtime's branches (tags, duplicates, vDSO parsing) guide the fuzzer, not only the
 * oracle's. An ordinary array in the replay build. */
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t guest_cov[1 << 14];

static void die(const char *msg) {
  fprintf(stderr, "fuzz_emu_auxv: %s\n", msg);
  exit(2);
}

static void report(void) {
  if (!H || !H->stats) return;
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - H->t0.tv_sec) + (double)(t1.tv_nsec - H->t0.tv_nsec) / 1e9;
  gb_probe_stats ps;
  gb_probe_stats_get(H->probe, &ps);
  fprintf(stderr,
          "emu_auxv: reset=%s execs=%" PRIu64 " seconds=%.2f execs_per_sec=%.0f guest_insns_per_exec=%.0f "
          "restore_set_pages=%" PRIu64 " pages_restored=%" PRIu64 " checks=%" PRIu64 " missed_pages=%" PRIu64 "\n",
          gb_probe_reset_name(H->reset), H->execs, s, s > 0 ? (double)H->execs / s : 0,
          H->execs ? (double)H->guest_insns / (double)H->execs : 0, ps.dirty_pages, ps.pages_restored,
          ps.checks, ps.missed_pages);
}

static uint64_t sym(const gb_image *img, const char *name, uint64_t *size) {
  const gb_sym *s = gb_sym_find(img, name);
  if (size) *size = s ? s->size : 0;
  return s ? s->addr : 0;
}

/* The boot stack: argv {"hello"}, no env, seed-1 AT_RANDOM bytes, the default kernel
 * vector (no vDSO: goboot maps none), then zero words up to AREA. */
static void build_stack(harness *h) {
  static const char *const argv[] = {"hello"};
  gb_stack_spec *spec = calloc(1, sizeof *spec);
  gb_auxv_env env;
  gb_stack first;
  char err[256];
  if (!spec) die("out of memory");
  gb_auxv_env_default(&env);
  spec->argv = argv;
  spec->argc = 1;
  gb_random_from_seed(1, spec->random);
  gb_auxv_defaults(spec, &h->img, &env);
  if (gb_stack_build(spec, &first, err, sizeof err)) die(err);
  uint64_t words[AREA] = {0};
  size_t n = (first.auxv_end - first.auxv_addr) / 8;
  if (n > AREA) die("default vector larger than the area");
  memcpy(words, first.bytes + (first.auxv_addr - first.base), n * 8);
  spec->raw_words = words;
  spec->nraw = AREA;
  if (gb_stack_build(spec, &h->st, err, sizeof err)) die(err);
  if (h->st.random_addr != first.random_addr) die("raw stack moved AT_RANDOM");
  gb_stack_free(&first);
  free(spec);
  h->area = h->st.envp_addr;
  h->area_end = h->st.auxv_end;
  h->filler = h->st.arg_str[0];
  h->proc_auxv = h->st.bytes + (h->st.auxv_addr - h->st.base);
  h->proc_len = (int64_t)(h->st.auxv_end - h->st.auxv_addr);
  if (h->proc_len > 1024) h->proc_len = 1024; /* sysargs reads at most its 128-word buffer */
  h->image = malloc(h->st.size);
  if (!h->image) die("out of memory");
  memcpy(h->image, h->st.bytes, h->st.size);
}

static void read_globals(harness *h, uint64_t out[S_N][3]) {
  memset(out, 0, sizeof(uint64_t) * S_N * 3);
  for (int i = 0; i < S_N; i++) {
    sym_slot *s = &h->sym[i];
    if (!s->addr) continue;
    size_t n = s->size;
    if (n == 0 || n > 24) n = (i == S_RANDOM || i == S_AUXV) ? 24 : 8;
    if (gb_probe_read(h->probe, s->addr, out[i], n) < 0) die("cannot read a runtime global");
  }
}

/* The guest's address space at runtime.args, as the oracle is told it: the ELF's
 * segments and the whole stack mapping (goboot maps more below the image than the image
 * holds, and up to the page end above it, found by reading the guest); nothing else is
 * mapped, so mapped_complete = 1 (Unicorn's aliasing above 2^47 aside: FINDINGS.md #2). */
static void map_space(harness *h) {
  uint8_t b;
  for (int i = 0; i < h->img.nseg; i++) {
    const gb_segment *s = &h->img.seg[i];
    if (s->map_end > s->map_start)
      h->mapped[h->nmapped++] = (gb_oracle_range){s->map_start, s->map_end - s->map_start,
                                                   (s->prot & GB_PROT_W) != 0};
  }
  uint64_t lo = h->st.base, hi = (h->st.top + 4095) & ~4095ULL;
  while (lo >= 4096 && h->st.base - lo < (1ULL << 30) && gb_probe_read(h->probe, lo - 4096, &b, 1) == 0) lo -= 4096;
  while (hi - h->st.top < (1ULL << 30) && gb_probe_read(h->probe, hi, &b, 1) == 0) hi += 4096;
  h->mapped[h->nmapped++] = (gb_oracle_range){lo, hi - lo, 1};
}

static harness *setup(void) {
  harness *h = calloc(1, sizeof *h);
  char err[256];
  if (!h) die("out of memory");
  const char *bin = getenv("GOBOOT_FUZZ_GOBIN");
  if (!bin || !*bin) bin = GOBOOT_FUZZ_HELLO;
  if (gb_image_load(&h->img, bin, err, sizeof err) != GB_OK) die(err);
  if (gb_oracle_profile_parse(&h->prof, h->img.go_version)) die("unknown Go version");
  const char *r = getenv("GOBOOT_PROBE_RESET");
  if (r && *r && gb_probe_reset_parse(r, &h->reset)) die("GOBOOT_PROBE_RESET: hostcopy, madvise or snapshot");
  const char *st = getenv("GOBOOT_FUZZ_STATS");
  h->stats = st && *st && *st != '0';
  const char *sx = getenv("GOBOOT_FUZZ_STRICT");
  h->strict = sx && *sx && *sx != '0';
  build_stack(h);

  h->a_args = sym(&h->img, "runtime.args", NULL);
  h->a_osinit = sym(&h->img, "runtime.osinit", NULL);
  if (!h->a_args || !h->a_osinit) die("no runtime.args/runtime.osinit symbols (stripped?)");
  static const char *const names[S_N][3] = {
    {"runtime.argc"}, {"runtime.argv"}, {"runtime.physPageSize"},
    {"runtime.startupRandomData", "runtime.startupRand"}, {"runtime.secureMode"}, {"runtime.auxv"},
    {"runtime.vdsoClockgettimeSym", "runtime.__vdso_clock_gettime_sym"},
    {"runtime.vdsoGettimeofdaySym", "runtime.__vdso_gettimeofday_sym"},
    {"runtime.vdsoGetrandomSym"}, {"runtime.__vdso_time_sym"}, {NULL}};
  for (int i = 0; i < S_N; i++)
    for (int k = 0; k < 3 && names[i][k] && !h->sym[i].addr; k++) {
      h->sym[i].name = names[i][k];
      h->sym[i].addr = sym(&h->img, names[i][k], &h->sym[i].size);
    }
  if (!h->sym[S_PAGE].addr || !h->sym[S_RANDOM].addr || !h->sym[S_ARGC].addr)
    die("no runtime.physPageSize/startupRandomData/argc symbols");

  gb_emu_opts o;
  gb_emu_opts_default(&o);
  uint64_t stops[2] = {h->a_args, h->a_osinit};
  if (gb_probe_open(&h->probe, &h->img, &h->st, &o, h->reset, stops, 2, err, sizeof err)) die(err);
  for (int i = 0; i < h->img.nseg; i++) /* the executable segment(s): the Go text */
    if ((h->img.seg[i].prot & GB_PROT_X) &&
        gb_probe_cover(h->probe, h->img.seg[i].map_start, h->img.seg[i].map_end, guest_cov, sizeof guest_cov) == 0)
      break;
  gb_probe_stop s;
  if (gb_probe_run_to(h->probe, h->a_args, 0, &s) || s.kind != GB_STOP_UNTIL) {
    fprintf(stderr, "fuzz_emu_auxv: boot to runtime.args: %s\n", s.message);
    exit(2);
  }
  if (gb_probe_snapshot(h->probe)) die("snapshot failed");
  read_globals(h, h->at_snapshot);
  map_space(h);
  clock_gettime(CLOCK_MONOTONIC, &h->t0);
  atexit(report);
  return h;
}

/* Lay the input out: filler envp words, the envp NULL, then the vector up to area_end. */
static size_t place(harness *h, const uint8_t *data, size_t size, uint64_t *area_words) {
  size_t total = (h->area_end - h->area) / 8, n = size / 8;
  if (n > total - 1) n = total - 1;
  for (size_t i = 0; i < total; i++) area_words[i] = h->filler;
  area_words[total - n - 1] = 0;
  memcpy(&area_words[total - n], data, n * 8);
  return n;
}

static void dump(harness *h, const uint64_t *v, size_t n, const gb_oracle_state *o,
                 const gb_probe_stop *s, uint64_t g[S_N][3], const char *what) {
  fprintf(stderr, "\n=== emu_auxv DISAGREEMENT (%s, reset %s): %s\n", h->img.go_version,
          gb_probe_reset_name(h->reset), what);
  fprintf(stderr, "vector (%zu words at 0x%" PRIx64 "):", n, h->area_end - 8 * n);
  for (size_t i = 0; i < n; i++) fprintf(stderr, " %#" PRIx64, v[i]);
  fprintf(stderr, "\noracle: fault=%d fault_addr=%#" PRIx64 " page=%#" PRIx64 " at_random=%#" PRIx64
                  " pairs=%" PRId64 " source=%d secure=%d sysinfo_ehdr=%#" PRIx64 " undetermined='%s'\n",
          !!(o->have & GB_F_FAULT), o->fault_addr, o->phys_page_size, o->at_random_addr,
          o->auxv_pairs, o->auxv_source, o->secure_mode, o->sysinfo_ehdr, o->undetermined);
  fprintf(stderr, "guest: stop=%s pc=%#" PRIx64 " insns=%" PRIu64 " '%s'\n", gb_stop_name(s->kind),
          s->pc, s->insns, s->message);
  for (int i = 0; i < S_N; i++)
    if (h->sym[i].addr)
      fprintf(stderr, "  %-32s %#" PRIx64 " %#" PRIx64 " %#" PRIx64 "\n", h->sym[i].name, g[i][0],
              g[i][1], g[i][2]);
  abort();
}

#define USER_TOP (1ULL << 47) /* Linux x86-64 user space ends below 0x800000000000 */

/* sysauxv's `(*[16]byte)(unsafe.Pointer(val))[:]` nil-checks every AT_RANDOM by
 * LOADING a byte at val (`test %al,(reg)`, go1.9.2–go1.26.5), so an unmapped one faults;
 * the oracle predicts that (FINDINGS.md #1, fixed). At or above 2^47 Linux faults too
 * and so does the oracle, but Unicorn 2.1.1 has no paging: it aliases addresses modulo
 * 2^52 and never raises #GP for a non-canonical one, so goboot may read some mapped page
 * instead (FINDINGS.md #2). Returns 2 when the first AT_RANDOM that can fault is at or
 * above USER_TOP, else 0. */
static int random_probe(harness *h, const gb_oracle_state *o) {
  const uint8_t *w;
  uint64_t nwords;
  if (o->auxv_source == GB_AUXV_PROC) {
    w = h->proc_auxv, nwords = 126;
  } else {
    if (o->auxv_addr < h->st.base || o->auxv_addr >= h->st.top) return 0;
    w = h->image + (o->auxv_addr - h->st.base), nwords = (h->st.top - o->auxv_addr) / 8;
  }
  for (uint64_t i = 0; i + 1 < nwords; i += 2) {
    uint64_t tag, val;
    uint8_t b;
    memcpy(&tag, w + 8 * i, 8);
    memcpy(&val, w + 8 * i + 8, 8);
    if (!tag) return 0;
    if (tag != 25) continue;
    if (val >= USER_TOP) return 2;
    if (gb_probe_read(h->probe, val, &b, 1) < 0) return 0; /* faults under goboot too */
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!H) H = setup();
  harness *h = H;
  uint64_t words[AREA + 1];
  size_t n = place(h, data, size, words);
  size_t total = (h->area_end - h->area) / 8;

  /* the oracle: rt0 + sysargs over the same image */
  memcpy(h->image + (h->area - h->st.base), words, total * 8);
  gb_oracle_in in;
  memset(&in, 0, sizeof in);
  in.prof = h->prof;
  in.stack = (gb_oracle_mem){h->image, h->st.base, h->st.size};
  in.entry_sp = h->st.rsp;
  in.proc_auxv = (gb_oracle_file){1, 0, h->proc_len, h->proc_auxv};
  in.mapped = h->mapped, in.nmapped = h->nmapped, in.mapped_complete = 1;
  gb_oracle_state o;
  if (gb_oracle_rt0(&in, &o) != GB_ORACLE_OK || gb_oracle_sysargs(&in, &o) != GB_ORACLE_OK)
    die("oracle refused its input");

  /* the guest */
  if (gb_probe_write(h->probe, h->area, words, total * 8)) die("cannot write the guest stack");
  gb_probe_stop s;
  if (gb_probe_run_to(h->probe, h->a_osinit, RUN_BUDGET, &s)) die("run_to refused");
  h->execs++;
  h->guest_insns += s.insns;
  uint64_t g[S_N][3];
  int ran = s.kind == GB_STOP_UNTIL;
  if (ran) read_globals(h, g);
  else memset(g, 0, sizeof g);

  int undetermined = o.sysinfo_ehdr != 0; /* the runtime parsed memory the oracle doesn't model */
  int fault = (o.have & GB_F_FAULT) != 0;
  if (fault && !h->strict && random_probe(h, &o) == 2) undetermined = 1; /* FINDINGS.md #2 */
  const uint64_t *v = &words[total - n];
  if (!undetermined) {
    if (fault && s.kind != GB_STOP_FAULT) dump(h, v, n, &o, &s, g, "a fault was expected");
    if (!fault && !ran) dump(h, v, n, &o, &s, g, "guest did not return from runtime.args");
  }
  if (ran && !undetermined) {
    if ((int32_t)g[S_ARGC][0] != o.argc || g[S_ARGV][0] != o.argv) dump(h, v, n, &o, &s, g, "argc/argv");
    if (g[S_PAGE][0] != o.phys_page_size) dump(h, v, n, &o, &s, g, "physPageSize");
    uint64_t want[3] = {o.at_random_addr, o.at_random_addr ? 16 : 0, o.at_random_addr ? 16 : 0};
    if (memcmp(g[S_RANDOM], want, sizeof want)) dump(h, v, n, &o, &s, g, "startupRandomData");
    if (h->sym[S_SECURE].addr &&
        (uint8_t)g[S_SECURE][0] != (h->prof.go.at_secure ? (uint8_t)o.secure_mode : (uint8_t)h->at_snapshot[S_SECURE][0]))
      dump(h, v, n, &o, &s, g, "secureMode");
    if (h->sym[S_AUXV].addr && o.auxv_source == GB_AUXV_STACK &&
        (g[S_AUXV][1] != 2 * (uint64_t)o.auxv_pairs || (o.auxv_pairs && g[S_AUXV][0] != o.auxv_addr)))
      dump(h, v, n, &o, &s, g, "runtime.auxv");
    for (int i = S_VDSO0; i <= S_VDSO4; i++) /* no AT_SYSINFO_EHDR: the slots keep their defaults */
      if (g[i][0] != h->at_snapshot[i][0]) dump(h, v, n, &o, &s, g, "vDSO symbol slot");
  }

  int check = h->execs <= CHECK_FIRST || h->execs % CHECK_EVERY == 0;
  int r = check ? gb_probe_restore_check(h->probe) : gb_probe_restore(h->probe);
  if (r < 0) die("restore failed: the run changed what the probe cannot rewind");
  if (r > 0 && h->execs > CHECK_FIRST)
    fprintf(stderr, "fuzz_emu_auxv: restore missed %d page(s) after %" PRIu64 " execs\n", r, h->execs);
  if (r > 0 && h->reset == GB_PROBE_SNAPSHOT) die("Unicorn's memory snapshot missed a write");
  return 0;
}
