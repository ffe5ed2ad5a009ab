/* sched.c — cooperative guest threads over one Unicorn engine.
 *
 * Each thread keeps its CPU state in a uc_context. The running thread gives up the
 * CPU when it blocks (futex wait, sleep, epoll wait), yields, exits, has run a fixed
 * quantum of blocks, or spins waiting for another thread (the block hook sees the loop:
 * hooks.c spin_yield); the next runnable thread in tid order after it runs. When every
 * thread is blocked the virtual clock jumps to the earliest deadline; when none has a
 * deadline the run stops as a deadlock. Same inputs, same interleaving. */
#include <stdlib.h>
#include <string.h>

#include "machine.h"

gb_thread *gb_thread_new(gb_machine *m) {
  if (m->sched.nth == m->sched.cap) {
    int nc = m->sched.cap ? m->sched.cap * 2 : 16;
    gb_thread *nt = realloc(m->sched.th, (size_t)nc * sizeof *nt);
    if (!nt) return NULL;
    m->sched.th = nt;
    m->sched.cap = nc;
  }
  gb_thread *t = &m->sched.th[m->sched.nth];
  memset(t, 0, sizeof *t);
  if (uc_context_alloc(m->uc, &t->ctx) != UC_ERR_OK) return NULL;
  t->tid = m->w->next_pid++; /* one counter for pids and tids (world.h) */
  t->state = TH_RUN;
  t->deadline = GB_NEVER;
  m->sched.nth++;
  return t;
}

void gb_block(gb_machine *m, gb_th_state st, uint64_t deadline) {
  gb_thread *t = gb_cur(m);
  t->state = st;
  t->deadline = deadline;
  t->wait_seq = ++m->sched.wait_seq;
  gb_sched_request(m, PEND_BLOCK);
}

void gb_sched_request(gb_machine *m, gb_pending p) {
  m->sched.pending = p;
  uc_emu_stop(m->uc);
}

int gb_sched_live(gb_machine *m) {
  int live = 0;
  for (int i = 0; i < m->sched.nth; i++) live += m->sched.th[i].state != TH_EXITED;
  return live;
}

void gb_sched_clone(gb_machine *m) {
  const gb_clone_req *rq = &m->sched.clone;
  gb_thread *parent = gb_cur(m), *child = &m->sched.th[rq->child];
  if (uc_context_save(m->uc, parent->ctx) != UC_ERR_OK) {
    gb_stop(m, GB_STOP_ERROR, "uc_context_save failed");
    return;
  }
  gb_set_reg(m, UC_X86_REG_RAX, 0);
  gb_set_reg(m, UC_X86_REG_RSP, rq->stack);
  if (rq->flags & CLONE_SETTLS_LINUX) {
    gb_set_reg(m, UC_X86_REG_FS_BASE, rq->tls);
    child->fs_base = rq->tls;
  } else {
    child->fs_base = parent->fs_base;
  }
  if (uc_context_save(m->uc, child->ctx) != UC_ERR_OK ||
      uc_context_restore(m->uc, parent->ctx) != UC_ERR_OK) {
    gb_stop(m, GB_STOP_ERROR, "uc_context save/restore failed");
    return;
  }
  child->state = TH_RUN;
}

void gb_sched_free(gb_machine *m) {
  for (int i = 0; i < m->sched.nth; i++) uc_context_free(m->sched.th[i].ctx);
  free(m->sched.th);
  m->sched.th = NULL;
  m->sched.nth = m->sched.cap = 0;
}

static int save_cur(gb_machine *m);

void gb_sched_wake(gb_thread *t, uint64_t rax) {
  t->has_rax = t->state != TH_PIPE && t->state != TH_CHILD; /* a restarted syscall keeps its number in RAX */
  t->state = TH_RUN;
  t->deadline = GB_NEVER;
  t->rax = rax;
  t->sleep_rem = 0;
}

int gb_futex_wake(gb_machine *m, uint64_t addr, uint32_t bitset, int n) {
  int woken = 0;
  while (woken < n) {
    gb_thread *best = NULL;
    for (int i = 0; i < m->sched.nth; i++) {
      gb_thread *t = &m->sched.th[i];
      if (t->state == TH_FUTEX && t->futex_addr == addr && (t->futex_bitset & bitset) &&
          (!best || t->wait_seq < best->wait_seq))
        best = t;
    }
    if (!best) break;
    gb_sched_wake(best, 0);
    woken++;
  }
  return woken;
}

/* Pipes are shared across processes: every process's waiters look again. */
void gb_wake_epoll(gb_machine *m) {
  for (int p = 0; p < m->w->nprocs; p++) {
    gb_machine *q = m->w->procs[p];
    for (int i = 0; i < q->sched.nth; i++)
      if (q->sched.th[i].state == TH_EPOLL || q->sched.th[i].state == TH_PIPE) gb_sched_wake(&q->sched.th[i], 0);
  }
}

void gb_sched_expire(gb_machine *m) {
  uint64_t now = gb_now_ns(m);
  for (int i = 0; i < m->sched.nth; i++) {
    gb_thread *t = &m->sched.th[i];
    if (t->state == TH_RUN || t->state == TH_EXITED || t->deadline > now) continue;
    if (t->state == TH_SIGWAIT) t->sigmask = t->sig_saved; /* rt_sigtimedwait timed out */
    gb_sched_wake(t, t->state == TH_FUTEX ? (uint64_t)-ETIMEDOUT_LINUX
                     : t->state == TH_SIGWAIT ? (uint64_t)-EAGAIN_LINUX : 0);
  }
}

int gb_sched_runnable(gb_machine *m) {
  int n = 0;
  for (int i = 0; i < m->sched.nth; i++) n += m->sched.th[i].state == TH_RUN;
  return n;
}

int gb_sched_others_runnable(gb_machine *m) {
  for (int i = 0; i < m->sched.nth; i++)
    if (i != m->sched.cur && m->sched.th[i].state == TH_RUN) return 1;
  return 0;
}

int gb_sched_save(gb_machine *m) { return save_cur(m); }

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
    for (int k = 1; k <= m->sched.nth; k++) {
      int i = (m->sched.cur + k) % m->sched.nth;
      if (m->sched.th[i].state == TH_RUN) {
        next = i;
        break;
      }
    }
    if (next >= 0) {
      gb_thread *t = &m->sched.th[next];
      if (next != m->sched.cur) m->sched.switches++;
      m->sched.cur = next;
      t->runs++;
      if (uc_context_restore(m->uc, t->ctx) != UC_ERR_OK) {
        gb_stop(m, GB_STOP_ERROR, "uc_context_restore failed");
        return -1;
      }
      if (t->sig_eintr) { /* a TH_PIPE wait a signal ended without SA_RESTART */
        gb_set_reg(m, UC_X86_REG_RIP, gb_reg(m, UC_X86_REG_RIP) + 2);
        t->has_rax = 1;
        t->rax = (uint64_t)-EINTR_LINUX;
        t->sig_eintr = 0;
      }
      if (t->has_rax) {
        gb_set_reg(m, UC_X86_REG_RAX, t->rax);
        t->has_rax = 0;
      }
      m->count.slice = 0;
      return 0;
    }
    /* nobody can run: jump the clock to the earliest deadline */
    uint64_t best = GB_NEVER;
    int live = 0;
    for (int i = 0; i < m->sched.nth; i++) {
      if (m->sched.th[i].state == TH_EXITED) continue;
      live++;
      if (m->sched.th[i].deadline < best) best = m->sched.th[i].deadline;
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
    if (best > now) m->w->idle_ns += best - now;
  }
}
