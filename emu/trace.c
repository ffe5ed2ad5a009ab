/* trace.c — the trace, streamed: the header, then each event as it is complete, then
 * boot state, stop, summary and output, byte for byte what cJSON_Print of the whole tree
 * would give (docs/trace-schema.md); the events are held only when the caller keeps them.
 * Deterministic by construction: every value comes from the run's inputs and the
 * virtual machine (instruction counts, virtual ns, guest addresses as "0x…" strings);
 * no host pointer, time, pid or path other than the binary path the user passed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define GB_MAX_EVENTS 200000
#define GB_MAX_OUTPUT (16u << 20)

void gb_trace_init(gb_machine *m) {
  gb_trace *t = &m->w->trace;
  t->root = cJSON_CreateObject();
  cJSON_AddObjectToObject(t->root, "header");
  if (m->o.trace_keep) t->events = cJSON_AddArrayToObject(t->root, "events");
  t->pending = cJSON_CreateArray();
  t->milestones = cJSON_CreateArray();
  t->syscall_counts = cJSON_CreateObject();
  t->out = m->o.trace_out;
}

/* The first process's header; a later process's set-up writes into a scratch object. */
cJSON *gb_trace_header(gb_machine *m) {
  if (m->w->procs[0] != m) {
    cJSON_Delete(m->w->scratch);
    return m->w->scratch = cJSON_CreateObject();
  }
  return cJSON_GetObjectItem(m->w->trace.root, "header");
}

void gb_trace_free(gb_machine *m) {
  for (int i = 0; i < 3; i++) free(m->w->trace.out_buf[i]);
  free(m->w->trace.buf);
  cJSON_Delete(m->w->trace.root);
  cJSON_Delete(m->w->trace.pending);
  cJSON_Delete(m->w->trace.milestones);
  cJSON_Delete(m->w->trace.syscall_counts);
  memset(&m->w->trace, 0, sizeof m->w->trace);
}

int gb_json_write(FILE *f, const cJSON *v, int depth, char **buf, size_t *cap) {
  if (!*cap || !cJSON_PrintPreallocated((cJSON *)v, *buf, (int)*cap, 1)) {
    char *s = cJSON_Print(v); /* too big for BUF: print once, keep room for the next */
    if (!s) return -1;
    size_t need = strlen(s) + 64;
    free(*buf);
    *buf = malloc(need * 2);
    *cap = *buf ? need * 2 : 0;
    if (*buf) strcpy(*buf, s);
    free(s);
    if (!*buf) return -1;
  }
  /* cJSON_Print starts a value at depth 0: one more tab per level after each newline
   * (strings escape theirs, so every newline is the layout's) */
  const char *p = *buf;
  for (const char *nl; (nl = strchr(p, '\n')); p = nl + 1) {
    if (fwrite(p, 1, (size_t)(nl - p) + 1, f) != (size_t)(nl - p) + 1) return -1;
    for (int i = 0; i < depth; i++)
      if (putc('\t', f) == EOF) return -1;
  }
  return fputs(p, f) == EOF ? -1 : 0;
}

static void fail(gb_trace *t) { t->io_error = errno ? errno : EIO; }

/* The stream so far: "{", the header, the opening of the events array. */
static void start(gb_trace *t) {
  if (t->started || !t->out) return;
  t->started = 1;
  if (fputs("{\n\t\"header\":\t", t->out) == EOF ||
      gb_json_write(t->out, cJSON_GetObjectItem(t->root, "header"), 1, &t->buf, &t->cap) < 0 ||
      fputs(",\n\t\"events\":\t[", t->out) == EOF)
    fail(t);
}

/* Every pending event, in order: written, kept or dropped; milestones copied. */
static void flush(gb_trace *t) {
  cJSON *e;
  while ((e = t->pending->child)) {
    cJSON_DetachItemViaPointer(t->pending, e);
    if (t->out && !t->io_error) {
      start(t);
      /* an array's elements are one level deeper than the array (cJSON's print_array) */
      if ((t->nwritten++ && fputs(", ", t->out) == EOF) || gb_json_write(t->out, e, 2, &t->buf, &t->cap) < 0)
        fail(t);
    }
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "ev");
    int ms = cJSON_IsString(k) && !strcmp(k->valuestring, gb_event_name(GB_EV_MILESTONE));
    if (t->events) {
      if (ms) cJSON_AddItemToArray(t->milestones, cJSON_Duplicate(e, 1));
      cJSON_AddItemToArray(t->events, e);
    } else if (ms) {
      cJSON_AddItemToArray(t->milestones, e);
    } else {
      cJSON_Delete(e);
    }
  }
}

void gb_trace_hold(gb_machine *m) { m->w->trace.hold++; }

void gb_trace_release(gb_machine *m) {
  if (m->w->trace.hold > 0 && --m->w->trace.hold == 0) flush(&m->w->trace);
}

