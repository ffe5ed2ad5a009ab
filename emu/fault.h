/* fault.h — where exactly a guest fault happened (faultpc.c): the first bad access the
 * bad-access hook saw; the sites, faulting instructions already located, each under a
 * code hook so a later fault there is exact at once; and the locator's step, which
 * takes a replayed machine from the start of the faulting block to the faulting
 * instruction (docs/unicorn.md § Where a data fault happened). */
#ifndef GOBOOT_EMU_FAULT_H
#define GOBOOT_EMU_FAULT_H

#include <stdbool.h>
#include <unicorn/unicorn.h>

#include "common.h"
#include "signals.h"

/* A located faulting instruction: a fault at PC in a block that starts at BLOCK (of
 * ICOUNT instructions) is exact at once, INDEX instructions into the block, while PC
 * has a site hook. */
typedef struct gb_fault_site {
  uint64_t block, pc;
  uint32_t index, icount;
} gb_fault_site;
/* The code hook over a site's PC and the instruction after it. Each one lengthens the
 * list Unicorn walks for every hooked instruction run and every instruction translated,
 * and a hooked instruction costs ~100 ns each time it runs: so there are few, and one
 * that runs GB_FAULT_HOOK_RUNS times without a fault is removed (docs/unicorn.md §
 * Where a data fault happened). */
typedef struct gb_fault_hook {
  uint64_t pc, size;
  uint64_t runs;          /* calls since it was added or last saw a fault */
  uc_hook hh;
} gb_fault_hook;
#define GB_FAULT_SITES 16
#define GB_FAULT_HOOK_RUNS 2048

typedef struct gb_fault {
  uc_hook hh_bad;
  uc_err err;             /* what uc_emu_start returned */
  int in_block;           /* reported at its block's start: not yet located */
  int bad_seen, bad_type; /* the first bad access (uc_mem_type) and its address */
  uint64_t bad_addr;
  gb_sigpoint pt;         /* where the current data fault is: its block, the count before it */
  int exact;              /* the bad access was at a site: RIP and the flags are exact */
  uint64_t exact_pc;
  uint32_t exact_index;
  gb_fault_site site[GB_FAULT_SITES];
  int nsites;
  gb_fault_hook hook[GB_FAULT_SITES];
  int nhooks, next_evict;  /* full: the oldest hook goes first */
  uint64_t hit_pc, hit_block, hit_tinsns; /* the last site-hook call, and in which block */
  uc_context *loc_ctx;    /* locator only: the CPU state at the faulting instruction */
  int loc_found;
  uint64_t loc_steps;     /* locator: instructions of the block begun, the faulting one too */
  uint64_t loc_pc;        /* locator: the last instruction begun, and its size */
  uint32_t loc_size;
  int intr;               /* 1 + the CPU exception number when the interrupt hook stopped it */
} gb_fault;

bool gb_hook_bad_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                        int64_t value, void *user);
void gb_fault_stop(gb_machine *m, uc_err err); /* the run loop's stop on a Unicorn error */
void gb_fault_locate(gb_machine *m);  /* name the faulting instruction of a final stop */
/* Step L, stopped by its budget at the start of P's block, to the faulting instruction
 * under a code hook over that block only: 0 with L's CPU in the state before it. */
int gb_fault_step(gb_machine *l, const gb_sigpoint *p);
/* M stopped at an in-block data fault; L, a replay of the same run, stopped before its
 * instruction (gb_fault_step). M's registers and memory are already those before it,
 * only RIP, the flags and the count are not: take them from L, and make the
 * instruction a site. -1 (M unchanged) if another register differs. */
int gb_fault_take(gb_machine *m, gb_machine *l);
/* M's data fault is delivered: the virtual clock, too, counts only the instructions
 * before it (as in the replay the run would otherwise go on in). */
void gb_fault_settle(gb_machine *m);
void gb_fault_clear(gb_machine *m);   /* a delivered fault is consumed */

#endif
