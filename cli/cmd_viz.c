/* cmd_viz.c — the picture commands: `goboot timeline TRACE -o boot.json` (a
 * Chrome/Perfetto trace-event file, viz/timeline.c) and `goboot report TRACE -o
 * report.html` (one self-contained HTML page, viz/report.c). Both read a trace or a
 * recording holding one, render it in memory and only then write, so a failure never
 * leaves a half-written file behind. */
#define _GNU_SOURCE /* open_memstream */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "report.h"
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

static const char report_help[] =
  "usage: goboot report TRACE [-o FILE]\n\n"
  "Write TRACE (a 'goboot run --trace' file, or a recording holding one) as one\n"
  "self-contained HTML page (inline CSS, SVG and script; nothing is fetched): the\n"
  "binary's facts, the initial stack drawn from high to low addresses, the boot\n"
  "timeline per guest thread on an instruction axis, the milestones, every syscall,\n"
  "the boot state, the stop and the guest's output.\n\n"
  "  -o, --output FILE  write here (default: standard output)\n"
  "  -h, --help         this help\n";

/* Render TRACE into a malloc'd buffer; 0, or an exit code. */
typedef int (*render_fn)(const cJSON *trace, char **buf, size_t *len);

static int render_timeline(const cJSON *trace, char **buf, size_t *len) {
  cJSON *tl = gb_viz_timeline(trace);
  char *s = tl ? cJSON_PrintUnformatted(tl) : NULL;
  cJSON_Delete(tl);
  if (!s) return GB_E_NOMEM;
  size_t n = strlen(s);
  char *b = realloc(s, n + 2);
  if (!b) {
    free(s);
    return GB_E_NOMEM;
  }
  b[n] = '\n';
  b[n + 1] = 0;
  *buf = b;
  *len = n + 1;
  return GB_OK;
}

static int render_report(const cJSON *trace, char **buf, size_t *len) {
  FILE *mem = open_memstream(buf, len);
  if (!mem) return GB_E_NOMEM;
  int rc = gb_viz_report(mem, trace);
  if (fclose(mem) || !*buf) rc = GB_E_NOMEM;
  return rc;
}

static int viz_command(int argc, char **argv, const char *name, const char *help,
                       render_fn render) {
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
      fputs(help, stdout);
      return GB_OK;
    }
    if (c == 'o') {
      out = optarg;
      continue;
    }
    fprintf(stderr, "goboot %s: see 'goboot %s --help'\n", name, name);
    return GB_E_USAGE;
  }
  if (optind != argc - 1) {
    fprintf(stderr, "goboot %s: %s\n\n%s", name, optind >= argc ? "missing TRACE" : "one TRACE only",
            help);
    return GB_E_USAGE;
  }
  char err[600];
  gb_viz_trace t;
  int rc = gb_viz_trace_load(&t, argv[optind], err, sizeof err);
  if (rc) {
    fprintf(stderr, "goboot %s: %s\n", name, err);
    return rc;
  }
  char *buf = NULL;
  size_t len = 0;
  rc = render(t.trace, &buf, &len);
  gb_viz_trace_free(&t);
  if (rc) {
    free(buf);
    fprintf(stderr, "goboot %s: out of memory\n", name);
    return rc;
  }
  FILE *f = out ? fopen(out, "w") : stdout;
  if (!f) {
    perror(out);
    free(buf);
    return GB_E_IO;
  }
  int bad = fwrite(buf, 1, len, f) != len;
  bad |= out ? fclose(f) != 0 : fflush(f) != 0;
  free(buf);
  if (bad) {
    fprintf(stderr, "goboot %s: cannot write %s\n", name, out ? out : "standard output");
    return GB_E_IO;
  }
  return GB_OK;
}

int cmd_timeline(int argc, char **argv) {
  return viz_command(argc, argv, "timeline", timeline_help, render_timeline);
}

int cmd_report(int argc, char **argv) {
  return viz_command(argc, argv, "report", report_help, render_report);
}
