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

enum {
  OPT_UNTIL = 0x2000, OPT_TRACE, OPT_MAX_INSNS, OPT_MAX_MEM, OPT_TIMEOUT, OPT_QUANTUM, OPT_NCPU,
  OPT_TLS_ALL, OPT_QUIET, OPT_NO_ECHO, OPT_CGROUP, OPT_CPU_QUOTA, OPT_CPU_PERIOD, OPT_MOUNTINFO, OPT_EXACT
};

static const char run_help[] =
  "usage: goboot run BINARY [options] [-- guest args...]\n\n"
  "Boot a static Go linux/amd64 binary in Unicorn (CPU model Haswell), deterministically:\n"
  "virtual clock, seeded randomness, fixed pids, cooperative threads, virtual files only.\n"
  "The guest's environment is exactly the --env options (default: empty). No vDSO is\n"
  "offered (AT_SYSINFO_EHDR is never passed); Go <= 1.15 finds the vsyscall page instead.\n\n"
  "Guest inputs:\n" GB_INPUTS_HELP
  "\nRun options:\n"
  "  --until WHERE      stop at exit (default), main.main, runtime.main or any SYMBOL\n"
  "  --trace FILE       write the JSON trace (docs/trace-schema.md) to FILE\n"
  "  --max-insns N      instruction budget (default 2e10) -> exit 81\n"
  "  --max-mem BYTES    committed guest memory budget (default 4 GiB) -> exit 82\n"
  "  --timeout SECONDS  wall-clock guard (default 600) -> exit 83\n"
  "  --quantum N        basic blocks per time slice (default 2000)\n"
  "  --ncpu N           CPUs the guest sees through sched_getaffinity (default 1)\n"
  "  --tls-all          count TLS loads of g for the whole run, not only the boot phase\n"
  "  --exact-insns      also count instructions one by one (slow; checks the block counts)\n"
  "  --cgroup 1|2       offer /proc/self/cgroup and the cgroup cpu files (default: none)\n"
  "  --cpu-quota US     cgroup CPU quota in microseconds (default: max)\n"
  "  --cpu-period US    cgroup CPU period (default 100000)\n"
  "  --mountinfo        offer /proc/self/mountinfo with the cgroup mount\n"
  "  --quiet            no summary on stderr\n"
  "  --no-echo          do not copy the guest's stdout/stderr to ours (still in the trace)\n\n"
  "Exit code: the guest's own on exit (0 for --until), else 80 fault, 81 instruction\n"
  "budget, 82 memory budget, 83 wall clock, 84 unsupported, 85 deadlock, 86 emulator error.\n";

static int parse_num(const char *s, uint64_t *v) {
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (errno || end == s || *end || d < 0 || d > 1.8e19) {
    unsigned long long u = strtoull(s, &end, 0);
    if (errno || end == s || *end) return -1;
    *v = u;
    return 0;
  }
  *v = (uint64_t)d;
  return 0;
}

