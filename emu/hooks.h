/* hooks.h — what goboot watches while the guest runs (hooks.c): the one block hook
 * (instruction counts, quantum, budgets, TLS loads of g), milestone hooks on the boot
 * path, the syscall and interrupt hooks. The counters here are the run's measure of
 * work: the virtual clock (vclock.c) is computed from them. */
#ifndef GOBOOT_EMU_HOOKS_H
#define GOBOOT_EMU_HOOKS_H

#include <unicorn/unicorn.h>

#include "common.h"

/* What a translated block holds: its instruction count (from Unicorn's TB), the TLS
 * load sites inside it (a run of the sorted site table) and whether it is a spin-wait
 * loop (hooks.c spin_kind). */
typedef struct gb_block_info { uint16_t icount, ntls; int32_t first_tls; uint8_t spin; } gb_block_info;
typedef struct gb_block_ent { uint64_t addr; gb_block_info bi; } gb_block_ent;
#define GB_BLOCK_CACHE (1u << 16)
/* What the fast path knows of a block of the text: both fixed once it was first seen. */
typedef struct gb_fast_block { uint16_t icount, size; } gb_fast_block;
/* The most instructions a block the fast path counts may hold (QEMU's TCG_MAX_INSNS):
 * larger ones, if any, always take the slow path, so the budget bound needs no state. */
#define GB_FAST_MAX_ICOUNT 512u

/* Work done, counted by the block hook. The hook has a fast path for a block of the
 * text whose facts are known and that needs no decision: one countdown (`left`) says
 * how many more blocks may pass before the quantum ends, the budget could be reached
 * or the wall-clock guard looks. Every other block takes the slow path, which first
 * folds what the fast path left out into `blocks`, `slice` and the last block's icount
 * and end (gb_count_settle). */
typedef struct gb_count {
  /* the fast path's fields first */
  uint64_t left;          /* blocks the fast path may still count */
  uint64_t text_lo, text_len; /* the executable segments' span; 0 without a fast table */
  gb_fast_block *fast;    /* the block at text_lo + i; icount 0: unknown, or slow */
  uint64_t tinsns;        /* instructions counted per block: the virtual clock's source,
                             so exact_insns cannot change what the guest sees */
  uint64_t insns;         /* guest instructions executed (one by one with exact_insns) */
  uint64_t last_block;    /* the block counted last */
  /* the slow path's */
  uint64_t last_block_icount, last_block_end; /* the last block's icount (0 for the tail
                             of an RDTSC skip) and end: exact when the count is settled
                             (gb_count_settle; so always outside uc_emu_start) */
  uint64_t armed;         /* `left` when it was set: armed - left blocks passed fast */
  uint64_t blocks;        /* blocks counted (when settled) */
  uint32_t slice;         /* blocks in the current time slice (when settled) */
  uint64_t wall_next;     /* `blocks` at which the wall-clock guard looks next */
  int quantum_stop;       /* stopped by the block hook at quantum_pc */
  int spin_stop;          /* ... because the thread spun (hooks.c spin_yield) */
  uint32_t spin_yields;   /* slices in a row that ended so */
  uint64_t quantum_pc;
  uint64_t wall_start_ns; /* host time at start: the wall-clock guard only */
  gb_block_ent *bc;       /* the slow path's blocks by start address: direct-mapped, a
                             miss asks Unicorn again */
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
/* Fold what the fast path left out into the count (blocks, slice, the last block's
 * icount and end) and make the next block take the slow path, which sets a new
 * countdown: before and after each uc_emu_start (machine.c), and in a hook that reads
 * those fields or needs the next block looked at (an RDTSC skip). */
void gb_count_settle(gb_machine *m);
/* A signal the host sent goboot (o.host_signal) ends the run: GB_STOP_HOST_SIGNAL. */
void gb_host_signal_check(gb_machine *m);

#endif
