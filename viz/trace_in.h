/* trace_in.h — read a goboot trace for the pictures: a `goboot run --trace` file, or a
 * recording (.gbrec: a JSON object with a "trace" member), plus typed accessors that
 * tolerate missing or oddly typed fields (a picture of a damaged trace is still useful). */
#ifndef GOBOOT_VIZ_TRACE_IN_H
#define GOBOOT_VIZ_TRACE_IN_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* A loaded trace: `root` is what the file held (owned), `trace` the trace object in it. */
typedef struct gb_viz_trace {
  cJSON *root;
  const cJSON *trace;
} gb_viz_trace;

/* Parse TEXT (LEN bytes). Returns 0, or -1 with a message in err. */
int gb_viz_trace_parse(gb_viz_trace *t, const char *text, size_t len, char *err, size_t errlen);
/* Read and parse PATH. Returns 0, 65 (cannot read / not a trace) or 78 (no memory). */
int gb_viz_trace_load(gb_viz_trace *t, const char *path, char *err, size_t errlen);
void gb_viz_trace_free(gb_viz_trace *t);

/* Accessors: the member, or the fallback when absent or of another type. */
const cJSON *gb_viz_get(const cJSON *o, const char *key);             /* NULL if absent */
const char *gb_viz_str(const cJSON *o, const char *key, const char *fallback);
double gb_viz_num(const cJSON *o, const char *key, double fallback);
/* A number, or a "0x…"/decimal string, as an unsigned 64-bit value; returns 0 if found. */
int gb_viz_u64(const cJSON *o, const char *key, uint64_t *out);
int gb_viz_u64_of(const cJSON *v, uint64_t *out);

#endif
