/* faultpc.c — where exactly a guest fault happened.
 *
 * After an unmapped or protected data access, Unicorn 2.1.1 leaves the emulation at
 * once (cpu_loop_exit: nothing after the access runs), with the registers and memory
 * as they were before the faulting instruction, but RIP and the flags stale: RIP is
 * synchronised only where a block was left unchained, and the lazily computed flags use
 * the condition-code operation of the block's start. Exceptions (#DE, #GP…), invalid
 * instructions and fetch faults are exact. Under a code hook that covers the faulting
 * instruction, RIP and the flags are exact too (docs/unicorn.md § Where a data fault
 * happened, measured).
 *
 * So a data fault is first reported at the start of its block (the block hook saw it).
 * To deliver it (signal.c) or to report it, a replay of the run — the run is
 * deterministic — is brought to the start of that block (an instruction budget), given
 * a code hook over that block only (a whole-range one costs 5-23x, docs/unicorn.md §
 * Code hooks and the translation cache), the block's translation dropped so the hook
 * applies, and runs the one block: the bad-access hook then sees the exact RIP and
 * saves the CPU state (gb_fault_step). The faulting machine takes RIP, the flags and the
 * count from it and goes on (gb_fault_take). The replay is kept (signal.c's twin), so the
 * next new fault replays only what ran since this one.
 *
 * And the instruction becomes a site: a code hook over it and the instruction after it,
 * so when it faults again, in the same block, the fault is exact at once and nothing is
 * replayed (a loop of recovered nil dereferences costs O(1) per fault). The hook after
 * it tells a fault at the site from a later one in the same block, where RIP would still
 * name the site; that the hook ran in this very block is told by the block hook's
 * count (last_block and tinsns, which it moves on every block). A hooked instruction
 * costs ~100 ns each time it runs, so a site hook that runs GB_FAULT_HOOK_RUNS times
 * without a fault is removed. The probe (no second run) keeps the block-level report.
 * Costs nothing until a fault. */
#include <stdio.h>
#include <string.h>

#include "machine.h"

static int is_data_fault(uc_err e) {
  return e == UC_ERR_READ_UNMAPPED || e == UC_ERR_WRITE_UNMAPPED || e == UC_ERR_READ_PROT ||
         e == UC_ERR_WRITE_PROT;
}

static const char *access_name(int type) {
  switch (type) {
  case UC_MEM_READ_UNMAPPED: return "read of unmapped";
  case UC_MEM_WRITE_UNMAPPED: return "write to unmapped";
  case UC_MEM_FETCH_UNMAPPED: return "fetch from unmapped";
  case UC_MEM_READ_PROT: return "read of unreadable";
  case UC_MEM_WRITE_PROT: return "write to read-only";
  case UC_MEM_FETCH_PROT: return "fetch from non-executable";
  default: return "access to";
  }
}

static gb_fault_hook *hook_at(gb_fault *f, uint64_t addr) {
  for (int i = 0; i < f->nhooks; i++)
    if (addr - f->hook[i].pc <= f->hook[i].size) return &f->hook[i];
  return NULL;
}

/* Drop hook I and the sites at its pc. Deleting the hook also drops the translations
 * made with it (Unicorn's hooked regions), even from inside a hook: it is only marked
 * deleted until uc_emu_start returns. */
static void hook_remove(gb_machine *m, int i) {
  gb_fault *f = &m->fault;
  uint64_t pc = f->hook[i].pc;
  uc_hook_del(m->uc, f->hook[i].hh);
  f->hook[i] = f->hook[--f->nhooks];
  if (f->next_evict >= f->nhooks) f->next_evict = 0;
  int n = 0;
  for (int k = 0; k < f->nsites; k++)
    if (f->site[k].pc != pc) f->site[n++] = f->site[k];
  f->nsites = n;
}

/* Which site the bad access is at, if it is exact: the site hook ran last, in this very
 * block, at the instruction RIP names. The block hook moves tinsns on every block. */
static const gb_fault_site *exact_site(gb_machine *m) {
  gb_fault *f = &m->fault;
  if (!f->nsites || f->hit_block != m->count.last_block || f->hit_tinsns != m->count.tinsns)
    return NULL;
  if (gb_reg(m, UC_X86_REG_RIP) != f->hit_pc) return NULL;
  for (int i = 0; i < f->nsites; i++)
    if (f->site[i].pc == f->hit_pc && f->site[i].block == m->count.last_block &&
        f->site[i].icount == m->count.last_block_icount)
      return &f->site[i];
  return NULL;
}

/* UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT: called only on a bad access (the fast path
 * never looks at it). Keeps the first one; while locating, also the CPU state. */
