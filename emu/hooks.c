/* hooks.c — what goboot watches while the guest runs.
 *
 *  - the syscall instruction (→ sys_table.c);
 *  - a block hook, the only per-block work: instruction counting from each block's
 *    icount (asked once from Unicorn's translation cache, then kept), the loads of g
 *    from FS:-8 (the sites are found by scanning the text; a block counts the sites it
 *    contains), the instruction budget, the scheduler's quantum and the wall-clock guard.
 *    Its fast path, for a block of the text already seen that needs no decision, is one
 *    table load indexed by the offset in the text and one countdown; everything else is
 *    the slow path's (docs/unicorn.md § Block hooks in 2.1.1);
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

/* The longest block looked at for a spin-wait loop (one is a few instructions). */
#define GB_SPIN_LOOP_MAX 64u
/* How much the other threads may run, in time slices' worth of blocks, while a spinning
 * thread gives up its slice without running a round (spin_yield). Instructions of
 * tests/emu/progs/contend (cas, mutex, chan) at --ncpu 8 against --ncpu 1, N = 5000:
 * 32 slices 1.15, 1.80, 1.16; 64: 1.09, 1.08, 1.08; 1024: 1.07, 1.06, 1.01; before,
 * 4.45, 4.14, 1.51 (N = 2000 and 20000 alike, but 1.18 for mutex at 64). Without a
 * bound, a spinner whose lock was freed long ago would wait as long as any other runs. */
#define GB_SPIN_PARK_SLICES 64u

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

/* Whether the block [addr, addr+size) waits for another thread by spinning, read from
 * the image's bytes (the text never changes):
 *  - SPIN_PAUSE: it ends in PAUSE (F3 90: Go's procyield, called by runtime.lock and
 *    sync.Mutex between two looks at the lock). Unicorn ends a block at each PAUSE, so
 *    procyield is its entry block (MOVL; PAUSE), then `SUBL $1, AX; JNZ again` and
 *    `again: PAUSE` in turn: a PAUSE block entered from anywhere but the block right
 *    after it (addr + 2) starts a new call;
 *  - SPIN_CAS: it jumps back to its own start and holds a LOCK CMPXCHG (F0, maybe a REX
 *    prefix, 0F B0/B1): a compare-and-swap retried until it succeeds; going round again
 *    means it failed.
 * Bytes are matched, not decoded: a false match only makes that loop give up its time
 * slice sooner. */
enum { SPIN_NONE, SPIN_CAS, SPIN_PAUSE };

static int spin_kind(const gb_machine *m, uint64_t addr, uint32_t size) {
  size_t avail = 0;
  const unsigned char *p = size < 2 || size > GB_SPIN_LOOP_MAX ? NULL : gb_image_ptr(m->img, addr, &avail);
  if (!p || avail < size) return SPIN_NONE;
  if (p[size - 2] == 0xf3 && p[size - 1] == 0x90) return SPIN_PAUSE;
  int jcc8 = (p[size - 2] >= 0x70 && p[size - 2] <= 0x7f) || p[size - 2] == 0xeb;
  int self = jcc8 && (int8_t)p[size - 1] == -(int)size;
  if (!self && size >= 6) {
    const unsigned char *j = p + size - 6;
    int32_t rel = (int32_t)((uint32_t)j[2] | (uint32_t)j[3] << 8 | (uint32_t)j[4] << 16 |
                            (uint32_t)j[5] << 24);
    self = j[0] == 0x0f && j[1] >= 0x80 && j[1] <= 0x8f && rel == -(int32_t)size;
  }
  for (uint32_t i = 0; self && i + 2 < size; i++) {
    if (p[i] != 0xf0) continue;
    uint32_t k = i + 1 + ((p[i + 1] & 0xf0) == 0x40);
    if (k + 1 < size && p[k] == 0x0f && (p[k + 1] == 0xb0 || p[k + 1] == 0xb1)) return SPIN_CAS;
  }
  return SPIN_NONE;
}

static gb_block_info block_fill(gb_machine *m, gb_block_ent *e, uint64_t addr, uint32_t size) {
  gb_block_info bi = {0, 0, 0, 0};
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
  bi.spin = (uint8_t)spin_kind(m, addr, size);
  e->addr = addr;
  e->bi = bi;
  return bi;
}

static uint64_t host_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* the largest text span given a fast table (4 bytes a byte of text, only the pages of
 * blocks that run touched); a larger one runs every block through the slow path */
#define GB_FAST_TEXT_MAX (256ULL << 20)

/* every 2^16 blocks: a clock read costs nothing at that rate */
#define WALL_EVERY_BLOCKS (1u << 16)

