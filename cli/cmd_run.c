/* cmd_run.c — `goboot run BINARY [options] [-- guest args...]`: boot a Go binary in
 * the emulator, echo its output, print a readable summary on stderr, optionally write
 * the JSON trace, and exit with the guest's exit code (or 80–86 for other stops). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "emu.h"
#include "image.h"
#include "inputs.h"
#include "export.h"
#include "mounts.h"
#include "runopts.h"
#include "trace_events.h"

enum { OPT_TRACE = 0x2000, OPT_QUIET, OPT_NO_ECHO, OPT_EXPORT };

static const char run_help[] =
  "usage: goboot run BINARY [options] [-- guest args...]\n\n"
  "Boot a static Go linux/amd64 binary in Unicorn (CPU model Haswell), deterministically:\n"
  "virtual clock, seeded randomness, fixed pids, cooperative threads, virtual files only.\n"
  "The guest's environment is exactly the --env options (default: empty). No vDSO is\n"
  "offered (AT_SYSINFO_EHDR is never passed); Go <= 1.15 finds the vsyscall page instead.\n\n"
  "Guest inputs:\n" GB_INPUTS_HELP
  "\nRun options:\n" GB_RUN_HELP
  "  --trace FILE       write the JSON trace (docs/trace-schema.md) to FILE\n"
  "  --quiet            no summary on stderr\n"
  "  --no-echo          do not copy the guest's stdout/stderr to ours (still in the trace)\n"
  "  --export GUEST:HOSTDIR  after the run, write what the guest made below its\n"
  "                     directory GUEST into HOSTDIR (made; it must not exist)\n\n"
  "Exit code: the guest's own on exit (0 for --until), else 80 fault, 81 instruction\n"
  "budget, 82 memory budget, 83 wall clock, 84 unsupported, 85 deadlock, 86 emulator error.\n";

static void summary(const gb_emu_result *r, int code) {
  const cJSON *t = r->trace;
  const cJSON *sum = cJSON_GetObjectItem(t, "summary");
  fprintf(stderr, "\n--- goboot: stopped: %s (%s); exit code %d\n", gb_stop_name(r->stop),
          r->message, code);
  const cJSON *ev;
  fprintf(stderr, "    milestones (instructions before, thread):\n");
  cJSON_ArrayForEach(ev, r->milestones) {
    fprintf(stderr, "      %-28s %12.0f  tid %.0f\n",
            cJSON_GetObjectItem(ev, "name")->valuestring,
            cJSON_GetObjectItem(ev, "i")->valuedouble, cJSON_GetObjectItem(ev, "t")->valuedouble);
  }
  if (sum) {
    fprintf(stderr, "    instructions %.0f, syscalls %.0f (unknown %.0f), threads %.0f, switches %.0f\n",
            cJSON_GetObjectItem(sum, "instructions")->valuedouble,
            cJSON_GetObjectItem(sum, "syscalls")->valuedouble,
            cJSON_GetObjectItem(sum, "unknown_syscalls")->valuedouble,
            cJSON_GetObjectItem(sum, "threads")->valuedouble,
            cJSON_GetObjectItem(sum, "thread_switches")->valuedouble);
    const cJSON *tls = cJSON_GetObjectItem(sum, "tls_g_loads");
    if (tls)
      fprintf(stderr, "    TLS loads of g (%s): %.0f at %.0f sites\n",
              cJSON_GetObjectItem(tls, "scope")->valuestring,
              cJSON_GetObjectItem(tls, "total")->valuedouble,
              cJSON_GetObjectItem(tls, "sites")->valuedouble);
  }
  const cJSON *stop = cJSON_GetObjectItem(t, "stop");
  if (r->stop == GB_STOP_FAULT || r->stop == GB_STOP_UNSUPPORTED || r->stop == GB_STOP_ERROR) {
    const cJSON *regs = cJSON_GetObjectItem(stop, "registers");
    fprintf(stderr, "    at %s\n", cJSON_GetObjectItem(stop, "symbol")->valuestring);
    const cJSON *reg;
    int n = 0;
    cJSON_ArrayForEach(reg, regs) {
      fprintf(stderr, "%s%-7s %-18s", n % 4 ? "  " : "    ", reg->string, reg->valuestring);
      if (++n % 4 == 0) fputc('\n', stderr);
    }
    if (n % 4) fputc('\n', stderr);
  }
}

/* The trace file, buffered: the run streams its events into it (emu.h, trace_out). */
static FILE *open_trace(const char *path, char **buf) {
  FILE *f = fopen(path, "w");
  if (f && (*buf = malloc(1 << 16))) setvbuf(f, *buf, _IOFBF, 1 << 16);
  return f;
}

