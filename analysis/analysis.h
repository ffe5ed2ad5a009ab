/* analysis.h — reading goboot traces back: load a trace, recording or golden file; cut
 * the canonical golden subset of a trace (nothing host- or build-dependent) and print it
 * for review; find the first divergence between two traces (event index, pc, symbol,
 * expected vs got, previous events as context); diff two traces aligned by milestone;
 * and pull the per-version facts docs/versions.md is made of. Pure data over cJSON. */
#ifndef GOBOOT_ANALYSIS_ANALYSIS_H
#define GOBOOT_ANALYSIS_ANALYSIS_H

#include <cjson/cJSON.h>
#include <stdio.h>

#define GB_GOLDEN_FORMAT "goboot-golden/1"
#define GB_RECORDING_FORMAT "goboot-recording/1"

/* --- load.c: files --------------------------------------------------------------- */
/* Read and parse a JSON file. NULL with a message in err. */
cJSON *gb_an_load(const char *path, char *err, size_t errlen);
/* The trace inside DOC: DOC itself (a trace or golden), or a recording's "trace". */
const cJSON *gb_an_trace_of(const cJSON *doc);
/* Write DOC to PATH in the reviewable layout of gb_an_print. 0, or -1 (errno set). */
int gb_an_write(const char *path, const cJSON *doc);
/* DOC as text: objects one member per line down to depth 2, "events" arrays one event
 * per line, everything deeper on one line. malloc'd; NULL when out of memory. */
char *gb_an_print(const cJSON *doc);

/* --- golden.c: the canonical subset ------------------------------------------------ */
/* The golden subset of DOC (a trace; a recording, whose stack-image sha256 is kept too;
 * a golden is returned as a copy): binary identity (Go version, entry), inputs, limits,
 * events without virtual ns and with repeated runs folded into "repeat" events, TLS
 * summary, boot state, stop, summary counts, guest output. No host path, no binary
 * sha256, no goboot/Unicorn version. NULL if DOC holds no trace (message in err). */
cJSON *gb_golden_subset(const cJSON *doc, char *err, size_t errlen);

/* --- compare.c: first divergence ----------------------------------------------------- */
typedef struct gb_cmp_opts {
  const char *const *ignore; /* dotted paths not compared ("header.binary"); NULL-ended */
  int context;               /* previous events shown (default 3 when 0) */
  const char *expected_name, *got_name; /* labels: "expected"/"got" when NULL */
  int skip_events;           /* compare everything but the events (diff.c does those) */
} gb_cmp_opts;
/* Compare two documents of the same kind (two traces, or two goldens). Prints the first
 * event divergence with context and every differing non-event field to OUT (NULL: quiet).
 * Returns the number of differences (0 = identical); *first_event is the index of the
 * first differing event or -1. */
int gb_an_compare(const cJSON *expected, const cJSON *got, const gb_cmp_opts *o, FILE *out,
                  int *first_event);
/* One event as a readable line: "syscall read(3, 0x7ffe, 20) = 8   [i 2618 t 1000]". */
void gb_an_event_text(const cJSON *ev, char *buf, size_t len);

/* --- diff.c: milestone-aligned diff ------------------------------------------------- */
/* Diff A and B (traces, recordings or goldens: both are cut to the golden subset) by
 * milestone: instruction deltas, added/removed/changed syscalls between milestones,
 * milestones present on one side only, changed boot state, stop and output. Prints to
 * OUT; returns the number of differences, or -1 (message in err). */
int gb_an_diff(const cJSON *a, const cJSON *b, const char *name_a, const char *name_b, FILE *out,
               char *err, size_t errlen);

/* --- facts.c: docs/versions.md --------------------------------------------------------- */
typedef struct gb_facts {
  char go_version[32];
  int reached_main;        /* main.main was reached */
  double insns_to_main;    /* instructions before main.main (-1 if never) */
  int syscalls_to_main;    /* syscalls (repeats counted) before main.main */
  double tls_boot_loads;   /* TLS loads of g during the boot phase (-1 if unknown) */
  int threads_created;     /* clone calls that made a thread */
  int nmilestones;
  const char *milestones[64]; /* names in first-hit order (point into the golden) */
} gb_facts;
/* Facts of a golden subset. 0, or -1 when GOLDEN is not one. */
int gb_an_facts(const cJSON *golden, gb_facts *f);

#endif
