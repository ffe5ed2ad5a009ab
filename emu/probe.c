/* probe.c — the rewindable machine of probe.h. Set-up, the run loop and teardown are
 * machine.c's (gb_machine_open/run/close), except that writable guest memory can be
 * host memory the probe owns (its map function), a clone stops the run, and the
 * machine's counters, files, threads and output are saved at the snapshot and put back
 * on each restore. What a restore cannot rewind (an address-space or thread-set change) makes
 * it fail rather than silently diverge. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"
#include "probe.h"

#define MAX_REGIONS 8
#define MAX_STOPS 8

/* A writable guest range the probe tracks: host memory it owns (host modes) or a range
 * Unicorn owns (snapshot mode: host == NULL), with the snapshot's bytes. */
typedef struct tracked {
  uint64_t start, size;
  uint8_t *host;       /* uc_mem_map_ptr memory, or NULL */
  uint8_t *pristine;   /* the bytes at the snapshot */
  uint8_t *in_set;     /* one byte per page: in the restore set */
  int memfd;           /* MADVISE: the snapshot as a file, -1 otherwise */
} tracked;

typedef struct page_ref { uint32_t region, page; } page_ref;

/* The machine's parts a run changes that are not guest memory or registers: the
 * counters and the scheduler whole (their pointers, block cache and thread array, do not
 * change while the thread set stays the same), and single fields of the others. The
 * milestones and the boot state are not rewound: the probe keeps no trace. Nor is the
 * block hook's table of blocks seen (facts of the code, which never changes); the count
 * is saved settled (between runs), so its countdown is too. */
typedef struct saved_parts {
  gb_count count;
  gb_sched sched;          /* the thread records are saved apart (th_saved) */
  uint64_t skip_at, skip_end, rng, nsyscalls, nunknown, suppressed;
  int boot_phase;
  size_t out_len[3];
  uint64_t brk_cur;
  int mm_n;
} saved_parts;

struct gb_probe {
  gb_machine *m;
  gb_emu_result res;
  gb_probe_reset reset;
  uint64_t stops[MAX_STOPS];
  int nstops;
  uc_hook stop_hh[MAX_STOPS];
  uint64_t target;
  uc_hook cov_hh;
  uint8_t *cov;
  size_t ncov;
  uint64_t cov_prev;     /* previous block in the covered range, this run */

  tracked reg[MAX_REGIONS];
  int nreg;
  page_ref *set;
  size_t nset, capset;
  uint8_t *scratch;      /* snapshot mode: one region read back for a check */

  int snapped;
  uc_context *ctx;
  saved_parts sv;
  gb_thread *th_saved;   /* the thread records (their contexts are the same objects) */
  gb_region *mm_saved;
  gb_sigaction sig_saved[NSIG_LINUX + 1];
  uint8_t fd_open[GB_MAX_FDS];
  gb_probe_stats st;
};

const char *gb_probe_reset_name(gb_probe_reset r) {
  return r == GB_PROBE_SNAPSHOT ? "snapshot" : r == GB_PROBE_MADVISE ? "madvise" : "hostcopy";
}

int gb_probe_reset_parse(const char *s, gb_probe_reset *r) {
  if (!strcmp(s, "hostcopy")) *r = GB_PROBE_HOSTCOPY;
  else if (!strcmp(s, "madvise")) *r = GB_PROBE_MADVISE;
  else if (!strcmp(s, "snapshot")) *r = GB_PROBE_SNAPSHOT;
  else return -1;
  return 0;
}

static uint64_t host_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- set-up ------------------------------------------------------------------ */

/* Map [s,e) through mm (so its bookkeeping is the emulator's own); in the host modes a
 * writable range is then re-backed by anonymous host memory the probe owns. */
