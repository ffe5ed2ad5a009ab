/* sched.c — cooperative guest threads over one Unicorn engine.
 *
 * Each thread keeps its CPU state in a uc_context. The running thread gives up the
 * CPU when it blocks (futex wait, sleep, epoll wait), yields, exits, or has run a fixed
 * quantum of blocks; the next runnable thread in tid order after it runs. When every
 * thread is blocked the virtual clock jumps to the earliest deadline; when none has a
 * deadline the run stops as a deadlock. Same inputs, same interleaving. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

gb_thread *gb_cur(gb_machine *m) { return &m->th[m->cur]; }

gb_thread *gb_thread_new(gb_machine *m) {
  if (m->nth == m->cap_th) {
    int nc = m->cap_th ? m->cap_th * 2 : 16;
    gb_thread *nt = realloc(m->th, (size_t)nc * sizeof *nt);
    if (!nt) return NULL;
    m->th = nt;
    m->cap_th = nc;
  }
  gb_thread *t = &m->th[m->nth];
  memset(t, 0, sizeof *t);
  if (uc_context_alloc(m->uc, &t->ctx) != UC_ERR_OK) return NULL;
  t->tid = m->next_tid++;
  t->state = TH_RUN;
  t->deadline = GB_NEVER;
  m->nth++;
  return t;
}

void gb_block(gb_machine *m, gb_th_state st, uint64_t deadline) {
  gb_thread *t = gb_cur(m);
  t->state = st;
  t->deadline = deadline;
  t->wait_seq = ++m->wait_seq;
  m->pending = PEND_BLOCK;
  uc_emu_stop(m->uc);
}

static void wake(gb_thread *t, uint64_t rax) {
  t->state = TH_RUN;
  t->deadline = GB_NEVER;
  t->has_rax = 1;
  t->rax = rax;
}

int gb_futex_wake(gb_machine *m, uint64_t addr, uint32_t bitset, int n) {
  int woken = 0;
  while (woken < n) {
    gb_thread *best = NULL;
    for (int i = 0; i < m->nth; i++) {
      gb_thread *t = &m->th[i];
      if (t->state == TH_FUTEX && t->futex_addr == addr && (t->futex_bitset & bitset) &&
          (!best || t->wait_seq < best->wait_seq))
        best = t;
    }
    if (!best) break;
    wake(best, 0);
    woken++;
  }
  return woken;
}

void gb_wake_epoll(gb_machine *m) {
  for (int i = 0; i < m->nth; i++)
    if (m->th[i].state == TH_EPOLL) wake(&m->th[i], 0);
}

void gb_sched_expire(gb_machine *m) {
  uint64_t now = gb_now_ns(m);
  for (int i = 0; i < m->nth; i++) {
    gb_thread *t = &m->th[i];
    if (t->state == TH_RUN || t->state == TH_EXITED || t->deadline > now) continue;
    wake(t, t->state == TH_FUTEX ? (uint64_t)-ETIMEDOUT : 0);
  }
}

int gb_sched_others_runnable(gb_machine *m) {
  for (int i = 0; i < m->nth; i++)
    if (i != m->cur && m->th[i].state == TH_RUN) return 1;
  return 0;
}

static int save_cur(gb_machine *m) {
  gb_thread *t = gb_cur(m);
  if (t->state == TH_EXITED) return 0;
  return uc_context_save(m->uc, t->ctx) == UC_ERR_OK ? 0 : -1;
}

int gb_sched_next(gb_machine *m) {
  if (save_cur(m) < 0) {
    gb_stop(m, GB_STOP_ERROR, "uc_context_save failed");
    return -1;
  }
  for (;;) {
    gb_sched_expire(m);
    int next = -1;
    for (int k = 1; k <= m->nth; k++) {
      int i = (m->cur + k) % m->nth;
      if (m->th[i].state == TH_RUN) {
        next = i;
        break;
      }
    }
    if (next >= 0) {
      gb_thread *t = &m->th[next];
      if (next != m->cur) m->switches++;
      m->cur = next;
      t->runs++;
      if (uc_context_restore(m->uc, t->ctx) != UC_ERR_OK) {
        gb_stop(m, GB_STOP_ERROR, "uc_context_restore failed");
        return -1;
      }
      if (t->has_rax) {
        gb_set_reg(m, UC_X86_REG_RAX, t->rax);
        t->has_rax = 0;
      }
      m->slice = 0;
      return 0;
    }
    /* nobody can run: jump the clock to the earliest deadline */
    uint64_t best = GB_NEVER;
    int live = 0;
    for (int i = 0; i < m->nth; i++) {
      if (m->th[i].state == TH_EXITED) continue;
      live++;
      if (m->th[i].deadline < best) best = m->th[i].deadline;
    }
    if (!live) {
      gb_stop(m, GB_STOP_EXIT, "every thread exited");
      return -1;
    }
    if (best == GB_NEVER) {
      gb_stop(m, GB_STOP_DEADLOCK, "deadlock: all %d live guest threads blocked with no deadline",
              live);
      return -1;
    }
    uint64_t now = gb_now_ns(m);
    if (best > now) m->idle_ns += best - now;
  }
}
