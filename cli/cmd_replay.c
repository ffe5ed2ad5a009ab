/* cmd_replay.c — `goboot replay FILE [--binary PATH] [--force]`: run a recording again
 * from its stored inputs (the auxv is given word for word, so a --mimic-host recording
 * replays on any host) and check the new trace event by event against the recorded one.
 * Refuses when the binary's sha256 or the goboot/Unicorn versions differ (--force runs
 * anyway). On divergence prints the first differing event with context and exits 1. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "commands.h"
#include "emu.h"
#include "image.h"
#include "linux.h"
#include "stack.h"

static const char replay_help[] =
  "usage: goboot replay FILE [--binary PATH] [--force] [--context N] [--quiet]\n\n"
  "Re-run the recording FILE (made by 'goboot record') and verify the new trace event by\n"
  "event: on the first difference, print the event index, pc/symbol (or the milestone it\n"
  "follows), the recorded and replayed events field by field, and the events before it.\n\n"
  "  --binary PATH   the binary to run (default: the path stored in the recording)\n"
  "  --force         run even if the binary's sha256 or the goboot/Unicorn versions differ\n"
  "  --context N     events shown before the divergence (default 3)\n"
  "  --quiet         print nothing when the replay matches\n\n"
  "Exit code: 0 identical, 1 divergence, 2 refused (binary or versions differ), 64 bad\n"
  "command line, 65 cannot read, 66-78 invalid ELF / no memory, 86 emulator error.\n";

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}
/* A number stored as "0x…" or as a JSON number. */
static int u64(const cJSON *o, const char *k, uint64_t *v) {
  const cJSON *x = get(o, k);
  if (cJSON_IsNumber(x)) {
    *v = (uint64_t)x->valuedouble;
    return 0;
  }
  if (!cJSON_IsString(x)) return -1;
  char *end;
  *v = strtoull(x->valuestring, &end, 0);
  return *end ? -1 : 0;
}

/* The string array K of O as a NULL-ended vector pointing into O. */
static const char **strvec(const cJSON *o, const char *k, int *n) {
  const cJSON *a = get(o, k), *e;
  *n = cJSON_GetArraySize(a);
  const char **v = calloc((size_t)*n + 1, sizeof *v);
  int i = 0;
  if (v)
    cJSON_ArrayForEach(e, a) v[i++] = cJSON_IsString(e) ? e->valuestring : "";
  return v;
}

typedef struct replay {
  const cJSON *rec, *in, *lim, *vfs;
  gb_stack_spec spec;
  const char **argv, **envp;
  uint64_t *words;
  gb_emu_opts o;
  unsigned char *stdin_bytes; /* owned */
  gb_mount_ent *mounts; int nmounts; /* owned */
} replay;

/* A mounted file the recorded run never opened: the recording has only its size, so a
 * replay that opens it has left the recorded run. */
static int unread_mount(void *ctx, int i, const unsigned char **data, size_t *len) {
  const replay *r = ctx;
  const gb_mount_ent *e = &r->mounts[i];
  *data = e->data;
  *len = e->len;
  if (!e->size) return 0;
  fprintf(stderr, "goboot replay: the recording lacks the bytes of the mounted file %s "
          "(the recorded run never opened it): the replay has diverged\n", e->path);
  return -EIO_LINUX;
}