static int map_range(void *ctx, gb_machine *m, uint64_t s, uint64_t e, uint32_t prot, char tag) {
  gb_probe *p = ctx;
  if (gb_mm_map_fixed(m, s, e, prot, tag) < 0) return -1;
  if (!(prot & UC_PROT_WRITE)) return 0;
  if (p->nreg == MAX_REGIONS) return -1;
  tracked *t = &p->reg[p->nreg];
  memset(t, 0, sizeof *t);
  t->start = s;
  t->size = e - s;
  t->memfd = -1;
  if (p->reset != GB_PROBE_SNAPSHOT) {
    void *h = mmap(NULL, t->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (h == MAP_FAILED) return -1;
    if (uc_mem_unmap(m->uc, s, t->size) != UC_ERR_OK ||
        uc_mem_map_ptr(m->uc, s, t->size, prot, h) != UC_ERR_OK) {
      munmap(h, t->size);
      return -1;
    }
    t->host = h;
  }
  t->in_set = calloc(t->size / GB_PAGE, 1);
  if (!t->in_set) return -1;
  p->nreg++;
  return 0;
}

static void stop_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_probe *p = user;
  (void)uc;
  (void)size;
  if (addr == p->target) gb_stop(p->m, GB_STOP_UNTIL, "reached 0x%llx", (unsigned long long)addr);
}

int gb_probe_open(gb_probe **out, const gb_image *img, const gb_stack *stack,
                  const gb_emu_opts *opts, gb_probe_reset reset, const uint64_t *stops,
                  int nstops, char *err, size_t errlen) {
  *out = NULL;
  if (nstops < 0 || nstops > MAX_STOPS) {
    snprintf(err, errlen, "at most %d stop addresses", MAX_STOPS);
    return -1;
  }
  gb_probe *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of host memory");
    return -1;
  }
  p->reset = reset;
  for (int i = 0; i < nstops; i++) p->stops[i] = stops[i];
  p->nstops = nstops;
  gb_emu_opts o;
  gb_emu_opts_default(&o);
  if (opts) o = *opts;
  o.until = "exit"; /* the probe's own stops replace --until */
  o.trace_out = NULL, o.trace_keep = 0; /* it keeps no trace */
  o.echo = 0;
  if (gb_machine_open(&p->m, img, stack, &o, &p->res, map_range, p) < 0) {
    snprintf(err, errlen, "%s", p->res.message);
    goto fail;
  }
  gb_machine *m = p->m;
  m->sched.clone_stops = 1;
  for (int i = 0; i < nstops; i++)
    if (uc_hook_add(m->uc, &p->stop_hh[i], UC_HOOK_CODE, (void *)stop_hook, p, stops[i],
                    stops[i]) != UC_ERR_OK) {
      snprintf(err, errlen, "cannot hook 0x%llx", (unsigned long long)stops[i]);
      goto fail;
    }
  *out = p;
  return 0;
fail:
  gb_probe_close(p);
  return -1;
}

void gb_probe_close(gb_probe *p) {
  if (!p) return;
  if (p->ctx) uc_context_free(p->ctx);
  gb_machine_close(p->m); /* before the host memory Unicorn maps goes */
  for (int i = 0; i < p->nreg; i++) {
    tracked *t = &p->reg[i];
    if (t->host) munmap(t->host, t->size);
    if (t->memfd >= 0) close(t->memfd);
    free(t->pristine);
    free(t->in_set);
  }
  free(p->set);
  free(p->scratch);
  free(p->th_saved);
  free(p->mm_saved);
  free(p);
}

static void cov_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_probe *p = user;
  (void)uc;
  (void)size;
  uint64_t h = (addr ^ (p->cov_prev >> 1)) * 0x9e3779b97f4a7c15ULL;
  uint8_t *c = &p->cov[(h >> 32) % p->ncov];
  if (*c != 255) (*c)++;
  p->cov_prev = addr;
}

