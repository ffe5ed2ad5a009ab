/* diff.c — two traces aligned by milestone. Both sides are cut to the golden subset;
 * milestones are matched by name (longest common subsequence), and between two matched
 * milestones the events are diffed as sequences (again LCS, on everything but the
 * instruction count and thread): removed, added, and changed (a removal and an addition
 * of the same syscall at the same place). Then boot state, stop, output and the rest. */
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
static int is_milestone(const cJSON *ev) {
  const char *k = str(ev, "ev");
  return k && gb_event_kind_of(k) == GB_EV_MILESTONE;
}

/* The comparison key of an event: its JSON without i, until_i and t. */
static char *event_key(const cJSON *ev) {
  cJSON *d = cJSON_Duplicate(ev, 1);
  if (!d) return NULL;
  cJSON_DeleteItemFromObjectCaseSensitive(d, "i");
  cJSON_DeleteItemFromObjectCaseSensitive(d, "until_i");
  cJSON_DeleteItemFromObjectCaseSensitive(d, "t");
  if (is_milestone(d)) { /* addresses move between builds: a milestone is its name */
    cJSON_DeleteItemFromObjectCaseSensitive(d, "addr");
    cJSON_DeleteItemFromObjectCaseSensitive(d, "symbol");
  }
  char *s = cJSON_PrintUnformatted(d);
  cJSON_Delete(d);
  return s;
}

enum { OP_SAME = '=', OP_DEL = '-', OP_ADD = '+' };

/* LCS edit script of A[0..na) and B[0..nb) (strings). OPS gets na+nb entries at most;
 * returns the count, or -1 when out of memory. Common prefix and suffix are taken
 * first; a middle too large for the table becomes "all removed, all added". */
static int edit_script(char **a, int na, char **b, int nb, char *ops) {
  int pre = 0, n = 0;
  while (pre < na && pre < nb && !strcmp(a[pre], b[pre])) pre++;
  int suf = 0;
  while (suf < na - pre && suf < nb - pre && !strcmp(a[na - 1 - suf], b[nb - 1 - suf])) suf++;
  for (int k = 0; k < pre; k++) ops[n++] = OP_SAME;
  int ma = na - pre - suf, mb = nb - pre - suf;
  if ((double)(ma + 1) * (mb + 1) > 8e6) {
    for (int k = 0; k < ma; k++) ops[n++] = OP_DEL;
    for (int k = 0; k < mb; k++) ops[n++] = OP_ADD;
  } else if (ma || mb) {
    int *t = calloc((size_t)(ma + 1) * (size_t)(mb + 1), sizeof *t);
    if (!t) return -1;
#define T(i, j) t[(size_t)(i) * (size_t)(mb + 1) + (size_t)(j)]
    for (int i = ma - 1; i >= 0; i--)
      for (int j = mb - 1; j >= 0; j--)
        T(i, j) = !strcmp(a[pre + i], b[pre + j]) ? T(i + 1, j + 1) + 1
                  : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
    int i = 0, j = 0;
    while (i < ma || j < mb) {
      if (i < ma && j < mb && !strcmp(a[pre + i], b[pre + j])) {
        ops[n++] = OP_SAME;
        i++;
        j++;
      } else if (j >= mb || (i < ma && T(i + 1, j) >= T(i, j + 1))) {
        ops[n++] = OP_DEL;
        i++;
      } else {
        ops[n++] = OP_ADD;
        j++;
      }
    }
#undef T
    free(t);
  }
  for (int k = 0; k < suf; k++) ops[n++] = OP_SAME;
  return n;
}

typedef struct side {
  const cJSON **ev;
  char **key;
  int n;
} side;

static int side_load(side *s, const cJSON *events) {
  s->n = cJSON_GetArraySize(events);
  s->ev = calloc((size_t)s->n + 1, sizeof *s->ev);
  s->key = calloc((size_t)s->n + 1, sizeof *s->key);
  if (!s->ev || !s->key) return -1;
  const cJSON *e;
  int k = 0;
  cJSON_ArrayForEach(e, events) {
    s->ev[k] = e;
    if (!(s->key[k] = event_key(e))) return -1;
    k++;
  }
  return 0;
}
static void side_free(side *s) {
  for (int k = 0; k < s->n && s->key; k++) free(s->key[k]);
  free(s->key);
  free(s->ev);
}

