/* cmd_stack.c — `goboot stack BINARY ...`: the initial stack goboot would give the
 * binary, drawn from high to low addresses like the classic Linux process-stack
 * diagrams, or as JSON. Reads the built image itself (not the spec), so what is
 * shown is exactly what the guest will find in memory. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "image.h"
#include "inputs.h"

enum { OPT_JSON = 0x2001, OPT_HELP };

static const char stack_help[] =
  "usage: goboot stack BINARY [options] [-- GUEST-ARGS...]\n\n"
  "Show the initial process stack goboot synthesizes for BINARY, as Linux's\n"
  "create_elf_tables builds it on x86-64: strings, platform, random bytes, padding,\n"
  "auxv, envp, argv and argc at the entry RSP, from high to low addresses.\n\n"
  GB_INPUTS_HELP
  "  --vdso ADDR        announce a vDSO at ADDR (AT_SYSINFO_EHDR; default: none)\n"
  "  --json             print JSON (64-bit values as \"0x...\" strings)\n"
  "  -h, --help         this help\n\n"
  "Defaults are fixed and host-independent (uid/gid 1000, hwcap of the emulated\n"
  "Haswell, no vDSO); --mimic-host takes this kernel's tag list and values instead,\n"
  "including its vDSO address (use --vdso 0 to leave it out).\n\n"
  "Examples:\n"
  "  goboot stack ./hello --arg x --env HOME=/root\n"
  "  goboot stack ./hello --auxv AT_PAGESZ=65536 --auxv -AT_RANDOM --auxv +AT_PAGESZ=4096\n"
  "  goboot stack ./hello --mimic-host --json\n";

typedef struct view {
  const gb_image *img;
  const gb_auxv_env *env; /* the values goboot started from */
  const gb_stack *st;
  uint64_t align_addr; /* the 16-aligned point right above the platform string */
} view;

static uint64_t word(const gb_stack *st, uint64_t addr) {
  uint64_t v = 0;
  if (addr < st->base || addr + 8 > st->top) return 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | st->bytes[addr - st->base + (uint64_t)i];
  return v;
}

static const char *str_at(const gb_stack *st, uint64_t addr) {
  return (const char *)st->bytes + (addr - st->base);
}

/* A C-escaped, possibly shortened copy of S for the picture. */
static void quote(char *out, size_t outlen, const char *s, size_t max) {
  size_t o = 0, n = strlen(s);
  out[o++] = '"';
  for (size_t i = 0; i < n && o + 8 < outlen; i++) {
    if (i == max) {
      o += (size_t)snprintf(out + o, outlen - o, "\"... (%zu bytes)", n + 1);
      return;
    }
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') out[o++] = '\\', out[o++] = (char)c;
    else if (c >= 0x20 && c < 0x7f) out[o++] = (char)c;
    else o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
  }
  out[o++] = '"';
  out[o] = 0;
}

