/* model.c — threads, phases and the time axis of a trace (model.h). */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "trace_events.h"

int gb_viz_is_marker(const char *name) {
  static const char *const markers[] = {"runtime.newosproc", "runtime.clone", "runtime.exit"};
  for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++)
    if (name && !strcmp(name, markers[k])) return 1;
  return 0;
}

const gb_viz_thread *gb_viz_thread_of(const gb_viz_model *m, uint64_t tid) {
  for (int k = 0; k < m->nthreads; k++)
    if (m->threads[k].tid == tid) return &m->threads[k];
  return NULL;
}

static gb_viz_thread *thread_add(gb_viz_model *m, uint64_t tid, int *cap) {
  for (int k = 0; k < m->nthreads; k++)
    if (m->threads[k].tid == tid) return &m->threads[k];
  if (m->nthreads == *cap) {
    int nc = *cap ? *cap * 2 : 8;
    gb_viz_thread *nt = realloc(m->threads, (size_t)nc * sizeof *nt);
    if (!nt) return NULL;
    m->threads = nt;
    *cap = nc;
  }
  gb_viz_thread *t = &m->threads[m->nthreads++];
  memset(t, 0, sizeof *t);
  t->tid = tid;
  t->start = UINT64_MAX;
  return t;
}

static uint64_t ev_i(const cJSON *e) {
  uint64_t v = 0;
  gb_viz_u64(e, "i", &v);
  return v;
}

static int ev_is(const cJSON *e, gb_event_kind kind) {
  return gb_event_kind_of(gb_viz_str(e, "ev", "")) == kind;
}

/* The child a clone event created: child_tid, else a positive numeric ret. */
static int clone_child(const cJSON *e, uint64_t *tid) {
  if (strcmp(gb_viz_str(e, "name", ""), "clone") && strcmp(gb_viz_str(e, "name", ""), "clone3"))
    return 0;
  if (!gb_viz_u64(e, "child_tid", tid)) return 1;
  const cJSON *r = gb_viz_get(e, "ret");
  return cJSON_IsNumber(r) && r->valuedouble > 0 && !gb_viz_u64_of(r, tid);
}

static int build_threads(gb_viz_model *m) {
  int cap = 0;
  const cJSON *e;
  uint64_t tid;
  cJSON_ArrayForEach(e, m->events) {
    if (gb_viz_u64(e, "t", &tid)) continue;
    gb_viz_thread *t = thread_add(m, tid, &cap);
    if (!t) return 78;
    uint64_t i = ev_i(e);
    if (m->nthreads == 1 && t->start == UINT64_MAX) t->start = 0, m->main_tid = tid;
    if (i < t->start) t->start = i;
    if (ev_is(e, GB_EV_SYSCALL)) {
      t->nsyscalls++;
      uint64_t child;
      if (clone_child(e, &child)) {
        gb_viz_thread *c = thread_add(m, child, &cap);
        if (!c) return 78;
        if (!c->created_by) c->created_by = e, c->start = i;
      }
      const char *n = gb_viz_str(e, "name", "");
      if (!strcmp(n, "exit") && !t->end) t->end = i;
    }
  }
  if (!gb_viz_u64(m->stop, "tid", &tid) && !thread_add(m, tid, &cap)) return 78;
  if (m->nthreads == 0 && !thread_add(m, 0, &cap)) return 78; /* no events: one unnamed thread */
  if (m->nthreads == 1 && m->threads[0].start == UINT64_MAX) m->threads[0].start = 0;
  for (int k = 0; k < m->nthreads; k++) {
    gb_viz_thread *t = &m->threads[k];
    if (t->start == UINT64_MAX || t->start > m->end) t->start = m->end;
    if (!t->end || t->end > m->end || t->end < t->start) t->end = m->end;
  }
  return 0;
}

static int build_phases(gb_viz_model *m) {
  int n = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, m->events) if (ev_is(e, GB_EV_MILESTONE)) n++;
  m->phases = calloc((size_t)(n ? n : 1), sizeof *m->phases);
  if (!m->phases) return 78;
  cJSON_ArrayForEach(e, m->events) {
    uint64_t tid;
    const char *name = gb_viz_str(e, "name", NULL);
    if (!ev_is(e, GB_EV_MILESTONE) || !name || gb_viz_is_marker(name) || gb_viz_u64(e, "t", &tid))
      continue;
    const gb_viz_thread *t = gb_viz_thread_of(m, tid);
    if (!t) continue;
    uint64_t i = ev_i(e);
    if (i < t->start) i = t->start;
    if (i > t->end) i = t->end;
    /* close the previous phase of this thread */
    for (int k = m->nphases - 1; k >= 0; k--)
      if (m->phases[k].tid == tid) {
        m->phases[k].end = i;
        break;
      }
    gb_viz_phase *p = &m->phases[m->nphases++];
    p->tid = tid, p->start = i, p->end = t->end, p->ev = e, p->name = name;
    if (!strcmp(name, "main.main") && tid == m->main_tid && !m->boot_known)
      m->boot_known = 1, m->boot_end = i;
  }
  const gb_viz_thread *mt = gb_viz_thread_of(m, m->main_tid);
  if (!m->boot_known) m->boot_end = mt ? mt->end : m->end;
  for (int k = 0; k < m->nphases; k++) {
    gb_viz_phase *p = &m->phases[k];
    if (p->tid == m->main_tid && p->end <= m->boot_end && p->start < m->boot_end) p->in_boot = 1;
    if (p->tid == m->main_tid && !m->boot_known) p->in_boot = 1;
    for (int j = 0; j < m->nthreads; j++)
      if (m->threads[j].tid == p->tid && !m->threads[j].first_phase) m->threads[j].first_phase = p->name;
  }
  return 0;
}

int gb_viz_model_build(gb_viz_model *m, const cJSON *trace) {
  memset(m, 0, sizeof *m);
  m->header = gb_viz_get(trace, "header");
  m->events = gb_viz_get(trace, "events");
  m->stop = gb_viz_get(trace, "stop");
  m->summary = gb_viz_get(trace, "summary");
  if (gb_viz_u64(m->stop, "i", &m->end) && gb_viz_u64(m->summary, "instructions", &m->end)) {
    const cJSON *e;
    cJSON_ArrayForEach(e, m->events) if (ev_i(e) > m->end) m->end = ev_i(e);
  }
  int rc = build_threads(m);
  if (!rc) rc = build_phases(m);
  if (rc) gb_viz_model_free(m);
  return rc;
}

void gb_viz_model_free(gb_viz_model *m) {
  free(m->threads);
  free(m->phases);
  memset(m, 0, sizeof *m);
}
