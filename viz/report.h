/* report.h — a goboot trace as ONE self-contained HTML page (inline CSS, SVG and a few
 * lines of JS; nothing fetched): header facts, the initial-stack picture, the milestone
 * timeline per thread, the milestones, the syscall table, the boot state, the stop and
 * the guest's output. Every string from the trace is escaped (html.h). Deterministic:
 * the same trace gives the same bytes. */
#ifndef GOBOOT_VIZ_REPORT_H
#define GOBOOT_VIZ_REPORT_H

#include <cjson/cJSON.h>
#include <stdio.h>

/* Write the page for TRACE (the trace object, see trace_in.h) to F.
 * Returns 0, or 78 when out of memory. Write errors are the caller's (ferror). */
int gb_viz_report(FILE *f, const cJSON *trace);

#endif
