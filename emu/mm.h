/* mm.h — the guest's address space (mm.c): regions committed in Unicorn, PROT_NONE
 * reservations kept aside (protecting or unmapping part of a Unicorn region copies all
 * of it on 2.1.1: docs/unicorn.md), the mmap cursor and the brk. */
#ifndef GOBOOT_EMU_MM_H
#define GOBOOT_EMU_MM_H

#include "common.h"

typedef struct gb_region {
  uint64_t start, end; /* [start, end), page-aligned */
  uint32_t prot;       /* UC_PROT_* */
  int committed;       /* 1: mapped in Unicorn; 0: a PROT_NONE reservation kept aside */
  char tag;            /* 'i' image, 's' stack, 'v' vsyscall, 'm' mmap, 'b' brk */
} gb_region;

typedef struct gb_mm {
  gb_region *r;
  int n, cap;
  uint64_t cursor;            /* bump-down allocator for mmap(NULL) */
  uint64_t committed, peak;   /* bytes mapped in Unicorn */
  uint64_t brk_start, brk_cur;
} gb_mm;

int gb_mm_init(gb_machine *m);
void gb_mm_free(gb_machine *m);
/* Map [start,end) committed with prot (image, stack): 0 or -1. */
int gb_mm_map_fixed(gb_machine *m, uint64_t start, uint64_t end, uint32_t prot, char tag);
/* The syscalls' work, with the guest's PROT_*_LINUX / MAP_*_LINUX: address or -errno. */
int64_t gb_mm_mmap(gb_machine *m, uint64_t addr, uint64_t len, int prot, int flags);
int64_t gb_mm_munmap(gb_machine *m, uint64_t addr, uint64_t len);
int64_t gb_mm_mprotect(gb_machine *m, uint64_t addr, uint64_t len, int prot);
int64_t gb_mm_brk(gb_machine *m, uint64_t addr);
int gb_mm_mapped(gb_machine *m, uint64_t addr, uint64_t len); /* committed all through */
/* The end of the region holding ADDR, committed or a PROT_NONE reservation (which Linux
 * counts as a VMA); 0 when ADDR is in none. */
uint64_t gb_mm_region_end(gb_machine *m, uint64_t addr);
static inline int gb_mm_reserved(gb_machine *m, uint64_t addr) { return gb_mm_region_end(m, addr) != 0; }

#endif
