/* trace.c — the event log, built as one cJSON tree and serialised once by the caller.
 * Deterministic by construction: every value comes from the run's inputs and the
 * virtual machine (instruction counts, virtual ns, guest addresses as "0x…" strings);
 * no host pointer, time, pid or path other than the binary path the user passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define GB_MAX_EVENTS 200000
#define GB_MAX_OUTPUT (16u << 20)

void gb_trace_init(gb_machine *m) {
  m->trace.root = cJSON_CreateObject();
  cJSON_AddObjectToObject(m->trace.root, "header");
  m->trace.events = cJSON_AddArrayToObject(m->trace.root, "events");
  m->trace.syscall_counts = cJSON_CreateObject();
}

cJSON *gb_trace_header(gb_machine *m) { return cJSON_GetObjectItem(m->trace.root, "header"); }

void gb_trace_free(gb_machine *m) {
  for (int i = 0; i < 3; i++) free(m->trace.out[i]);
  cJSON_Delete(m->trace.root);
  cJSON_Delete(m->trace.syscall_counts);
  memset(&m->trace, 0, sizeof m->trace);
}

cJSON *gb_trace_event(gb_machine *m, gb_event_kind kind) {
  if (m->trace.nevents >= GB_MAX_EVENTS) {
    m->trace.dropped_events++;
    return NULL;
  }
  m->trace.nevents++;
  cJSON *e = cJSON_CreateObject();
  cJSON_AddStringToObject(e, "ev", gb_event_name(kind));
  cJSON_AddNumberToObject(e, "i", (double)m->count.insns);
  cJSON_AddNumberToObject(e, "t", m->sched.nth ? gb_cur(m)->tid : 0);
  cJSON_AddNumberToObject(e, "ns", (double)gb_now_ns(m));
  cJSON_AddItemToArray(m->trace.events, e);
  return e;
}

void gb_trace_output(gb_machine *m, int fd, const char *buf, size_t n) {
  if (m->o.echo) {
    fwrite(buf, 1, n, fd == 1 ? stdout : stderr);
    fflush(fd == 1 ? stdout : stderr);
  }
  size_t room = GB_MAX_OUTPUT - m->trace.out_len[fd];
  if (n > room) n = room;
  if (m->trace.out_len[fd] + n + 1 > m->trace.out_cap[fd]) {
    size_t nc = m->trace.out_cap[fd] ? m->trace.out_cap[fd] * 2 : 4096;
    while (nc < m->trace.out_len[fd] + n + 1) nc *= 2;
    char *nb = realloc(m->trace.out[fd], nc);
    if (!nb) return;
    m->trace.out[fd] = nb;
    m->trace.out_cap[fd] = nc;
  }
  memcpy(m->trace.out[fd] + m->trace.out_len[fd], buf, n);
  m->trace.out_len[fd] += n;
  m->trace.out[fd][m->trace.out_len[fd]] = 0;
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
  cJSON *sum = cJSON_AddObjectToObject(m->trace.root, "summary");
  cJSON_AddNumberToObject(sum, "instructions", (double)m->count.insns);
  cJSON_AddNumberToObject(sum, "blocks", (double)m->count.blocks);
  cJSON_AddNumberToObject(sum, "virtual_ns", (double)gb_now_ns(m));
  cJSON_AddNumberToObject(sum, "syscalls", (double)m->trace.nsyscalls);
  cJSON_AddNumberToObject(sum, "unknown_syscalls", (double)m->trace.nunknown);
  cJSON_AddItemToObject(sum, "syscall_counts", m->trace.syscall_counts);
  m->trace.syscall_counts = NULL;
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
  cJSON_AddNumberToObject(sum, "events_dropped", (double)m->trace.dropped_events);
  cJSON *out = cJSON_AddObjectToObject(m->trace.root, "output");
  cJSON_AddItemToObject(out, "stdout", output_string(m->trace.out[1] ? m->trace.out[1] : "", m->trace.out_len[1]));
  cJSON_AddItemToObject(out, "stderr", output_string(m->trace.out[2] ? m->trace.out[2] : "", m->trace.out_len[2]));
}