static int hexval(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* HEX → *OUT (malloc'ed) and *N; -1 if it is not hex. */
static int unhex(const char *hex, unsigned char **out, size_t *n) {
  size_t k = strlen(hex) / 2;
  unsigned char *b = malloc(k ? k : 1);
  if (!b || strlen(hex) % 2) {
    free(b);
    return -1;
  }
  for (size_t i = 0; i < k; i++) { /* by hand: sscanf measures the rest of the string each call */
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(b);
      return -1;
    }
    b[i] = (unsigned char)(hi << 4 | lo);
  }
  *out = b;
  *n = k;
  return 0;
}

static int build_spec(replay *r, char *err, size_t errlen) {
  gb_stack_spec *s = &r->spec;
  memset(s, 0, sizeof *s);
  r->argv = strvec(r->in, "argv", &s->argc);
  r->envp = strvec(r->in, "envp", &s->envc);
  const cJSON *words = get(r->in, "auxv_words"), *w;
  size_t nw = (size_t)cJSON_GetArraySize(words), k = 0;
  r->words = calloc(nw + 1, sizeof *r->words);
  if (!r->argv || !r->envp || !r->words) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  cJSON_ArrayForEach(w, words) {
    char *end;
    r->words[k++] = cJSON_IsString(w) ? strtoull(w->valuestring, &end, 0) : 0;
  }
  s->argv = r->argv;
  s->envp = r->envp;
  s->execfn = str(r->in, "execfn");
  s->raw_words = r->words;
  s->nraw = nw;
  uint64_t seed;
  if (u64(r->in, "seed", &seed) || u64(r->in, "stack_top", &s->stack_top) || !nw) {
    snprintf(err, errlen, "the recording's inputs are incomplete (seed, stack_top, auxv_words)");
    return -1;
  }
  gb_random_from_seed(seed, s->random);
  gb_emu_opts_default(&r->o);
  r->o.trace_keep = 1; /* compared event by event with the recorded trace */
  r->o.seed = seed;
  const char *sh = str(r->in, "stdin_hex"); /* the bytes the guest read, fed again */
  if (sh) {
    if (unhex(sh, &r->stdin_bytes, &r->o.stdin_len) < 0) {
      snprintf(err, errlen, "the recording's stdin_hex is not hex");
      return -1;
    }
    r->o.stdin_kind = GB_STDIN_BYTES;
    r->o.stdin_data = r->stdin_bytes;
  }
  const cJSON *ms = get(r->in, "mounts"), *me; /* the --mount copies */
  int nm = cJSON_GetArraySize(ms);
  if (nm > 0) {
    r->mounts = calloc((size_t)nm, sizeof *r->mounts);
    if (!r->mounts) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    cJSON_ArrayForEach(me, ms) {
      gb_mount_ent *e = &r->mounts[r->nmounts++];
      const char *p = str(me, "path"), *h = str(me, "hex");
      uint64_t t = 0, mode = 0, size = 0;
      int lazy = !h && !u64(me, "size", &size); /* a file the run never opened */
      /* types as emu.h's gb_mount_ent says: 1 file, 2 directory, 3 symlink */
      if (!p || p[0] != '/' || (!h && !lazy) || u64(me, "type", &t) || t < 1 || t > 3 ||
          u64(me, "mode", &mode) || mode > 07777 || !(e->path = strdup(p)) ||
          (h && unhex(h, &e->data, &e->len) < 0)) {
        snprintf(err, errlen, "the recording's mounts are malformed");
        return -1;
      }
      e->type = (int)t;
      e->mode = (uint32_t)mode;
      e->size = h ? e->len : size;
      e->lazy = lazy;
    }
    r->o.mounts = r->mounts;
    r->o.nmounts = r->nmounts;
    r->o.mount_read = unread_mount;
    r->o.mount_ctx = r;
  }
  r->o.echo = 0;
  r->o.until = str(r->lim, "until");
  uint64_t v;
  if (!u64(r->lim, "max_insns", &v)) r->o.max_insns = v;
  if (!u64(r->lim, "max_mem", &v)) r->o.max_mem = v;
  if (cJSON_IsNumber(get(r->lim, "timeout_s"))) r->o.timeout_s = get(r->lim, "timeout_s")->valuedouble;
  if (!u64(r->lim, "quantum", &v)) r->o.quantum = (uint32_t)v;
  if (!u64(r->lim, "ncpu", &v)) r->o.ncpu = (int)v;
  r->o.tls_all = cJSON_IsTrue(get(r->lim, "tls_all"));
  r->o.exact_insns = cJSON_IsTrue(get(r->lim, "exact_insns"));
  if (!u64(r->lim, "max_procs", &v) && v >= 1 && v <= 4096) r->o.max_procs = (int)v;
  r->o.no_preempt = cJSON_IsTrue(get(r->lim, "no_preempt"));
  if (!u64(r->vfs, "cgroup_version", &v)) r->o.vfs.cgroup_version = (int)v;
  if (cJSON_IsNumber(get(r->vfs, "cpu_quota_us")))
    r->o.vfs.cpu_quota_us = (int64_t)get(r->vfs, "cpu_quota_us")->valuedouble;
  if (!u64(r->vfs, "cpu_period_us", &v)) r->o.vfs.cpu_period_us = (int64_t)v;
  r->o.vfs.mountinfo = cJSON_IsTrue(get(r->vfs, "mountinfo"));
  if (!u64(r->vfs, "max_fs", &v)) r->o.vfs.max_fs = v;
  r->o.vfs.cwd = str(r->vfs, "cwd"); /* points into the recording, alive for the run */
  return 0;
}

/* Refuse (return 1) unless versions and binary match, or FORCE (then only warn). */
static int refuse(const cJSON *rec, const gb_image *img, int force) {
  char uv[32];
  gb_emu_unicorn_version(uv, sizeof uv);
  const char *rg = str(rec, "goboot_version"), *ru = str(rec, "unicorn_version");
  const char *rs = str(get(rec, "binary"), "sha256");
  int bad = 0;
  const char *what = force ? "warning" : "refusing to replay";
  if (!rg || strcmp(rg, GOBOOT_VERSION)) {
    fprintf(stderr, "goboot replay: %s: recorded with goboot %s, this is goboot %s%s\n", what,
            rg ? rg : "?", GOBOOT_VERSION, force ? "" : " (--force runs it anyway)");
    bad = 1;
  }
  if (!ru || strcmp(ru, uv)) {
    fprintf(stderr, "goboot replay: %s: recorded with Unicorn %s, this is Unicorn %s%s\n", what,
            ru ? ru : "?", uv, force ? "" : " (--force runs it anyway)");
    bad = 1;
  }
  if (!rs || strcmp(rs, img->sha256)) {
    fprintf(stderr,
            "goboot replay: %s: %s is not the recorded binary\n  recorded sha256 %s\n  this     sha256 %s%s\n",
            what, img->path, rs ? rs : "?", img->sha256,
            force ? "" : "\n  (--binary PATH names the right file; --force runs it anyway)");
    bad = 1;
  }
  return bad && !force;
}

int cmd_replay(int argc, char **argv) {
  static const struct option longopts[] = {
    {"binary", required_argument, 0, 'b'},
    {"force", no_argument, 0, 'f'},
    {"context", required_argument, 0, 'c'},
    {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
  };
  const char *binary = NULL;
  int force = 0, quiet = 0, context = 3, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h': fputs(replay_help, stdout); return GB_OK;
    case 'b': binary = optarg; break;
    case 'f': force = 1; break;
    case 'q': quiet = 1; break;
    case 'c': context = atoi(optarg); if (context < 1 || context > 1000) context = 3; break;
    default: fputs("goboot replay: see 'goboot replay --help'\n", stderr); return GB_E_USAGE;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "goboot replay: expected one recording FILE\n\n%s", replay_help);
    return GB_E_USAGE;
  }
  const char *file = argv[optind];
  char err[512];
  cJSON *rec = gb_an_load(file, err, sizeof err);
  if (!rec) {
    fprintf(stderr, "goboot replay: %s\n", err);
    return GB_E_IO;
  }
  const char *fmt = str(rec, "format");
  if (!fmt || strcmp(fmt, GB_RECORDING_FORMAT) || !cJSON_IsObject(get(rec, "trace"))) {
    fprintf(stderr, "goboot replay: %s is not a goboot recording (format %s expected)\n", file,
            GB_RECORDING_FORMAT);
    cJSON_Delete(rec);
    return GB_E_USAGE;
  }
  if (!binary) binary = str(get(rec, "binary"), "path");
  if (!binary) binary = "";
  replay r = {rec, get(rec, "inputs"), get(rec, "limits"), get(rec, "vfs"), {0}, 0, 0, 0, {0}, NULL, NULL, 0};
  int rc = 0;
  gb_image img;
  gb_stack st = {0};
  gb_emu_result res = {0};
  gb_status s = gb_image_load(&img, binary, err, sizeof err);
  if (s != GB_OK) {
    fprintf(stderr, "goboot replay: %s%s\n", err, get(rec, "binary") ? " (--binary PATH names the recorded binary)" : "");
    rc = (int)s;
    goto out_noimg;
  }
  if (refuse(rec, &img, force)) {
    rc = GB_E_REFUSED;
    goto out;
  }
  if (build_spec(&r, err, sizeof err) || gb_stack_build(&r.spec, &st, err, sizeof err)) {
    fprintf(stderr, "goboot replay: %s\n", err);
    rc = GB_E_USAGE;
    goto out;
  }
  int ndiff = 0;
  char sha[65];
  gb_stack_sha256(&st, sha);
  const char *rsha = str(r.in, "stack_sha256");
  if (!rsha || strcmp(rsha, sha)) {
    printf("stack image differs from the recording (sha256 %s recorded, %s now): the stack\n"
           "builder changed\n", rsha ? rsha : "?", sha);
    ndiff++;
  }
  if (gb_emu_run(&img, &st, &r.o, &res) < 0) {
    fprintf(stderr, "goboot replay: %s\n", res.message);
    rc = GB_E_EMULATOR;
    goto out;
  }
  static const char *const ignore_strict[] = {"header.binary", NULL};
  static const char *const ignore_forced[] = {"header.binary", "header.goboot_version",
                                              "header.unicorn_version", NULL};
  gb_cmp_opts co = {force ? ignore_forced : ignore_strict, context, "recorded", "replayed", 0};
  int first = -1;
  const cJSON *rt = get(rec, "trace");
  ndiff += gb_an_compare(rt, res.trace, &co, stdout, &first);
  const cJSON *stop = get(rt, "stop");
  if (ndiff) {
    const cJSON *regs = get(get(res.trace, "stop"), "registers");
    if (regs) {
      char *rs = cJSON_PrintUnformatted(regs);
      printf("replayed run stopped with registers %s\n", rs ? rs : "?");
      free(rs);
    }
    printf("replay of %s: DIVERGED (%d difference%s%s)\n", file, ndiff, ndiff == 1 ? "" : "s",
           first >= 0 ? ", first at the event shown" : "");
    rc = GB_E_DIFFER;
  } else if (!quiet) {
    printf("replay of %s: identical: %d events, boot state, stop (%s) and output\n", file,
           cJSON_GetArraySize(get(rt, "events")), str(stop, "reason") ? str(stop, "reason") : "?");
  }
out:
  gb_emu_result_free(&res);
  gb_stack_free(&st);
  gb_image_free(&img);
out_noimg:
  free(r.stdin_bytes);
  for (int i = 0; i < r.nmounts; i++) free(r.mounts[i].path), free(r.mounts[i].data);
  free(r.mounts);
  free(r.argv);
  free(r.envp);
  free(r.words);
  cJSON_Delete(rec);
  return rc;
}
