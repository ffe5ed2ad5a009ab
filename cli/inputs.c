/* inputs.c — the guest's inputs shared by every command that builds a stack.
 *
 * Implements inputs.h: option values are checked when they are parsed (so a typo is
 * reported before any work), kept as given, and turned into a gb_stack_spec only in
 * gb_inputs_build(), where auxv edits apply in command-line order on top of the
 * default (or mimic-host) vector. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostauxv.h"
#include "inputs.h"
#include "linux.h"

void gb_inputs_init(gb_inputs *in) {
  memset(in, 0, sizeof *in);
  in->seed = 1; /* documented default: the same AT_RANDOM bytes on every run */
}

static int parse_u64(const char *s, uint64_t *v) {
  char *end;
  if (!s || !*s || *s == '-') return -1;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 0);
  if (errno || *end) return -1;
  *v = x;
  return 0;
}

static int push(const char **list, int *n, const char *s, const char *what) {
  if (*n >= GB_INPUTS_MAX) {
    fprintf(stderr, "goboot: too many %s (at most %d)\n", what, GB_INPUTS_MAX);
    return -1;
  }
  list[(*n)++] = s;
  return 1;
}

int gb_inputs_option(gb_inputs *in, int opt, const char *arg) {
  char err[256];
  uint64_t v;
  switch (opt) {
  case GB_OPT_ARG: return push(in->args, &in->nargs, arg, "--arg options");
  case GB_OPT_ENV:
    /* The kernel takes any string; K=V is only the convention. */
    return push(in->envs, &in->nenvs, arg, "--env options");
  case GB_OPT_ENV_HOST: { /* the environ entry itself: it lives as long as goboot */
    extern char **environ;
    size_t n = strlen(arg);
    for (char **e = environ; n && !strchr(arg, '=') && *e; e++)
      if (!strncmp(*e, arg, n) && (*e)[n] == '=') return push(in->envs, &in->nenvs, *e, "--env options");
    fprintf(stderr, "goboot: --env-host %s: not set in goboot's environment\n", arg);
    return -1;
  }
  case GB_OPT_AUXV:
    if (gb_auxv_edit(NULL, arg, err, sizeof err)) {
      fprintf(stderr, "goboot: %s\n", err);
      return -1;
    }
    return push(in->auxv_edits, &in->nedits, arg, "--auxv options");
  case GB_OPT_SEED:
    if (parse_u64(arg, &in->seed)) {
      fprintf(stderr, "goboot: bad --seed '%s': expected an unsigned 64-bit number\n", arg);
      return -1;
    }
    return 1;
  case GB_OPT_EXECFN: in->execfn = arg; return 1;
  case GB_OPT_ARGV0: in->argv0 = arg; return 1;
  case GB_OPT_MIMIC_HOST: in->mimic_host = 1; return 1;
  case GB_OPT_STACK_TOP:
    if (parse_u64(arg, &v) || (v & 4095) || v > GB_USER_TOP || v < (16u << 20)) {
      fprintf(stderr,
              "goboot: bad --stack-top '%s': expected a page-aligned address between "
              "0x1000000 and 0x%llx\n", arg, (unsigned long long)GB_USER_TOP);
      return -1;
    }
    in->stack_top = v;
    return 1;
  case GB_OPT_VDSO:
    if (parse_u64(arg, &v) || (v & 4095)) {
      fprintf(stderr, "goboot: bad --vdso '%s': expected a page-aligned address (0 = none)\n",
              arg);
      return -1;
    }
    in->vdso_base = v;
    in->vdso_set = 1;
    return 1;
  case GB_OPT_AUXV_RAW: {
    /* Comma-separated words; "" is an auxv area with no word at all. */
    in->nraw = 0;
    in->raw_set = 1;
    for (const char *p = arg; p && *p;) {
      char word[32];
      const char *comma = strchr(p, ',');
      size_t n = comma ? (size_t)(comma - p) : strlen(p);
      if (n == 0 || n >= sizeof word || in->nraw >= GB_INPUTS_MAX) {
        fprintf(stderr, "goboot: bad --auxv-raw '%s': expected up to %d comma-separated words\n",
                arg, GB_INPUTS_MAX);
        return -1;
      }
      memcpy(word, p, n);
      word[n] = 0;
      if (parse_u64(word, &in->raw[in->nraw++])) {
        fprintf(stderr, "goboot: bad --auxv-raw word '%s'\n", word);
        return -1;
      }
      p = comma ? comma + 1 : NULL;
    }
    return 1;
  }
  case GB_OPT_NO_AT_NULL: in->no_at_null = 1; return 1;
  default: return 0;
  }
}

