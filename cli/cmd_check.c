/* cmd_check.c — `goboot check BINARY [inputs] [--json] [-- args]`: the emulated boot
 * against the runtime-c oracle, field by field.
 *
 * A Go binary: the stack is built exactly as `run` builds it; the oracle predicts the
 * boot state for that stack image with the emulator's own answers (check_oracle.c) and
 * the Go version's profile; the emulator then runs to runtime.main, or to the end when
 * the oracle predicts a fatal error or a fault, and its boot state, stderr and syscalls
 * give the emulated side (check_emu.c). goboot-rtc (runtime-c's static non-Go program):
 * it runs to its exit under the emulator and the report it prints is the emulated side;
 * with --native it also runs on the real kernel (check_native.c). Exit 0 only when every
 * field both sides know agrees; 1 when one does not. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "commands.h"
#include "inputs.h"

enum { OPT_JSON = 0x2000, OPT_NATIVE, OPT_NCPU, OPT_MAX_INSNS, OPT_TIMEOUT, OPT_VDSO_CHECK };

#define CHECK_DISAGREE 1
#define CHECK_CANNOT 84

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
    case 'h': fputs(check_help, stdout); return 0;
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

static int emit_text(const gb_check_cols *cols) {
  cJSON *table;
  int bad = gb_check_compare(cols, &table);
  gb_check_print(cols, table, bad);
  cJSON_Delete(table);
  return bad;
}

static int emit_json(const gb_check_cols *cols, const char *binary, const char *profile,
                     const char *kind) {
  cJSON *table;
  int bad = gb_check_compare(cols, &table);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "binary", binary);
  cJSON_AddStringToObject(o, "kind", kind);
  cJSON_AddStringToObject(o, "profile", profile);
  cJSON_AddBoolToObject(o, "agree", bad == 0);
  cJSON_AddNumberToObject(o, "disagreements", bad);
  cJSON_AddItemToObject(o, "fields", table);
  cJSON_AddItemToObject(o, "emulated", cJSON_Duplicate(cols->emulated, 1));
  cJSON_AddItemToObject(o, "oracle", cJSON_Duplicate(cols->oracle, 1));
  if (cols->native) cJSON_AddItemToObject(o, "native", cJSON_Duplicate(cols->native, 1));
  char *s = cJSON_Print(o);
  if (s) puts(s);
  free(s);
  cJSON_Delete(o);
  return bad;
}

/* A cgo binary: runtime.iscgo is initialised true in the file (runtime/cgo sets it), or,
 * without symbols, a PT_TLS segment (only external linking, which cgo implies, has one).
 * rt0_go then calls _cgo_init instead of settls, libc owns FS and g0's bounds come from
 * the pthread stack: the oracle models the non-cgo path only. */
static int is_cgo(const gb_image *img) {
  const gb_sym *s = gb_sym_find(img, "runtime.iscgo");
  size_t avail = 0;
  const unsigned char *p = s ? gb_image_ptr(img, s->addr, &avail) : NULL;
  if (p && avail >= 1) return p[0] != 0;
  return img->has_tls;
}

/* The CPU model the trace header names must be the one the oracle was told about. */
static int header_cpu_ok(const cJSON *trace, char *err, size_t errlen) {
  const cJSON *h = cJSON_GetObjectItem(trace, "header");
  const cJSON *model = cJSON_GetObjectItem(h, "cpu_model"), *vendor = cJSON_GetObjectItem(h, "cpu_vendor");
  if (cJSON_IsString(model) && !strcmp(model->valuestring, "Haswell") && cJSON_IsString(vendor) &&
      !strcmp(vendor->valuestring, "GenuineIntel"))
    return 1;
  snprintf(err, errlen, "the emulator's CPU (%s, %s) is not the Haswell the oracle was given",
           cJSON_IsString(model) ? model->valuestring : "?", cJSON_IsString(vendor) ? vendor->valuestring : "?");
  return 0;
}