typedef struct dctx {
  FILE *out;
  const char *na, *nb;
  int ndiff, added, removed, changed;
} dctx;

static double num(const cJSON *ev, const char *k) {
  const cJSON *v = get(ev, k);
  return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void line(dctx *d, char tag, const cJSON *ev) {
  char buf[2048];
  gb_an_event_text(ev, buf, sizeof buf);
  fprintf(d->out, "    %c %s\n", tag, buf);
}

/* Fields that differ between two events of the same kind and name, on one line. */
static void changed(dctx *d, const cJSON *x, const cJSON *y) {
  char buf[2048];
  gb_an_event_text(x, buf, sizeof buf);
  fprintf(d->out, "    ~ %s\n        ", buf);
  const cJSON *c;
  int first = 1;
  const cJSON *sides[2] = {x, y};
  for (int s = 0; s < 2; s++)
    cJSON_ArrayForEach(c, sides[s]) {
      if (!strcmp(c->string, "i") || !strcmp(c->string, "t") || !strcmp(c->string, "until_i")) continue;
      if (s == 1 && get(x, c->string)) continue;
      const cJSON *o = get(sides[1 - s], c->string);
      if (o && cJSON_Compare(c, o, 1)) continue;
      char *va = s == 0 ? cJSON_PrintUnformatted(c) : (o ? cJSON_PrintUnformatted(o) : NULL);
      char *vb = s == 0 ? (o ? cJSON_PrintUnformatted(o) : NULL) : cJSON_PrintUnformatted(c);
      fprintf(d->out, "%s%s: %s → %s", first ? "" : "; ", c->string, va ? va : "(absent)",
              vb ? vb : "(absent)");
      free(va);
      free(vb);
      first = 0;
    }
  fputc('\n', d->out);
}

static int same_call(const cJSON *x, const cJSON *y) {
  const char *kx = str(x, "ev"), *ky = str(y, "ev"), *nx = str(x, "name"), *ny = str(y, "name");
  if (!kx || !ky || strcmp(kx, ky) || gb_event_kind_of(kx) == GB_EV_MILESTONE) return 0;
  if (nx && ny) return !strcmp(nx, ny);
  return !nx && !ny && cJSON_Compare(get(x, "nr"), get(y, "nr"), 1);
}

/* Diff A.ev[a0..a1) against B.ev[b0..b1) and print it. */
static int segment(dctx *d, const side *A, int a0, int a1, const side *B, int b0, int b1) {
  int na = a1 - a0, nb = b1 - b0;
  char *ops = malloc((size_t)na + (size_t)nb + 1);
  if (!ops) return -1;
  int n = edit_script(A->key + a0, na, B->key + b0, nb, ops);
  if (n < 0) {
    free(ops);
    return -1;
  }
  int i = a0, j = b0;
  for (int k = 0; k < n;) {
    if (ops[k] == OP_SAME) {
      i++, j++, k++;
      continue;
    }
    /* A run of removals and additions: pair same-named calls in order as changes. */
    int dels = 0, adds = 0, k2 = k;
    while (k2 < n && ops[k2] != OP_SAME) (ops[k2++] == OP_DEL ? dels++ : adds++);
    int x = 0, y = 0;
    while (x < dels || y < adds) {
      if (x < dels && y < adds && same_call(A->ev[i + x], B->ev[j + y])) {
        changed(d, A->ev[i + x], B->ev[j + y]);
        d->changed++;
        x++, y++;
      } else if (x < dels && (y >= adds || num(A->ev[i + x], "i") <= num(B->ev[j + y], "i"))) {
        line(d, '-', A->ev[i + x]);
        d->removed++;
        x++;
      } else {
        line(d, '+', B->ev[j + y]);
        d->added++;
        y++;
      }
      d->ndiff++;
    }
    i += dels, j += adds, k = k2;
  }
  free(ops);
  return 0;
}

static void heading(dctx *d, const cJSON *ma, const cJSON *mb) {
  double ia = num(ma, "i"), ib = num(mb, "i");
  const char *name = str(ma, "name") ? str(ma, "name") : "?";
  if (ia == ib)
    fprintf(d->out, "@ %-28s i %.0f (same)\n", name, ia);
  else
    fprintf(d->out, "@ %-28s i %.0f → %.0f (%+.0f)\n", name, ia, ib, ib - ia);
}

int gb_an_diff(const cJSON *a, const cJSON *b, const char *name_a, const char *name_b, FILE *out,
               char *err, size_t errlen) {
  cJSON *ga = gb_golden_subset(a, err, errlen);
  cJSON *gb = ga ? gb_golden_subset(b, err, errlen) : NULL;
  if (!ga || !gb) {
    cJSON_Delete(ga);
    return -1;
  }
  side A = {0}, B = {0};
  int rc = -1;
  int *ma = NULL, *mb = NULL;
  char **ka = NULL, **kb = NULL, *ops = NULL;
  if (side_load(&A, get(ga, "events")) || side_load(&B, get(gb, "events"))) goto oom;
  /* Milestones of each side, matched by name. */
  ma = calloc((size_t)A.n + 1, sizeof *ma);
  mb = calloc((size_t)B.n + 1, sizeof *mb);
  ka = calloc((size_t)A.n + 1, sizeof *ka);
  kb = calloc((size_t)B.n + 1, sizeof *kb);
  ops = malloc((size_t)A.n + (size_t)B.n + 1);
  if (!ma || !mb || !ka || !kb || !ops) goto oom;
  int nma = 0, nmb = 0;
  for (int k = 0; k < A.n; k++)
    if (is_milestone(A.ev[k]) && str(A.ev[k], "name")) ka[nma] = (char *)str(A.ev[k], "name"), ma[nma++] = k;
  for (int k = 0; k < B.n; k++)
    if (is_milestone(B.ev[k]) && str(B.ev[k], "name")) kb[nmb] = (char *)str(B.ev[k], "name"), mb[nmb++] = k;
  int nops = edit_script(ka, nma, kb, nmb, ops);
  if (nops < 0) goto oom;
  dctx d = {out, name_a, name_b, 0, 0, 0, 0};
  fprintf(out, "--- A: %s (%s)\n+++ B: %s (%s)\n", name_a, str(get(ga, "binary"), "go_version") ? str(get(ga, "binary"), "go_version") : "?",
          name_b, str(get(gb, "binary"), "go_version") ? str(get(gb, "binary"), "go_version") : "?");
  /* Walk matched milestones; the stretch before each is one segment. */
  int pa = 0, pb = 0, x = 0, y = 0; /* event cursors; milestone cursors */
  fprintf(out, "@ %-28s\n", "(entry)");
  for (int k = 0; k <= nops; k++) {
    if (k < nops && ops[k] != OP_SAME) {
      if (ops[k] == OP_DEL) x++;
      else y++;
      continue;
    }
    int ea = k < nops ? ma[x] : A.n, eb = k < nops ? mb[y] : B.n;
    if (segment(&d, &A, pa, ea, &B, pb, eb)) goto oom;
    if (k == nops) break;
    heading(&d, A.ev[ea], B.ev[eb]);
    if (num(A.ev[ea], "i") != num(B.ev[eb], "i")) d.ndiff++;
    pa = ea + 1, pb = eb + 1, x++, y++;
  }
  fprintf(out, "events: %d removed, %d added, %d changed\n", d.removed, d.added, d.changed);
  /* Everything but the events. */
  gb_cmp_opts co = {0};
  co.skip_events = 1;
  co.expected_name = "A";
  co.got_name = "B";
  rc = d.ndiff + gb_an_compare(ga, gb, &co, out, NULL);
  goto done;
oom:
  snprintf(err, errlen, "out of memory diffing");
done:
  free(ops);
  free(ka);
  free(kb);
  free(ma);
  free(mb);
  side_free(&A);
  side_free(&B);
  cJSON_Delete(ga);
  cJSON_Delete(gb);
  return rc;
}