void gb_trace_forget(gb_machine *m) {
  gb_trace *t = &m->w->trace;
  while (t->pending->child) cJSON_DeleteItemFromArray(t->pending, 0);
  if (t->events) while (t->events->child) cJSON_DeleteItemFromArray(t->events, 0);
  while (t->milestones->child) cJSON_DeleteItemFromArray(t->milestones, 0);
  t->nevents = 0;
}

void gb_trace_adopt(gb_machine *to, gb_machine *from) {
  flush(&from->w->trace);
  gb_trace *a = &to->w->trace, *b = &from->w->trace;
  while (a->pending->child) cJSON_DeleteItemFromArray(a->pending, 0);
  /* the same run so far: FROM's tree (header, events kept, boot state if read) stands */
  cJSON *root = a->root, *ms = a->milestones;
  a->root = b->root, a->events = b->events, a->milestones = b->milestones;
  b->root = root, b->events = NULL, b->milestones = ms;
  a->out = b->out, a->started = b->started, a->io_error = b->io_error, a->nwritten = b->nwritten;
  b->out = NULL;
}

cJSON *gb_trace_event(gb_machine *m, gb_event_kind kind) {
  if (!m->w->trace.hold) flush(&m->w->trace);
  if (m->w->trace.nevents >= GB_MAX_EVENTS) {
    m->w->trace.dropped_events++;
    return NULL;
  }
  m->w->trace.nevents++;
  cJSON *e = cJSON_CreateObject();
  cJSON_AddStringToObject(e, "ev", gb_event_name(kind));
  cJSON_AddNumberToObject(e, "i", (double)m->count.insns);
  cJSON_AddNumberToObject(e, "t", m->sched.nth ? gb_cur(m)->tid : 0);
  cJSON_AddNumberToObject(e, "ns", (double)gb_now_ns(m));
  if (m != m->w->procs[0]) cJSON_AddNumberToObject(e, "pid", m->pid); /* the first's is implied */
  cJSON_AddItemToArray(m->w->trace.pending, e);
  return e;
}

void gb_trace_output(gb_machine *m, int fd, const char *buf, size_t n) {
  if (m->o.echo) {
    fwrite(buf, 1, n, fd == 1 ? stdout : stderr);
    fflush(fd == 1 ? stdout : stderr);
  }
  gb_trace *t = &m->w->trace;
  size_t room = GB_MAX_OUTPUT - t->out_len[fd];
  if (n > room) n = room;
  if (t->out_len[fd] + n + 1 > t->out_cap[fd]) {
    size_t nc = t->out_cap[fd] ? t->out_cap[fd] * 2 : 4096;
    while (nc < t->out_len[fd] + n + 1) nc *= 2;
    char *nb = realloc(t->out_buf[fd], nc);
    if (!nb) return;
    t->out_buf[fd] = nb;
    t->out_cap[fd] = nc;
  }
  memcpy(t->out_buf[fd] + t->out_len[fd], buf, n);
  t->out_len[fd] += n;
  t->out_buf[fd][t->out_len[fd]] = 0;
}

cJSON *gb_regs_json(gb_machine *m) {
  static const struct { int r; const char *n; } regs[] = {
    {UC_X86_REG_RAX, "rax"}, {UC_X86_REG_RBX, "rbx"}, {UC_X86_REG_RCX, "rcx"},
    {UC_X86_REG_RDX, "rdx"}, {UC_X86_REG_RSI, "rsi"}, {UC_X86_REG_RDI, "rdi"},
    {UC_X86_REG_RBP, "rbp"}, {UC_X86_REG_RSP, "rsp"}, {UC_X86_REG_R8, "r8"},
    {UC_X86_REG_R9, "r9"},   {UC_X86_REG_R10, "r10"}, {UC_X86_REG_R11, "r11"},
    {UC_X86_REG_R12, "r12"}, {UC_X86_REG_R13, "r13"}, {UC_X86_REG_R14, "r14"},
    {UC_X86_REG_R15, "r15"}, {UC_X86_REG_RIP, "rip"}, {UC_X86_REG_EFLAGS, "rflags"},
    {UC_X86_REG_FS_BASE, "fs_base"}};
  cJSON *o = cJSON_CreateObject();
  for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
    cJSON_AddItemToObject(o, regs[i].n, gb_hex(gb_reg(m, regs[i].r)));
  return o;
}

static cJSON *output_string(const char *s, size_t n) {
  char *c = malloc(n + 1);
  if (!c) return cJSON_CreateNull();
  for (size_t i = 0; i < n; i++) c[i] = s[i] ? s[i] : '?';
  c[n] = 0;
  cJSON *r = cJSON_CreateString(c);
  free(c);
  return r;
}

