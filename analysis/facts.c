/* facts.c — the numbers docs/versions.md shows for one golden: milestones reached,
 * syscalls before main.main (folded repeats counted), TLS loads of g during the boot
 * phase, instructions to main.main, and threads created (successful clone calls). */
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

int gb_an_facts(const cJSON *golden, gb_facts *f) {
  memset(f, 0, sizeof *f);
  const char *fmt = str(golden, "format");
  if (!fmt || strcmp(fmt, GB_GOLDEN_FORMAT)) return -1;
  const char *v = str(get(golden, "binary"), "go_version");
  snprintf(f->go_version, sizeof f->go_version, "%s", v ? v : "?");
  f->insns_to_main = -1;
  const cJSON *ev;
  int in_main = 0;
  /* Syscalls before main.main: count events; a "repeat" multiplies its last L events. */
  const cJSON *events = get(golden, "events");
  int n = cJSON_GetArraySize(events), k = 0;
  const cJSON **list = n ? (const cJSON **)calloc((size_t)n, sizeof *list) : NULL;
  if (n && !list) return -1;
  cJSON_ArrayForEach(ev, events) list[k++] = ev;
  for (k = 0; k < n; k++) {
    ev = list[k];
    const char *kind = str(ev, "ev");
    if (!kind) continue;
    int is_sys = gb_event_is_syscall(gb_event_kind_of(kind));
    if (gb_event_kind_of(kind) == GB_EV_MILESTONE && str(ev, "name") && !strcmp(str(ev, "name"), "main.main") &&
        !in_main) {
      in_main = 1;
      f->reached_main = 1;
      f->insns_to_main = cJSON_GetNumberValue(get(ev, "i"));
    }
    if (is_sys && !in_main) f->syscalls_to_main++;
    if (is_sys && str(ev, "name") && !strcmp(str(ev, "name"), "clone") &&
        cJSON_IsNumber(get(ev, "ret")) && get(ev, "ret")->valuedouble > 0)
      f->threads_created++;
    if (gb_event_kind_of(kind) == GB_EV_REPEAT && !in_main) {
      int last = (int)cJSON_GetNumberValue(get(ev, "last"));
      int times = (int)cJSON_GetNumberValue(get(ev, "times"));
      int calls = 0;
      for (int j = k - last; j < k; j++) {
        if (j < 0) continue;
        const char *kk = str(list[j], "ev");
        if (kk && (gb_event_is_syscall(gb_event_kind_of(kk)))) calls++;
      }
      f->syscalls_to_main += calls * times;
    }
  }
  free(list);
  const cJSON *tls = get(golden, "tls");
  f->tls_boot_loads = cJSON_IsNumber(get(tls, "total")) ? get(tls, "total")->valuedouble : -1;
  const cJSON *m;
  cJSON_ArrayForEach(m, get(get(golden, "summary"), "reached")) {
    if (f->nmilestones < (int)(sizeof f->milestones / sizeof f->milestones[0]) && cJSON_IsString(m))
      f->milestones[f->nmilestones++] = m->valuestring;
  }
  return 0;
}
