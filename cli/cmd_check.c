/* cmd_check.c — `goboot check BINARY [inputs] [--json] [-- args]`: the emulated boot
 * against the runtime-c oracle, field by field. The options and the stack are built
 * exactly as `run` builds them; check/ (check.h) runs the oracle, the emulator and, for
 * goboot-rtc with --native, the real kernel, and compares; this file prints the
 * comparison as a text table or as JSON. Exit 0 only when every field both sides know
 * agrees; 1 when one does not. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "commands.h"
#include "exitcodes.h"
#include "inputs.h"

enum { OPT_JSON = 0x2000, OPT_NATIVE, OPT_NCPU, OPT_MAX_INSNS, OPT_TIMEOUT, OPT_VDSO_CHECK };

static const char check_help[] =
  "usage: goboot check BINARY [options] [-- guest args...]\n\n"
  "Boot BINARY under emulation and compare the runtime's boot state with what the\n"
  "runtime-c oracle predicts for the same stack image, CPUID (the emulated Haswell),\n"
  "sched_getaffinity (--ncpu), hpage_pmd_size (the virtual file), /proc/self/auxv and\n"
  "symbols. A Go binary runs to runtime.main, or to its fatal exit when the oracle\n"
  "predicts one (the message is taken from the guest's stderr). goboot-rtc (runtime-c's\n"
  "own static program) runs to its exit and its printed report is compared.\n\n"
  "Guest inputs (as for run):\n" GB_INPUTS_HELP
  "  --vdso ADDR        announce a vDSO at ADDR (default: none, as run)\n"
  "\nCheck options:\n"
  "  --ncpu N           CPUs the guest sees (default 1; with --native: the host's)\n"
  "  --native           goboot-rtc only: also run it on this kernel (ASLR off, the same\n"
  "                     argv and environment, --mimic-host implied, the host's vDSO\n"
  "                     address kept) and show native, emulated and oracle side by side\n"
  "  --json             print the comparison as JSON\n"
  "  --max-insns N      instruction budget (default 2e10)\n"
  "  --timeout SECONDS  wall-clock guard (default 600)\n\n"
  "Exit code: 0 every field both sides know agrees; 1 some field disagrees; 64 usage;\n"
  "65-77 the file; 84 not a Go binary nor goboot-rtc, a cgo binary, or a Go version the\n"
  "oracle has no profile for; 86 the emulator could not run.\n";

typedef struct check_opts {
  int json, native, ncpu, ncpu_set;
  gb_emu_opts emu;
} check_opts;

static int parse_args(int argc, char **argv, gb_inputs *in, check_opts *co, const char **path) {
  static const struct option longopts[] = {
    GB_INPUT_LONGOPTS,
    {"vdso", required_argument, 0, GB_OPT_VDSO},
    {"json", no_argument, 0, OPT_JSON},
    {"native", no_argument, 0, OPT_NATIVE},
    {"ncpu", required_argument, 0, OPT_NCPU},
    {"max-insns", required_argument, 0, OPT_MAX_INSNS},
    {"timeout", required_argument, 0, OPT_TIMEOUT},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
  };
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    char *end = NULL;
    switch (c) {
    case 'h': fputs(check_help, stdout); return GB_OK;
    case OPT_JSON: co->json = 1; break;
    case OPT_NATIVE: co->native = 1; break;
    case OPT_NCPU:
      co->ncpu = (int)strtol(optarg, &end, 10), co->ncpu_set = 1;
      if (*end || co->ncpu < 1 || co->ncpu > 64) goto bad;
      break;
    case OPT_MAX_INSNS:
      co->emu.max_insns = (uint64_t)strtod(optarg, &end);
      if (*end || !co->emu.max_insns) goto bad;
      break;
    case OPT_TIMEOUT:
      co->emu.timeout_s = strtod(optarg, &end);
      if (*end || co->emu.timeout_s <= 0) goto bad;
      break;
    default: {
      int r = gb_inputs_option(in, c, optarg);
      if (r == 1) break;
      if (r == 0) fputs("goboot check: see 'goboot check --help'\n", stderr);
      return GB_E_USAGE;
    }
    }
    continue;
  bad:
    fprintf(stderr, "goboot check: bad value '%s'\n", optarg);
    return GB_E_USAGE;
  }
  *path = gb_inputs_positionals(in, argc, argv, "check", check_help);
  return *path ? -1 /* go on */ : GB_E_USAGE;
}

/* --native: the kernel's view. Mimic-host stack, execfn = the path execve gets, as
 * many CPUs as this process may use. */
static int native_setup(gb_inputs *in, check_opts *co, const char *path) {
  if (in->execfn && strcmp(in->execfn, path)) {
    fprintf(stderr, "goboot check: --native: --execfn must be the path itself (execve sets it)\n");
    return GB_E_USAGE;
  }
  if (in->raw_set || in->no_at_null || in->nedits || in->stack_top) {
    fprintf(stderr, "goboot check: --native: the kernel builds the auxv; no --auxv, --auxv-raw, "
                    "--no-at-null or --stack-top\n");
    return GB_E_USAGE;
  }
  in->mimic_host = 1;
  in->execfn = path;
  if (!co->ncpu_set) {
    cpu_set_t set;
    co->ncpu = sched_getaffinity(0, sizeof set, &set) ? 1 : CPU_COUNT(&set);
    if (co->ncpu > 64) co->ncpu = 64;
  }
  return -1;
}

static char *show(const cJSON *v) {
  if (!v) return strdup("-");
  if (cJSON_IsString(v)) return strdup(v->valuestring);
  return cJSON_PrintUnformatted(v);
}

