/* cmd_timeline.c — `goboot timeline TRACE -o boot.json`: a trace (or a recording) as a
 * Chrome/Perfetto trace-event file; the conversion is viz/timeline.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "timeline.h"
#include "trace_in.h"

static const char timeline_help[] =
  "usage: goboot timeline TRACE [-o FILE]\n\n"
  "Write TRACE (a 'goboot run --trace' file, or a recording holding one) as a\n"
  "Chrome/Perfetto trace-event JSON file: open it in https://ui.perfetto.dev or\n"
  "chrome://tracing.\n\n"
  "  One track per guest thread (tid = guest tid): its lifetime, the boot span\n"
  "  (execve -> main.main) and the boot phases between milestones as slices;\n"
  "  syscalls and other events as instants, with their fields as args.\n"
  "  Time axis: 1 us = 1 guest instruction (instructions executed by all threads).\n\n"
  "  -o, --output FILE  write here (default: standard output)\n"
  "  -h, --help         this help\n";

int cmd_timeline(int argc, char **argv) {
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
      fputs(timeline_help, stdout);
      return 0;
    }
    if (c == 'o') {
      out = optarg;
      continue;
    }
    fputs("goboot timeline: see 'goboot timeline --help'\n", stderr);
    return 64;
  }
  if (optind != argc - 1) {
    fprintf(stderr, "goboot timeline: %s\n\n%s",
            optind >= argc ? "missing TRACE" : "one TRACE only", timeline_help);
    return 64;
  }
  char err[600];
  gb_viz_trace t;
  int rc = gb_viz_trace_load(&t, argv[optind], err, sizeof err);
  if (rc) {
    fprintf(stderr, "goboot timeline: %s\n", err);
    return rc;
  }
  cJSON *tl = gb_viz_timeline(t.trace);
  gb_viz_trace_free(&t);
  char *s = tl ? cJSON_PrintUnformatted(tl) : NULL;
  cJSON_Delete(tl);
  if (!s) {
    fputs("goboot timeline: out of memory\n", stderr);
    return 78;
  }
  FILE *f = out ? fopen(out, "w") : stdout;
  if (!f) {
    perror(out);
    free(s);
    return 65;
  }
  int bad = fputs(s, f) < 0 || fputc('\n', f) < 0;
  bad |= out ? fclose(f) != 0 : fflush(f) != 0;
  free(s);
  if (bad) {
    fprintf(stderr, "goboot timeline: cannot write %s\n", out ? out : "standard output");
    return 65;
  }
  return 0;
}