bool gb_hook_bad_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                        int64_t value, void *user) {
  gb_machine *m = user;
  (void)size;
  (void)value;
  if (m->fault.bad_seen) return false;
  m->fault.bad_seen = 1;
  m->fault.bad_type = (int)type;
  m->fault.bad_addr = addr;
  const gb_fault_site *s = exact_site(m);
  if (s) {
    hook_at(&m->fault, s->pc)->runs = 0;
    m->fault.exact = 1;
    m->fault.exact_pc = s->pc;
    m->fault.exact_index = s->index;
  }
  if (m->fault.loc_ctx && uc_context_save(uc, m->fault.loc_ctx) == UC_ERR_OK) m->fault.loc_found = 1;
  return false;
}

static void message(gb_machine *m, const char *where, uint64_t pc) {
  char b[200], acc[80] = "";
  if (m->fault.bad_seen)
    snprintf(acc, sizeof acc, ": %s 0x%llx", access_name(m->fault.bad_type),
             (unsigned long long)m->fault.bad_addr);
  gb_stop_replace(m, GB_STOP_FAULT, "guest fault: %s %s 0x%llx (%s)%s", uc_strerror(m->fault.err), where,
          (unsigned long long)pc, gb_sym_name(m, pc, b, sizeof b), acc);
}

void gb_fault_stop(gb_machine *m, uc_err err) {
  gb_fault *f = &m->fault;
  f->err = err;
  memset(&f->pt, 0, sizeof f->pt);
  if (is_data_fault(err) && m->count.last_block) {
    f->pt = (gb_sigpoint){m->count.tinsns - m->count.last_block_icount, m->count.last_block,
                          m->count.last_block_end, f->bad_addr, m->sched.nth ? gb_cur(m)->tid : 0};
    if (f->exact) { /* at a site: the state is the one before the instruction */
      gb_set_reg(m, UC_X86_REG_RIP, f->exact_pc);
      m->count.insns = f->pt.before + f->exact_index; /* the clock: gb_fault_settle */
      message(m, "at pc", f->exact_pc);
      return;
    }
    /* RIP is stale: name the block the block hook saw start, the faulting one */
    gb_set_reg(m, UC_X86_REG_RIP, m->count.last_block);
    message(m, "in the block at", m->count.last_block);
    f->in_block = 1;
  } else {
    message(m, "at pc", gb_reg(m, UC_X86_REG_RIP));
  }
}

static void step_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *l = user;
  (void)uc;
  l->fault.loc_steps++;
  l->fault.loc_pc = addr;
  l->fault.loc_size = size;
}

static void site_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *m = user;
  (void)uc;
  (void)size;
  m->fault.hit_pc = addr;
  m->fault.hit_block = m->count.last_block;
  m->fault.hit_tinsns = m->count.tinsns;
  gb_fault_hook *h = hook_at(&m->fault, addr);
  if (h && ++h->runs > GB_FAULT_HOOK_RUNS) hook_remove(m, (int)(h - m->fault.hook));
}

/* What the faulting machine takes from the locator: all but RIP and RFLAGS must already
 * be equal. */
static const int copied[] = {
    UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI,
    UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP, UC_X86_REG_R8,  UC_X86_REG_R9,
    UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14,
    UC_X86_REG_R15, UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE, UC_X86_REG_RIP, UC_X86_REG_EFLAGS};
#define NSAME (sizeof copied / sizeof copied[0] - 2)

/* The code hook covers the faulting block only, and only that block's translations are
 * dropped (before, so it is retranslated with the hook; after, so the run goes on at
 * full speed): uc_ctl_flush_tb would clear Unicorn's whole 1 GiB code buffer (a memset:
 * 1.6 s of page faults and +1 GiB RSS, measured). */
