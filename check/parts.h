/* parts.h — check-internal: the pieces gb_check_run (check.c) is made of, one file each:
 *   oracle_in.c  the oracle's inputs from the emulator's own answers (CPUID of the
 *                emulated model, --ncpu's affinity mask, the virtual hpage_pmd_size,
 *                the stack's /proc/self/auxv, g0/m0 symbols);
 *   sides.c      the sides as flat cJSON objects (check.h): from an oracle state, from
 *                a Go run's trace, from goboot-rtc's report on the guest's stdout;
 *   native.c     goboot-rtc run on the real kernel (--native);
 *   compare.c    the side-by-side comparison, row by row. */
#ifndef GOBOOT_CHECK_PARTS_H
#define GOBOOT_CHECK_PARTS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "oracle.h"

/* Everything the oracle needs besides the profile; buffers live here. */
typedef struct gb_check_answers {
  uint8_t affinity[8];
  char hpage[16];
  gb_oracle_range mapped[GB_MAX_SEGMENTS + 1]; /* ELF segments, the stack mapping */
} gb_check_answers;

/* Fill IN from the stack image and the emulator's answers; PROFILE set by the caller.
 * rtc selects goboot-rtc's symbol names (g0, m0) instead of runtime.g0/m0. */
int gb_check_oracle_in(gb_oracle_in *in, gb_check_answers *ans, const gb_image *img,
                       const gb_stack *st, int ncpu, uint64_t vdso_base, int rtc, char *err,
                       size_t errlen);
/* goboot-rtc's profile rule: --profile=V among argv[1..], else GOBOOT_RTC_PROFILE=V in
 * envp, else 1.19. */
const char *gb_check_rtc_profile(const gb_stack *st);

/* A gb_oracle_state as a side (contract keys plus the compared extras). */
cJSON *gb_check_side_from_state(const gb_oracle_state *s);

/* The emulated side of a Go run (boot_state, stderr, syscalls, stop). */
cJSON *gb_check_side_from_trace(const gb_emu_result *res);
/* The emulated side of a goboot-rtc run: its report on the guest's stdout. NULL with a
 * message when there is no readable report. */
cJSON *gb_check_side_from_rtc(const gb_emu_result *res, char *err, size_t errlen);

/* Run goboot-rtc natively: exec PATH with ARGV/ENVP exactly, address-space
 * randomisation off (ADDR_NO_RANDOMIZE) when the host allows it; parse its report.
 * *norandom tells whether randomisation was off. NULL with a message on failure. */
cJSON *gb_check_native(const char *path, const char *const *argv, const char *const *envp,
                       int *norandom, char *err, size_t errlen);

/* One comparison: columns "emulated", "oracle" and optionally "native". */
typedef struct gb_check_cols {
  const cJSON *emulated, *oracle, *native;
  int rtc;                     /* m0_tls0 must equal g0 (goboot-rtc's self-test) */
  int profile_minor;           /* 1.MINOR: startup_random is kernel-random up to 1.21 */
  int norandom;                /* native run had ASLR off */
} gb_check_cols;

/* Compare. Returns the number of disagreeing fields; *table is a cJSON array of
 * {field, emulated, oracle, [native], emulated_known, oracle_known, verdict} rows
 * (caller frees). */
int gb_check_compare(const gb_check_cols *c, cJSON **table);

#endif
