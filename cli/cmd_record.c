/* cmd_record.c — `goboot record [run options] BINARY -o FILE [-- args]`: boot a Go
 * binary like `run` and keep everything needed to do it again: the binary's sha256,
 * every input (argv, envp, execfn, seed, stack top, and the final auxv words, so a
 * --mimic-host recording replays on any host), the limits, goboot's and Unicorn's
 * versions, the stack image's sha256 and the full trace. Also the shared run-from-options
 * step that `golden` uses (gb_record_run, commands.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "commands.h"
#include "emu.h"
#include "image.h"
#include "inputs.h"
#include "mounts.h"
#include "runopts.h"
#include "sha256.h"

enum { OPT_QUIET = 0x2000 };

static const char record_help[] =
  "usage: goboot record [options] BINARY -o FILE [-- guest args...]\n\n"
  "Boot BINARY as 'goboot run' does and write a recording: the binary's sha256, every\n"
  "guest input (argv, envp, execfn, seed, stack top and the final auxv words, so a\n"
  "--mimic-host recording replays on any machine), the limits, the goboot and Unicorn\n"
  "versions, the stack image's sha256 and the full trace. 'goboot replay FILE' runs it\n"
  "again and checks every event. Guest output is not echoed.\n\n"
  "Guest inputs:\n" GB_INPUTS_HELP
  "\nRun options (as for 'goboot run'):\n" GB_RUN_HELP
  "\nRecord options:\n"
  "  -o, --output FILE  where to write the recording (required)\n"
  "  --quiet            no summary line on stderr\n\n"
  "Exit code: 0 when the recording was written (whatever the guest did), 64 bad command\n"
  "line, 65 I/O, 66-78 as for 'goboot run' when nothing could run.\n";

static cJSON *hex(uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return cJSON_CreateString(b);
}

static cJSON *strings(const char *const *s, int n) {
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; a && i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(s[i]));
  return a;
}

void gb_stack_sha256(const gb_stack *st, char out[65]) {
  gb_sha256_hex(st->bytes, st->size, out);
}

/* KEY: BYTES[0..N) as lowercase hex; 0 or -1 (out of memory). */
static int add_hex(cJSON *obj, const char *key, const unsigned char *bytes, size_t n) {
  static const char hexd[] = "0123456789abcdef";
  char *h = malloc(2 * n + 1);
  if (!h) return -1;
  for (size_t i = 0; i < n; i++) {
    h[2 * i] = hexd[bytes[i] >> 4];
    h[2 * i + 1] = hexd[bytes[i] & 15];
  }
  h[2 * n] = 0;
  cJSON *s = cJSON_AddStringToObject(obj, key, h);
  free(h);
  return s ? 0 : -1;
}

