/* golden.c — the canonical golden subset of a trace: what the Go runtime did, and nothing
 * that depends on the host, the build directory or goboot's own version. Kept: the
 * binary's Go version and entry, the guest inputs (argv, envp, auxv, rsp, AT_RANDOM,
 * seed), limits, every event without its virtual-ns stamp (a run of identical events is
 * folded into a "repeat" event), the TLS summary, boot state, stop, summary counts and
 * the guest's output, and, when cut from a recording, the sha256 of the whole initial
 * stack image. Dropped: header.binary (the path as typed), the binary's sha256
 * (Go 1.19 puts a build ID that hashes the source folder into .note.go.buildid, so the
 * project's own programs differ by 40 bytes between checkouts; nothing the guest runs
 * reads it), goboot/Unicorn versions, wall-clock limits, milestone block counts, peak
 * memory, per-thread runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "trace_events.h"

static cJSON *get(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }

/* Copy member K of FROM into TO (if present). Returns -1 when out of memory. */
static int copy(cJSON *to, const cJSON *from, const char *k) {
  const cJSON *v = get(from, k);
  if (!v) return 0;
  cJSON *d = cJSON_Duplicate(v, 1);
  return d && cJSON_AddItemToObject(to, k, d) ? 0 : -1;
}
static int copy_all(cJSON *to, const cJSON *from, const char *const *keys) {
  for (; *keys; keys++)
    if (copy(to, from, *keys)) return -1;
  return 0;
}

/* An event as kept: everything but "ns" (and a milestone's "blocks"). */
static cJSON *event_kept(const cJSON *ev) {
  cJSON *e = cJSON_Duplicate(ev, 1);
  if (!e) return NULL;
  cJSON_DeleteItemFromObjectCaseSensitive(e, "ns");
  const cJSON *k = get(e, "ev");
  if (cJSON_IsString(k) && gb_event_kind_of(k->valuestring) == GB_EV_MILESTONE)
    cJSON_DeleteItemFromObjectCaseSensitive(e, "blocks");
  return e;
}

/* Equal apart from the instruction count "i". */
static int same_but_i(const cJSON *a, const cJSON *b) {
  int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
  if (na != nb) return 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, a) {
    if (!strcmp(c->string, "i")) continue;
    const cJSON *d = get(b, c->string);
    if (!d || !cJSON_Compare(c, d, 1)) return 0;
  }
  return 1;
}

#define FOLD_MAX_PERIOD 4
#define FOLD_MIN_RUN 3 /* a block must occur this many times in a row to be folded */

/* Fold runs: at K, the block E[K..K+L) that repeats R >= FOLD_MIN_RUN times in a row is
 * kept once, followed by {"ev":"repeat","last":L,"times":R-1,"until_i":i of the last
 * event folded}. The smallest L wins. */
static int fold(cJSON **evs, int n, cJSON *out) {
  int k = 0;
  while (k < n) {
    int best_l = 0, best_r = 0;
    for (int l = 1; l <= FOLD_MAX_PERIOD && k + l <= n; l++) {
      int r = 1;
      while (k + (r + 1) * l <= n) {
        int same = 1;
        for (int j = 0; j < l && same; j++) same = same_but_i(evs[k + j], evs[k + r * l + j]);
        if (!same) break;
        r++;
      }
      if (r >= FOLD_MIN_RUN) {
        best_l = l;
        best_r = r;
        break;
      }
    }
    if (!best_l) {
      cJSON_AddItemReferenceToArray(out, evs[k]);
      k++;
      continue;
    }
    for (int j = 0; j < best_l; j++) cJSON_AddItemReferenceToArray(out, evs[k + j]);
    cJSON *rep = cJSON_CreateObject();
    if (!rep) return -1;
    cJSON_AddStringToObject(rep, "ev", gb_event_name(GB_EV_REPEAT));
    const cJSON *last_i = get(evs[k + best_r * best_l - 1], "i");
    cJSON_AddNumberToObject(rep, "i", cJSON_IsNumber(get(evs[k + best_l], "i"))
                                          ? get(evs[k + best_l], "i")->valuedouble : 0);
    cJSON_AddNumberToObject(rep, "last", best_l);
    cJSON_AddNumberToObject(rep, "times", best_r - 1);
    cJSON_AddNumberToObject(rep, "until_i", cJSON_IsNumber(last_i) ? last_i->valuedouble : 0);
    cJSON_AddItemToArray(out, rep);
    k += best_r * best_l;
  }
  return 0;
}