static int check(gb_inputs *in, check_opts *co, const char *path) {
  gb_image img;
  char err[512];
  gb_status s = gb_image_load(&img, path, err, sizeof err);
  if (s != GB_OK) {
    fprintf(stderr, "goboot check: %s\n", err);
    return (int)s;
  }
  int rtc = gb_check_is_rtc(&img), rc = CHECK_CANNOT;
  gb_stack st;
  memset(&st, 0, sizeof st);
  cJSON *emu = NULL, *ora = NULL, *nat = NULL;
  gb_emu_result res;
  memset(&res, 0, sizeof res);
  static gb_oracle_in oin;
  gb_check_answers ans;
  gb_oracle_state pred;
  char profile[32];
  int norandom = 1;

  if (!img.is_go && !rtc) {
    fprintf(stderr, "goboot check: %s is neither a Go binary nor goboot-rtc (%s)\n", path,
            img.note[0] ? img.note : "no Go pclntab");
    goto out;
  }
  if (img.is_go && is_cgo(&img)) {
    fprintf(stderr, "goboot check: %s is a cgo binary: rt0_go calls _cgo_init and libc sets FS and "
                    "g0's stack; the oracle models the non-cgo boot only ('goboot run' boots it)\n", path);
    goto out;
  }
  if (co->native && !rtc) {
    fprintf(stderr, "goboot check: --native runs goboot-rtc only (a Go binary is never run on the host)\n");
    rc = GB_E_USAGE;
    goto out;
  }
  if (co->native && (rc = native_setup(in, co, path)) >= 0) goto out;
  rc = CHECK_CANNOT;
  if (!in->vdso_set && !co->native) gb_inputs_option(in, GB_OPT_VDSO, "0"); /* as run */
  if (gb_inputs_build(in, &img, &st, err, sizeof err)) {
    fprintf(stderr, "goboot check: %s\n", err);
    rc = GB_E_USAGE;
    goto out;
  }
  if (rtc) {
    snprintf(profile, sizeof profile, "%s", gb_check_rtc_profile(&st));
  } else if (img.go_minor < 0) {
    fprintf(stderr, "goboot check: %s: unknown Go version; the oracle needs one\n", path);
    goto out;
  } else {
    if (img.go_patch >= 0)
      snprintf(profile, sizeof profile, "%d.%d.%d", img.go_major, img.go_minor, img.go_patch);
    else
      snprintf(profile, sizeof profile, "%d.%d", img.go_major, img.go_minor);
  }
  if (gb_oracle_profile_parse(&oin.prof, profile)) {
    fprintf(stderr, "goboot check: no oracle profile for Go %s (runtime-c covers " GB_GO_KNOWN_RANGE ")\n", profile);
    goto out;
  }
  if (gb_check_oracle_in(&oin, &ans, &img, &st, co->ncpu, in->auxenv.vdso_base, rtc, err, sizeof err) ||
      gb_oracle_run(&oin, &pred) != GB_ORACLE_OK) {
    fprintf(stderr, "goboot check: oracle: %s\n", err);
    rc = 86;
    goto out;
  }
  ora = gb_check_side_from_state(&pred);

  co->emu.ncpu = co->ncpu;
  co->emu.seed = in->seed;
  co->emu.echo = 0;
  /* Go: stop at runtime.main unless the oracle says the boot never gets there. */
  co->emu.until = rtc || pred.fatal[0] || (pred.have & GB_F_FAULT) ? NULL : "runtime.main";
  int er = gb_emu_run(&img, &st, &co->emu, &res);
  if (er < 0) {
    fprintf(stderr, "goboot check: %s\n", res.message);
    rc = 86;
    goto out;
  }
  if (!header_cpu_ok(res.trace, err, sizeof err)) {
    fprintf(stderr, "goboot check: %s\n", err);
    rc = 86;
    goto out;
  }
  emu = rtc ? gb_check_side_from_rtc(&res, err, sizeof err) : gb_check_side_from_trace(&res);
  if (!emu) {
    fprintf(stderr, "goboot check: %s\n", err);
    rc = CHECK_DISAGREE;
    goto out;
  }
  if (co->native) {
    nat = gb_check_native(img.path, in->argv_built, in->envs, &norandom,
                          err, sizeof err);
    if (!nat) {
      fprintf(stderr, "goboot check: %s\n", err);
      rc = CHECK_DISAGREE;
      goto out;
    }
  }
  char title[600];
  snprintf(title, sizeof title, "%s (%s, oracle profile %s)%s", path, rtc ? "goboot-rtc" : img.go_version,
           profile, co->native ? (norandom ? ", native with ASLR off" : ", native with ASLR ON") : "");
  int minor = 0;
  sscanf(profile, "%*d.%d", &minor);
  gb_check_cols cols = {title, emu, ora, nat, rtc, minor, norandom};
  int bad = co->json ? emit_json(&cols, path, profile, rtc ? "goboot-rtc" : "go")
                     : emit_text(&cols);
  rc = bad ? CHECK_DISAGREE : 0;
out:
  cJSON_Delete(emu), cJSON_Delete(ora), cJSON_Delete(nat);
  if (res.trace) gb_emu_result_free(&res);
  gb_stack_free(&st);
  gb_image_free(&img);
  return rc;
}

int cmd_check(int argc, char **argv) {
  gb_inputs *in = malloc(sizeof *in);
  if (!in) return 78;
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