static void summary(const gb_emu_result *r, int code) {
  const cJSON *t = r->trace;
  const cJSON *sum = cJSON_GetObjectItem(t, "summary");
  fprintf(stderr, "\n--- goboot: stopped: %s (%s); exit code %d\n", gb_stop_name(r->stop),
          r->message, code);
  const cJSON *ev;
  fprintf(stderr, "    milestones (instructions before, thread):\n");
  cJSON_ArrayForEach(ev, cJSON_GetObjectItem(t, "events")) {
    const cJSON *k = cJSON_GetObjectItem(ev, "ev");
    if (!cJSON_IsString(k) || strcmp(k->valuestring, "milestone")) continue;
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

static int write_trace(const char *path, const cJSON *trace) {
  char *s = cJSON_Print(trace);
  if (!s) return -1;
  FILE *f = fopen(path, "w");
  int bad = !f;
  if (f) {
    bad |= fputs(s, f) < 0;
    bad |= fputc('\n', f) < 0;
    bad |= fclose(f) != 0;
  }
  free(s);
  return bad ? -1 : 0;
}

int cmd_run(int argc, char **argv) {
  static const struct option longopts[] = {
    GB_INPUT_LONGOPTS,
    {"until", required_argument, 0, OPT_UNTIL},
    {"trace", required_argument, 0, OPT_TRACE},
    {"max-insns", required_argument, 0, OPT_MAX_INSNS},
    {"max-mem", required_argument, 0, OPT_MAX_MEM},
    {"timeout", required_argument, 0, OPT_TIMEOUT},
    {"quantum", required_argument, 0, OPT_QUANTUM},
    {"ncpu", required_argument, 0, OPT_NCPU},
    {"tls-all", no_argument, 0, OPT_TLS_ALL},
    {"quiet", no_argument, 0, OPT_QUIET},
    {"no-echo", no_argument, 0, OPT_NO_ECHO},
    {"cgroup", required_argument, 0, OPT_CGROUP},
    {"cpu-quota", required_argument, 0, OPT_CPU_QUOTA},
    {"cpu-period", required_argument, 0, OPT_CPU_PERIOD},
    {"mountinfo", no_argument, 0, OPT_MOUNTINFO},
    {"exact-insns", no_argument, 0, OPT_EXACT},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
  };
  gb_inputs *in = malloc(sizeof *in);
  if (!in) return 78;
  gb_inputs_init(in);
  gb_emu_opts o;
  gb_emu_opts_default(&o);
  const char *trace_path = NULL;
  int quiet = 0, c, rc = 0;
  uint64_t v;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    int bad = 0;
    switch (c) {
    case 'h': fputs(run_help, stdout); free(in); return 0;
    case OPT_UNTIL: o.until = optarg; break;
    case OPT_TRACE: trace_path = optarg; break;
    case OPT_MAX_INSNS: bad = parse_num(optarg, &o.max_insns) || !o.max_insns; break;
    case OPT_MAX_MEM: bad = parse_num(optarg, &o.max_mem) || !o.max_mem; break;
    case OPT_TIMEOUT: {
      char *end;
      o.timeout_s = strtod(optarg, &end);
      bad = *end || o.timeout_s <= 0;
      break;
    }
    case OPT_QUANTUM: bad = parse_num(optarg, &v) || !v || v > 1000000000; o.quantum = (uint32_t)v; break;
    case OPT_NCPU: bad = parse_num(optarg, &v) || !v || v > 64; o.ncpu = (int)v; break;
    case OPT_TLS_ALL: o.tls_all = 1; break;
    case OPT_QUIET: quiet = 1; break;
    case OPT_NO_ECHO: o.echo = 0; break;
    case OPT_CGROUP: bad = strcmp(optarg, "1") && strcmp(optarg, "2"); o.vfs.cgroup_version = atoi(optarg); break;
    case OPT_CPU_QUOTA: bad = parse_num(optarg, &v); o.vfs.cpu_quota_us = (int64_t)v; break;
    case OPT_CPU_PERIOD: bad = parse_num(optarg, &v) || !v; o.vfs.cpu_period_us = (int64_t)v; break;
    case OPT_MOUNTINFO: o.vfs.mountinfo = 1; break;
    case OPT_EXACT: o.exact_insns = 1; break;
    default:
      rc = gb_inputs_option(in, c, optarg);
      if (rc == 1) break;
      if (rc == 0) fputs("goboot run: see 'goboot run --help'\n", stderr);
      free(in);
      return GB_E_USAGE;
    }
    if (bad) {
      fprintf(stderr, "goboot run: bad value '%s' for --%s\n", optarg, longopts[0].name ? "option" : "");
      free(in);
      return GB_E_USAGE;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "goboot run: missing BINARY\n\n%s", run_help);
    free(in);
    return GB_E_USAGE;
  }
  const char *path = argv[optind++];
  for (; optind < argc; optind++)
    if (gb_inputs_add_arg(in, argv[optind])) {
      free(in);
      return GB_E_USAGE;
    }
  gb_inputs_option(in, GB_OPT_VDSO, "0"); /* no vDSO image is mapped: never announce one */
  o.seed = in->seed;

  gb_image img;
  char err[512];
  gb_status s = gb_image_load(&img, path, err, sizeof err);
  if (s != GB_OK) {
    fprintf(stderr, "goboot run: %s\n", err);
    free(in);
    return (int)s;
  }
  if (!img.is_go) {
    fprintf(stderr, "goboot run: %s is not a Go binary (%s); goboot boots Go programs only\n",
            path, img.note[0] ? img.note : "no Go pclntab found");
    gb_image_free(&img);
    free(in);
    return 84;
  }
  gb_stack st;
  if (gb_inputs_build(in, &img, &st, err, sizeof err)) {
    fprintf(stderr, "goboot run: %s\n", err);
    gb_image_free(&img);
    free(in);
    return GB_E_USAGE;
  }
  gb_emu_result res;
  int er = gb_emu_run(&img, &st, &o, &res);
  if (er < 0) {
    fprintf(stderr, "goboot run: %s\n", res.message);
    gb_stack_free(&st);
    gb_image_free(&img);
    free(in);
    return er == -2 ? GB_E_USAGE : 86;
  }
  int code = gb_stop_exit_code(res.stop, res.exit_code);
  if (trace_path && write_trace(trace_path, res.trace) < 0) {
    fprintf(stderr, "goboot run: cannot write the trace to %s: %s\n", trace_path, strerror(errno));
    code = GB_E_IO;
  }
  if (!quiet) summary(&res, code);
  gb_emu_result_free(&res);
  gb_stack_free(&st);
  gb_image_free(&img);
  free(in);
  return code;
}
