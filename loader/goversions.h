/* goversions.h — what changes between Go releases on the linux/amd64 boot path, in one
 * table (goversions.c): the offsets inside runtime.g and runtime.m, _StackGuard,
 * rt0_go's frame and g0's stack bounds, the boot-path rules that came in with some
 * release, and the runtime symbol names that changed.
 *
 * Offers GB_GO_MINOR_OLDEST/NEWEST (the releases whose boot path is known, 1.10 to
 * 1.27: the oracle's range; the loader treats newer releases like the newest) and
 * gb_go_facts_for(). Freestanding (only <stdint.h>): the loader, the runtime-c oracle
 * and goboot-rtc all compile it. Sources: docs/go-boot-facts.md (§ runtime.g and
 * runtime.m offsets for the offsets and StackGuard) and runtime-c/README.md
 * (§ Per-version rules and where they were checked). */
#ifndef GOBOOT_LOADER_GOVERSIONS_H
#define GOBOOT_LOADER_GOVERSIONS_H

#include <stdint.h>

#define GB_GO_MINOR_OLDEST 10 /* Go 1.10 */
#define GB_GO_MINOR_NEWEST 27 /* Go 1.27: the table's last measured release */

#define GB_GO_STR_(x) #x
#define GB_GO_STR(x) GB_GO_STR_(x)
/* "1.10-1.27", for messages. */
#define GB_GO_KNOWN_RANGE "1." GB_GO_STR(GB_GO_MINOR_OLDEST) "-1." GB_GO_STR(GB_GO_MINOR_NEWEST)

typedef struct gb_go_facts {
  int minor, patch;        /* as asked (patch -1 = unknown: the rules take the .0 release) */
  int offsets_minor;       /* the measured release the offsets are from: the nearest one
                            * to MINOR, the older on a tie */
  /* runtime.g and runtime.m (runtime2.go) */
  int32_t g_stack_lo, g_stack_hi, g_stackguard0, g_stackguard1, g_m, g_sched;
  int32_t g_atomicstatus, g_goid, g_size;
  int32_t m_g0, m_procid, m_gsignal, m_tls, m_curg, m_p, m_id, m_size;
  /* rt0_go and mstart */
  int32_t stack_guard;     /* _StackGuard: mstart sets stackguard0 = stack.lo + this */
  int32_t rt0_sub;         /* rt0_go: SP -= this, then &~15 → g0.stack.hi */
  int32_t g0_lo_off;       /* rt0_go: g0.stack.lo = hi + this */
  /* rules of the boot path (1 = this release has it) */
  uint8_t at_secure;       /* sysauxv dispatches AT_SECURE */
  uint8_t max_page_bound;  /* mallocinit rejects physPageSize > 512 KiB */
  uint8_t huge_page;       /* osinit reads hpage_pmd_size */
  uint8_t huge_page_cap;   /* mallocinit zeroes a huge page size > 4 MiB */
  uint8_t nohugepage_align;/* mallocinit's sysNoHugePageOS throws on an address that is
                            * not physPageSize-aligned */
  uint8_t randinit;        /* randinit consumes startupRand (nil at runtime.main) */
  uint8_t randinit_before_malloc; /* randinit runs before mallocinit */
  uint8_t at_random_zero_half;    /* an all-zero 8-byte half means "no AT_RANDOM" */
  uint8_t cgroup_maxprocs; /* default GOMAXPROCS may come from cgroup limits */
  const char *ncpu_sym;    /* "runtime.ncpu" / "runtime.numCPUStartup" */
  const char *random_sym;  /* "runtime.startupRandomData" / "runtime.startupRand" */
} gb_go_facts;

/* The facts of Go 1.MINOR.PATCH; 0 and *F zeroed for MINOR < 0, else 1. Also outside
 * OLDEST..NEWEST, as the loader needs (a release newer than NEWEST is taken to be like
 * NEWEST); the oracle refuses those (gb_go_minor_known). */
int gb_go_facts_for(int minor, int patch, gb_go_facts *f);

/* 1 when 1.MINOR is inside GB_GO_MINOR_OLDEST..GB_GO_MINOR_NEWEST. */
int gb_go_minor_known(int minor);

#endif