int gb_probe_cover(gb_probe *p, uint64_t lo, uint64_t hi, uint8_t *counters, size_t n) {
  if (p->cov || !counters || !n || p->m->count.insns) return -1;
  p->cov = counters;
  p->ncov = n;
  return uc_hook_add(p->m->uc, &p->cov_hh, UC_HOOK_BLOCK, (void *)cov_hook, p, lo, hi - 1) ==
                 UC_ERR_OK ? 0 : -1;
}

/* ---- running ------------------------------------------------------------------- */

int gb_probe_run_to(gb_probe *p, uint64_t addr, uint64_t max_insns, gb_probe_stop *out) {
  gb_machine *m = p->m;
  int ok = 0;
  for (int i = 0; i < p->nstops; i++) ok |= p->stops[i] == addr;
  if (!ok) return -1;
  p->target = addr;
  p->cov_prev = 0;
  uint64_t start = m->count.insns;
  m->stop = GB_STOP_NONE;
  m->stop_msg[0] = 0;
  m->o.max_insns = start + (max_insns ? max_insns : GB_EMU_DEFAULT_MAX_INSNS);
  m->count.wall_start_ns = host_ns();
  gb_machine_run(m);
  p->st.runs++;
  out->kind = m->stop;
  out->pc = gb_reg(m, UC_X86_REG_RIP);
  out->insns = m->count.insns - start;
  snprintf(out->message, sizeof out->message, "%s", m->stop_msg);
  return 0;
}

/* ---- the restore set ---------------------------------------------------------- */

static int set_add(gb_probe *p, uint32_t r, uint32_t pg) {
  tracked *t = &p->reg[r];
  if (t->in_set[pg]) return 0;
  if (p->nset == p->capset) {
    size_t nc = p->capset ? p->capset * 2 : 64;
    page_ref *ns = realloc(p->set, nc * sizeof *ns);
    if (!ns) return -1;
    p->set = ns;
    p->capset = nc;
  }
  size_t i = p->nset; /* kept sorted, so neighbouring pages restore as one range */
  while (i > 0 && (p->set[i - 1].region > r || (p->set[i - 1].region == r && p->set[i - 1].page > pg))) {
    p->set[i] = p->set[i - 1];
    i--;
  }
  p->set[i] = (page_ref){r, pg};
  p->nset++;
  t->in_set[pg] = 1;
  return 0;
}

static int find_region(const gb_probe *p, uint64_t addr) {
  for (int i = 0; i < p->nreg; i++)
    if (addr >= p->reg[i].start && addr - p->reg[i].start < p->reg[i].size) return i;
  return -1;
}

/* Put back the pages of the set: runs of neighbouring pages as one copy or madvise. */
static void restore_set(gb_probe *p) {
  for (size_t i = 0; i < p->nset;) {
    size_t j = i + 1;
    while (j < p->nset && p->set[j].region == p->set[i].region && p->set[j].page == p->set[j - 1].page + 1) j++;
    tracked *t = &p->reg[p->set[i].region];
    size_t off = (size_t)p->set[i].page * GB_PAGE, len = (j - i) * GB_PAGE;
    if (p->reset == GB_PROBE_MADVISE) madvise(t->host + off, len, MADV_DONTNEED);
    else memcpy(t->host + off, t->pristine + off, len);
    p->st.pages_restored += j - i;
    i = j;
  }
}

/* ---- snapshot and restore ------------------------------------------------------- */

