/* model.h — what both pictures draw, derived once from a trace: the guest threads and
 * their lifetimes, the boot phases (slices between milestones) and the instant events.
 *
 * Time is the trace's `i`: guest instructions executed (all threads together) before an
 * event. Rules (docs in viz/README.md):
 *  - a thread lives from 0 (the first thread) or from the clone that created it, to the
 *    stop (or its own exit syscall);
 *  - every milestone starts a phase on its thread that lasts until the next phase start
 *    on that thread, or the thread's end — except the markers runtime.newosproc,
 *    runtime.clone and runtime.exit, which are instants inside the phase that calls them;
 *  - the first thread's "boot" span runs from 0 to main.main (or to its end). */
#ifndef GOBOOT_VIZ_MODEL_H
#define GOBOOT_VIZ_MODEL_H

#include <stdint.h>
#include "trace_in.h"

typedef struct gb_viz_thread {
  uint64_t tid;
  uint64_t start, end;
  const cJSON *created_by;  /* the clone event, or NULL */
  const char *first_phase;  /* name of its first phase, or NULL */
  int nsyscalls;
} gb_viz_thread;

typedef struct gb_viz_phase {
  uint64_t tid;
  uint64_t start, end;
  int in_boot;              /* nested in the boot span (first thread, before main.main) */
  const cJSON *ev;          /* the milestone event */
  const char *name;
} gb_viz_phase;

typedef struct gb_viz_model {
  const cJSON *header, *events, *stop, *summary;
  uint64_t end;             /* stop instruction: the time axis runs [0, end] */
  gb_viz_thread *threads; int nthreads;
  gb_viz_phase *phases; int nphases;
  uint64_t main_tid;
  int boot_known;           /* main.main reached */
  uint64_t boot_end;        /* main.main's i, else the first thread's end */
} gb_viz_model;

/* Build from a loaded trace. Returns 0, or 78 when out of memory. */
int gb_viz_model_build(gb_viz_model *m, const cJSON *trace);
void gb_viz_model_free(gb_viz_model *m);

/* A marker milestone (drawn as an instant, not a phase start)? */
int gb_viz_is_marker(const char *milestone);
/* The thread row for TID, or NULL. */
const gb_viz_thread *gb_viz_thread_of(const gb_viz_model *m, uint64_t tid);

#endif