cJSON *gb_recording_new(const gb_image *img, const gb_stack *st, const gb_stack_spec *spec,
                        int mimic_host, const gb_emu_opts *o, cJSON *trace, int exit_code) {
  cJSON *r = cJSON_CreateObject();
  if (!r) return NULL;
  char b[80];
  cJSON_AddStringToObject(r, "format", GB_RECORDING_FORMAT);
  cJSON_AddStringToObject(r, "goboot_version", GOBOOT_VERSION);
  gb_emu_unicorn_version(b, sizeof b);
  cJSON_AddStringToObject(r, "unicorn_version", b);
  cJSON *bin = cJSON_AddObjectToObject(r, "binary");
  cJSON_AddStringToObject(bin, "path", img->path ? img->path : "");
  cJSON_AddStringToObject(bin, "sha256", img->sha256);
  cJSON_AddStringToObject(bin, "go_version", img->go_version);
  cJSON *in = cJSON_AddObjectToObject(r, "inputs");
  cJSON_AddItemToObject(in, "argv", strings(spec->argv, spec->argc));
  cJSON_AddItemToObject(in, "envp", strings(spec->envp, spec->envc));
  if (spec->execfn) cJSON_AddStringToObject(in, "execfn", spec->execfn);
  else cJSON_AddNullToObject(in, "execfn");
  cJSON_AddItemToObject(in, "seed", hex(o->seed));
  cJSON_AddItemToObject(in, "stack_top", hex(st->top));
  cJSON_AddBoolToObject(in, "mimic_host", mimic_host);
  cJSON *words = cJSON_AddArrayToObject(in, "auxv_words");
  for (uint64_t a = st->auxv_addr; words && a + 8 <= st->auxv_end; a += 8) {
    uint64_t w;
    memcpy(&w, st->bytes + (a - st->base), 8);
    cJSON_AddItemToArray(words, hex(w));
  }
  cJSON_AddItemToObject(in, "rsp", hex(st->rsp));
  char sha[65];
  gb_stack_sha256(st, sha);
  cJSON_AddStringToObject(in, "stack_sha256", sha);
  cJSON *lim = cJSON_AddObjectToObject(r, "limits");
  if (o->until) cJSON_AddStringToObject(lim, "until", o->until);
  else cJSON_AddNullToObject(lim, "until");
  cJSON_AddItemToObject(lim, "max_insns", hex(o->max_insns));
  cJSON_AddItemToObject(lim, "max_mem", hex(o->max_mem));
  cJSON_AddNumberToObject(lim, "timeout_s", o->timeout_s);
  cJSON_AddNumberToObject(lim, "quantum", o->quantum);
  cJSON_AddNumberToObject(lim, "ncpu", o->ncpu);
  cJSON_AddBoolToObject(lim, "tls_all", o->tls_all);
  cJSON_AddBoolToObject(lim, "exact_insns", o->exact_insns);
  if (o->max_procs) cJSON_AddNumberToObject(lim, "max_procs", o->max_procs);
  if (o->no_preempt) cJSON_AddBoolToObject(lim, "no_preempt", 1);
  cJSON *vfs = cJSON_AddObjectToObject(r, "vfs");
  cJSON_AddNumberToObject(vfs, "cgroup_version", o->vfs.cgroup_version);
  cJSON_AddNumberToObject(vfs, "cpu_quota_us", (double)o->vfs.cpu_quota_us);
  cJSON_AddNumberToObject(vfs, "cpu_period_us", (double)o->vfs.cpu_period_us);
  cJSON_AddBoolToObject(vfs, "mountinfo", o->vfs.mountinfo);
  if (o->vfs.max_fs) cJSON_AddItemToObject(vfs, "max_fs", hex(o->vfs.max_fs));
  if (o->vfs.cwd) cJSON_AddStringToObject(vfs, "cwd", o->vfs.cwd);
  if (o->stdin_log && o->stdin_log->len && /* what the guest read from fd 0 */
      add_hex(in, "stdin_hex", o->stdin_log->data, o->stdin_log->len) < 0) {
    cJSON_Delete(r);
    return NULL;
  }
  if (o->nmounts) { /* what the guest read of the --mounts, byte for byte (a file it
                     * never opened: only its size): replay needs no host file */
    cJSON *ms = cJSON_AddArrayToObject(in, "mounts");
    for (int i = 0; i < o->nmounts; i++) {
      const gb_mount_ent *e = &o->mounts[i];
      cJSON *j = cJSON_CreateObject();
      cJSON_AddItemToArray(ms, j);
      cJSON_AddStringToObject(j, "path", e->path);
      cJSON_AddNumberToObject(j, "type", e->type);
      cJSON_AddNumberToObject(j, "mode", e->mode);
      if (e->lazy && !e->data) {
        cJSON_AddItemToObject(j, "size", hex(e->size));
        continue;
      }
      if (add_hex(j, "hex", e->data, e->len) < 0) {
        cJSON_Delete(r);
        return NULL;
      }
    }
  }
  cJSON_AddNumberToObject(r, "exit_code", exit_code);
  cJSON_AddItemToObject(r, "trace", trace);
  return r;
}