static int save_memory(gb_probe *p) {
  gb_machine *m = p->m;
  size_t biggest = 0;
  for (int i = 0; i < p->nreg; i++) {
    tracked *t = &p->reg[i];
    t->pristine = malloc(t->size);
    if (!t->pristine) return -1;
    if (t->host) memcpy(t->pristine, t->host, t->size);
    else if (uc_mem_read(m->uc, t->start, t->pristine, t->size) != UC_ERR_OK) return -1;
    if (t->size > biggest) biggest = t->size;
    if (p->reset != GB_PROBE_MADVISE) continue;
    /* the snapshot becomes the file behind the same host addresses: Unicorn's view of
     * guest memory (and its TLB) does not move */
    t->memfd = memfd_create("goboot-probe", MFD_CLOEXEC);
    if (t->memfd < 0 || ftruncate(t->memfd, (off_t)t->size) < 0) return -1;
    for (size_t done = 0; done < t->size;) {
      ssize_t w = pwrite(t->memfd, t->host + done, t->size - done, (off_t)done);
      if (w <= 0) return -1;
      done += (size_t)w;
    }
    if (mmap(t->host, t->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, t->memfd, 0) == MAP_FAILED)
      return -1;
  }
  if (p->reset == GB_PROBE_SNAPSHOT && !(p->scratch = malloc(biggest ? biggest : 1))) return -1;
  return 0;
}

int gb_probe_snapshot(gb_probe *p) {
  gb_machine *m = p->m;
  if (p->snapped) return -1;
  /* the trace is not kept: events so far go, later ones are dropped at each restore */
  gb_trace_forget(m);
  saved_parts *s = &p->sv;
  s->count = m->count;
  s->sched = m->sched;
  s->skip_at = m->clock.skip_at, s->skip_end = m->clock.skip_end, s->rng = m->w->fs.rng;
  s->nsyscalls = m->w->trace.nsyscalls, s->nunknown = m->w->trace.nunknown;
  s->suppressed = m->sig.suppressed, s->boot_phase = m->watch.boot_phase;
  for (int i = 0; i < 3; i++) s->out_len[i] = m->w->trace.out_len[i];
  s->brk_cur = m->mm.brk_cur;
  s->mm_n = m->mm.n;
  p->th_saved = malloc((size_t)m->sched.nth * sizeof *p->th_saved);
  p->mm_saved = malloc((size_t)(m->mm.n ? m->mm.n : 1) * sizeof *p->mm_saved);
  if (!p->th_saved || !p->mm_saved) return -1;
  memcpy(p->th_saved, m->sched.th, (size_t)m->sched.nth * sizeof *m->sched.th);
  memcpy(p->mm_saved, m->mm.r, (size_t)m->mm.n * sizeof *m->mm.r);
  memcpy(p->sig_saved, m->sig.act, sizeof m->sig.act);
  for (int i = 0; i < GB_MAX_FDS; i++) p->fd_open[i] = m->files.fds[i].kind != FD_NONE;

  if (save_memory(p) < 0) return -1;
  if (p->reset == GB_PROBE_SNAPSHOT &&
      uc_ctl_context_mode(m->uc, UC_CTL_CONTEXT_CPU | UC_CTL_CONTEXT_MEMORY) != UC_ERR_OK)
    return -1;
  if (uc_context_alloc(m->uc, &p->ctx) != UC_ERR_OK || uc_context_save(m->uc, p->ctx) != UC_ERR_OK)
    return -1;
  /* a page stored to before the save keeps a writable TLB entry that would bypass the
   * copy-on-write (docs/unicorn.md § Memory snapshots) */
  if (p->reset == GB_PROBE_SNAPSHOT) uc_ctl_flush_tlb(m->uc);
  p->snapped = 1;
  return 0;
}

