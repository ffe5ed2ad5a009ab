/* hooks.c — what goboot watches while the guest runs.
 *
 *  - the syscall instruction (→ sys_table.c);
 *  - a block hook, the only per-block work: instruction counting from each block's
 *    icount (asked once from Unicorn's translation cache, then cached), the loads of g
 *    from FS:-8 (the sites are found by scanning the text; a block counts the sites it
 *    contains), the instruction budget, the scheduler's quantum and the wall-clock guard;
 *  - single-address milestone hooks on the boot-path functions (bootpath.h);
 *  - an interrupt hook: any CPU exception or INT is a guest fault;
 *  - a bad-access hook (unmapped or protected memory), which only records the access
 *    for the fault report (faultpc.c).
 * TLS loads are counted during the boot phase (entry → first runtime.schedule) unless
 * --tls-all. There is no per-instruction hook (each costs 5–23×, and removing one means
 * retranslating: docs/unicorn.md § Code hooks and the translation cache) except with
 * exact_insns, which cross-checks the block counts, and no memory hook ever (11–19× on
 * every access: § Memory hooks). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bootpath.h"
#include "bootstate.h"
#include "machine.h"

/* First TLS site >= addr. */
static int tls_lower(const gb_machine *m, uint64_t addr) {
  int lo = 0, hi = m->watch.ntls;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (m->watch.tls[mid].addr < addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static gb_block_info block_fill(gb_machine *m, gb_block_ent *e, uint64_t addr, uint32_t size) {
  gb_block_info bi = {0, 0, 0};
  uc_tb tb;
  memset(&tb, 0, sizeof tb);
  /* The block is being executed, so this is a lookup, not a translation. The control
   * word is spelled out: unicorn.h's UC_CTL_READ_WRITE shifts 3 into an int's sign bit,
   * which UBSan rejects. */
  const uc_control_type req =
      (uc_control_type)((unsigned)UC_CTL_TB_REQUEST_CACHE | (2u << 26) | (3u << 30));
  if (uc_ctl(m->uc, req, addr, &tb) == UC_ERR_OK && tb.icount) bi.icount = tb.icount;
  else bi.icount = (uint16_t)(size / 4 + 1);
  int f = tls_lower(m, addr), l = tls_lower(m, addr + size);
  bi.first_tls = f;
  bi.ntls = (uint16_t)(l - f);
  e->addr = addr;
  e->bi = bi;
  return bi;
}

static uint64_t host_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void wall_check(gb_machine *m) {
  if (m->o.timeout_s > 0 && (double)(host_ns() - m->count.wall_start_ns) > m->o.timeout_s * 1e9)
    gb_stop(m, GB_STOP_WALL, "wall-clock guard: more than %.1f s of host time", m->o.timeout_s);
}

void gb_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *m = user;
  (void)uc;
  gb_block_ent *e = &m->count.bc[(addr ^ (addr >> 16)) & (GB_BLOCK_CACHE - 1)];
  gb_block_info bi = e->addr == addr ? e->bi : block_fill(m, e, addr, size);
  if (addr == m->clock.skip_at && addr + size == m->clock.skip_end) {
    /* the tail of a block cut by an RDTSC skip: its instructions were counted with it */
    m->clock.skip_at = 0;
    m->count.blocks++;
    m->count.last_block = addr;
    m->count.last_block_icount = 0;
    return;
  }
  m->clock.skip_at = 0;
  if (m->count.insns + bi.icount > m->o.max_insns) {
    m->count.quantum_stop = 1;
    m->count.quantum_pc = addr;
    gb_stop(m, GB_STOP_BUDGET, "instruction budget of %llu exhausted",
            (unsigned long long)m->o.max_insns);
    return;
  }
  if (++m->count.slice >= m->o.quantum) {
    m->count.slice = 0;
    gb_sched_expire(m);
    if (gb_sched_others_runnable(m)) {
      m->count.quantum_stop = 1;
      m->count.quantum_pc = addr;
      uc_emu_stop(m->uc);
      return;
    }
  }
  m->count.blocks++;
  m->count.last_block = addr;
  m->count.last_block_icount = bi.icount;
  m->count.last_block_end = addr + size;
  m->count.tinsns += bi.icount;
  if (!m->count.hh_exact) m->count.insns += bi.icount;
  if (bi.ntls && (m->watch.boot_phase || m->o.tls_all))
    for (int k = 0; k < bi.ntls; k++) m->watch.tls[bi.first_tls + k].count++;
  if ((m->count.blocks & 0xffff) == 0) wall_check(m);
}

static void sys_hook(uc_engine *uc, void *user) {
  (void)uc;
  gb_syscall(user);
}

static int site_cmp(const void *a, const void *b) {
  const gb_tls_site *x = a, *y = b;
  return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void exact_insn(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *m = user;
  (void)uc;
  (void)addr;
  (void)size;
  m->count.insns++;
}

/* mov reg64, qword ptr fs:[-8]  =  64 REX.W(48|4C) 8B modrm(00 reg 100) 25 F8 FF FF FF */
static int scan_tls(gb_machine *m) {
  int cap = 0;
  for (int s = 0; s < m->img->nseg; s++) {
    const gb_segment *sg = &m->img->seg[s];
    if (!(sg->prot & GB_PROT_X)) continue;
    size_t avail = 0;
    const unsigned char *p = gb_image_ptr(m->img, sg->vaddr, &avail);
    if (!p) continue;
    size_t n = sg->filesz < avail ? (size_t)sg->filesz : avail;
    for (size_t i = 0; i + 9 <= n; i++) {
      /* on to the next FS prefix (0x64) that can start the 9-byte load */
      const unsigned char *fs = memchr(p + i, 0x64, n - 8 - i);
      if (!fs) break;
      i = (size_t)(fs - p);
      if ((p[i + 1] != 0x48 && p[i + 1] != 0x4c) || p[i + 2] != 0x8b ||
          (p[i + 3] & 0xc7) != 0x04 || p[i + 4] != 0x25 || p[i + 5] != 0xf8 || p[i + 6] != 0xff ||
          p[i + 7] != 0xff || p[i + 8] != 0xff)
        continue;
      if (m->watch.ntls == cap) {
        cap = cap ? cap * 2 : 512;
        gb_tls_site *nt = realloc(m->watch.tls, (size_t)cap * sizeof *nt);
        if (!nt) return -1;
        m->watch.tls = nt;
      }
      m->watch.tls[m->watch.ntls].addr = sg->vaddr + i;
      m->watch.tls[m->watch.ntls].count = 0;
      m->watch.ntls++;
    }
  }
  if (m->watch.ntls) qsort(m->watch.tls, (size_t)m->watch.ntls, sizeof *m->watch.tls, site_cmp);
  return 0;
}

static void read_boot_state(gb_machine *m) {
  m->watch.boot_state_done = 1;
  cJSON *bs = gb_bootstate_read(m->uc, m->img, gb_reg(m, UC_X86_REG_FS_BASE));
  if (bs) cJSON_AddItemToObject(m->trace.root, "boot_state", bs);
}

static void ms_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *m = user;
  (void)uc;
  (void)size;
  /* milestones are function entries, so block starts: the count before the block */
  uint64_t before = m->count.hh_exact ? m->count.insns - 1 : m->count.insns - m->count.last_block_icount;
  for (int i = 0; i < m->watch.nms; i++) {
    gb_milestone *ms = &m->watch.ms[i];
    if (ms->addr != addr) continue;
    if (ms->hits++ == 0) {
      ms->order = ++m->watch.nreached;
      cJSON *ev = gb_trace_event(m, GB_EV_MILESTONE);
      if (ev) {
        cJSON_AddStringToObject(ev, "name", ms->name);
        cJSON_AddStringToObject(ev, "symbol", ms->sym);
        cJSON_AddItemToObject(ev, "addr", gb_hex(addr));
        cJSON_ReplaceItemInObject(ev, "i", cJSON_CreateNumber((double)before));
        cJSON_AddNumberToObject(ev, "blocks", (double)m->count.blocks);
      }
      if (ms->is_runtime_main && !m->watch.boot_state_done) read_boot_state(m);
      if (ms->is_schedule && m->watch.boot_phase) {
        m->watch.boot_phase = 0;
        cJSON *e = gb_trace_event(m, GB_EV_BOOT_PHASE_END);
        if (e) {
          cJSON_ReplaceItemInObject(e, "i", cJSON_CreateNumber((double)before));
          cJSON_AddStringToObject(e, "why", "first runtime.schedule");
        }
      }
    }
    if (ms->is_until) {
      gb_stop(m, GB_STOP_UNTIL, "reached %s", ms->name);
      m->count.insns = before;
    }
  }
}

static void intr_hook(uc_engine *uc, uint32_t intno, void *user) {
  gb_machine *m = user;
  (void)uc;
  static const char *const names[] = {"#DE divide error", "#DB", "NMI", "#BP int3", "#OF", "#BR",
                                      "#UD invalid opcode", "#NM", "#DF", "", "#TS", "#NP",
                                      "#SS", "#GP general protection", "#PF page fault"};
  if (m->stop == GB_STOP_NONE) m->fault.intr = (int)intno + 1; /* signal.c: which signal */
  gb_stop(m, GB_STOP_FAULT, "CPU exception %u (%s)", intno,
          intno < sizeof names / sizeof names[0] ? names[intno] : "interrupt");
}

static int add_ms(gb_machine *m, const char *name, int is_until) {
  const gb_sym *s = gb_sym_find(m->img, name);
  if (!s) return -1;
  for (int i = 0; i < m->watch.nms; i++)
    if (m->watch.ms[i].addr == s->addr && !strcmp(m->watch.ms[i].name, name)) {
      m->watch.ms[i].is_until |= is_until;
      return 0;
    }
  if (m->watch.nms >= (int)(sizeof m->watch.ms / sizeof m->watch.ms[0])) return -1;
  gb_milestone *ms = &m->watch.ms[m->watch.nms++];
  memset(ms, 0, sizeof *ms);
  ms->name = name;
  ms->sym = s->name;
  ms->addr = s->addr;
  ms->is_until = is_until;
  ms->is_schedule = !strcmp(name, "runtime.schedule");
  ms->is_runtime_main = !strcmp(name, "runtime.main");
  /* one hook per address */
  for (int i = 0; i < m->watch.nms - 1; i++)
    if (m->watch.ms[i].addr == s->addr) return 0;
  return uc_hook_add(m->uc, &ms->hh, UC_HOOK_CODE, (void *)ms_hook, m, s->addr, s->addr) ==
                 UC_ERR_OK ? 0 : -2;
}

static const char *const extra_ms[] = {"runtime.newosproc", "runtime.clone", "runtime.sysmon",
                                       "runtime.exit"};

void gb_hooks_free(gb_machine *m) {
  free(m->watch.tls);
  free(m->count.bc);
  m->watch.tls = NULL;
  m->count.bc = NULL;
}

int gb_hooks_install(gb_machine *m) {
  m->count.wall_start_ns = host_ns();
  m->count.bc = calloc(GB_BLOCK_CACHE, sizeof *m->count.bc);
  if (!m->count.bc) return -1;
  if (scan_tls(m) < 0) return -1;
  /* the exact counter goes first so milestones see the count of their own instruction */
  if (m->o.exact_insns &&
      uc_hook_add(m->uc, &m->count.hh_exact, UC_HOOK_CODE, (void *)exact_insn, m, 1, 0) != UC_ERR_OK)
    return -1;
  m->watch.boot_phase = 1;
  if (uc_hook_add(m->uc, &m->count.hh_block, UC_HOOK_BLOCK, (void *)gb_hook_block, m, 1, 0) != UC_ERR_OK)
    return -1;
  if (uc_hook_add(m->uc, &m->count.hh_sys, UC_HOOK_INSN, (void *)sys_hook, m, 1, 0,
                  UC_X86_INS_SYSCALL) != UC_ERR_OK)
    return -1;
  if (uc_hook_add(m->uc, &m->count.hh_intr, UC_HOOK_INTR, (void *)intr_hook, m, 1, 0) != UC_ERR_OK)
    return -1;
  /* consulted only on a bad access, never on the fast path (unlike MEM_READ/WRITE) */
  if (uc_hook_add(m->uc, &m->fault.hh_bad, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
                  (void *)gb_hook_bad_access, m, 1, 0) != UC_ERR_OK)
    return -1;
  cJSON *hdr = gb_trace_header(m);
  cJSON *missing = cJSON_AddArrayToObject(hdr, "milestones_absent");
  for (int i = 0; i < gb_boot_path_len; i++)
    if (add_ms(m, gb_boot_path[i].name, 0) == -1)
      cJSON_AddItemToArray(missing, cJSON_CreateString(gb_boot_path[i].name));
  for (size_t i = 0; i < sizeof extra_ms / sizeof extra_ms[0]; i++)
    if (add_ms(m, extra_ms[i], 0) == -1)
      cJSON_AddItemToArray(missing, cJSON_CreateString(extra_ms[i]));
  if (m->o.until && strcmp(m->o.until, "exit") != 0) {
    int r = add_ms(m, m->o.until, 1);
    if (r == -1) return -3;
    if (r < 0) return -1;
  }
  cJSON_AddNumberToObject(hdr, "tls_g_load_sites", m->watch.ntls);
  return 0;
}

