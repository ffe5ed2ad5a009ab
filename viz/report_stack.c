/* report_stack.c — the initial-stack picture: one box per part from the stack top down to
 * RSP, the address on the left, arrows from each pointer to what it points at, and
 * braces naming the regions (information block, auxv, envp, argv, argc). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_parts.h"

enum { W = 1060, ADDR_R = 138, BOX_L = 150, BOX_R = 660, LANE0 = 672, LANE_W = 11, NLANES = 8,
       BRACE_X = 770, TOP_PAD = 34, BOTTOM_PAD = 34 };

static const char *const region_fill[GB_SREG_COUNT] = {
  "#eceff1", "#fff4d6", "#dcecfb", "#dff3e4", "#fde6d4", "#f7dbe8"};
static const char *const region_edge[GB_SREG_COUNT] = {
  "#90a4ae", "#d9a93a", "#5b9bd5", "#4caf6e", "#e08a3c", "#c2577f"};

static int row_h(const gb_srow *w) { return w->kind == GB_SROW_MARK ? 20 : 24; }

static void region_label(FILE *f, const gb_stack_rows *r, int region, int x) {
  switch (region) {
  case GB_SREG_STRINGS:
    fprintf(f, "information block<tspan x=\"%d\" dy=\"16\" class=\"regsub\">strings, platform, "
               "random bytes</tspan>", x);
    break;
  case GB_SREG_AUXV:
    fprintf(f, "auxiliary vector<tspan x=\"%d\" dy=\"16\" class=\"regsub\">%d (tag, value) "
               "pairs, AT_NULL last</tspan>", x, r->nauxv);
    break;
  case GB_SREG_ENVP:
    fprintf(f, "envp[]<tspan x=\"%d\" dy=\"16\" class=\"regsub\">%d pointer%s + NULL</tspan>",
            x, r->envc, r->envc == 1 ? "" : "s");
    break;
  case GB_SREG_ARGV:
    fprintf(f, "argv[]<tspan x=\"%d\" dy=\"16\" class=\"regsub\">%d pointer%s + NULL</tspan>",
            x, r->argc, r->argc == 1 ? "" : "s");
    break;
  case GB_SREG_ARGC: fputs("argc", f); break;
  default: fputs("end of stack", f); break;
  }
}

static void row_box(FILE *f, const gb_srow *w, int y) {
  int h = row_h(w);
  if (w->kind == GB_SROW_MARK) {
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"mark\"/>", BOX_L - 6,
            y + h / 2, BOX_R + 6, y + h / 2);
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"addr\">0x%" PRIx64 "</text>", ADDR_R, y + h / 2 + 4,
            w->addr);
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"marklabel\">", (BOX_L + BOX_R) / 2, y + h / 2 - 3);
    gb_html_esc(f, w->label);
    fputs("</text>", f);
    return;
  }
  fprintf(f, "<g class=\"srow\"><title>");
  gb_html_esc(f, w->label);
  if (w->value[0]) fprintf(f, " = %s", w->value);
  if (w->text) {
    fputs(" \"", f);
    gb_html_esc_max(f, w->text, 400);
    fputs("\"", f);
  }
  if (w->note[0]) fputs(" ", f), gb_html_esc(f, w->note);
  fprintf(f, " (%" PRIu64 " bytes)</title>", w->size);
  fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"%s\"/>",
          BOX_L, y, BOX_R - BOX_L, h, region_fill[w->region], region_edge[w->region]);
  if (w->addr_known)
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"addr\">0x%" PRIx64 "</text>", ADDR_R, y + 16,
            w->addr);
  else fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"addr\">?</text>", ADDR_R, y + 16);
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"slabel\">", BOX_L + 8, y + 16);
  gb_html_esc(f, w->label);
  fputs("</text>", f);
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"sval\">", BOX_L + 222, y + 16);
  if (w->value[0]) gb_html_esc(f, w->value), fputs(" ", f);
  if (w->text) {
    fputs("\"", f);
    gb_html_esc_max(f, w->text, w->value[0] ? 16 : 30);
    fputs("\" ", f);
  }
  fputs("<tspan class=\"snote\">", f);
  gb_html_esc_max(f, w->note, w->text || w->value[0] ? 20 : 34);
  fputs("</tspan></text>", f);
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ssize\">%" PRIu64 " B</text></g>\n", BOX_R - 6,
          y + 16, w->size);
}

void gb_viz_svg_stack(FILE *f, const gb_stack_rows *r) {
  int h = TOP_PAD;
  int *ymid = malloc((size_t)(r->n ? r->n : 1) * sizeof *ymid); /* NULL: no arrows */
  for (int k = 0; k < r->n; k++) h += row_h(&r->rows[k]);
  h += BOTTOM_PAD;
  fprintf(f, "<svg id=\"stack-picture\" class=\"picture\" xmlns=\"http://www.w3.org/2000/svg\" "
             "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
             "aria-label=\"initial process stack\">\n", W, h, W, h);
  fputs("<defs><marker id=\"arrowhead\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
        "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#546e7a\"/></marker></defs>\n", f);
  fprintf(f, "<text x=\"%d\" y=\"18\" class=\"axislabel\">\u2191 high addresses</text>\n",
          BOX_L);
  fprintf(f, "<text x=\"%d\" y=\"18\" class=\"addrhead\">address</text>\n", ADDR_R);
  int y = TOP_PAD;
  for (int k = 0; k < r->n; k++) {
    const gb_srow *w = &r->rows[k];
    if (ymid) ymid[k] = y + row_h(w) / 2;
    row_box(f, w, y);
    y += row_h(w);
  }
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"axislabel\">\u2193 low addresses: the stack "
             "grows down from RSP</text>\n", BOX_L, y + 22);
  /* arrows: pointer → pointee, each in its own lane */
  int lane = 0;
  for (int k = 0; ymid && k < r->n; k++) {
    int t = r->rows[k].points_to;
    if (t < 0 || t >= r->n) continue;
    int lx = LANE0 + LANE_W * (lane++ % NLANES) + 10;
    fprintf(f, "<path class=\"ptr\" d=\"M%d,%d C%d,%d %d,%d %d,%d\" "
               "marker-end=\"url(#arrowhead)\"/>\n",
            BOX_R, ymid[k], lx, ymid[k], lx, ymid[t], BOX_R + 2, ymid[t]);
  }
  /* region braces */
  y = TOP_PAD;
  for (int k = 0; k < r->n;) {
    int region = r->rows[k].region, y0 = y, j = k;
    while (j < r->n && r->rows[j].region == region) y += row_h(&r->rows[j++]);
    if (region != GB_SREG_TOP) {
      fprintf(f, "<path class=\"brace\" stroke=\"%s\" d=\"M%d,%d h8 V%d h-8\"/>",
              region_edge[region], BRACE_X, y0 + 2, y - 2);
      fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"region\">", BRACE_X + 16, (y0 + y) / 2 - (region == GB_SREG_ARGC ? -4 : 4));
      region_label(f, r, region, BRACE_X + 16);
      fputs("</text>\n", f);
    }
    k = j;
  }
  fputs("</svg>\n", f);
  free(ymid);
}