int gb_inputs_add_arg(gb_inputs *in, const char *arg) {
  return push(in->args, &in->nargs, arg, "guest arguments") < 0 ? -1 : 0;
}

int gb_inputs_build(gb_inputs *in, const gb_image *img, gb_stack *out, char *err, size_t errlen) {
  gb_stack_spec *spec = &in->spec;
  memset(spec, 0, sizeof *spec);
  memset(out, 0, sizeof *out);

  int n = 0;
  in->argv_built[n++] = in->argv0 ? in->argv0 : img->path;
  for (int i = 0; i < in->nargs; i++) in->argv_built[n++] = in->args[i];
  spec->argv = in->argv_built;
  spec->argc = n;
  spec->envp = in->envs;
  spec->envc = in->nenvs;
  spec->execfn = in->execfn; /* NULL → argv[0], as when a shell runs the path it was given */
  spec->stack_top = in->stack_top;
  gb_random_from_seed(in->seed, spec->random);

  if (in->mimic_host) {
    uint64_t host[512];
    size_t nw;
    if (gb_auxv_env_from_host(&in->auxenv) ||
        gb_host_auxv_read(host, sizeof host / sizeof host[0], &nw)) {
      snprintf(err, errlen, "--mimic-host: cannot read /proc/self/auxv: %s", strerror(errno));
      return -1;
    }
    /* The host's vDSO address is kept (that is what this kernel would announce); a
     * command that cannot map a vDSO there must pass --vdso 0 or drop the entry. */
    if (in->vdso_set) in->auxenv.vdso_base = in->vdso_base;
    gb_auxv_defaults_host(spec, img, &in->auxenv, host, nw);
    /* The host lists AT_SYSINFO_EHDR only if it has a vDSO; --vdso can still add one. */
    if (in->auxenv.vdso_base && (spec->nauxv == 0 || spec->auxv[0].tag != AT_SYSINFO_EHDR_LINUX) &&
        spec->nauxv < GB_AUXV_MAX) {
      memmove(&spec->auxv[1], &spec->auxv[0], (size_t)spec->nauxv * sizeof spec->auxv[0]);
      spec->auxv[0] = (gb_auxv_ent){AT_SYSINFO_EHDR_LINUX, in->auxenv.vdso_base, 0};
      spec->nauxv++;
    }
  } else {
    gb_auxv_env_default(&in->auxenv);
    if (in->vdso_set) in->auxenv.vdso_base = in->vdso_base;
    gb_auxv_defaults(spec, img, &in->auxenv);
  }
  for (int i = 0; i < in->nedits; i++)
    if (gb_auxv_edit(spec, in->auxv_edits[i], err, errlen)) return -1;
  spec->no_at_null = in->no_at_null;
  if (in->raw_set) spec->raw_words = in->raw, spec->nraw = (size_t)in->nraw;
  return gb_stack_build(spec, out, err, errlen);
}

const char *gb_inputs_positionals(gb_inputs *in, int argc, char **argv, const char *who,
                                  const char *help) {
  if (optind >= argc) {
    fprintf(stderr, "goboot %s: missing BINARY\n\n%s", who, help ? help : "");
    return NULL;
  }
  const char *path = argv[optind++];
  for (; optind < argc; optind++)
    if (gb_inputs_add_arg(in, argv[optind])) return NULL;
  return path;
}