static void wall_check(gb_machine *m) {
  m->count.wall_next = m->count.blocks + WALL_EVERY_BLOCKS;
  gb_host_signal_check(m);
  if (m->o.timeout_s > 0 && (double)(host_ns() - m->count.wall_start_ns) > m->o.timeout_s * 1e9)
    gb_stop(m, GB_STOP_WALL, "wall-clock guard: more than %.1f s of host time", m->o.timeout_s);
}

/* The whole run stops (its first process), whichever process is running. */
void gb_host_signal_check(gb_machine *m) {
  int s = m->o.host_signal ? (int)*m->o.host_signal : 0;
  if (!s) return;
  gb_machine *first = m->w ? m->w->procs[0] : m;
  gb_stop(first, GB_STOP_HOST_SIGNAL, "goboot got %s from the host", gb_signal_name_linux(s));
  if (first != m) uc_emu_stop(m->uc);
}

void gb_count_settle(gb_machine *m) {
  gb_count *c = &m->count;
  uint64_t fast = c->armed - c->left;
  if (fast) { /* the last block was counted fast (the slow path sets a new countdown) */
    const gb_fast_block *f = &c->fast[c->last_block - c->text_lo];
    c->last_block_icount = f->icount;
    c->last_block_end = c->last_block + f->size;
  }
  c->blocks += fast;
  c->slice += (uint32_t)fast; /* the countdown never runs past the quantum's end */
  c->armed = c->left = 0;
}

/* The countdown: how many blocks can pass before one needs a decision. A fast block
 * is one for which the slow path would only count: the budget still holds after it
 * (each holds at most GB_FAST_MAX_ICOUNT instructions), the quantum does not end at it
 * (++slice < quantum) and the wall-clock guard is not due. */
static void arm(gb_machine *m) {
  gb_count *c = &m->count;
  if (!c->text_len) return;
  uint64_t n = c->slice + 1 < m->o.quantum ? m->o.quantum - 1 - c->slice : 0;
  uint64_t budget = c->insns < m->o.max_insns ? (m->o.max_insns - c->insns) / GB_FAST_MAX_ICOUNT : 0;
  uint64_t wall = c->wall_next > c->blocks ? c->wall_next - c->blocks : 0;
  if (budget < n) n = budget;
  if (wall < n) n = wall;
  c->armed = c->left = n;
}

/* Whether the fast path may count this block from now on: its facts are fixed (the
 * text never changes) and it has no TLS loads to count. */
static int fast_ok(const gb_machine *m, gb_block_info bi, uint32_t size) {
  return bi.icount <= GB_FAST_MAX_ICOUNT && size <= UINT16_MAX && !bi.spin &&
         (!bi.ntls || !(m->watch.boot_phase || m->o.tls_all));
}

/* The time slice ends at the block at ADDR: threads whose deadline passed wake, and if
 * another can run, the engine stops before this block (1). */
static int slice_end(gb_machine *m, uint64_t addr) {
  m->count.slice = 0;
  gb_sched_expire(m);
  if (!gb_sched_others_runnable(m)) return 0;
  m->count.quantum_stop = 1;
  m->count.quantum_pc = addr;
  uc_emu_stop(m->uc);
  return 1;
}

/* Whether the thread should give up its slice at the block at ADDR, a spin-wait loop's
 * (spin_kind). A spinning thread waits for another, and while it runs no other does:
 * nothing it waits for can change. So it yields at its second round in a slice (a
 * failed CAS gone round, a second procyield call: the first look may succeed, others
 * have run since), and when it is next switched in at the same loop it yields again
 * before running, until the others have run GB_SPIN_PARK_SLICES slices' worth of
 * blocks (then it runs a round, so it cannot starve). But when every runnable thread
 * has yielded so in a row, they may all wait for time to pass (a sleeper's deadline),
 * which no round of theirs moves much: then this one spins on to the quantum's end, as
 * every spinning thread did before. */
static int spin_yield(gb_machine *m, uint64_t addr, gb_block_info bi) {
  gb_count *c = &m->count;
  gb_thread *t = gb_cur(m);
  if (!bi.spin) return 0;
  int again = !c->slice && addr == t->spin_at &&
              c->blocks - t->spin_blocks < (uint64_t)m->o.quantum * GB_SPIN_PARK_SLICES;
  if (!again && (!c->slice || (bi.spin == SPIN_CAS && addr != c->last_block) ||
                 (bi.spin == SPIN_PAUSE && addr + 2 == c->last_block)))
    return 0;
  gb_sched_expire(m);
  if (c->spin_yields >= (uint32_t)gb_sched_runnable(m)) return 0;
  if (!again) t->spin_at = addr, t->spin_blocks = c->blocks;
  return 1;
}

/* Everything the fast path does not: the first sight of a block, blocks outside the
 * text, blocks with TLS loads to count, the tail of an RDTSC skip, the budget, the
 * quantum's end, the wall-clock guard, and exact_insns (which has no fast table). */
