/* trace.h — the trace sink (trace.c): the header, the events, the guest's captured
 * output and the summary. Events are not held for the whole run: each is written to
 * gb_emu_opts.trace_out as soon as it is complete (in cJSON_Print's layout), kept in
 * the result's tree only when trace_keep asks for it, and otherwise dropped after being
 * counted. The header goes out before the first event; boot state, stop, summary and
 * output after the last. */
#ifndef GOBOOT_EMU_TRACE_H
#define GOBOOT_EMU_TRACE_H

#include <stdio.h>

#include "common.h"
#include "trace_events.h"

typedef struct gb_trace {
  cJSON *root;            /* header, [events when kept], boot_state, stop, summary, output */
  cJSON *events;          /* the kept events (trace_keep), else NULL */
  cJSON *pending;         /* events made but maybe not complete yet (a syscall's, until it
                           * returns): written in order once nothing holds them */
  cJSON *milestones;      /* copies of the milestone events (the CLI's summary) */
  cJSON *syscall_counts;
  int hold;               /* > 0: a syscall is filling its event; pending waits */
  FILE *out;              /* gb_emu_opts.trace_out */
  int started, io_error;  /* the header is out; a write to OUT failed */
  uint64_t nwritten;      /* events written to OUT */
  char *buf; size_t cap;  /* one event printed */
  uint64_t nevents, dropped_events, nsyscalls, nunknown;
  char *out_buf[3]; size_t out_len[3], out_cap[3]; /* what the guest wrote to fds 1 and 2 */
} gb_trace;

void gb_trace_init(gb_machine *m);
void gb_trace_free(gb_machine *m);
cJSON *gb_trace_header(gb_machine *m);
/* A new event of KIND, with i, t and ns; NULL when over the cap. The caller fills it in
 * at once (before the next event), or between gb_trace_hold and gb_trace_release. */
cJSON *gb_trace_event(gb_machine *m, gb_event_kind kind);
void gb_trace_hold(gb_machine *m);
void gb_trace_release(gb_machine *m); /* and write what was held */
/* The probe's restore: events so far are forgotten (the cap counts from here). */
void gb_trace_forget(gb_machine *m);
/* TO, a replay of FROM that goes on in its place (signal.c), takes FROM's sink: what
 * FROM wrote or kept stays, TO's own copies of those events are dropped. */
void gb_trace_adopt(gb_machine *to, gb_machine *from);
void gb_trace_output(gb_machine *m, int fd, const char *buf, size_t n);
/* Summary and output into the tree; the rest of the stream written out. */
void gb_trace_finish(gb_machine *m);
cJSON *gb_regs_json(gb_machine *m);

/* V printed as cJSON_Print prints it inside a tree at DEPTH (tabs after each newline),
 * written to F; BUF/CAP a reusable buffer. 0, or -1 (out of memory or a write error). */
int gb_json_write(FILE *f, const cJSON *v, int depth, char **buf, size_t *cap);

#endif