/* The comparison as a table: one row per field, the verdict last. */
static void print_text(const char *title, const gb_check_result *r) {
  printf("== %s\n", title);
  if (r->native) printf("%-22s %-20s %-20s %-20s %s\n", "field", "emulated", "oracle", "native", "verdict");
  else printf("%-22s %-24s %-24s %s\n", "field", "emulated", "oracle", "verdict");
  const cJSON *row;
  cJSON_ArrayForEach(row, r->fields) {
    int ek = cJSON_IsTrue(cJSON_GetObjectItem(row, "emulated_known"));
    int ok = cJSON_IsTrue(cJSON_GetObjectItem(row, "oracle_known"));
    char *e = ek ? show(cJSON_GetObjectItem(row, "emulated")) : strdup("-");
    char *o = ok ? show(cJSON_GetObjectItem(row, "oracle")) : strdup("-");
    const char *f = cJSON_GetObjectItem(row, "field")->valuestring;
    const char *v = cJSON_GetObjectItem(row, "verdict")->valuestring;
    if (r->native) {
      char *n = show(cJSON_GetObjectItem(r->native, f));
      printf("%-22s %-20s %-20s %-20s %s\n", f, e, o, n, v);
      free(n);
    } else {
      printf("%-22s %-24s %-24s %s\n", f, e, o, v);
    }
    free(e), free(o);
  }
  printf("%s: %d field(s) disagree\n", r->disagreements ? "DISAGREE" : "AGREE", r->disagreements);
}

static void print_json(const gb_check_result *r, const char *binary, const char *kind) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "binary", binary);
  cJSON_AddStringToObject(o, "kind", kind);
  cJSON_AddStringToObject(o, "profile", r->profile);
  cJSON_AddBoolToObject(o, "agree", r->disagreements == 0);
  cJSON_AddNumberToObject(o, "disagreements", r->disagreements);
  cJSON_AddItemToObject(o, "fields", cJSON_Duplicate(r->fields, 1));
  cJSON_AddItemToObject(o, "emulated", cJSON_Duplicate(r->emulated, 1));
  cJSON_AddItemToObject(o, "oracle", cJSON_Duplicate(r->oracle, 1));
  if (r->native) cJSON_AddItemToObject(o, "native", cJSON_Duplicate(r->native, 1));
  char *s = cJSON_Print(o);
  if (s) puts(s);
  free(s);
  cJSON_Delete(o);
}

/* What each way check can stop short means as an exit code. */
static int exit_code(gb_check_status s) {
  switch (s) {
  case GB_CHECK_COMPARED: return GB_OK;
  case GB_CHECK_NO_PROFILE: return GB_E_UNSUPPORTED;
  case GB_CHECK_NO_MACHINE: return GB_E_EMULATOR;
  case GB_CHECK_NO_SIDE: return GB_E_DIFFER;
  }
  return GB_E_EMULATOR;
}

static int check(gb_inputs *in, check_opts *co, const char *path) {
  gb_image img;
  char err[512];
  gb_status s = gb_image_load(&img, path, err, sizeof err);
  if (s != GB_OK) {
    fprintf(stderr, "goboot check: %s\n", err);
    return (int)s;
  }
  int rc = GB_E_UNSUPPORTED;
  gb_stack st;
  memset(&st, 0, sizeof st);
  gb_check_kind kind;
  if (gb_check_classify(&img, &kind, err, sizeof err)) {
    fprintf(stderr, "goboot check: %s\n", err);
    goto out;
  }
  int rtc = kind == GB_CHECK_RTC;
  if (co->native && !rtc) {
    fprintf(stderr, "goboot check: --native runs goboot-rtc only (a Go binary is never run on the host)\n");
    rc = GB_E_USAGE;
    goto out;
  }
  if (co->native && (rc = native_setup(in, co, path)) >= 0) goto out;
  if (!in->vdso_set && !co->native) gb_inputs_option(in, GB_OPT_VDSO, "0"); /* as run */
  if (gb_inputs_build(in, &img, &st, err, sizeof err)) {
    fprintf(stderr, "goboot check: %s\n", err);
    rc = GB_E_USAGE;
    goto out;
  }
  gb_check_opts o = {co->emu, co->ncpu, in->seed, in->auxenv.vdso_base, co->native,
                     in->argv_built, in->envs};
  gb_check_result r;
  gb_check_status cs = gb_check_run(&img, kind, &st, &o, &r, err, sizeof err);
  if (cs != GB_CHECK_COMPARED) {
    fprintf(stderr, "goboot check: %s\n", err);
    rc = exit_code(cs);
    goto out;
  }
  if (co->json) {
    print_json(&r, path, gb_check_kind_name(kind));
  } else {
    char title[600];
    snprintf(title, sizeof title, "%s (%s, oracle profile %s)%s", path, rtc ? "goboot-rtc" : img.go_version,
             r.profile, co->native ? (r.norandom ? ", native with ASLR off" : ", native with ASLR ON") : "");
    print_text(title, &r);
  }
  rc = r.disagreements ? GB_E_DIFFER : GB_OK;
  gb_check_result_free(&r);
out:
  gb_stack_free(&st);
  gb_image_free(&img);
  return rc;
}

int cmd_check(int argc, char **argv) {
  gb_inputs *in = malloc(sizeof *in);
  if (!in) return GB_E_NOMEM;
  gb_inputs_init(in);
  check_opts co;
  memset(&co, 0, sizeof co);
  gb_emu_opts_default(&co.emu);
  co.ncpu = 1;
  const char *path = NULL;
  int rc = parse_args(argc, argv, in, &co, &path);
  if (rc < 0) rc = check(in, &co, path);
  free(in);
  return rc;
}