__attribute__((noinline, cold)) static void block_slow(gb_machine *m, uint64_t addr, uint32_t size) {
  gb_count *c = &m->count;
  gb_count_settle(m);
  gb_block_ent *e = &c->bc[(addr ^ (addr >> 16)) & (GB_BLOCK_CACHE - 1)];
  gb_block_info bi = e->addr == addr ? e->bi : block_fill(m, e, addr, size);
  if (addr == m->clock.skip_at && addr + size == m->clock.skip_end) {
    /* the tail of a block cut by an RDTSC skip: its instructions were counted with it */
    m->clock.skip_at = 0;
    c->blocks++;
    c->last_block = addr;
    c->last_block_icount = 0;
    arm(m);
    return;
  }
  m->clock.skip_at = 0;
  if (c->insns + bi.icount > m->o.max_insns) {
    c->quantum_stop = 1;
    c->quantum_pc = addr;
    gb_stop(m, GB_STOP_BUDGET, "instruction budget of %llu exhausted",
            (unsigned long long)(m->w->nprocs > 1 ? m->w->max_insns : m->o.max_insns));
    return;
  }
  int spin = spin_yield(m, addr, bi);
  if ((++c->slice >= m->o.quantum || spin) && slice_end(m, addr)) {
    if (spin) c->spin_yields++, c->spin_stop = 1;
    return;
  }
  c->blocks++;
  c->last_block = addr;
  c->last_block_icount = bi.icount;
  c->last_block_end = addr + size;
  c->tinsns += bi.icount;
  if (!c->hh_exact) c->insns += bi.icount;
  if (bi.ntls && (m->watch.boot_phase || m->o.tls_all))
    for (int k = 0; k < bi.ntls; k++) m->watch.tls[bi.first_tls + k].count++;
  if (addr - c->text_lo < c->text_len && fast_ok(m, bi, size))
    c->fast[addr - c->text_lo] = (gb_fast_block){bi.icount, (uint16_t)size};
  if (c->blocks >= c->wall_next) wall_check(m);
  arm(m);
}

/* The only per-block work. The fast path counts a known block of the text while the
 * countdown lasts: one bounds check, one table load, one decrement, the two counts
 * (the clock reads tinsns at any syscall) and the block's address (a fault report's). */
void gb_hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *m = user;
  gb_count *c = &m->count;
  (void)uc;
  uint64_t off = addr - c->text_lo;
  unsigned ic;
  if (off < c->text_len && (ic = c->fast[off].icount) != 0 && c->left != 0) {
    c->left--;
    c->tinsns += ic;
    c->insns += ic;
    c->last_block = addr;
    return;
  }
  block_slow(m, addr, size);
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
  if (bs) cJSON_AddItemToObject(m->w->trace.root, "boot_state", bs);
}

static void ms_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *user) {
  gb_machine *m = user;
  (void)uc;
  (void)size;
  /* milestones are function entries, so block starts: the count before the block */
  gb_count_settle(m);
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

/* The fast path's table: one entry per byte of the executable segments' span (a block
 * may start at any byte). calloc of this size maps zero pages, so only the pages of
 * blocks that run are ever touched. Without executable segments there is none, and every
 * block takes the slow path. */
static int fast_table(gb_machine *m) {
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int s = 0; s < m->img->nseg; s++) {
    const gb_segment *sg = &m->img->seg[s];
    if (!(sg->prot & GB_PROT_X) || !sg->memsz) continue;
    if (sg->vaddr < lo) lo = sg->vaddr;
    if (sg->vaddr + sg->memsz > hi) hi = sg->vaddr + sg->memsz;
  }
  if (hi <= lo || hi - lo > GB_FAST_TEXT_MAX) return 0;
  m->count.fast = calloc((size_t)(hi - lo), sizeof *m->count.fast);
  if (!m->count.fast) return -1;
  m->count.text_lo = lo;
  m->count.text_len = hi - lo;
  return 0;
}

static const char *const extra_ms[] = {"runtime.newosproc", "runtime.clone", "runtime.sysmon",
                                       "runtime.exit"};

void gb_hooks_free(gb_machine *m) {
  free(m->watch.tls);
  free(m->count.bc);
  free(m->count.fast);
  m->watch.tls = NULL;
  m->count.bc = NULL;
  m->count.fast = NULL;
  m->count.text_len = 0;
}

int gb_hooks_install(gb_machine *m) {
  m->count.wall_start_ns = host_ns();
  m->count.wall_next = WALL_EVERY_BLOCKS;
  m->count.bc = calloc(GB_BLOCK_CACHE, sizeof *m->count.bc);
  if (!m->count.bc || (!m->o.exact_insns && fast_table(m) < 0)) return -1;
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

