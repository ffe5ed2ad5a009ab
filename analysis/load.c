/* load.c — goboot JSON documents in and out: read a trace, recording or golden file, find
 * the trace inside it, and print a document in the reviewable layout (one member per
 * line near the top, one event per line) that goldens and recordings are stored in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

cJSON *gb_an_load(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t n = fread(buf + len, 1, cap - len - 1, f);
    len += n;
    if (len + 1 < cap) break;
    char *nb = realloc(buf, cap *= 2);
    if (!nb) free(buf);
    buf = nb;
  }
  int rerr = ferror(f);
  fclose(f);
  if (!buf) {
    snprintf(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  if (rerr) {
    snprintf(err, errlen, "cannot read %s", path);
    free(buf);
    return NULL;
  }
  buf[len] = 0;
  cJSON *doc = cJSON_ParseWithLength(buf, len);
  if (!doc || !cJSON_IsObject(doc)) {
    const char *at = cJSON_GetErrorPtr();
    size_t off = at && at >= buf && at <= buf + len ? (size_t)(at - buf) : len;
    snprintf(err, errlen, "%s: not a JSON object (parse error near byte %zu)", path, off);
    cJSON_Delete(doc);
    free(buf);
    return NULL;
  }
  free(buf);
  return doc;
}

const cJSON *gb_an_trace_of(const cJSON *doc) {
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, "trace");
  return cJSON_IsObject(t) ? t : doc;
}

/* A growing string. */
typedef struct sbuf {
  char *s;
  size_t len, cap;
  int oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (b->len + n + 1 > cap) cap *= 2;
    char *ns = realloc(b->s, cap);
    if (!ns) {
      b->oom = 1;
      return;
    }
    b->s = ns;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}
static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }
static void indent(sbuf *b, int depth) {
  for (int i = 0; i < depth; i++) put(b, "  ", 2);
}
static void put_flat(sbuf *b, const cJSON *v) {
  char *s = cJSON_PrintUnformatted(v);
  if (!s) {
    b->oom = 1;
    return;
  }
  puts_(b, s);
  free(s);
}
static void put_key(sbuf *b, const char *k) {
  cJSON *tmp = cJSON_CreateString(k);
  if (!tmp) {
    b->oom = 1;
    return;
  }
  put_flat(b, tmp);
  cJSON_Delete(tmp);
  put(b, ": ", 2);
}

static void print_value(sbuf *b, const cJSON *v, int depth) {
  const cJSON *c;
  int events = v->string && !strcmp(v->string, "events") && cJSON_IsArray(v);
  if (events && v->child) {
    puts_(b, "[\n");
    cJSON_ArrayForEach(c, v) {
      indent(b, depth + 1);
      put_flat(b, c);
      puts_(b, c->next ? ",\n" : "\n");
    }
    indent(b, depth);
    puts_(b, "]");
  } else if (cJSON_IsObject(v) && depth < 2 && v->child) {
    puts_(b, "{\n");
    cJSON_ArrayForEach(c, v) {
      indent(b, depth + 1);
      put_key(b, c->string ? c->string : "");
      print_value(b, c, depth + 1);
      puts_(b, c->next ? ",\n" : "\n");
    }
    indent(b, depth);
    puts_(b, "}");
  } else {
    put_flat(b, v);
  }
}

char *gb_an_print(const cJSON *doc) {
  sbuf b = {0};
  print_value(&b, doc, 0);
  puts_(&b, "\n");
  if (b.oom) {
    free(b.s);
    return NULL;
  }
  return b.s;
}

int gb_an_write(const char *path, const cJSON *doc) {
  char *s = gb_an_print(doc);
  if (!s) {
    errno = ENOMEM;
    return -1;
  }
  FILE *f = fopen(path, "w");
  int bad = !f;
  if (f) {
    bad |= fputs(s, f) < 0;
    int e = errno;
    bad |= fclose(f) != 0;
    if (bad && !errno) errno = e;
  }
  free(s);
  return bad ? -1 : 0;
}
