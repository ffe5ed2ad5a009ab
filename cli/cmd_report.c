/* cmd_report.c — `goboot report TRACE -o report.html`: a trace (or a recording) as one
 * self-contained HTML page; the page itself is viz/report.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "report.h"
#include "trace_in.h"

static const char report_help[] =
  "usage: goboot report TRACE [-o FILE]\n\n"
  "Write TRACE (a 'goboot run --trace' file, or a recording holding one) as one\n"
  "self-contained HTML page (inline CSS, SVG and script; nothing is fetched): the\n"
  "binary's facts, the initial stack drawn from high to low addresses, the boot\n"
  "timeline per guest thread on an instruction axis, the milestones, every syscall,\n"
  "the boot state, the stop and the guest's output.\n\n"
  "  -o, --output FILE  write here (default: standard output)\n"
  "  -h, --help         this help\n";

int cmd_report(int argc, char **argv) {
  static const struct option longopts[] = {
    {"output", required_argument, 0, 'o'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
  };
  const char *out = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
    if (c == 'h') {
      fputs(report_help, stdout);
      return 0;
    }
    if (c == 'o') {
      out = optarg;
      continue;
    }
    fputs("goboot report: see 'goboot report --help'\n", stderr);
    return 64;
  }
  if (optind != argc - 1) {
    fprintf(stderr, "goboot report: %s\n\n%s", optind >= argc ? "missing TRACE" : "one TRACE only",
            report_help);
    return 64;
  }
  char err[600];
  gb_viz_trace t;
  int rc = gb_viz_trace_load(&t, argv[optind], err, sizeof err);
  if (rc) {
    fprintf(stderr, "goboot report: %s\n", err);
    return rc;
  }
  /* Build the page in memory so a failure leaves no half-written file behind. */
  char *page = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&page, &len);
  rc = mem ? gb_viz_report(mem, t.trace) : 78;
  if (mem && (fclose(mem) || !page)) rc = 78;
  gb_viz_trace_free(&t);
  if (rc) {
    free(page);
    fputs("goboot report: out of memory\n", stderr);
    return rc;
  }
  FILE *f = out ? fopen(out, "w") : stdout;
  if (!f) {
    perror(out);
    free(page);
    return 65;
  }
  int bad = fwrite(page, 1, len, f) != len;
  bad |= out ? fclose(f) != 0 : fflush(f) != 0;
  free(page);
  if (bad) {
    fprintf(stderr, "goboot report: cannot write %s\n", out ? out : "standard output");
    return 65;
  }
  return 0;
}
