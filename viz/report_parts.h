/* report_parts.h — the report's pictures, each an inline <svg> (used by report.c). */
#ifndef GOBOOT_VIZ_REPORT_PARTS_H
#define GOBOOT_VIZ_REPORT_PARTS_H

#include <stdio.h>
#include "model.h"
#include "stackrows.h"

/* The initial stack, high addresses at the top, with pointer arrows and region braces. */
void gb_viz_svg_stack(FILE *f, const gb_stack_rows *r);
/* Phases, syscalls and markers per thread on an instruction axis; log_axis: log10(1+i). */
void gb_viz_svg_timeline(FILE *f, const gb_viz_model *m, int log_axis, const char *id);
/* The colour of the model's phase number INDEX (CSS colour string). */
const char *gb_viz_phase_colour(int index);

#endif
