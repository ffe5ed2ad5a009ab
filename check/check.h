/* check.h — the engine of `goboot check` (docs/check.md): a boot under emulation against
 * what the runtime-c oracle predicts for the same stack image and the same machine, and
 * for goboot-rtc also its boot on the real kernel.
 *
 * Offers: gb_check_classify(), which kind of binary it is or why it cannot be checked;
 * gb_check_run(), which, given the image, its initial stack and the options, returns the
 * sides (emulated, oracle and, with --native, native) and their comparison field by field,
 * all as data. A side is a flat cJSON object of boot-state keys (docs/HELPERS-CONTRACT.md)
 * plus the few extras both sides can know (fault, fatal_detail, auxv_source,
 * random_from_urandom); a key a side cannot know is absent. Prints nothing; the only host
 * process it starts is goboot-rtc itself, for --native. */
#ifndef GOBOOT_CHECK_CHECK_H
#define GOBOOT_CHECK_CHECK_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "emu.h"
#include "image.h"
#include "stack.h"

typedef enum gb_check_kind {
  GB_CHECK_GO,  /* a Go binary without cgo */
  GB_CHECK_RTC  /* goboot-rtc, runtime-c's static non-Go program */
} gb_check_kind;

const char *gb_check_kind_name(gb_check_kind k); /* "go", "goboot-rtc" */

/* Returns 0 with *KIND, or -1 with why check refuses IMG: neither a Go binary nor
 * goboot-rtc, or a cgo binary (the oracle models the non-cgo boot only). */
int gb_check_classify(const gb_image *img, gb_check_kind *kind, char *err, size_t errlen);

typedef struct gb_check_opts {
  gb_emu_opts emu;     /* budgets (max_insns, timeout_s, ...); gb_check_run sets ncpu,
                          seed, until and echo itself */
  int ncpu;            /* CPUs the guest sees: sched_getaffinity's mask */
  uint64_t seed;       /* the guest's randomness, the one the stack was built with */
  uint64_t vdso_base;  /* the AT_SYSINFO_EHDR the stack announces, 0 = none */
  int native;          /* goboot-rtc: also run it on this kernel, with exactly ARGV and ENVP */
  const char *const *argv, *const *envp; /* NULL-terminated */
} gb_check_opts;

typedef struct gb_check_result {
  char profile[32];               /* the oracle profile: "1.19", "1.20.12" */
  int profile_minor;              /* its 1.MINOR */
  cJSON *emulated, *oracle, *native; /* the sides; native only with opts.native */
  int norandom;                   /* native: address-space randomisation was off */
  /* [{field, emulated, oracle, [native], emulated_known, oracle_known, verdict}], in
   * a fixed order of fields (the contract's, then any other a side has) */
  cJSON *fields;
  int disagreements;              /* fields that count against agreement */
} gb_check_result;

typedef enum gb_check_status {
  GB_CHECK_COMPARED = 0, /* the result holds the sides and the comparison */
  GB_CHECK_NO_PROFILE,   /* no Go version, or no oracle profile for it */
  GB_CHECK_NO_MACHINE,   /* the oracle or the emulator could not run, or the emulated CPU
                            is not the one the oracle was told about */
  GB_CHECK_NO_SIDE       /* a run gave nothing to compare: goboot-rtc printed no readable
                            report, or the native run failed */
} gb_check_status;

/* Check IMG (of KIND, from gb_check_classify) booted on ST. Every status but COMPARED
 * comes with a message in ERR; *R is filled on COMPARED (gb_check_result_free) and
 * left empty otherwise. */
gb_check_status gb_check_run(const gb_image *img, gb_check_kind kind, const gb_stack *st,
                             const gb_check_opts *o, gb_check_result *r, char *err,
                             size_t errlen);
void gb_check_result_free(gb_check_result *r);

#endif
