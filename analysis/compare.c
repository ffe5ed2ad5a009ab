/* compare.c — the first divergence between two traces (or two goldens): the index of
 * the first event that differs, where it happened (pc and symbol for a milestone, the
 * milestone it follows otherwise), the two events field by field, and the events before
 * it as context; then every other field that differs (inputs, boot state, stop, output,
 * summary), as dotted paths with both values. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "trace_events.h"

static const cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* V as short text: plain strings unquoted, everything else as compact JSON; cut to LEN. */
static void value_text(const cJSON *v, char *buf, size_t len) {
  if (!v) {
    snprintf(buf, len, "(absent)");
    return;
  }
  int plain = cJSON_IsString(v);
  for (const char *p = plain ? v->valuestring : ""; *p && plain; p++)
    if ((unsigned char)*p < 0x20) plain = 0; /* newlines etc.: show it as JSON */
  if (plain) {
    snprintf(buf, len, "%s", *v->valuestring ? v->valuestring : "\"\"");
  } else {
    char *s = cJSON_PrintUnformatted(v);
    snprintf(buf, len, "%s", s ? s : "?");
    free(s);
  }
  if (strlen(buf) + 1 >= len && len > 8) memcpy(buf + len - 5, "...", 4); /* cut */
}

/* Append to BUF (bounded). */
__attribute__((format(printf, 4, 5))) static void cat(char *buf, size_t len, size_t *at, const char *fmt, ...) {
  if (*at + 1 >= len) return; /* room for one more byte and the NUL */
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf + *at, len - *at, fmt, ap);
  va_end(ap);
  if (n > 0) *at += (size_t)n < len - *at ? (size_t)n : len - *at - 1;
}

static int is_key(const char *k, const char *const *keys) {
  for (; *keys; keys++)
    if (!strcmp(k, *keys)) return 1;
  return 0;
}

void gb_an_event_text(const cJSON *ev, char *buf, size_t len) {
  static const char *const base[] = {"ev", "i", "t", "ns", "name", "nr", "args", "ret", NULL};
  size_t at = 0;
  char v[512], tmp[160];
  buf[0] = 0;
  const char *kind = str(ev, "ev");
  if (!kind) kind = "?";
  const cJSON *args = get(ev, "args");
  if (gb_event_kind_of(kind) == GB_EV_MILESTONE) {
    cat(buf, len, &at, "milestone %s%s", str(ev, "name") ? str(ev, "name") : "?", "");
    if (str(ev, "symbol") && str(ev, "name") && strcmp(str(ev, "symbol"), str(ev, "name")))
      cat(buf, len, &at, " (%s)%s", str(ev, "symbol"), "");
    if (str(ev, "addr")) cat(buf, len, &at, " at %s%s", str(ev, "addr"), "");
  } else if (gb_event_kind_of(kind) == GB_EV_REPEAT) {
    value_text(get(ev, "last"), v, sizeof v);
    value_text(get(ev, "times"), tmp, sizeof tmp);
    cat(buf, len, &at, "  ... the last %s event(s) repeat %s more time(s)", v, tmp);
    value_text(get(ev, "until_i"), v, sizeof v);
    cat(buf, len, &at, ", until i %s%s", v, "");
  } else if (gb_event_is_syscall(gb_event_kind_of(kind))) {
    if (str(ev, "name")) {
      cat(buf, len, &at, "%s%s(", str(ev, "name"), "");
    } else {
      value_text(get(ev, "nr"), tmp, sizeof tmp);
      cat(buf, len, &at, "syscall_%s%s(", tmp, "");
    }
    const cJSON *a;
    int first = 1;
    cJSON_ArrayForEach(a, args) {
      value_text(a, v, sizeof v);
      if (cJSON_IsString(a) && a->valuestring[0] != '0' && a->valuestring[0] != '-') {
        char q[540];
        snprintf(q, sizeof q, "\"%.500s\"", v);
        cat(buf, len, &at, "%s%s", first ? "" : ", ", q);
      } else {
        cat(buf, len, &at, "%s%s", first ? "" : ", ", v);
      }
      first = 0;
    }
    value_text(get(ev, "ret"), v, sizeof v);
    cat(buf, len, &at, ") = %s%s", v, "");
    if (gb_event_kind_of(kind) == GB_EV_UNKNOWN_SYSCALL) cat(buf, len, &at, " (unknown)%s%s", "", "");
  } else {
    cat(buf, len, &at, "%s%s", kind, "");
  }
  /* Extra fields, then where. */
  const cJSON *c;
  cJSON_ArrayForEach(c, ev) {
    if (is_key(c->string, base) || (gb_event_kind_of(kind) == GB_EV_MILESTONE && (!strcmp(c->string, "symbol") ||
        !strcmp(c->string, "addr") || !strcmp(c->string, "blocks"))) ||
        (gb_event_kind_of(kind) == GB_EV_REPEAT && (!strcmp(c->string, "last") || !strcmp(c->string, "times") ||
        !strcmp(c->string, "until_i"))))
      continue;
    value_text(c, v, sizeof v);
    cat(buf, len, &at, "  %s=%s", c->string, v);
  }
  value_text(get(ev, "i"), v, sizeof v);
  value_text(get(ev, "t"), tmp, sizeof tmp);
  cat(buf, len, &at, "   [i %s, t %s]", v, tmp);
}