int gb_fault_step(gb_machine *l, const gb_sigpoint *p) {
  uc_hook hh;
  if (gb_reg(l, UC_X86_REG_RIP) != p->block || gb_cur(l)->tid != p->tid || p->end <= p->block)
    return -1;
  if (!l->fault.loc_ctx && uc_context_alloc(l->uc, &l->fault.loc_ctx) != UC_ERR_OK) return -1;
  if (uc_hook_add(l->uc, &hh, UC_HOOK_CODE, (void *)step_hook, l, p->block, p->end - 1) != UC_ERR_OK)
    return -1;
  uint64_t max = l->o.max_insns;
  l->o.max_insns = UINT64_MAX; /* the block hook must not stop it again */
  l->stop = GB_STOP_NONE;
  l->fault.bad_seen = 0;
  l->fault.exact = 0;
  l->fault.loc_found = 0;
  l->fault.loc_steps = 0;
  uc_err e = UC_ERR_ARG;
  if (uc_ctl_remove_cache(l->uc, p->block, p->end) == UC_ERR_OK)
    e = uc_emu_start(l->uc, p->block, GB_NO_EXIT, 0, 0);
  l->o.max_insns = max;
  uc_hook_del(l->uc, hh);
  uc_ctl_remove_cache(l->uc, p->block, p->end);
  int ok = is_data_fault(e) && l->fault.loc_found && l->fault.bad_addr == p->bad_addr &&
           uc_context_restore(l->uc, l->fault.loc_ctx) == UC_ERR_OK &&
           gb_reg(l, UC_X86_REG_RIP) == l->fault.loc_pc;
  uc_context_free(l->fault.loc_ctx);
  l->fault.loc_ctx = NULL;
  if (!ok) return -1;
  l->fault.err = e;
  l->fault.in_block = 0;
  l->fault.pt = *p;
  /* instructions retired before the faulting one (the step hook counted it too) */
  l->count.insns = l->count.tinsns = p->before + (l->fault.loc_steps ? l->fault.loc_steps - 1 : 0);
  l->stop = GB_STOP_FAULT;
  return 0;
}

/* A site, with a code hook over PC and the instruction after it (PC's translations
 * dropped so they are made again with it); when all are taken, the oldest goes. */
static void site_add(gb_machine *m, uint64_t block, uint64_t pc, uint32_t index, uint32_t icount,
                     uint32_t size) {
  gb_fault *f = &m->fault;
  if (!size) return;
  gb_fault_hook *h = hook_at(f, pc);
  if (!h || h->pc != pc) {
    if (f->nhooks == GB_FAULT_SITES) hook_remove(m, f->next_evict++);
    h = &f->hook[f->nhooks];
    *h = (gb_fault_hook){pc, size, 0, 0};
    if (uc_hook_add(m->uc, &h->hh, UC_HOOK_CODE, (void *)site_hook, m, pc, pc + size) != UC_ERR_OK)
      return;
    uc_ctl_remove_cache(m->uc, pc, pc + size + 1);
    f->nhooks++;
  }
  for (int i = 0; i < f->nsites; i++)
    if (f->site[i].pc == pc && f->site[i].block == block) return;
  if (f->nsites < GB_FAULT_SITES) f->site[f->nsites++] = (gb_fault_site){block, pc, index, icount};
}

int gb_fault_take(gb_machine *m, gb_machine *l) {
  for (size_t i = 0; i < NSAME; i++)
    if (gb_reg(m, copied[i]) != gb_reg(l, copied[i])) return -1;
  for (int i = 0; i < 16; i++) {
    unsigned char a[16], b[16];
    if (uc_reg_read(m->uc, UC_X86_REG_XMM0 + i, a) != UC_ERR_OK ||
        uc_reg_read(l->uc, UC_X86_REG_XMM0 + i, b) != UC_ERR_OK || memcmp(a, b, sizeof a))
      return -1;
  }
  uint64_t pc = gb_reg(l, UC_X86_REG_RIP);
  gb_set_reg(m, UC_X86_REG_RIP, pc);
  gb_set_reg(m, UC_X86_REG_EFLAGS, gb_reg(l, UC_X86_REG_EFLAGS));
  m->count.insns = l->count.insns;
  m->count.tinsns = l->count.tinsns;
  m->fault.in_block = 0;
  message(m, "at pc", pc);
  site_add(m, m->fault.pt.block, pc, (uint32_t)(l->count.tinsns - m->fault.pt.before),
           (uint32_t)m->count.last_block_icount, l->fault.loc_size);
  return 0;
}

void gb_fault_settle(gb_machine *m) {
  if (m->fault.pt.end) m->count.tinsns = m->count.insns;
}

void gb_fault_clear(gb_machine *m) {
  m->fault.intr = 0;
  m->fault.err = UC_ERR_OK;
  m->fault.in_block = 0;
  m->fault.bad_seen = 0;
  m->fault.exact = 0;
  memset(&m->fault.pt, 0, sizeof m->fault.pt);
}

void gb_fault_locate(gb_machine *m) {
  if (!m->fault.in_block) return;
  gb_machine *l = gb_replay_to_fault(m); /* signal.c's twin: it stays M's */
  if (!l) return;
  for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++)
    gb_set_reg(m, copied[i], gb_reg(l, copied[i]));
  m->count.insns = l->count.insns;
  m->fault.in_block = 0;
  message(m, "at pc", gb_reg(m, UC_X86_REG_RIP));
}
