/* probe.h — a rewindable machine, for fuzzing the boot path: boot a Go image to an
 * address, snapshot registers and guest memory, then over and over: write guest memory,
 * run to an address, read guest memory, rewind. Built on machine.h's internals, with the
 * same syscalls, hooks, budget and fault handling as gb_emu_run (no trace is kept).
 *
 * Three ways to rewind guest memory (docs/unicorn.md § Memory snapshots), chosen at open:
 *   HOSTCOPY  writable guest memory (the image's RW segments, the stack) is host memory
 *             the probe owns (uc_mem_map_ptr); a restore copies back the pages the runs
 *             touch, from a copy saved at the snapshot;
 *   MADVISE   the same host memory becomes a MAP_PRIVATE mapping of a memfd holding the
 *             snapshot; a restore drops the touched pages (MADV_DONTNEED) and the next
 *             access reads the snapshot back in;
 *   SNAPSHOT  Unicorn 2.1's copy-on-write memory contexts (UC_CTL_CONTEXT_MEMORY), with
 *             the TLB flushed after each save and restore.
 * For the two host modes "the pages the runs touch" is learned: every page written
 * through gb_probe_write, plus every page gb_probe_restore_check finds changed.
 *
 * One probe owns one Unicorn engine and keeps no global state. */
#ifndef GOBOOT_EMU_PROBE_H
#define GOBOOT_EMU_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "emu.h"

typedef enum gb_probe_reset {
  GB_PROBE_HOSTCOPY = 0,
  GB_PROBE_MADVISE = 1,
  GB_PROBE_SNAPSHOT = 2
} gb_probe_reset;

const char *gb_probe_reset_name(gb_probe_reset r); /* "hostcopy", "madvise", "snapshot" */
int gb_probe_reset_parse(const char *s, gb_probe_reset *r); /* 0, or -1 */

typedef struct gb_probe gb_probe;

typedef struct gb_probe_stop {
  gb_stop_kind kind;   /* GB_STOP_UNTIL when the asked address was reached */
  uint64_t pc;
  uint64_t insns;      /* guest instructions this run executed */
  char message[256];
} gb_probe_stop;

typedef struct gb_probe_stats {
  uint64_t runs, restores, checks;
  uint64_t dirty_pages;      /* pages in the learned restore set (host modes) */
  uint64_t pages_restored;   /* summed over restores */
  uint64_t missed_pages;     /* pages a check found changed outside the set */
} gb_probe_stats;

/* Set up IMG on STACK (opts as gb_emu_run: seed, ncpu, vfs, budget) and stop hooks at
 * STOPS[0..NSTOPS) — every address gb_probe_run_to may later be asked for; Unicorn
 * ignores hooks added after the first run (docs/unicorn.md § Code hooks and the
 * translation cache). Returns 0, or -1 with
 * a message. */
int gb_probe_open(gb_probe **out, const gb_image *img, const gb_stack *stack,
                  const gb_emu_opts *opts, gb_probe_reset reset, const uint64_t *stops,
                  int nstops, char *err, size_t errlen);
void gb_probe_close(gb_probe *p);

/* Guest coverage for a coverage-guided fuzzer: every guest block that starts in
 * [LO, HI) bumps COUNTERS[h % N] (saturating), h a hash of the edge (previous block,
 * this block), e.g. libFuzzer's extra counters. Call before the first run; the caller
 * owns COUNTERS. 0 or -1. */
int gb_probe_cover(gb_probe *p, uint64_t lo, uint64_t hi, uint8_t *counters, size_t n);

/* Run from where the machine is until RIP reaches ADDR (one of the stops), a fault,
 * an exit, or MAX_INSNS guest instructions (0: the opts budget). Returns 0 when a run
 * happened (see out->kind), -1 when ADDR is not a stop. */
int gb_probe_run_to(gb_probe *p, uint64_t addr, uint64_t max_insns, gb_probe_stop *out);

/* Save registers, guest memory and the machine's counters; once per probe. 0 or -1. */
int gb_probe_snapshot(gb_probe *p);
/* Back to the snapshot: registers, the learned pages (or Unicorn's snapshot), counters,
 * files opened since. Returns 0, or -1 when the run changed what cannot be rewound (the
 * address space or the thread set) — the probe is then unusable. */
int gb_probe_restore(gb_probe *p);
/* gb_probe_restore, then compare all writable guest memory with the snapshot: pages
 * still different are copied back and (host modes) join the restore set. Returns how
 * many there were (0: the fast restore was complete), or -1 as gb_probe_restore. */
int gb_probe_restore_check(gb_probe *p);

/* Guest memory, bounds-checked; writes ignore page protections (like a debugger) and
 * their pages join the restore set. 0 or -1. */
int gb_probe_read(gb_probe *p, uint64_t addr, void *buf, size_t n);
int gb_probe_write(gb_probe *p, uint64_t addr, const void *buf, size_t n);

void gb_probe_stats_get(const gb_probe *p, gb_probe_stats *out);

#endif