int cmd_run(int argc, char **argv) {
  static const struct option longopts[] = {
    GB_INPUT_LONGOPTS,
    GB_RUN_LONGOPTS,
    {"trace", required_argument, 0, OPT_TRACE},
    {"quiet", no_argument, 0, OPT_QUIET},
    {"no-echo", no_argument, 0, OPT_NO_ECHO},
    {"export", required_argument, 0, OPT_EXPORT},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
  };
  gb_inputs *in = malloc(sizeof *in);
  if (!in) return GB_E_NOMEM;
  gb_inputs_init(in);
  gb_emu_opts o;
  gb_emu_opts_default(&o);
  gb_runopts_stdin_default(&o);
  const char *trace_path = NULL;
  int quiet = 0, c, rc = 0;
  static gb_export xp; /* static: two 4 KiB paths */
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h': fputs(run_help, stdout); free(in); return GB_OK;
    case OPT_TRACE: trace_path = optarg; continue;
    case OPT_QUIET: quiet = 1; continue;
    case OPT_NO_ECHO: o.echo = 0; continue;
    case OPT_EXPORT:
      if (o.export_guest) {
        fputs("goboot run: one --export at most\n", stderr);
        free(in);
        return GB_E_USAGE;
      }
      if (gb_export_parse(&xp, optarg, "run") < 0) {
        free(in);
        return GB_E_USAGE;
      }
      o.export_guest = xp.guest;
      continue;
    }
    rc = gb_runopts_option(&o, c, optarg, "run");
    if (rc == 0) rc = gb_inputs_option(in, c, optarg);
    if (rc == 1) continue;
    if (rc == 0) fputs("goboot run: see 'goboot run --help'\n", stderr);
    free(in);
    return GB_E_USAGE;
  }
  const char *path = gb_inputs_positionals(in, argc, argv, "run", run_help);
  if (!path) {
    free(in);
    return GB_E_USAGE;
  }
  o.seed = in->seed;
  gb_image img;
  gb_stack st;
  if ((rc = gb_guest_prepare("run", path, in, &img, &st)) != 0) {
    free(in);
    return rc;
  }
  char *tbuf = NULL;
  int terr = 0;
  if (trace_path && !(o.trace_out = open_trace(trace_path, &tbuf))) terr = errno;
  gb_emu_result res;
  gb_runopts_host_signals(&o);
  int er = gb_emu_run(&img, &st, &o, &res);
  gb_mounts_free(&o); /* copied into the guest's tree */
  if (o.trace_out) {
    if (er == 0 && res.trace_error && !terr) terr = res.trace_error;
    if (fclose(o.trace_out) != 0 && er == 0 && !terr) terr = errno;
    if (er < 0) remove(trace_path); /* nothing ran: no trace, as before a run */
  }
  free(tbuf);
  if (er < 0) {
    fprintf(stderr, "goboot run: %s\n", res.message);
    gb_stack_free(&st);
    gb_image_free(&img);
    free(in);
    return er == -2 ? GB_E_USAGE : GB_E_EMULATOR;
  }
  int code = gb_stop_exit_code(res.stop, res.exit_code);
  if (trace_path && terr) {
    fprintf(stderr, "goboot run: cannot write the trace to %s: %s\n", trace_path, strerror(terr));
    code = GB_E_IO;
  }
  if (o.export_guest && gb_export_write(&xp, res.exported, res.nexported, "run") < 0 && !code)
    code = GB_E_IO;
  if (!quiet) summary(&res, code);
  gb_emu_result_free(&res);
  gb_stack_free(&st);
  gb_image_free(&img);
  free(in);
  return code;
}
