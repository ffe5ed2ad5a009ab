/* faultpc.c — where exactly a guest fault happened.
 *
 * Unicorn 2.1.1 synchronises RIP only at translated-block boundaries (and not even there
 * when blocks are chained), so after an unmapped or protected data access RIP can name
 * an earlier block, and the registers are those after the rest of the block ran on with
 * a zero load. Exceptions (#DE, #GP…), invalid instructions and fetch faults are exact.
 * Measured on 2.1.1 (FINDINGS.md #3): inside a UC_HOOK_MEM_UNMAPPED/PROT hook RIP is
 * still stale, unless a code hook covers the instruction — then it is the faulting one,
 * and the CPU state is from before it.
 *
 * So a data fault is first reported at the start of its block (the block hook saw it),
 * and gb_emu_run then locates it: the run is deterministic, so a second machine runs the
 * same inputs to the start of that block (an instruction budget; signal.c's replay, which
 * also re-delivers the signals delivered before), adds a code hook over that block only
 * (a whole-range one costs 5-23x, docs/unicorn.md § Code hooks and the translation
 * cache), drops the block's translation so
 * the hook applies, and runs the one block. The bad-access hook then sees the exact RIP
 * and saves the CPU state; the first machine takes its registers, or (signal.c) the run
 * goes on in the second. The probe (no second run) keeps the block-level report. Costs
 * nothing until a fault. */
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
  m->fault.err = err;
  if (is_data_fault(err) && m->count.last_block) {
    /* RIP is stale: name the block the block hook saw start, the faulting one */
    gb_set_reg(m, UC_X86_REG_RIP, m->count.last_block);
    message(m, "in the block at", m->count.last_block);
    m->fault.in_block = 1;
  } else {
    message(m, "at pc", gb_reg(m, UC_X86_REG_RIP));
  }
}

static void step_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *l = user;
  (void)uc;
  (void)addr;
  (void)size;
  l->fault.loc_steps++;
}

static const int copied[] = {
    UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI,
    UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP, UC_X86_REG_R8,  UC_X86_REG_R9,
    UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14,
    UC_X86_REG_R15, UC_X86_REG_RIP, UC_X86_REG_EFLAGS, UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE};

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
  l->fault.loc_found = 0;
  l->fault.loc_steps = 0;
  uc_err e = UC_ERR_ARG;
  if (uc_ctl_remove_cache(l->uc, p->block, p->end) == UC_ERR_OK)
    e = uc_emu_start(l->uc, p->block, GB_NO_EXIT, 0, 0);
  l->o.max_insns = max;
  uc_hook_del(l->uc, hh);
  uc_ctl_remove_cache(l->uc, p->block, p->end);
  int ok = is_data_fault(e) && l->fault.loc_found && l->fault.bad_addr == p->bad_addr &&
           uc_context_restore(l->uc, l->fault.loc_ctx) == UC_ERR_OK;
  uc_context_free(l->fault.loc_ctx);
  l->fault.loc_ctx = NULL;
  if (!ok) return -1;
  l->fault.err = e;
  l->fault.in_block = 0;
  /* instructions retired before the faulting one (the step hook counted it too) */
  l->count.insns = l->count.tinsns = p->before + (l->fault.loc_steps ? l->fault.loc_steps - 1 : 0);
  l->stop = GB_STOP_FAULT;
  return 0;
}

void gb_fault_clear(gb_machine *m) {
  m->fault.intr = 0;
  m->fault.err = UC_ERR_OK;
  m->fault.in_block = 0;
  m->fault.bad_seen = 0;
}

void gb_fault_locate(gb_machine *m) {
  if (!m->fault.in_block) return;
  gb_machine *l = gb_replay_to_fault(m);
  if (!l) return;
  for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++)
    gb_set_reg(m, copied[i], gb_reg(l, copied[i]));
  m->count.insns = l->count.insns;
  m->fault.in_block = 0;
  message(m, "at pc", gb_reg(m, UC_X86_REG_RIP));
  gb_machine_close(l);
}