static int restore_machine(gb_probe *p) {
  gb_machine *m = p->m;
  const saved_parts *s = &p->sv;
  if (m->sched.nth != s->sched.nth || m->mm.n != s->mm_n || m->mm.brk_cur != s->brk_cur ||
      memcmp(m->mm.r, p->mm_saved, (size_t)m->mm.n * sizeof *m->mm.r) != 0)
    return -1;
  m->count = s->count;
  m->sched = s->sched;
  m->clock.skip_at = s->skip_at, m->clock.skip_end = s->skip_end, m->w->fs.rng = s->rng;
  m->w->trace.nsyscalls = s->nsyscalls, m->w->trace.nunknown = s->nunknown;
  m->sig.suppressed = s->suppressed, m->watch.boot_phase = s->boot_phase;
  m->stop = GB_STOP_NONE, m->sched.pending = PEND_NONE, m->count.quantum_stop = 0;
  for (int i = 0; i < 3; i++) {
    m->w->trace.out_len[i] = s->out_len[i];
    if (m->w->trace.out_buf[i]) m->w->trace.out_buf[i][m->w->trace.out_len[i]] = 0;
  }
  memcpy(m->sched.th, p->th_saved, (size_t)m->sched.nth * sizeof *m->sched.th);
  memcpy(m->sig.act, p->sig_saved, sizeof m->sig.act);
  for (int i = 0; i < GB_MAX_FDS; i++) {
    gb_fd *f = &m->files.fds[i];
    if (p->fd_open[i] || f->kind == FD_NONE) continue;
    gb_fd_unshare(m, i);
    free(f->data);
    free(f->ep);
    free(f->path);
    memset(f, 0, sizeof *f);
  }
  gb_trace_forget(m);
  return 0;
}

int gb_probe_restore(gb_probe *p) {
  gb_machine *m = p->m;
  if (!p->snapped) return -1;
  if (restore_machine(p) < 0) return -1;
  if (uc_context_restore(m->uc, p->ctx) != UC_ERR_OK) return -1;
  if (p->reset == GB_PROBE_SNAPSHOT) uc_ctl_flush_tlb(m->uc);
  else restore_set(p);
  p->st.restores++;
  return 0;
}

int gb_probe_restore_check(gb_probe *p) {
  if (gb_probe_restore(p) < 0) return -1;
  p->st.checks++;
  int missed = 0;
  for (int r = 0; r < p->nreg; r++) {
    tracked *t = &p->reg[r];
    const uint8_t *now = t->host;
    if (!now) {
      if (uc_mem_read(p->m->uc, t->start, p->scratch, t->size) != UC_ERR_OK) return -1;
      now = p->scratch;
    }
    for (size_t off = 0; off < t->size; off += GB_PAGE) {
      if (!memcmp(now + off, t->pristine + off, GB_PAGE)) continue;
      missed++;
      if (t->host) {
        memcpy(t->host + off, t->pristine + off, GB_PAGE);
        if (set_add(p, (uint32_t)r, (uint32_t)(off / GB_PAGE)) < 0) return -1;
      }
      /* snapshot mode: the snapshot itself holds the wrong bytes; only count it */
    }
  }
  p->st.missed_pages += (uint64_t)missed;
  return missed;
}

/* ---- guest memory -------------------------------------------------------------- */

int gb_probe_read(gb_probe *p, uint64_t addr, void *buf, size_t n) {
  if (n == 0) return 0;
  if (addr + n < addr) return -1;
  return uc_mem_read(p->m->uc, addr, buf, n) == UC_ERR_OK ? 0 : -1;
}

int gb_probe_write(gb_probe *p, uint64_t addr, const void *buf, size_t n) {
  if (n == 0) return 0;
  if (addr + n < addr) return -1;
  int r = find_region(p, addr);
  if (r >= 0 && p->reg[r].host && addr + n - p->reg[r].start <= p->reg[r].size) {
    tracked *t = &p->reg[r];
    uint64_t off = addr - t->start;
    if (p->snapped)
      for (uint64_t pg = off / GB_PAGE; pg <= (off + n - 1) / GB_PAGE; pg++)
        if (set_add(p, (uint32_t)r, (uint32_t)pg) < 0) return -1;
    memcpy(t->host + off, buf, n);
    return 0;
  }
  /* after the snapshot, the host modes can only rewind their own memory */
  if (p->snapped && p->reset != GB_PROBE_SNAPSHOT) return -1;
  return uc_mem_write(p->m->uc, addr, buf, n) == UC_ERR_OK ? 0 : -1;
}

void gb_probe_stats_get(const gb_probe *p, gb_probe_stats *out) {
  *out = p->st;
  out->dirty_pages = p->nset;
}
