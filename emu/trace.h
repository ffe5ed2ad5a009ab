/* trace.h — the trace sink (trace.c): the event log, built as one cJSON tree and
 * serialised once by the caller, the guest's captured output, and the summary. */
#ifndef GOBOOT_EMU_TRACE_H
#define GOBOOT_EMU_TRACE_H

#include "common.h"
#include "trace_events.h"

typedef struct gb_trace {
  cJSON *root, *events, *syscall_counts;
  uint64_t nevents, dropped_events, nsyscalls, nunknown;
  char *out[3]; size_t out_len[3], out_cap[3]; /* what the guest wrote to fds 1 and 2 */
} gb_trace;

void gb_trace_init(gb_machine *m);
void gb_trace_free(gb_machine *m);
cJSON *gb_trace_header(gb_machine *m);
/* A new event of KIND, appended with i, t and ns; NULL when over the cap. */
cJSON *gb_trace_event(gb_machine *m, gb_event_kind kind);
void gb_trace_output(gb_machine *m, int fd, const char *buf, size_t n);
void gb_trace_finish(gb_machine *m);
cJSON *gb_regs_json(gb_machine *m);

#endif