/* --- field-by-field differences --- */

typedef struct cmp_ctx {
  const gb_cmp_opts *o;
  FILE *out;
  int ndiff, printed;
  const char *en, *gn;
  const char *indent;
} cmp_ctx;

#define MAX_FIELD_LINES 40

static int ignored(const cmp_ctx *c, const char *path) {
  if (!c->o || !c->o->ignore) return 0;
  for (const char *const *p = c->o->ignore; *p; p++)
    if (!strcmp(*p, path)) return 1;
  return 0;
}

static void report(cmp_ctx *c, const char *path, const cJSON *a, const cJSON *b) {
  c->ndiff++;
  if (!c->out || c->printed++ >= MAX_FIELD_LINES) return;
  char va[300], vb[300];
  value_text(a, va, sizeof va);
  value_text(b, vb, sizeof vb);
  fprintf(c->out, "%s%s: %s %s, %s %s\n", c->indent ? c->indent : "  ", path, c->en, va, c->gn, vb);
}

/* Walk A and B together below PATH: objects by key (A's order, then B's extra keys),
 * short arrays of equal length by index; anything else is one difference. */
static void walk(cmp_ctx *c, const char *path, const cJSON *a, const cJSON *b, int depth) {
  if (ignored(c, path) || (!a && !b)) return;
  if (a && b && cJSON_Compare(a, b, 1)) return;
  if (a && b && cJSON_IsObject(a) && cJSON_IsObject(b) && depth < 4) {
    const cJSON *x;
    char p[256];
    cJSON_ArrayForEach(x, a) {
      snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", x->string);
      walk(c, p, x, get(b, x->string), depth + 1);
    }
    cJSON_ArrayForEach(x, b) {
      if (get(a, x->string)) continue;
      snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", x->string);
      walk(c, p, NULL, x, depth + 1);
    }
    return;
  }
  if (a && b && cJSON_IsArray(a) && cJSON_IsArray(b) &&
      cJSON_GetArraySize(a) == cJSON_GetArraySize(b) && cJSON_GetArraySize(a) <= 64 && depth < 4) {
    char p[256];
    int k = 0;
    for (const cJSON *x = a->child, *y = b->child; x && y; x = x->next, y = y->next, k++) {
      snprintf(p, sizeof p, "%s[%d]", path, k);
      walk(c, p, x, y, depth + 1);
    }
    return;
  }
  report(c, path, a, b);
}

/* --- events --- */

/* Name of the last milestone before index K (on any thread) and its address. */
static const cJSON *milestone_before(const cJSON *events, int k) {
  const cJSON *last = NULL, *ev;
  int j = 0;
  cJSON_ArrayForEach(ev, events) {
    if (j++ >= k) break;
    const char *kind = str(ev, "ev");
    if (kind && gb_event_kind_of(kind) == GB_EV_MILESTONE) last = ev;
  }
  return last;
}

static void print_event(FILE *out, const char *tag, int k, const cJSON *ev) {
  char line[2048];
  gb_an_event_text(ev, line, sizeof line);
  fprintf(out, "  %-9s #%-6d %s\n", tag, k, line);
}