static void hex16(char out[33], const unsigned char *b) {
  for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* What a value means, for annotations; "" when nothing known. TAG's kind in the
 * auxv table (auxv.h) decides; argv/envp pointers come with tag AT_NULL (kind END). */
static void describe(const view *v, uint64_t tag, uint64_t val, char *out, size_t outlen) {
  const gb_stack *st = v->st;
  const gb_auxv_tag *t = gb_auxv_tag_of(tag);
  enum gb_auxv_kind kind = t ? t->kind : GB_AUXV_OPAQUE;
  char q[96];
  out[0] = 0;
  if (kind == GB_AUXV_VDSO) {
    snprintf(out, outlen, "-> %s", t->about);
    return;
  }
  if (kind == GB_AUXV_IMAGE_DATA) {
    gb_auxv_ent mine;
    int given = gb_auxv_value(tag, v->img, v->env, &mine);
    snprintf(out, outlen, "-> %s%s", t->about,
             given && mine.val && val == mine.val ? "" : " (not the image's)");
    return;
  }
  if (kind == GB_AUXV_IMAGE_CODE) {
    const gb_sym *s = gb_sym_at(v->img, val);
    snprintf(out, outlen, "-> %s", s && s->addr == val ? s->name : t->about);
    return;
  }
  if (val == 0 || val < st->base || val >= st->top) {
    if (kind == GB_AUXV_NUMBER) snprintf(out, outlen, "(%" PRIu64 ")", val);
    return;
  }
  if (val == st->random_addr) {
    char h[33];
    hex16(h, st->bytes + (st->random_addr - st->base));
    snprintf(out, outlen, "-> random bytes %s", h);
    return;
  }
  if (val == st->platform_addr) {
    quote(q, sizeof q, str_at(st, val), 40);
    snprintf(out, outlen, "-> platform %s", q);
    return;
  }
  if (val == st->execfn_addr) {
    quote(q, sizeof q, str_at(st, val), 40);
    snprintf(out, outlen, "-> AT_EXECFN string %s", q);
    return;
  }
  for (int i = 0; i < st->argc; i++)
    if (val == st->arg_str[i]) {
      quote(q, sizeof q, str_at(st, val), 40);
      snprintf(out, outlen, "-> argv[%d] string %s", i, q);
      return;
    }
  for (int i = 0; i < st->envc; i++)
    if (val == st->env_str[i]) {
      quote(q, sizeof q, str_at(st, val), 40);
      snprintf(out, outlen, "-> envp[%d] string %s", i, q);
      return;
    }
  snprintf(out, outlen, "-> inside the stack");
}

static void row(uint64_t addr, uint64_t size, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
static void row(uint64_t addr, uint64_t size, const char *fmt, ...) {
  va_list ap;
  printf("  0x%012" PRIx64 " %6" PRIu64 "  ", addr, size);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

static void print_text(const view *v, const gb_inputs *in) {
  const gb_stack *st = v->st;
  char q[160], d[160];
  uint64_t npairs = (st->auxv_end - st->auxv_addr) / 16;
  printf("goboot stack: %s (%s)\n", v->img->path,
         v->img->go_version[0] ? v->img->go_version : "Go version unknown");
  printf("argc %d, envc %d, %" PRIu64 " auxv pairs (AT_NULL included), seed %" PRIu64 "%s\n",
         st->argc, st->envc, npairs, in->seed, in->mimic_host ? ", mimic-host" : "");
  printf("stack image [0x%" PRIx64 ", 0x%" PRIx64 "), %" PRIu64 " bytes used above RSP\n\n",
         st->base, st->top, st->top - st->rsp);
  printf("  %-14s %6s  %s\n", "address", "size", "content");
  printf("  0x%012" PRIx64 " %6s  ---- stack top (exclusive) ----\n", st->top, "");
  row(st->top - 8, 8, "end marker: 0");
  quote(q, sizeof q, str_at(st, st->execfn_addr), 60);
  row(st->execfn_addr, strlen(str_at(st, st->execfn_addr)) + 1, "AT_EXECFN string %s", q);
  for (int i = st->envc - 1; i >= 0; i--) {
    quote(q, sizeof q, str_at(st, st->env_str[i]), 60);
    row(st->env_str[i], strlen(str_at(st, st->env_str[i])) + 1, "envp[%d] string %s", i, q);
  }
  for (int i = st->argc - 1; i >= 0; i--) {
    quote(q, sizeof q, str_at(st, st->arg_str[i]), 60);
    row(st->arg_str[i], strlen(str_at(st, st->arg_str[i])) + 1, "argv[%d] string %s", i, q);
  }
  if (st->strings_addr > v->align_addr)
    row(v->align_addr, st->strings_addr - v->align_addr,
        "alignment gap (align shift, then down to 16)");
  printf("  0x%012" PRIx64 " %6s  ---- 16-aligned point ----\n", v->align_addr, "");
  quote(q, sizeof q, str_at(st, st->platform_addr), 60);
  row(st->platform_addr, v->align_addr - st->platform_addr, "platform %s (AT_PLATFORM)", q);
  hex16(q, st->bytes + (st->random_addr - st->base));
  row(st->random_addr, 16, "random bytes %s (AT_RANDOM)", q);
  if (st->pad_len) row(st->pad_addr, st->pad_len, "padding");
  if (st->auxv_end > st->auxv_addr + 16 * npairs) /* odd raw word count */
    row(st->auxv_addr + 16 * npairs, 8, "auxv word 0x%" PRIx64, word(st, st->auxv_addr + 16 * npairs));
  for (uint64_t k = npairs; k-- > 0;) {
    uint64_t a = st->auxv_addr + 16 * k, tag = word(st, a), val = word(st, a + 8);
    const char *name = gb_auxv_name(tag);
    char tn[32];
    if (!name) snprintf(tn, sizeof tn, "tag %" PRIu64, tag), name = tn;
    describe(v, tag, val, d, sizeof d);
    if (d[0]) row(a, 16, "auxv[%2" PRIu64 "] %-20s 0x%-14" PRIx64 " %s", k, name, val, d);
    else row(a, 16, "auxv[%2" PRIu64 "] %-20s 0x%" PRIx64, k, name, val);
  }
  row(st->envp_addr + 8 * (uint64_t)st->envc, 8, "NULL (end of envp)");
  for (int i = st->envc - 1; i >= 0; i--) {
    uint64_t a = st->envp_addr + 8 * (uint64_t)i;
    describe(v, 0, word(st, a), d, sizeof d);
    row(a, 8, "envp[%d] 0x%" PRIx64 " %s", i, word(st, a), d);
  }
  row(st->argv_addr + 8 * (uint64_t)st->argc, 8, "NULL (end of argv)");
  for (int i = st->argc - 1; i >= 0; i--) {
    uint64_t a = st->argv_addr + 8 * (uint64_t)i;
    describe(v, 0, word(st, a), d, sizeof d);
    row(a, 8, "argv[%d] 0x%" PRIx64 " %s", i, word(st, a), d);
  }
  row(st->rsp, 8, "argc = %" PRIu64 "   \u2190 RSP", word(st, st->rsp));
  printf("\nRSP = 0x%" PRIx64 " (16-aligned); padding %" PRIu64 " bytes\n", st->rsp, st->pad_len);
}

static cJSON *hexj(uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "0x%" PRIx64, v);
  return cJSON_CreateString(b);
}

static cJSON *strings_json(const gb_stack *st, const uint64_t *addrs, uint64_t ptrs, int n) {
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < n; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "ptr_addr", hexj(ptrs + 8 * (uint64_t)i));
    cJSON_AddItemToObject(o, "addr", hexj(addrs[i]));
    cJSON_AddStringToObject(o, "text", str_at(st, addrs[i]));
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

static int print_json(const view *v, const gb_inputs *in) {
  const gb_stack *st = v->st;
  char h[33], d[160];
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "binary", v->img->path);
  cJSON_AddItemToObject(o, "top", hexj(st->top));
  cJSON_AddItemToObject(o, "base", hexj(st->base));
  cJSON_AddItemToObject(o, "rsp", hexj(st->rsp));
  cJSON_AddItemToObject(o, "seed", hexj(in->seed));
  cJSON_AddBoolToObject(o, "mimic_host", in->mimic_host);
  cJSON_AddNumberToObject(o, "argc", st->argc);
  cJSON_AddNumberToObject(o, "envc", st->envc);
  cJSON_AddItemToObject(o, "argv", strings_json(st, st->arg_str, st->argv_addr, st->argc));
  cJSON_AddItemToObject(o, "envp", strings_json(st, st->env_str, st->envp_addr, st->envc));
  cJSON *x = cJSON_AddObjectToObject(o, "execfn");
  cJSON_AddItemToObject(x, "addr", hexj(st->execfn_addr));
  cJSON_AddStringToObject(x, "text", str_at(st, st->execfn_addr));
  x = cJSON_AddObjectToObject(o, "platform");
  cJSON_AddItemToObject(x, "addr", hexj(st->platform_addr));
  cJSON_AddStringToObject(x, "text", str_at(st, st->platform_addr));
  x = cJSON_AddObjectToObject(o, "random");
  cJSON_AddItemToObject(x, "addr", hexj(st->random_addr));
  hex16(h, st->bytes + (st->random_addr - st->base));
  cJSON_AddStringToObject(x, "hex", h);
  cJSON_AddItemToObject(o, "align_point", hexj(v->align_addr));
  x = cJSON_AddObjectToObject(o, "padding");
  cJSON_AddItemToObject(x, "addr", hexj(st->pad_addr));
  cJSON_AddNumberToObject(x, "len", (double)st->pad_len);
  cJSON_AddItemToObject(o, "auxv_addr", hexj(st->auxv_addr));
  cJSON_AddItemToObject(o, "auxv_end", hexj(st->auxv_end));
  cJSON *av = cJSON_AddArrayToObject(o, "auxv");
  for (uint64_t a = st->auxv_addr; a + 16 <= st->auxv_end; a += 16) {
    uint64_t tag = word(st, a), val = word(st, a + 8);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "addr", hexj(a));
    cJSON_AddNumberToObject(e, "tag", (double)tag);
    const char *name = gb_auxv_name(tag);
    if (name) cJSON_AddStringToObject(e, "name", name);
    else cJSON_AddNullToObject(e, "name");
    cJSON_AddItemToObject(e, "value", hexj(val));
    describe(v, tag, val, d, sizeof d);
    if (!strncmp(d, "-> ", 3)) cJSON_AddStringToObject(e, "points_to", d + 3);
    cJSON_AddItemToArray(av, e);
  }
  char *s = cJSON_Print(o);
  cJSON_Delete(o);
  if (!s) return GB_E_NOMEM;
  puts(s);
  free(s);
  return GB_OK;
}

