/* timeline.c — trace → Chrome/Perfetto trace events (timeline.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "timeline.h"
#include "trace_events.h"

enum { PID = 1 };

static cJSON *event(cJSON *list, const char *ph, const char *name, const char *cat,
                    uint64_t tid, uint64_t ts) {
  cJSON *e = cJSON_CreateObject();
  if (!e) return NULL;
  cJSON_AddItemToArray(list, e);
  cJSON_AddStringToObject(e, "name", name);
  if (cat) cJSON_AddStringToObject(e, "cat", cat);
  cJSON_AddStringToObject(e, "ph", ph);
  cJSON_AddNumberToObject(e, "pid", PID);
  cJSON_AddNumberToObject(e, "tid", (double)tid);
  if (strcmp(ph, "M")) cJSON_AddNumberToObject(e, "ts", (double)ts);
  return e;
}

static void slice(cJSON *list, const char *name, const char *cat, uint64_t tid, uint64_t from,
                  uint64_t to, cJSON *args) {
  cJSON *e = event(list, "X", name, cat, tid, from);
  if (!e) {
    cJSON_Delete(args);
    return;
  }
  cJSON_AddNumberToObject(e, "dur", (double)(to - from));
  if (args) cJSON_AddItemToObject(e, "args", args);
}

/* The event's own fields as args, minus those the trace-event already says. */
static cJSON *args_of(const cJSON *ev) {
  cJSON *a = cJSON_CreateObject();
  const cJSON *f;
  cJSON_ArrayForEach(f, ev) {
    if (!f->string || !strcmp(f->string, "ev") || !strcmp(f->string, "i") ||
        !strcmp(f->string, "t"))
      continue;
    cJSON_AddItemToObject(a, f->string, cJSON_Duplicate(f, 1));
  }
  cJSON_AddNumberToObject(a, "instructions_before", gb_viz_num(ev, "i", 0));
  return a;
}

static void instant(cJSON *list, const char *name, const char *cat, uint64_t tid, uint64_t ts,
                    cJSON *args) {
  cJSON *e = event(list, "i", name, cat, tid, ts);
  if (!e) {
    cJSON_Delete(args);
    return;
  }
  cJSON_AddStringToObject(e, "s", "t");
  if (args) cJSON_AddItemToObject(e, "args", args);
}

static void metadata(cJSON *list, const gb_viz_model *m) {
  const char *bin = gb_viz_str(m->header, "binary", "?");
  const char *slash = strrchr(bin, '/');
  char name[300];
  snprintf(name, sizeof name, "goboot: %s (%s)", slash ? slash + 1 : bin,
           gb_viz_str(m->header, "go_version", "Go version unknown"));
  cJSON *e = event(list, "M", "process_name", NULL, m->main_tid, 0);
  if (e) cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "args"), "name", name);
  for (int k = 0; k < m->nthreads; k++) {
    const gb_viz_thread *t = &m->threads[k];
    if (t->tid == m->main_tid)
      snprintf(name, sizeof name, "tid %" PRIu64 " (m0, main thread)", t->tid);
    else if (t->first_phase)
      snprintf(name, sizeof name, "tid %" PRIu64 " (%s)", t->tid, t->first_phase);
    else snprintf(name, sizeof name, "tid %" PRIu64, t->tid);
    e = event(list, "M", "thread_name", NULL, t->tid, 0);
    if (e) cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "args"), "name", name);
    e = event(list, "M", "thread_sort_index", NULL, t->tid, 0);
    if (e) cJSON_AddNumberToObject(cJSON_AddObjectToObject(e, "args"), "sort_index", k);
  }
}

static void slices(cJSON *list, const gb_viz_model *m) {
  char name[300];
  for (int k = 0; k < m->nthreads; k++) {
    const gb_viz_thread *t = &m->threads[k];
    snprintf(name, sizeof name, "thread %" PRIu64, t->tid);
    cJSON *a = cJSON_CreateObject();
    if (t->created_by) cJSON_AddItemToObject(a, "created_by_clone_at", cJSON_CreateNumber(
                                                   gb_viz_num(t->created_by, "i", 0)));
    cJSON_AddNumberToObject(a, "syscalls", t->nsyscalls);
    slice(list, name, "thread", t->tid, t->start, t->end, a);
    if (t->tid == m->main_tid) {
      a = cJSON_CreateObject();
      cJSON_AddStringToObject(a, "span", m->boot_known ? "execve to main.main"
                                                       : "execve to the stop (main.main not reached)");
      slice(list, "boot", "boot", t->tid, t->start, m->boot_end, a);
    }
  }
  for (int k = 0; k < m->nphases; k++) {
    const gb_viz_phase *p = &m->phases[k];
    slice(list, p->name, "phase", p->tid, p->start, p->end, args_of(p->ev));
  }
}

static void instants(cJSON *list, const gb_viz_model *m) {
  const cJSON *e;
  char name[200];
  cJSON_ArrayForEach(e, m->events) {
    uint64_t tid, i = 0;
    if (gb_viz_u64(e, "t", &tid)) continue;
    gb_viz_u64(e, "i", &i);
    const char *ev = gb_viz_str(e, "ev", "");
    gb_event_kind kind = gb_event_kind_of(ev);
    if (kind == GB_EV_SYSCALL) {
      instant(list, gb_viz_str(e, "name", "syscall"), "syscall", tid, i, args_of(e));
    } else if (kind == GB_EV_UNKNOWN_SYSCALL) {
      snprintf(name, sizeof name, "unknown syscall %.0f", gb_viz_num(e, "nr", -1));
      instant(list, name, "syscall", tid, i, args_of(e));
    } else if (kind == GB_EV_MILESTONE) {
      if (gb_viz_is_marker(gb_viz_str(e, "name", NULL)))
        instant(list, gb_viz_str(e, "name", "?"), "milestone", tid, i, args_of(e));
    } else if (ev[0]) {
      instant(list, ev, "event", tid, i, args_of(e));
    }
  }
  uint64_t tid = m->main_tid;
  gb_viz_u64(m->stop, "tid", &tid);
  snprintf(name, sizeof name, "stop: %s", gb_viz_str(m->stop, "reason", "?"));
  instant(list, name, "stop", tid, m->end, m->stop ? args_of(m->stop) : NULL);
}

cJSON *gb_viz_timeline(const cJSON *trace) {
  gb_viz_model m;
  if (gb_viz_model_build(&m, trace)) return NULL;
  cJSON *root = cJSON_CreateObject();
  cJSON *list = cJSON_AddArrayToObject(root, "traceEvents");
  metadata(list, &m);
  slices(list, &m);
  instants(list, &m);
  cJSON *o = cJSON_AddObjectToObject(root, "otherData");
  cJSON_AddStringToObject(o, "time_unit",
                          "1 us = 1 guest instruction: ts and dur count the instructions all "
                          "guest threads executed before the event");
  static const char *const keys[] = {"binary", "sha256", "go_version", "goboot_version",
                                     "unicorn_version", "cpu_model"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
    cJSON_AddStringToObject(o, keys[k], gb_viz_str(m.header, keys[k], ""));
  cJSON_AddStringToObject(o, "stop", gb_viz_str(m.stop, "reason", ""));
  cJSON_AddNumberToObject(o, "instructions", (double)m.end);
  cJSON_AddNumberToObject(o, "events_dropped", gb_viz_num(m.summary, "events_dropped", 0));
  gb_viz_model_free(&m);
  /* cJSON creation functions return NULL on allocation failure; a partial tree is
   * reported as out of memory rather than written. */
  if (!list || !o || cJSON_GetArraySize(list) == 0) {
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}
