/* vclock.c — virtual time. The monotonic clock is a pure function of the work done:
 * 1 ns per guest instruction, plus the jumps the scheduler makes when every thread
 * sleeps. The TSC runs at a virtual 3 GHz on the same clock; RDTSC/RDTSCP are served
 * by code hooks on their exact addresses in runtime.cputicks (2.1.1 cannot hook the
 * instruction itself: docs/unicorn.md § RDTSC in 2.1.1). The host clock is never read
 * here. */
#include <string.h>

#include "machine.h"

static void rdtsc_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *m = user;
  (void)uc;
  (void)size;
  unsigned char b[3] = {0};
  gb_read(m, addr, b, 3);
  int is_rdtscp = b[1] == 0x01;
  uint64_t tsc = gb_now_ns(m) * 3;
  gb_set_reg(m, UC_X86_REG_RAX, tsc & 0xffffffffu);
  gb_set_reg(m, UC_X86_REG_RDX, tsc >> 32);
  if (is_rdtscp) gb_set_reg(m, UC_X86_REG_RCX, 0); /* IA32_TSC_AUX: cpu 0 */
  /* a RIP write from a code hook resumes there: the real instruction never runs. The
   * rest of this block then runs as a new block that was already counted with this one */
  gb_count_settle(m); /* the block's end, and the block hook's slow path sees the tail */
  m->clock.skip_at = addr + (is_rdtscp ? 3 : 2);
  m->clock.skip_end = m->count.last_block_end;
  gb_set_reg(m, UC_X86_REG_RIP, addr + (is_rdtscp ? 3 : 2));
}

static const char *const tsc_funcs[] = {"runtime.cputicks", "runtime.rdtsc"};

int gb_vclock_install(gb_machine *m) {
  cJSON *sites = cJSON_AddArrayToObject(gb_trace_header(m), "rdtsc_sites");
  for (size_t f = 0; f < sizeof tsc_funcs / sizeof tsc_funcs[0]; f++) {
    const gb_sym *s = gb_sym_find(m->img, tsc_funcs[f]);
    if (!s || !s->size) continue;
    size_t avail = 0;
    const unsigned char *p = gb_image_ptr(m->img, s->addr, &avail);
    if (!p) continue;
    size_t n = s->size < avail ? s->size : avail;
    for (size_t i = 0; i + 1 < n && m->clock.nrdtsc < (int)(sizeof m->clock.hh_rdtsc / sizeof m->clock.hh_rdtsc[0]);
         i++) {
      int hit = (p[i] == 0x0f && p[i + 1] == 0x31) ||
                (i + 2 < n && p[i] == 0x0f && p[i + 1] == 0x01 && p[i + 2] == 0xf9);
      if (!hit) continue;
      uint64_t a = s->addr + i;
      if (uc_hook_add(m->uc, &m->clock.hh_rdtsc[m->clock.nrdtsc], UC_HOOK_CODE, (void *)rdtsc_hook, m, a,
                      a) != UC_ERR_OK)
        return -1;
      m->clock.nrdtsc++;
      cJSON *o = cJSON_CreateObject();
      cJSON_AddItemToObject(o, "addr", gb_hex(a));
      cJSON_AddStringToObject(o, "insn", p[i + 1] == 0x31 ? "rdtsc" : "rdtscp");
      cJSON_AddStringToObject(o, "func", s->name);
      cJSON_AddItemToArray(sites, o);
    }
  }
  return 0;
}
