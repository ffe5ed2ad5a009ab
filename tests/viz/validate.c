/* validate.c — trace-event JSON checker (validate.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

typedef struct xs {
  double tid, ts, end;
  int index;
} xs;

static int by_thread_time(const void *a, const void *b) {
  const xs *x = a, *y = b;
  if (x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
  if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1; /* the outer one first */
  return x->index - y->index;
}

static int num(const cJSON *e, const char *k, double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, k);
  if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return -1;
  *out = v->valuedouble;
  return 0;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); free(x); free(named); return -1; } while (0)

int viz_validate_timeline(const cJSON *doc, char *err, size_t errlen, int *nx, int *ni, int *nm) {
  xs *x = NULL;
  double *named = NULL;
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "traceEvents");
  if (!cJSON_IsObject(doc) || !cJSON_IsArray(list)) FAIL("no traceEvents array");
  int n = cJSON_GetArraySize(list), cx = 0, ci = 0, cm = 0, cn = 0, k = 0;
  if (n == 0) FAIL("traceEvents is empty");
  x = calloc((size_t)n, sizeof *x);
  named = calloc((size_t)n, sizeof *named);
  if (!x || !named) FAIL("out of memory");
  const cJSON *e;
  cJSON_ArrayForEach(e, list) {
    double pid, tid, ts, dur;
    const cJSON *ph = cJSON_GetObjectItemCaseSensitive(e, "ph");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
    if (!cJSON_IsObject(e)) FAIL("event %d is not an object", k);
    if (!cJSON_IsString(ph) || strlen(ph->valuestring) != 1) FAIL("event %d: no ph", k);
    if (!cJSON_IsString(name) || !name->valuestring[0]) FAIL("event %d: no name", k);
    if (num(e, "pid", &pid) || num(e, "tid", &tid)) FAIL("event %d: pid/tid not numbers", k);
    if (args && !cJSON_IsObject(args)) FAIL("event %d: args is not an object", k);
    switch (ph->valuestring[0]) {
    case 'M':
      if (!cJSON_IsObject(args)) FAIL("metadata event %d without args", k);
      if (!strcmp(name->valuestring, "thread_name") || !strcmp(name->valuestring, "process_name")) {
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(args, "name")))
          FAIL("metadata event %d: args.name missing", k);
        if (name->valuestring[0] == 't') named[cn++] = tid;
      } else if (!strcmp(name->valuestring, "thread_sort_index")) {
        if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(args, "sort_index")))
          FAIL("metadata event %d: args.sort_index missing", k);
      } else FAIL("metadata event %d: unknown name %s", k, name->valuestring);
      cm++;
      break;
    case 'X':
      if (num(e, "ts", &ts) || ts < 0) FAIL("X event %d: ts missing or negative", k);
      if (num(e, "dur", &dur) || dur < 0) FAIL("X event %d: dur missing or negative", k);
      x[cx++] = (xs){tid, ts, ts + dur, k};
      break;
    case 'i': case 'I': {
      if (num(e, "ts", &ts) || ts < 0) FAIL("instant %d: ts missing or negative", k);
      const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "s");
      if (s && (!cJSON_IsString(s) || !strchr("gpt", s->valuestring[0]) || s->valuestring[1]))
        FAIL("instant %d: scope s must be g, p or t", k);
      ci++;
      break;
    }
    default: FAIL("event %d: phase type '%s' not produced by goboot", k, ph->valuestring);
    }
    k++;
  }
  /* X slices on one thread nest: each one ends before its enclosing one does. */
  qsort(x, (size_t)cx, sizeof *x, by_thread_time);
  int *stack = calloc((size_t)cx + 1, sizeof *stack), depth = 0;
  if (!stack) FAIL("out of memory");
  for (int j = 0; j < cx; j++) {
    if (j && x[j].tid != x[j - 1].tid) depth = 0;
    while (depth && x[stack[depth - 1]].end <= x[j].ts) depth--; /* ended before x[j] */
    if (depth && x[j].end > x[stack[depth - 1]].end) {
      int a = x[stack[depth - 1]].index, b = x[j].index;
      free(stack);
      FAIL("X slices %d and %d overlap on tid %.0f without nesting", a, b, x[j].tid);
    }
    stack[depth++] = j;
  }
  free(stack);
  /* every thread with a slice or instant has a thread_name */
  cJSON_ArrayForEach(e, list) {
    double tid = 0;
    num(e, "tid", &tid);
    int found = 0;
    for (int j = 0; j < cn && !found; j++) found = named[j] == tid;
    if (!found) FAIL("tid %.0f has no thread_name", tid);
  }
  if (nx) *nx = cx;
  if (ni) *ni = ci;
  if (nm) *nm = cm;
  free(x);
  free(named);
  return 0;
}