static void tls_summary(gb_machine *m, cJSON *sum) {
  cJSON *tls = cJSON_AddObjectToObject(sum, "tls_g_loads");
  cJSON_AddStringToObject(tls, "scope", m->o.tls_all ? "whole run" : "boot phase (entry to the first runtime.schedule)");
  cJSON_AddNumberToObject(tls, "sites", m->watch.ntls);
  uint64_t total = 0;
  cJSON *per = cJSON_AddObjectToObject(tls, "per_function");
  char name[200];
  for (int i = 0; i < m->watch.ntls; i++) {
    if (!m->watch.tls[i].count) continue;
    total += m->watch.tls[i].count;
    const gb_sym *s = gb_sym_at(m->img, m->watch.tls[i].addr);
    snprintf(name, sizeof name, "%s", s ? s->name : "?");
    cJSON *c = cJSON_GetObjectItemCaseSensitive(per, name);
    if (c) cJSON_SetNumberValue(c, c->valuedouble + (double)m->watch.tls[i].count);
    else cJSON_AddNumberToObject(per, name, (double)m->watch.tls[i].count);
  }
  cJSON_AddNumberToObject(tls, "total", (double)total);
}

void gb_trace_finish(gb_machine *m) {
  m->w->trace.hold = 0;
  flush(&m->w->trace);
  cJSON *sum = cJSON_AddObjectToObject(m->w->trace.root, "summary");
  cJSON_AddNumberToObject(sum, "instructions", (double)m->count.insns);
  cJSON_AddNumberToObject(sum, "blocks", (double)m->count.blocks);
  cJSON_AddNumberToObject(sum, "virtual_ns", (double)gb_now_ns(m));
  cJSON_AddNumberToObject(sum, "syscalls", (double)m->w->trace.nsyscalls);
  cJSON_AddNumberToObject(sum, "unknown_syscalls", (double)m->w->trace.nunknown);
  cJSON_AddItemToObject(sum, "syscall_counts", m->w->trace.syscall_counts);
  m->w->trace.syscall_counts = NULL;
  cJSON_AddNumberToObject(sum, "threads", m->sched.nth);
  cJSON_AddNumberToObject(sum, "thread_switches", (double)m->sched.switches);
  cJSON *per = cJSON_AddArrayToObject(sum, "thread_runs");
  for (int i = 0; i < m->sched.nth; i++) {
    cJSON *t = cJSON_CreateObject();
    cJSON_AddNumberToObject(t, "tid", m->sched.th[i].tid);
    cJSON_AddNumberToObject(t, "runs", (double)m->sched.th[i].runs);
    cJSON_AddItemToArray(per, t);
  }
  cJSON_AddNumberToObject(sum, "signals_suppressed", (double)m->sig.suppressed);
  cJSON_AddNumberToObject(sum, "signals_sent", (double)m->sig.sent);
  cJSON_AddNumberToObject(sum, "signals_delivered", (double)m->sig.delivered);
  cJSON_AddNumberToObject(sum, "signals_ignored", (double)m->sig.ignored);
  cJSON_AddItemToObject(sum, "peak_committed_bytes", gb_hex(m->mm.peak));
  cJSON *ms = cJSON_AddArrayToObject(sum, "milestones");
  for (int i = 0; i < m->watch.nms; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", m->watch.ms[i].name);
    cJSON_AddItemToObject(o, "addr", gb_hex(m->watch.ms[i].addr));
    cJSON_AddNumberToObject(o, "hits", (double)m->watch.ms[i].hits);
    cJSON_AddItemToArray(ms, o);
  }
  cJSON *reached = cJSON_AddArrayToObject(sum, "reached");
  for (int k = 1; k <= m->watch.nreached; k++)
    for (int i = 0; i < m->watch.nms; i++)
      if (m->watch.ms[i].order == k) cJSON_AddItemToArray(reached, cJSON_CreateString(m->watch.ms[i].name));
  tls_summary(m, sum);
  gb_files_summary(m, sum); /* "stdin" when the guest read fd 0 (stdin.c) */
  cJSON_AddNumberToObject(sum, "events_dropped", (double)m->w->trace.dropped_events);
  cJSON *out = cJSON_AddObjectToObject(m->w->trace.root, "output");
  cJSON_AddItemToObject(out, "stdout", output_string(m->w->trace.out_buf[1] ? m->w->trace.out_buf[1] : "", m->w->trace.out_len[1]));
  cJSON_AddItemToObject(out, "stderr", output_string(m->w->trace.out_buf[2] ? m->w->trace.out_buf[2] : "", m->w->trace.out_len[2]));
  gb_trace *t = &m->w->trace;
  if (!t->out || t->io_error) return;
  start(t);
  int bad = t->io_error || putc(']', t->out) == EOF;
  for (const cJSON *c = t->root->child; c && !bad; c = c->next) {
    if (c == t->events || !strcmp(c->string, "header")) continue;
    /* the members' names are plain words: nothing to escape */
    bad = fprintf(t->out, ",\n\t\"%s\":\t", c->string) < 0 ||
          gb_json_write(t->out, c, 1, &t->buf, &t->cap) < 0;
  }
  if (bad || fputs("\n}\n", t->out) == EOF || fflush(t->out) != 0 || ferror(t->out)) fail(t);
}
