/* stackrows.c — rebuild or reconstruct the initial stack of a traced run (stackrows.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stackrows.h"
#include "trace_in.h"

typedef struct recorded {
  const char **argv, **envp;
  int argc, envc;
  uint64_t *tag, *val; /* auxv pairs as recorded, AT_NULL included */
  int npairs;
  uint64_t rsp, top;
  uint8_t random[16];
  int have_random;
} recorded;

static void recorded_free(recorded *in) {
  free(in->argv), free(in->envp), free(in->tag), free(in->val);
}

static int strings_of(const cJSON *a, const char ***out, int *n) {
  *n = cJSON_GetArraySize(a);
  *out = calloc((size_t)*n + 1, sizeof **out);
  if (!*out) return 78;
  int k = 0;
  const cJSON *s;
  cJSON_ArrayForEach(s, a) (*out)[k++] = cJSON_IsString(s) ? s->valuestring : "";
  return 0;
}

static int hexbyte(const char *p) {
  int v = 0;
  for (int k = 0; k < 2; k++) {
    char c = p[k];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

static int read_recorded(recorded *in, const cJSON *header) {
  memset(in, 0, sizeof *in);
  const cJSON *inp = gb_viz_get(header, "inputs");
  const cJSON *av = gb_viz_get(inp, "auxv");
  if (!cJSON_IsObject(inp) || gb_viz_u64(inp, "rsp", &in->rsp) ||
      gb_viz_u64(inp, "stack_top", &in->top) || in->rsp >= in->top)
    return -1;
  if (strings_of(gb_viz_get(inp, "argv"), &in->argv, &in->argc) ||
      strings_of(gb_viz_get(inp, "envp"), &in->envp, &in->envc))
    return 78;
  int n = cJSON_GetArraySize(av), k = 0;
  in->tag = calloc((size_t)n + 1, sizeof *in->tag);
  in->val = calloc((size_t)n + 1, sizeof *in->val);
  if (!in->tag || !in->val) return 78;
  const cJSON *p;
  cJSON_ArrayForEach(p, av) {
    if (gb_viz_u64_of(cJSON_GetArrayItem(p, 0), &in->tag[k]) ||
        gb_viz_u64_of(cJSON_GetArrayItem(p, 1), &in->val[k]))
      continue;
    k++;
  }
  in->npairs = k;
  const char *r = gb_viz_str(inp, "at_random", NULL);
  if (r && strlen(r) == 32) {
    in->have_random = 1;
    for (int b = 0; b < 16; b++) {
      int v = hexbyte(r + 2 * b);
      if (v < 0) in->have_random = 0;
      in->random[b] = (uint8_t)(v < 0 ? 0 : v);
    }
  }
  return 0;
}

static uint64_t word(const gb_stack *st, uint64_t addr) {
  uint64_t v = 0;
  if (addr < st->base || addr + 8 > st->top) return 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | st->bytes[addr - st->base + (uint64_t)i];
  return v;
}

/* AT_RANDOM, AT_EXECFN, AT_PLATFORM: the builder writes the address of what it placed. */
static int is_fill(uint64_t tag) {
  const gb_auxv_tag *t = gb_auxv_tag_of(tag);
  return t && t->source == GB_AUXV_PLACED;
}

/* Rebuild with loader/stack.c; 0 when it reproduces RSP and every auxv word. */
static int rebuild(const recorded *in, gb_stack *st, char *why, size_t whylen) {
  int n = in->npairs;
  if (n && in->tag[n - 1] == AT_NULL_LINUX && in->val[n - 1] == 0) n--;
  if (n > GB_AUXV_MAX) {
    snprintf(why, whylen, "too many auxv pairs to rebuild");
    return -1;
  }
  gb_stack_spec *spec = calloc(1, sizeof *spec);
  if (!spec) return -1;
  spec->argv = in->argv, spec->argc = in->argc;
  spec->envp = in->envp, spec->envc = in->envc;
  memcpy(spec->random, in->random, 16);
  spec->stack_top = in->top;
  for (int k = 0; k < n; k++)
    spec->auxv[k] = (gb_auxv_ent){in->tag[k], in->val[k], is_fill(in->tag[k])};
  spec->nauxv = n;
  char err[200];
  int rc = gb_stack_build(spec, st, err, sizeof err);
  free(spec);
  if (rc) {
    snprintf(why, whylen, "rebuilding failed: %.120s", err);
    return -1;
  }
  int same = st->rsp == in->rsp && st->auxv_end - st->auxv_addr == 16 * (uint64_t)in->npairs;
  for (int k = 0; same && k < in->npairs; k++)
    same = word(st, st->auxv_addr + 16 * (uint64_t)k) == in->tag[k] &&
           word(st, st->auxv_addr + 16 * (uint64_t)k + 8) == in->val[k];
  if (!same) {
    snprintf(why, whylen, "the recorded inputs do not reproduce the recorded RSP and auxv "
                          "(an --execfn string is not recorded): string addresses omitted");
    gb_stack_free(st);
    memset(st, 0, sizeof *st);
    return -1;
  }
  return 0;
}

static gb_srow *add(gb_stack_rows *r, int kind, int region, int known, uint64_t addr,
                    uint64_t size, const char *label) {
  gb_srow *w = &r->rows[r->n++];
  memset(w, 0, sizeof *w);
  w->kind = kind, w->region = region, w->addr_known = known, w->addr = addr, w->size = size;
  w->points_to = -1;
  snprintf(w->label, sizeof w->label, "%s", label);
  return w;
}

static void hex(char *out, size_t len, uint64_t v) { snprintf(out, len, "0x%" PRIx64, v); }

/* The note by TAG's kind in the auxv table (auxv.h), as cmd_stack reads it too. */
static void auxv_note(gb_srow *w, uint64_t tag, uint64_t val) {
  const gb_auxv_tag *t = gb_auxv_tag_of(tag);
  switch (t ? t->kind : GB_AUXV_OPAQUE) {
  case GB_AUXV_NUMBER: snprintf(w->note, sizeof w->note, "= %" PRIu64, val); break;
  case GB_AUXV_IMAGE_DATA:
  case GB_AUXV_IMAGE_CODE:
  case GB_AUXV_VDSO: snprintf(w->note, sizeof w->note, "\u2192 %s", t->about); break;
  case GB_AUXV_BITS:
    if (t->about) snprintf(w->note, sizeof w->note, "%s", t->about);
    break;
  default: break;
  }
}

static void random_note(gb_srow *w, const uint8_t *b) {
  char h[40];
  for (int k = 0; k < 16; k++) snprintf(h + 2 * k, 3, "%02x", b[k]);
  snprintf(w->note, sizeof w->note, "%s", h);
}

/* The rows of the objects the builder placed (AT_EXECFN string, platform string,
 * AT_RANDOM bytes), by the tag whose value points at each. */
typedef struct placed_rows {
  uint64_t tag[3];
  int row[3], n;
} placed_rows;

static void placed_row(placed_rows *p, uint64_t tag, int row) {
  p->tag[p->n] = tag, p->row[p->n] = row, p->n++;
}

/* Rows shared by both modes below the strings: auxv, envp, argv, argc. str_row maps
 * argv/envp strings to their rows; target() resolves auxv pointers. */
static void pointer_rows(gb_stack_rows *r, const recorded *in, const int *arg_row,
                         const int *env_row, const placed_rows *placed,
                         const gb_stack *st) {
  uint64_t argv_addr = in->rsp + 8, envp_addr = argv_addr + 8 * ((uint64_t)in->argc + 1);
  uint64_t auxv_addr = envp_addr + 8 * ((uint64_t)in->envc + 1);
  char label[64];
  for (int k = in->npairs - 1; k >= 0; k--) {
    const char *name = gb_auxv_name(in->tag[k]);
    char tn[24];
    if (!name) snprintf(tn, sizeof tn, "tag %" PRIu64, in->tag[k]), name = tn;
    snprintf(label, sizeof label, "auxv[%d] %s", k, name);
    gb_srow *w = add(r, GB_SROW_WORD, GB_SREG_AUXV, 1, auxv_addr + 16 * (uint64_t)k, 16, label);
    hex(w->value, sizeof w->value, in->val[k]);
    auxv_note(w, in->tag[k], in->val[k]);
    for (int o = 0; o < placed->n; o++)
      if (placed->tag[o] == in->tag[k]) w->points_to = placed->row[o];
  }
  gb_srow *w = add(r, GB_SROW_WORD, GB_SREG_ENVP, 1, envp_addr + 8 * (uint64_t)in->envc, 8,
                   "NULL (end of envp)");
  hex(w->value, sizeof w->value, 0);
  for (int i = in->envc - 1; i >= 0; i--) {
    snprintf(label, sizeof label, "envp[%d]", i);
    w = add(r, GB_SROW_WORD, GB_SREG_ENVP, 1, envp_addr + 8 * (uint64_t)i, 8, label);
    if (st) hex(w->value, sizeof w->value, word(st, w->addr));
    w->points_to = env_row[i];
  }
  w = add(r, GB_SROW_WORD, GB_SREG_ARGV, 1, argv_addr + 8 * (uint64_t)in->argc, 8,
          "NULL (end of argv)");
  hex(w->value, sizeof w->value, 0);
  for (int i = in->argc - 1; i >= 0; i--) {
    snprintf(label, sizeof label, "argv[%d]", i);
    w = add(r, GB_SROW_WORD, GB_SREG_ARGV, 1, argv_addr + 8 * (uint64_t)i, 8, label);
    if (st) hex(w->value, sizeof w->value, word(st, w->addr));
    w->points_to = arg_row[i];
  }
  w = add(r, GB_SROW_WORD, GB_SREG_ARGC, 1, in->rsp, 8, "argc");
  snprintf(w->value, sizeof w->value, "%d", in->argc);
  snprintf(w->note, sizeof w->note, "\u2190 RSP at entry");
}

static uint64_t auxv_val(const recorded *in, uint64_t tag, int *found) {
  for (int k = 0; k < in->npairs; k++)
    if (in->tag[k] == tag) return *found = 1, in->val[k];
  return *found = 0, 0;
}

static void string_rows(gb_stack_rows *r, const recorded *in, const gb_stack *st, int *arg_row,
                        int *env_row, placed_rows *placed) {
  char label[64];
  int known;
  gb_srow *w = add(r, GB_SROW_MARK, GB_SREG_TOP, 1, in->top, 0, "stack top (exclusive)");
  w = add(r, GB_SROW_WORD, GB_SREG_TOP, 1, in->top - 8, 8, "end marker");
  hex(w->value, sizeof w->value, 0);
  uint64_t a = st ? st->execfn_addr : auxv_val(in, AT_EXECFN_LINUX, &known);
  placed_row(placed, AT_EXECFN_LINUX, r->n);
  w = add(r, GB_SROW_STRING, GB_SREG_STRINGS, st || known, a, 0, "AT_EXECFN string");
  if (st) w->text = (const char *)st->bytes + (a - st->base), w->size = strlen(w->text) + 1;
  else snprintf(w->note, sizeof w->note, "(contents not recorded)");
  for (int i = in->envc - 1; i >= 0; i--) {
    snprintf(label, sizeof label, "envp[%d] string", i);
    env_row[i] = r->n;
    w = add(r, GB_SROW_STRING, GB_SREG_STRINGS, !!st, st ? st->env_str[i] : 0,
            strlen(in->envp[i]) + 1, label);
    w->text = in->envp[i];
  }
  for (int i = in->argc - 1; i >= 0; i--) {
    snprintf(label, sizeof label, "argv[%d] string", i);
    arg_row[i] = r->n;
    w = add(r, GB_SROW_STRING, GB_SREG_STRINGS, !!st, st ? st->arg_str[i] : 0,
            strlen(in->argv[i]) + 1, label);
    w->text = in->argv[i];
  }
  if (st) {
    uint64_t align = st->platform_addr + strlen((const char *)st->bytes +
                                                (st->platform_addr - st->base)) + 1;
    if (st->strings_addr > align)
      add(r, GB_SROW_BYTES, GB_SREG_STRINGS, 1, align, st->strings_addr - align,
          "alignment gap");
    add(r, GB_SROW_MARK, GB_SREG_STRINGS, 1, align, 0, "16-aligned point");
  }
  a = st ? st->platform_addr : auxv_val(in, AT_PLATFORM_LINUX, &known);
  placed_row(placed, AT_PLATFORM_LINUX, r->n);
  w = add(r, GB_SROW_STRING, GB_SREG_STRINGS, st || known, a, 0, "platform string");
  if (st) w->text = (const char *)st->bytes + (a - st->base), w->size = strlen(w->text) + 1;
  else w->text = "x86_64", w->size = 7;
  a = st ? st->random_addr : auxv_val(in, AT_RANDOM_LINUX, &known);
  placed_row(placed, AT_RANDOM_LINUX, r->n);
  w = add(r, GB_SROW_BYTES, GB_SREG_STRINGS, st || known, a, 16, "AT_RANDOM bytes");
  if (st) random_note(w, st->bytes + (st->random_addr - st->base));
  else if (in->have_random) random_note(w, in->random);
  if (st && st->pad_len) add(r, GB_SROW_BYTES, GB_SREG_STRINGS, 1, st->pad_addr, st->pad_len,
                             "padding (RSP 16-aligned)");
}

int gb_viz_stack_rows(gb_stack_rows *r, const cJSON *header) {
  memset(r, 0, sizeof *r);
  recorded in;
  int rc = read_recorded(&in, header);
  if (rc) {
    recorded_free(&in);
    return rc;
  }
  r->top = in.top, r->rsp = in.rsp, r->argc = in.argc, r->envc = in.envc;
  r->nauxv = in.npairs;
  r->exact = !rebuild(&in, &r->st, r->why, sizeof r->why);
  size_t cap = 2 * ((size_t)in.argc + (size_t)in.envc) + (size_t)in.npairs + 16;
  r->rows = calloc(cap, sizeof *r->rows);
  int *arg_row = calloc((size_t)in.argc + 1, sizeof *arg_row);
  int *env_row = calloc((size_t)in.envc + 1, sizeof *env_row);
  if (!r->rows || !arg_row || !env_row) {
    free(arg_row), free(env_row), recorded_free(&in);
    gb_viz_stack_rows_free(r);
    return 78;
  }
  placed_rows placed = {.n = 0};
  const gb_stack *st = r->exact ? &r->st : NULL;
  string_rows(r, &in, st, arg_row, env_row, &placed);
  pointer_rows(r, &in, arg_row, env_row, &placed, st);
  free(arg_row), free(env_row);
  /* The strings point into the trace (which outlives the rows) or into r->st. */
  recorded_free(&in);
  return 0;
}

void gb_viz_stack_rows_free(gb_stack_rows *r) {
  free(r->rows);
  if (r->exact) gb_stack_free(&r->st);
  memset(r, 0, sizeof *r);
}
