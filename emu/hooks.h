/* hooks.h — what goboot watches while the guest runs (hooks.c): the one block hook
 * (instruction counts, quantum, budgets, TLS loads of g), milestone hooks on the boot
 * path, the syscall and interrupt hooks. The counters here are the run's measure of
 * work: the virtual clock (vclock.c) is computed from them. */
#ifndef GOBOOT_EMU_HOOKS_H
#define GOBOOT_EMU_HOOKS_H

#include <unicorn/unicorn.h>

#include "common.h"

/* What a translated block holds: its instruction count (from Unicorn's TB) and the
 * TLS load sites inside it (a run of the sorted site table). */
typedef struct gb_block_info { uint16_t icount, ntls; int32_t first_tls; } gb_block_info;
typedef struct gb_block_ent { uint64_t addr; gb_block_info bi; } gb_block_ent;
#define GB_BLOCK_CACHE (1u << 16)

/* Work done, counted by the block hook. */
typedef struct gb_count {
  uint64_t insns;         /* guest instructions executed */
  uint64_t tinsns;        /* the same counted per block: the virtual clock's source, so
                             exact_insns cannot change what the guest sees */
  uint64_t blocks;
  uint32_t slice;         /* blocks in the current time slice */
  uint64_t last_block, last_block_icount, last_block_end;
  int quantum_stop;       /* stopped by the block hook at quantum_pc */
  uint64_t quantum_pc;
  uint64_t wall_start_ns; /* host time at start: the wall-clock guard only */
  gb_block_ent *bc;       /* per-block facts by start address: direct-mapped, a miss asks
                             Unicorn again */
  uc_hook hh_exact, hh_block, hh_sys, hh_intr;
} gb_count;

typedef struct gb_milestone {
  const char *name;     /* symbol name as asked */
  const char *sym;      /* resolved symbol name */
  uint64_t addr;
  uint64_t hits;
  int order;            /* 1 + rank of its first hit among milestones, 0 if never */
  uc_hook hh;
  int is_until, is_schedule, is_runtime_main;
} gb_milestone;

typedef struct gb_tls_site { uint64_t addr; uint64_t count; } gb_tls_site;

/* Where the boot is: milestones reached, loads of g through FS:-8, the boot state. */
typedef struct gb_watch {
  gb_milestone ms[40]; int nms, nreached;
  gb_tls_site *tls; int ntls; /* sorted by address */
  int boot_phase;         /* 1 until the first runtime.schedule */
  int boot_state_done;
} gb_watch;

int gb_hooks_install(gb_machine *m);
void gb_hooks_free(gb_machine *m);
void gb_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user);

#endif
