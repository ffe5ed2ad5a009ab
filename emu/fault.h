/* fault.h — where exactly a guest fault happened (faultpc.c): the first bad access the
 * bad-access hook saw, and the locator that steps a replayed machine to the faulting
 * instruction (docs/unicorn.md: RIP is exact in that hook only under a code hook). */
#ifndef GOBOOT_EMU_FAULT_H
#define GOBOOT_EMU_FAULT_H

#include <stdbool.h>
#include <unicorn/unicorn.h>

#include "common.h"
#include "signals.h"

typedef struct gb_fault {
  uc_hook hh_bad;
  uc_err err;             /* what uc_emu_start returned */
  int in_block;           /* reported at its block's start: not yet located */
  int bad_seen, bad_type; /* the first bad access (uc_mem_type) and its address */
  uint64_t bad_addr;
  uc_context *loc_ctx;    /* locator only: the CPU state at the faulting instruction */
  int loc_found;
  uint64_t loc_steps;
  int intr;               /* 1 + the CPU exception number when the interrupt hook stopped it */
} gb_fault;

bool gb_hook_bad_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                        int64_t value, void *user);
void gb_fault_stop(gb_machine *m, uc_err err); /* the run loop's stop on a Unicorn error */
void gb_fault_locate(gb_machine *m);  /* re-run to the faulting instruction (gb_emu_run) */
/* Step L, stopped by its budget at the start of P's block, to the faulting instruction
 * under a code hook over that block only: 0 with L's CPU in the state before it. */
int gb_fault_step(gb_machine *l, const gb_sigpoint *p);
void gb_fault_clear(gb_machine *m);   /* a delivered fault is consumed */

#endif
