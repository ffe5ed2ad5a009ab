/* common.c — the leaf helpers of common.h. */
#include <stdarg.h>
#include <stdio.h>

#include "machine.h"

__attribute__((format(printf, 3, 0))) static void set_stop(gb_machine *m, gb_stop_kind k, const char *fmt, va_list ap) {
  m->stop = k;
  vsnprintf(m->stop_msg, sizeof m->stop_msg, fmt, ap);
  uc_emu_stop(m->uc);
}

void gb_stop(gb_machine *m, gb_stop_kind k, const char *fmt, ...) {
  if (m->stop != GB_STOP_NONE) return;
  va_list ap;
  va_start(ap, fmt);
  set_stop(m, k, fmt, ap);
  va_end(ap);
}

void gb_stop_replace(gb_machine *m, gb_stop_kind k, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_stop(m, k, fmt, ap);
  va_end(ap);
}

cJSON *gb_hex(uint64_t v) {
  char b[24];
  snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return cJSON_CreateString(b);
}

const char *gb_sym_name(gb_machine *m, uint64_t addr, char *buf, size_t cap) {
  const gb_sym *s = gb_sym_at(m->img, addr);
  if (s && addr == s->addr) snprintf(buf, cap, "%s", s->name);
  else if (s) snprintf(buf, cap, "%s+0x%llx", s->name, (unsigned long long)(addr - s->addr));
  else snprintf(buf, cap, "0x%llx", (unsigned long long)addr);
  return buf;
}
