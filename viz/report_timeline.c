/* report_timeline.c — the milestone timeline: one lane per guest thread on an instruction
 * axis (linear, or log10(1 + i) so the first few hundred instructions are visible), with
 * the phases as bars, syscalls as ticks under them, marker milestones as diamonds, the
 * boot span as a bracket over the first thread and the stop as a line. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "html.h"
#include "report_parts.h"
#include "trace_events.h"

enum { W = 1200, X0 = 200, X1 = 1170, AXIS_Y = 30, LANE_TOP = 48, BAR_H = 24 };

const char *gb_viz_phase_colour(int index) {
  static const char *const palette[] = {
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#d4a72c", "#76b7b2", "#e15759", "#9c755f",
    "#6b8e23", "#d37295", "#5f7fbf", "#a0522d", "#2a9d8f", "#8c6bb1", "#c05a3c", "#3d8fa8"};
  return palette[(unsigned)index % (sizeof palette / sizeof palette[0])];
}

typedef struct axis {
  double end;
  int log;
} axis;

static double xpos(const axis *a, uint64_t i) {
  double v = (double)i, e = a->end > 0 ? a->end : 1;
  if (v > e) v = e;
  double t = a->log ? log10(1 + v) / log10(1 + e) : v / e;
  return X0 + (X1 - X0) * t;
}

static void ticks(FILE *f, const axis *a, int height) {
  fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", X0, AXIS_Y, X1,
          AXIS_Y);
  double step = 1;
  if (a->log) step = 10;
  else {
    while (a->end / step > 8) {
      if (a->end / (step * 2) <= 8) step *= 2;
      else if (a->end / (step * 5) <= 8) step *= 5;
      else step *= 10;
    }
  }
  for (double v = 0; v <= a->end + 0.5;) {
    double x = xpos(a, (uint64_t)v);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>", x, AXIS_Y,
            x, height - 10);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"tick\">", x, AXIS_Y - 6);
    if (v >= 1e6 && fmod(v, 1e6) == 0) fprintf(f, "%.0fM", v / 1e6);
    else if (v >= 1e3 && fmod(v, 1e3) == 0) fprintf(f, "%.0fk", v / 1e3);
    else fprintf(f, "%.0f", v);
    fputs("</text>\n", f);
    if (a->log) v = v == 0 ? 1 : v * step;
    else v += step;
  }
}

static void event_title(FILE *f, int index, const cJSON *e) {
  fprintf(f, "<title>#%d ", index);
  gb_html_esc(f, gb_viz_str(e, "name", gb_viz_str(e, "ev", "?")));
  fputs("(", f);
  const cJSON *a, *args = gb_viz_get(e, "args");
  int first = 1;
  cJSON_ArrayForEach(a, args) {
    if (!first) fputs(", ", f);
    first = 0;
    if (cJSON_IsString(a)) gb_html_esc_max(f, a->valuestring, 60);
    else gb_html_json(f, a);
  }
  fputs(") = ", f);
  gb_html_json(f, gb_viz_get(e, "ret"));
  fprintf(f, " at instruction %.0f, tid %.0f</title>", gb_viz_num(e, "i", 0), gb_viz_num(e, "t", 0));
}

static int is_error(const cJSON *e) {
  const char *r = gb_viz_str(e, "ret", "");
  return r[0] == '-' || gb_event_kind_of(gb_viz_str(e, "ev", "")) == GB_EV_UNKNOWN_SYSCALL;
}

static void lane(FILE *f, const gb_viz_model *m, const axis *a, const gb_viz_thread *t, int y) {
  char lab[64];
  fprintf(f, "<g class=\"lane\" data-tid=\"%" PRIu64 "\">", t->tid);
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"lanelabel\">tid %" PRIu64 "</text>", X0 - 10,
          y + 16, t->tid);
  snprintf(lab, sizeof lab, "%s", t->tid == m->main_tid ? "m0, main thread"
                                  : t->first_phase ? t->first_phase : "no milestone");
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"lanesub\">", X0 - 10, y + 30);
  gb_html_esc_max(f, lab, 26);
  fputs("</text>", f);
  double tx0 = xpos(a, t->start), tx1 = xpos(a, t->end);
  fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"life\"><title>"
             "thread %" PRIu64 ": instructions %" PRIu64 " to %" PRIu64 "</title></rect>",
          tx0, y, tx1 - tx0 > 1 ? tx1 - tx0 : 1, BAR_H, t->tid, t->start, t->end);
  for (int k = 0; k < m->nphases; k++) {
    const gb_viz_phase *p = &m->phases[k];
    if (p->tid != t->tid) continue;
    double x0 = xpos(a, p->start), x1 = xpos(a, p->end), w = x1 - x0 < 1.5 ? 1.5 : x1 - x0;
    fprintf(f, "<g class=\"phase\"><title>");
    gb_html_esc(f, p->name);
    fprintf(f, ": instructions %" PRIu64 " to %" PRIu64 " (%" PRIu64 ")</title>", p->start,
            p->end, p->end - p->start);
    fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x0, y, w,
            BAR_H, gb_viz_phase_colour(k));
    const char *shown = strncmp(p->name, "runtime.", 8) ? p->name : p->name + 8;
    if (w > 7.0 * (double)strlen(shown) + 8) {
      fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"phaselabel\">", x0 + 4, y + 16);
      gb_html_esc(f, shown);
      fputs("</text>", f);
    }
    fputs("</g>", f);
  }
  int index = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, m->events) {
    uint64_t tid = 0, i = 0;
    const char *kind = gb_viz_str(e, "ev", "");
    int sys = gb_event_is_syscall(gb_event_kind_of(kind));
    if (sys) index++;
    if (gb_viz_u64(e, "t", &tid) || tid != t->tid) continue;
    gb_viz_u64(e, "i", &i);
    double x = xpos(a, i);
    if (sys) {
      fprintf(f, "<g class=\"sys%s\">", is_error(e) ? " err" : "");
      event_title(f, index - 1, e);
      fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/></g>", x, y + BAR_H + 3, x,
              y + BAR_H + 13);
    } else if (gb_event_kind_of(kind) == GB_EV_MILESTONE && gb_viz_is_marker(gb_viz_str(e, "name", NULL))) {
      fprintf(f, "<g class=\"marker\"><title>");
      gb_html_esc(f, gb_viz_str(e, "name", ""));
      fprintf(f, " at instruction %" PRIu64 "</title><path d=\"M%.1f,%d l5,6 l-5,6 l-5,-6 z\"/></g>",
              i, x, y - 12);
    } else if (gb_event_kind_of(kind) != GB_EV_MILESTONE) {
      fprintf(f, "<g class=\"other\"><title>");
      gb_html_esc(f, kind);
      fprintf(f, " at instruction %" PRIu64 "</title><circle cx=\"%.1f\" cy=\"%d\" r=\"3.5\"/></g>",
              i, x, y + BAR_H + 8);
    }
  }
  fputs("</g>\n", f);
}

void gb_viz_svg_timeline(FILE *f, const gb_viz_model *m, int log_axis, const char *id) {
  axis a = {(double)m->end, log_axis};
  int lane_h = 58, boot_h = 22;
  int height = LANE_TOP + boot_h + lane_h * (m->nthreads ? m->nthreads : 1) + 16;
  fprintf(f, "<svg id=\"%s\" class=\"picture timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
             "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
             "aria-label=\"boot timeline\">\n", id, W, height, W, height);
  ticks(f, &a, height);
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"axisname\">instructions%s</text>\n", X0 - 10,
          AXIS_Y - 6, log_axis ? " (log)" : "");
  int y = LANE_TOP;
  /* boot bracket over the first thread */
  double bx1 = xpos(&a, m->boot_end);
  fprintf(f, "<g class=\"bootspan\"><path d=\"M%d,%d v-6 H%.1f v6\"/>", X0, y + boot_h - 4, bx1);
  fprintf(f, "<text x=\"%d\" y=\"%d\">boot: execve \u2192 %s \u00b7 ", X0 + 4, y + boot_h - 13,
          m->boot_known ? "main.main" : "stop (main.main not reached)");
  gb_html_count(f, m->boot_end);
  fputs(" instructions</text></g>\n", f);
  y += boot_h;
  for (int k = 0; k < m->nthreads; k++, y += lane_h) lane(f, m, &a, &m->threads[k], y + 12);
  double sx = xpos(&a, m->end);
  fprintf(f, "<g class=\"stopline\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
             "<title>stop: ", sx, AXIS_Y, sx, height - 8);
  gb_html_esc(f, gb_viz_str(m->stop, "reason", "?"));
  fprintf(f, " at instruction %" PRIu64 "</title></g>\n", m->end);
  fputs("</svg>\n", f);
}
