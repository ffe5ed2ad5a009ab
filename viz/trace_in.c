/* trace_in.c — load a trace or a recording and read its fields (trace_in.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_in.h"

int gb_viz_trace_parse(gb_viz_trace *t, const char *text, size_t len, char *err, size_t errlen) {
  memset(t, 0, sizeof *t);
  const char *end = NULL;
  t->root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!t->root) {
    snprintf(err, errlen, "not JSON (error near byte %td)", end ? end - text : (ptrdiff_t)0);
    return -1;
  }
  const cJSON *tr = t->root;
  const cJSON *inner = cJSON_GetObjectItemCaseSensitive(t->root, "trace");
  if (cJSON_IsObject(inner)) tr = inner; /* a recording */
  if (!cJSON_IsObject(tr) || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(tr, "header")) ||
      !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(tr, "events"))) {
    snprintf(err, errlen, "not a goboot trace or recording (no \"header\" and \"events\")");
    cJSON_Delete(t->root);
    t->root = NULL;
    return -1;
  }
  t->trace = tr;
  return 0;
}

int gb_viz_trace_load(gb_viz_trace *t, const char *path, char *err, size_t errlen) {
  memset(t, 0, sizeof *t);
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return 65;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fclose(f);
      snprintf(err, errlen, "out of memory reading %s", path);
      return 78;
    }
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap) break;
    char *nb = realloc(buf, cap * 2);
    if (!nb) free(buf);
    buf = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    snprintf(err, errlen, "cannot read %s", path);
    return 65;
  }
  char msg[200];
  int rc = gb_viz_trace_parse(t, buf, len, msg, sizeof msg);
  free(buf);
  if (rc) {
    snprintf(err, errlen, "%s: %s", path, msg);
    return 65;
  }
  return 0;
}

void gb_viz_trace_free(gb_viz_trace *t) {
  cJSON_Delete(t->root);
  memset(t, 0, sizeof *t);
}

const cJSON *gb_viz_get(const cJSON *o, const char *key) {
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

const char *gb_viz_str(const cJSON *o, const char *key, const char *fallback) {
  const cJSON *v = gb_viz_get(o, key);
  return cJSON_IsString(v) && v->valuestring ? v->valuestring : fallback;
}

double gb_viz_num(const cJSON *o, const char *key, double fallback) {
  const cJSON *v = gb_viz_get(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

int gb_viz_u64_of(const cJSON *v, uint64_t *out) {
  if (cJSON_IsNumber(v)) {
    if (!(v->valuedouble >= 0 && v->valuedouble < 18446744073709551616.0)) return -1;
    *out = (uint64_t)v->valuedouble;
    return 0;
  }
  if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0]) return -1;
  char *e;
  errno = 0;
  unsigned long long x = strtoull(v->valuestring, &e, 0);
  if (*e || errno || v->valuestring[0] == '-') return -1;
  *out = x;
  return 0;
}

int gb_viz_u64(const cJSON *o, const char *key, uint64_t *out) {
  return gb_viz_u64_of(gb_viz_get(o, key), out);
}
