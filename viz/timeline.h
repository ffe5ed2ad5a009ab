/* timeline.h — a goboot trace as a Chrome/Perfetto trace-event file (the "JSON Object
 * Format": {"traceEvents": [...], ...}), for ui.perfetto.dev or chrome://tracing.
 *
 * Time axis: 1 µs of trace time = 1 guest instruction (ts and dur are the trace's `i`,
 * instructions executed by all threads before the event). One process (pid 1, named after
 * the binary), one track per guest thread (tid = the guest tid). Each thread has an "X"
 * slice for its life; the first thread also a "boot" slice (execve → main.main); inside
 * them one "X" slice per boot phase (model.h). Syscalls, markers, the end of the boot
 * phase, suppressed signals and the stop are thread-scoped instants ("i") with the
 * event's fields as args; "M" events name the process and threads. */
#ifndef GOBOOT_VIZ_TIMELINE_H
#define GOBOOT_VIZ_TIMELINE_H

#include <cjson/cJSON.h>

/* The trace-event object for TRACE (the trace object itself, see trace_in.h), or NULL
 * when out of memory. */
cJSON *gb_viz_timeline(const cJSON *trace);

#endif