static int compare_events(cmp_ctx *c, const cJSON *ea, const cJSON *eb, int *first) {
  int na = cJSON_GetArraySize(ea), nb = cJSON_GetArraySize(eb);
  const cJSON *x = ea ? ea->child : NULL, *y = eb ? eb->child : NULL;
  int k = 0;
  while (x && y && cJSON_Compare(x, y, 1)) {
    x = x->next;
    y = y->next;
    k++;
  }
  if (!x && !y) return 0;
  *first = k;
  c->ndiff++;
  if (!c->out) return 1;
  const cJSON *d = x ? x : y;
  fprintf(c->out, "first divergence at event #%d (of %d %s, %d %s)\n", k, na, c->en, nb, c->gn);
  const char *kind = str(d, "ev");
  if (kind && gb_event_kind_of(kind) == GB_EV_MILESTONE) {
    fprintf(c->out, "  pc %s, symbol %s\n", str(d, "addr") ? str(d, "addr") : "?",
            str(d, "symbol") ? str(d, "symbol") : "?");
  } else {
    const cJSON *m = milestone_before(x ? ea : eb, k);
    char t[64];
    value_text(get(d, "t"), t, sizeof t);
    if (str(d, "pc"))
      fprintf(c->out, "  pc %s, symbol %s", str(d, "pc"), str(d, "func") ? str(d, "func") : "?");
    else
      fprintf(c->out, "  pc not in the trace");
    fprintf(c->out, "; thread %s, after milestone %s (%s)\n", t,
            m && str(m, "name") ? str(m, "name") : "(none)",
            m && str(m, "addr") ? str(m, "addr") : "-");
  }
  int ctx = c->o && c->o->context > 0 ? c->o->context : 3;
  int from = k - ctx < 0 ? 0 : k - ctx;
  const cJSON *p = ea->child;
  for (int j = 0; j < from; j++) p = p->next;
  for (int j = from; j < k; j++, p = p->next) print_event(c->out, "context", j, p);
  char tag_e[32], tag_g[32];
  snprintf(tag_e, sizeof tag_e, "%s", c->en);
  snprintf(tag_g, sizeof tag_g, "%s", c->gn);
  if (x) print_event(c->out, tag_e, k, x);
  else fprintf(c->out, "  %-9s #%-6d (no more events: the run ended earlier)\n", tag_e, k);
  if (y) print_event(c->out, tag_g, k, y);
  else fprintf(c->out, "  %-9s #%-6d (no more events: the run ended earlier)\n", tag_g, k);
  if (x && y) {
    cmp_ctx sub = *c;
    sub.printed = 0;
    sub.o = NULL;
    sub.indent = "      ";
    fprintf(c->out, "  differing fields:\n");
    walk(&sub, "", x, y, 1);
  }
  return 1;
}

/* Compare one top-level section; print a heading and its differing fields. */
static void section(cmp_ctx *c, const char *key, const cJSON *a, const cJSON *b) {
  cmp_ctx quiet = *c;
  quiet.out = NULL;
  quiet.ndiff = 0;
  walk(&quiet, key, a, b, 1);
  if (!quiet.ndiff) return;
  if (c->out) fprintf(c->out, "%s differs:\n", key);
  c->printed = 0;
  walk(c, key, a, b, 1);
}

int gb_an_compare(const cJSON *expected, const cJSON *got, const gb_cmp_opts *o, FILE *out,
                  int *first_event) {
  cmp_ctx c = {o, out, 0, 0, "expected", "got", NULL};
  if (o && o->expected_name) c.en = o->expected_name;
  if (o && o->got_name) c.gn = o->got_name;
  int dummy;
  if (!first_event) first_event = &dummy;
  *first_event = -1;
  /* Inputs and header first: when they differ, they are the cause. */
  static const char *const early[] = {"format", "binary", "inputs", "limits", "vfs", "header", NULL};
  for (const char *const *k = early; *k; k++) section(&c, *k, get(expected, *k), get(got, *k));
  if (!o || !o->skip_events)
    compare_events(&c, get(expected, "events"), get(got, "events"), first_event);
  const cJSON *x;
  const cJSON *docs[2] = {expected, got};
  for (int side = 0; side < 2; side++) {
    cJSON_ArrayForEach(x, docs[side]) {
      if (is_key(x->string, early) || !strcmp(x->string, "events")) continue;
      if (side == 1 && get(expected, x->string)) continue;
      section(&c, x->string, get(expected, x->string), get(got, x->string));
    }
  }
  return c.ndiff;
}
