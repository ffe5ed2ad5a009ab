/* goversions.c — the per-release facts of goversions.h, in one place.
 *
 * Offsets: one row per release whose runtime.g and runtime.m were measured
 * (docs/go-boot-facts.md § runtime.g and runtime.m offsets); a release between two rows
 * takes the nearer row, the older one on a tie. Everything else is a bound: the first
 * release with each change (sources: runtime-c/README.md § Per-version rules and where they
 * were checked).
 * Checked against measurements, not against itself: tests/loader/test_goversions.c
 * (literal values, each with the binary it was measured on) and test_corpus.c (every
 * corpus binary's DWARF and rt0_go machine code).
 * Freestanding: no libc (goboot-rtc compiles this file too). */
#include "goversions.h"

/* Offsets that are the same in every release of the table. */
enum {
  G_STACK_LO = 0, G_STACK_HI = 8, G_STACKGUARD0 = 16, G_STACKGUARD1 = 24, G_M = 48,
  G_SCHED = 56, M_G0 = 0
};

typedef struct row {
  int minor;
  int16_t atomicstatus, goid, gsize, procid, gsignal, tls, curg, p, id, msize;
} row;

/* g.atomicstatus, g.goid, sizeof(g), m.procid, m.gsignal, m.tls, m.curg, m.p, m.id,
 * sizeof(m). The last row is GB_GO_MINOR_NEWEST. */
static const row offsets[] = {
  {10, 144, 152, 376, 72, 80, 136, 192, 208, 224, 960},
  {12, 144, 152, 376, 72, 80, 136, 192, 208, 232, 840},
  /* not in the facts document: read from the DWARF of two go1.14.2 corpus binaries
   * (esbuild 0.2.0, 0.5.26); without it 1.14 would take 1.15's sizeof(m) */
  {14, 144, 152, 376, 72, 80, 136, 192, 208, 232, 840},
  {15, 144, 152, 376, 72, 80, 136, 192, 208, 232, 992},
  {17, 144, 152, 392, 72, 80, 136, 192, 208, 232, 1024},
  {19, 144, 152, 392, 72, 80, 136, 192, 208, 232, 1008},
  {21, 144, 152, 408, 72, 80, 136, 192, 208, 232, 1008},
  {22, 144, 152, 424, 72, 80, 136, 192, 208, 232, 2024},
  {23, 152, 160, 432, 72, 80, 136, 192, 208, 232, 1760},
  {24, 152, 160, 440, 72, 80, 136, 192, 208, 232, 1808},
  /* 1.25 dropped gobuf.ret: g.sched and m.morebuf shrink by 8 */
  {25, 144, 152, 440, 64, 72, 128, 184, 200, 224, 1816},
  {26, 144, 152, 456, 64, 72, 128, 184, 208, 232, 1824},
  {27, 144, 152, 456, 64, 72, 128, 184, 208, 232, 1832},
};
enum { NROWS = sizeof offsets / sizeof offsets[0] };

static int distance(int a, int b) { return a > b ? a - b : b - a; }

static const row *nearest(int minor) {
  const row *r = &offsets[0];
  for (int i = 1; i < NROWS; i++)
    if (distance(offsets[i].minor, minor) < distance(r->minor, minor)) r = &offsets[i];
  return r;
}

int gb_go_minor_known(int minor) {
  return minor >= GB_GO_MINOR_OLDEST && minor <= GB_GO_MINOR_NEWEST;
}

int gb_go_facts_for(int minor, int patch, gb_go_facts *f) {
  *f = (gb_go_facts){0};
  if (minor < 0) return 0;
  int pt = patch < 0 ? 0 : patch;
  f->minor = minor;
  f->patch = patch;

  const row *r = nearest(minor > GB_GO_MINOR_NEWEST ? GB_GO_MINOR_NEWEST : minor);
  f->offsets_minor = r->minor;
  f->g_stack_lo = G_STACK_LO;
  f->g_stack_hi = G_STACK_HI;
  f->g_stackguard0 = G_STACKGUARD0;
  f->g_stackguard1 = G_STACKGUARD1;
  f->g_m = G_M;
  f->g_sched = G_SCHED;
  f->g_atomicstatus = r->atomicstatus;
  f->g_goid = r->goid;
  f->g_size = r->gsize;
  f->m_g0 = M_G0;
  f->m_procid = r->procid;
  f->m_gsignal = r->gsignal;
  f->m_tls = r->tls;
  f->m_curg = r->curg;
  f->m_p = r->p;
  f->m_id = r->id;
  f->m_size = r->msize;

  /* 880 through 1.13 (measured on go1.12.9; 1.13 unverified), 896 in 1.14 (measured on
   * two go1.14.2 binaries), 928 from 1.15 (stack.go). */
  f->stack_guard = minor <= 13 ? 880 : minor == 14 ? 896 : 928;
  /* asm_amd64.s rt0_go: SUBQ $(4*8+7) through 1.17 (ABI0 frame with argc/argv at
   * 16/24), SUBQ $(5*8) from 1.18 (one more slot); both then ANDQ $~15. */
  f->rt0_sub = minor <= 17 ? 39 : 40;
  /* LEAQ (-64*1024+104)(SP) through 1.20 (measured on go1.20.4 and go1.20.12:
   * g0.stack.hi - lo = 65432 at runtime.main); -64*1024 from 1.21 (golang/go#56594
   * landed after the 1.20 branch). */
  f->g0_lo_off = minor <= 20 ? -65536 + 104 : -65536;

  /* AT_SECURE from 1.21; backported to 1.19.10 and 1.20.5 (unverified). */
  f->at_secure = minor >= 21 || (minor == 20 && pt >= 5) || (minor == 19 && pt >= 10);
  f->max_page_bound = minor >= 14;
  f->huge_page = minor >= 13;
  f->huge_page_cap = minor >= 14;
  f->nohugepage_align = minor >= 21;
  f->randinit = minor >= 22;
  f->randinit_before_malloc = minor >= 26;
  f->at_random_zero_half = minor >= 24;
  f->cgroup_maxprocs = minor >= 25;
  f->ncpu_sym = minor >= 25 ? "runtime.numCPUStartup" : "runtime.ncpu";
  f->random_sym = minor >= 22 ? "runtime.startupRand" : "runtime.startupRandomData";
  return 1;
}
