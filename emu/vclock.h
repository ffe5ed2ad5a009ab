/* vclock.h — virtual time (vclock.c): the monotonic clock is a pure function of the
 * work done (1 ns per instruction, plus the scheduler's idle jumps); RDTSC/RDTSCP are
 * served by code hooks on their addresses. */
#ifndef GOBOOT_EMU_VCLOCK_H
#define GOBOOT_EMU_VCLOCK_H

#include <unicorn/unicorn.h>

#include "common.h"

#define GB_MONO_BASE_NS 1000000000ULL                /* the guest's clock reads 1 s at entry */
#define GB_REALTIME_EPOCH_NS 1700000000000000000ULL  /* 2023-11-14T22:13:20Z */
#define GB_TSC_PER_NS 3                              /* a virtual 3 GHz TSC */

typedef struct gb_vclock {
  uc_hook hh_rdtsc[16]; int nrdtsc;
  /* a block cut by an RDTSC skip: its tail [skip_at, skip_end) runs as a new block that
   * was already counted with the first part (the block hook skips it) */
  uint64_t skip_at, skip_end;
} gb_vclock;

int gb_vclock_install(gb_machine *m);

#endif