static cJSON *events_subset(const cJSON *events) {
  int n = cJSON_GetArraySize(events);
  cJSON **kept = n ? calloc((size_t)n, sizeof *kept) : NULL;
  cJSON *refs = cJSON_CreateArray(), *out = cJSON_CreateArray();
  int bad = !refs || !out || (n && !kept);
  const cJSON *ev;
  int k = 0;
  if (!bad)
    cJSON_ArrayForEach(ev, events) if (!(kept[k++] = event_kept(ev))) bad = 1;
  if (!bad) bad = fold(kept, n, refs);
  /* refs holds references: turn them into owned copies in order. */
  const cJSON *r;
  if (!bad)
    cJSON_ArrayForEach(r, refs) {
      cJSON *d = cJSON_Duplicate(r, 1);
      if (!d) {
        bad = 1;
        break;
      }
      cJSON_AddItemToArray(out, d);
    }
  cJSON_Delete(refs);
  for (int j = 0; j < n && kept; j++) cJSON_Delete(kept[j]);
  free(kept);
  if (bad) {
    cJSON_Delete(out);
    return NULL;
  }
  return out;
}

cJSON *gb_golden_subset(const cJSON *doc, char *err, size_t errlen) {
  const cJSON *trace = gb_an_trace_of(doc);
  const cJSON *fmt = get(trace, "format");
  if (cJSON_IsString(fmt) && !strcmp(fmt->valuestring, GB_GOLDEN_FORMAT))
    return cJSON_Duplicate(trace, 1);
  const cJSON *h = get(trace, "header"), *events = get(trace, "events");
  if (!cJSON_IsObject(h) || !cJSON_IsArray(events)) {
    snprintf(err, errlen, "not a goboot trace (no header or events)");
    return NULL;
  }
  cJSON *g = cJSON_CreateObject(), *bin = NULL, *in = NULL, *lim = NULL, *tls = NULL, *sum = NULL;
  int bad = !g;
  if (!bad) {
    cJSON_AddStringToObject(g, "format", GB_GOLDEN_FORMAT);
    bin = cJSON_AddObjectToObject(g, "binary");
    static const char *const bkeys[] = {"go_version", "entry", "cpu_model", "cpu_vendor",
                                        "milestones_absent", "tls_g_load_sites", "rdtsc_sites",
                                        NULL};
    bad |= !bin || copy_all(bin, h, bkeys);
    in = cJSON_AddObjectToObject(g, "inputs");
    static const char *const ikeys[] = {"argv", "envp", "auxv", "rsp", "stack_top", "at_random",
                                        "seed", NULL};
    bad |= !in || copy_all(in, get(h, "inputs"), ikeys);
    /* A recording also knows the stack image's hash: a change to a byte the runtime
     * never reads (the platform string, padding) still shows. */
    if (trace != doc) bad |= copy(in, get(doc, "inputs"), "stack_sha256");
    lim = cJSON_AddObjectToObject(g, "limits");
    static const char *const lkeys[] = {"until", "max_insns", "max_mem", "quantum_blocks", "ncpu",
                                        "tls_all", NULL};
    bad |= !lim || copy_all(lim, get(h, "limits"), lkeys);
    bad |= copy(g, h, "vfs");
  }
  if (!bad) {
    cJSON *evs = events_subset(events);
    bad |= !evs || !cJSON_AddItemToObject(g, "events", evs);
  }
  const cJSON *s = get(trace, "summary");
  if (!bad) {
    tls = cJSON_AddObjectToObject(g, "tls");
    static const char *const tkeys[] = {"scope", "total", "sites", "per_function", NULL};
    bad |= !tls || copy_all(tls, get(s, "tls_g_loads"), tkeys);
    bad |= copy(g, trace, "boot_state") || copy(g, trace, "stop");
    sum = cJSON_AddObjectToObject(g, "summary");
    static const char *const skeys[] = {"instructions", "blocks", "virtual_ns", "syscalls",
                                        "unknown_syscalls", "threads", "thread_switches",
                                        "signals_suppressed", "events_dropped", "reached",
                                        "syscall_counts", NULL};
    bad |= !sum || copy_all(sum, s, skeys);
    bad |= copy(g, trace, "output");
  }
  if (bad) {
    cJSON_Delete(g);
    snprintf(err, errlen, "out of memory cutting the golden subset");
    return NULL;
  }
  return g;
}