int cmd_stack(int argc, char **argv) {
  static const struct option longopts[] = {
    GB_INPUT_LONGOPTS,
    {"vdso", required_argument, 0, GB_OPT_VDSO},
    {"json", no_argument, 0, OPT_JSON},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
  };
  gb_inputs *in = malloc(sizeof *in); /* large (argument tables): not on the stack */
  if (!in) return GB_E_NOMEM;
  gb_inputs_init(in);
  int json = 0, c, rc;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    if (c == 'h') {
      fputs(stack_help, stdout);
      free(in);
      return GB_OK;
    }
    if (c == OPT_JSON) {
      json = 1;
      continue;
    }
    rc = gb_inputs_option(in, c, optarg);
    if (rc == 1) continue;
    if (rc == 0) fputs("goboot stack: see 'goboot stack --help'\n", stderr);
    free(in);
    return GB_E_USAGE;
  }
  const char *path = gb_inputs_positionals(in, argc, argv, "stack", stack_help);
  if (!path) {
    free(in);
    return GB_E_USAGE;
  }

  gb_image img;
  char err[512];
  gb_status s = gb_image_load(&img, path, err, sizeof err);
  if (s != GB_OK) {
    fprintf(stderr, "goboot stack: %s\n", err);
    free(in);
    return (int)s;
  }
  gb_stack st;
  if (gb_inputs_build(in, &img, &st, err, sizeof err)) {
    fprintf(stderr, "goboot stack: %s\n", err);
    gb_image_free(&img);
    free(in);
    return GB_E_USAGE;
  }
  view v = {&img, &in->auxenv, &st,
            st.platform_addr + strlen(str_at(&st, st.platform_addr)) + 1};
  rc = GB_OK;
  if (json) rc = print_json(&v, in);
  else print_text(&v, in);
  gb_stack_free(&st);
  gb_image_free(&img);
  free(in);
  return rc;
}