int gb_record_run(int argc, char **argv, const char *who, const char **out_path, int *quiet,
                  cJSON **rec) {
  static const struct option longopts[] = {
    GB_INPUT_LONGOPTS,
    GB_RUN_LONGOPTS,
    {"output", required_argument, 0, 'o'},
    {"quiet", no_argument, 0, OPT_QUIET},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
  };
  *rec = NULL;
  gb_inputs *in = malloc(sizeof *in);
  if (!in) return GB_E_NOMEM;
  gb_inputs_init(in);
  gb_emu_opts o;
  gb_emu_opts_default(&o);
  gb_runopts_stdin_default(&o);
  o.echo = 0;
  o.trace_keep = 1; /* the recording holds every event */
  int c, rc;
  optind = 1;
  opterr = 1;
  while ((c = getopt_long(argc, argv, out_path ? "ho:" : "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h': fputs(record_help, stdout); free(in); return -1;
    case 'o':
      if (!out_path) goto usage;
      *out_path = optarg;
      continue;
    case OPT_QUIET:
      if (!quiet) goto usage;
      *quiet = 1;
      continue;
    }
    rc = gb_runopts_option(&o, c, optarg, who);
    if (rc == 0) rc = gb_inputs_option(in, c, optarg);
    if (rc != 1) goto usage;
  }
  if (out_path && !*out_path) {
    fprintf(stderr, "goboot %s: missing -o FILE\n", who);
    goto usage;
  }
  const char *path = gb_inputs_positionals(in, argc, argv, who, NULL);
  if (!path) goto usage;
  o.seed = in->seed;
  gb_image img;
  gb_stack st;
  if ((rc = gb_guest_prepare(who, path, in, &img, &st)) != 0) {
    free(in);
    return rc;
  }
  gb_emu_result res;
  gb_stdin_log stdin_log = {NULL, 0};
  o.stdin_log = &stdin_log;
  gb_runopts_host_signals(&o);
  int er = gb_emu_run(&img, &st, &o, &res);
  o.stdin_log = er < 0 ? NULL : &stdin_log;
  if (er < 0) {
    fprintf(stderr, "goboot %s: %s\n", who, res.message);
    rc = er == -2 ? GB_E_USAGE : GB_E_EMULATOR;
  } else {
    rc = gb_stop_exit_code(res.stop, res.exit_code);
    *rec = gb_recording_new(&img, &st, &in->spec, in->mimic_host, &o, res.trace, rc);
    if (*rec) res.trace = NULL; /* now owned by the recording */
    else rc = GB_E_NOMEM;
  }
  gb_emu_result_free(&res);
  free(stdin_log.data);
  gb_mounts_free(&o);
  gb_stack_free(&st);
  gb_image_free(&img);
  free(in);
  return rc;
usage:
  fprintf(stderr, "goboot %s: see 'goboot %s --help'\n", who, who);
  free(in);
  return GB_E_USAGE;
}

int cmd_record(int argc, char **argv) {
  const char *out = NULL;
  int quiet = 0;
  cJSON *rec = NULL;
  int rc = gb_record_run(argc, argv, "record", &out, &quiet, &rec);
  if (rc == -1) return GB_OK; /* --help */
  if (!rec) return rc;
  int code = GB_OK;
  if (!out) {
    fprintf(stderr, "goboot record: missing -o FILE\n");
    code = GB_E_USAGE;
  } else if (gb_an_write(out, rec)) {
    fprintf(stderr, "goboot record: cannot write %s: %s\n", out, strerror(errno));
    code = GB_E_IO;
  } else if (!quiet) {
    const cJSON *t = cJSON_GetObjectItem(rec, "trace");
    const cJSON *stop = cJSON_GetObjectItem(t, "stop");
    const cJSON *reason = cJSON_GetObjectItem(stop, "reason");
    fprintf(stderr, "goboot record: %d events, stopped: %s (exit code %d) -> %s\n",
            cJSON_GetArraySize(cJSON_GetObjectItem(t, "events")),
            cJSON_IsString(reason) ? reason->valuestring : "?", rc, out);
  }
  cJSON_Delete(rec);
  return code;
}
