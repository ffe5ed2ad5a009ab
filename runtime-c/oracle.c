/* oracle.c — the boot path as the Go runtime computes it: rt0_go, args/sysargs/
 * sysauxv, osinit, the early part of schedinit (mallocinit's checks, randinit,
 * GOMAXPROCS). Freestanding; every memory access goes through gb_oracle_mem, so a
 * read the runtime would fault on becomes a recorded fault, not a host crash. */
#include "auxv.h"
#include "linux.h"
#include "oracle.h"

#define PAGE_MIN 4096u
#define PAGE_MAX (512u << 10)          /* maxPhysPageSize, 1.14+ */
#define HUGE_MAX (4u << 20)            /* maxPhysHugePageSize = pallocChunkBytes */
#define AFFINITY_BUF 8192              /* getproccount's buf: 64K CPUs / 8 */
#define HPAGE_BUF 20                   /* getHugePageSize's numbuf */
#define AUXV_BUF 1024                  /* sysargs fallback: [128]uintptr */

/* ---- small freestanding helpers -------------------------------------------- */

static void zero(void *p, size_t n) {
  volatile uint8_t *b = p;             /* volatile: no memset call to resolve */
  while (n--) *b++ = 0;
}

static void copystr(char *dst, size_t cap, const char *src) {
  size_t i = 0;
  for (; src && src[i] && i + 1 < cap; i++) dst[i] = src[i];
  dst[i] = 0;
}

/* Append the decimal of V at *pos in DST (capacity CAP). */
static void putdec(char *dst, size_t cap, size_t *pos, uint64_t v) {
  char tmp[24];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10), v /= 10; while (v);
  while (n && *pos + 1 < cap) dst[(*pos)++] = tmp[--n];
  dst[*pos] = 0;
}

static void putstr(char *dst, size_t cap, size_t *pos, const char *s) {
  while (*s && *pos + 1 < cap) dst[(*pos)++] = *s++;
  dst[*pos] = 0;
}

/* runtime.atoi64 (string.go): optional '-', decimal digits, overflow → false. */
int gb_oracle_atoi64(const char *s, size_t n, int64_t *out) {
  int neg = 0;
  uint64_t un = 0;
  if (n == 0) return 0;
  if (s[0] == '-') neg = 1, s++, n--;
  for (size_t i = 0; i < n; i++) {
    unsigned c = (unsigned char)s[i];
    if (c < '0' || c > '9') return 0;
    if (un > UINT64_MAX / 10) return 0;
    un *= 10;
    if (un + (c - '0') < un) return 0;
    un += c - '0';
  }
  if (!neg && un > (uint64_t)INT64_MAX) return 0;
  if (neg && un > (uint64_t)INT64_MAX + 1) return 0;
  *out = neg ? (int64_t)(0 - un) : (int64_t)un;
  return 1;
}

/* ---- guest memory ------------------------------------------------------------ */

static int readable(const gb_oracle_mem *m, uint64_t addr, uint64_t len) {
  return m->bytes && addr >= m->base && addr - m->base <= m->size &&
         m->size - (addr - m->base) >= len;
}

/* The address the CPU would report for a LEN-byte load at ADDR. */
static uint64_t fault_at(const gb_oracle_mem *m, uint64_t addr) {
  uint64_t end = m->base + m->size;
  return (addr >= m->base && addr < end) ? end : addr;
}

static int rd64(const gb_oracle_mem *m, uint64_t addr, uint64_t *out) {
  if (!readable(m, addr, 8)) return -1;
  const uint8_t *p = m->bytes + (addr - m->base);
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  *out = v;
  return 0;
}

/* What a load at ADDR does in the process at entry (see gb_oracle_in.mapped). */
enum { MEM_FAULT, MEM_IMAGE, MEM_RW, MEM_RO, MEM_UNKNOWN };

static int mem_class(const gb_oracle_in *in, uint64_t addr) {
  if (readable(&in->stack, addr, 1)) return MEM_IMAGE;
  for (size_t i = 0; in->mapped && i < in->nmapped; i++) {
    const gb_oracle_range *r = &in->mapped[i];
    if (addr >= r->base && addr - r->base < r->size) return r->writable ? MEM_RW : MEM_RO;
  }
  if (in->mapped_complete || addr < GB_MMAP_MIN_LINUX || addr >= GB_USER_TOP) return MEM_FAULT;
  return MEM_UNKNOWN;
}

/* A fault ends the boot with no message: fatal is present and null. */
static void set_fault(gb_oracle_state *st, const gb_oracle_mem *m, uint64_t addr) {
  st->have |= GB_F_FAULT | GB_F_FATAL;
  st->fault_addr = m ? fault_at(m, addr) : addr;
}

static void set_fatal(gb_oracle_state *st, const char *msg) {
  st->have |= GB_F_FATAL;
  copystr(st->fatal, sizeof st->fatal, msg);
}

static void set_undetermined(gb_oracle_state *st, const char *why, uint64_t v) {
  size_t pos = 0;
  if (st->undetermined[0]) return;     /* keep the first reason */
  putstr(st->undetermined, sizeof st->undetermined, &pos, why);
  if (v) {
    putstr(st->undetermined, sizeof st->undetermined, &pos, " 0x");
    char hex[17];
    int n = 0;
    do hex[n++] = "0123456789abcdef"[v & 15], v >>= 4; while (v);
    while (n) { char c[2] = {hex[--n], 0}; putstr(st->undetermined, sizeof st->undetermined, &pos, c); }
  }
}

int gb_oracle_stopped(const gb_oracle_state *st) {
  return st->fatal[0] != 0 || (st->have & GB_F_FAULT) != 0;
}

/* ---- rt0_go + args ------------------------------------------------------------ */

int gb_oracle_rt0(const gb_oracle_in *in, gb_oracle_state *st) {
  const gb_oracle_profile *p = &in->prof;
  uint64_t w;
  size_t pos = 0;

  zero(st, sizeof *st);
  putdec(st->profile, sizeof st->profile, &pos, (uint64_t)p->major);
  putstr(st->profile, sizeof st->profile, &pos, ".");
  putdec(st->profile, sizeof st->profile, &pos, (uint64_t)p->minor);
  if (p->patch >= 0) {
    putstr(st->profile, sizeof st->profile, &pos, ".");
    putdec(st->profile, sizeof st->profile, &pos, (uint64_t)p->patch);
  }
  if (!in->stack.bytes || p->major != 1) return GB_ORACLE_EINPUT;

  /* _rt0_amd64: DI = 0(SP) (argc), SI = 8(SP) (argv). */
  if (rd64(&in->stack, in->entry_sp, &w)) {
    set_fault(st, &in->stack, in->entry_sp);
    return GB_ORACLE_OK;
  }
  /* rt0_go spills the 64-bit word; it reaches args() as a 32-bit MOVL copy. */
  st->argc = (int32_t)(uint32_t)w;
  st->argv = in->entry_sp + 8;
  st->have |= GB_F_ARGC | GB_F_ARGV;

  /* SUBQ $39/$40, SP; ANDQ $~15, SP → stack.hi; stack.lo = hi - 64K (+104).
   * mstart0 later sets stackguard0 = stackguard1 = lo + StackGuard (the value at
   * runtime.main; rt0_go's own guards = lo are overwritten). */
  st->g0_stack_hi = (in->entry_sp - (uint64_t)p->go.rt0_sub) & ~(uint64_t)15;
  st->g0_stack_lo = st->g0_stack_hi + (uint64_t)p->go.g0_lo_off;
  st->g0_stackguard0 = st->g0_stack_lo + (uint64_t)p->go.stack_guard;
  st->g0_stackguard1 = st->g0_stackguard0;
  st->have |= GB_F_G0_STACK;

  /* CPUID leaf 0: max leaf 0 → skip; "GenuineIntel" in EBX,EDX,ECX → isIntel. */
  if (in->cpuid_known) {
    if (in->cpuid_max_leaf != 0) {
      st->is_intel = in->cpuid_vendor[0] == 0x756E6547 && in->cpuid_vendor[1] == 0x49656E69 &&
                     in->cpuid_vendor[2] == 0x6C65746E;
      st->processor_version_info = in->cpuid_leaf1_eax;
    }
    st->have |= GB_F_CPU;
  }

  /* settls(&m0.tls): FS = &m0.tls + 8 (non-cgo). Which g FS:-8 names at
   * runtime.main is not the oracle's to say (m0_tls0 stays absent). */
  if (in->g0_addr) st->g0 = in->g0_addr, st->have |= GB_F_G0;
  if (in->m0_addr) {
    st->m0 = in->m0_addr;
    st->fs_base = in->m0_addr + (uint64_t)p->go.m_tls + 8;
    st->have |= GB_F_M0 | GB_F_FS_BASE;
  }
  return GB_ORACLE_OK;
}

/* ---- sysargs / sysauxv ------------------------------------------------------- */

/* sysauxv over M from ADDR: loop while the tag word is non-zero. Returns the number
 * of pairs, or -1 after recording a fault. */
static int64_t sysauxv(const gb_oracle_in *in, gb_oracle_state *st, const gb_oracle_mem *m,
                       uint64_t addr) {
  int64_t i = 0;
  for (;; i += 2) {
    uint64_t tag, val, at = addr + (uint64_t)i * 8;
    if (rd64(m, at, &tag)) { set_fault(st, m, at); return -1; }
    if (tag == AT_NULL_LINUX) break;
    if (rd64(m, at + 8, &val)) { set_fault(st, m, at + 8); return -1; }
    switch (tag) {
    case AT_RANDOM_LINUX: /* `(*[16]byte)(unsafe.Pointer(val))[:]`. Its nil check
                        * LOADS the byte at val (`TESTB AL, (reg)` in go1.9.2 to
                        * go1.26.5), so every AT_RANDOM, not only the last, must
                        * name readable memory; 0 faults too. */
      switch (mem_class(in, val)) {
      case MEM_FAULT:
        set_fault(st, 0, val);
        return -1;
      case MEM_UNKNOWN:
        st->outcome_unknown = 1;
        set_undetermined(st, "AT_RANDOM may name unmapped memory (its nil check loads a byte):", val);
        break;
      }
      st->at_random_addr = val;
      break;
    case AT_PAGESZ_LINUX:
      st->phys_page_size = val;
      break;
    case AT_SECURE_LINUX:
      if (in->prof.go.at_secure) st->secure_mode = val == 1;
      break;
    case AT_SYSINFO_EHDR_LINUX: /* vdsoauxv parses the ELF at val (0 is skipped) */
      if (val) {
        st->sysinfo_ehdr = val;
        if (val != in->vdso_base)
          set_undetermined(st, "AT_SYSINFO_EHDR is not the supplied vDSO:", val);
      }
      break;
    }
  }
  return i / 2;
}

/* Reset what sysargs owns, so the phase can be re-run once the fallback's answer
 * is known (goboot-rtc does that after its own /proc/self/auxv read). */
static void sysargs_reset(gb_oracle_state *st) {
  st->have &= ~(uint32_t)(GB_F_PAGE | GB_F_SECURE | GB_F_AUXV_PAIRS | GB_F_FAULT | GB_F_FATAL);
  st->phys_page_size = 0;
  st->secure_mode = 0;
  st->auxv_pairs = 0;
  st->fault_addr = 0;
  st->at_random_addr = 0;
  st->sysinfo_ehdr = 0;
  st->need_proc_auxv = 0;
  st->auxv_source = GB_AUXV_STACK;
  st->undetermined[0] = 0;
  st->outcome_unknown = 0;
}

int gb_oracle_sysargs(const gb_oracle_in *in, gb_oracle_state *st) {
  const gb_oracle_mem *m = &in->stack;
  if (!(st->have & GB_F_ARGC) || st->fatal[0]) return GB_ORACLE_OK;
  sysargs_reset(st);

  /* n := argc + 1; for argv_index(argv, n) != nil { n++ }; n++ — int32 index,
   * address argv + uintptr(n)*8 (sign-extended, wrapping). */
  uint32_t n = (uint32_t)st->argc + 1;
  for (;;) {
    uint64_t w, at = st->argv + (uint64_t)(int64_t)(int32_t)n * 8;
    if (rd64(m, at, &w)) { set_fault(st, m, at); return GB_ORACLE_OK; }
    if (!w) break;
    n++;
  }
  n++;
  st->auxv_addr = st->argv + (uint64_t)(int64_t)(int32_t)n * 8;

  int64_t pairs = sysauxv(in, st, m, st->auxv_addr);
  if (pairs < 0) return GB_ORACLE_OK;
  if (in->prof.go.at_secure) st->have |= GB_F_SECURE;
  if (pairs != 0) {
    st->auxv_pairs = pairs;
    st->have |= GB_F_PAGE | GB_F_AUXV_PAIRS;
    return GB_ORACLE_OK;
  }

  /* Empty vector: open /proc/self/auxv. */
  st->need_proc_auxv = 1;
  const gb_oracle_file *f = &in->proc_auxv;
  if (!f->known) {
    set_undetermined(st, "empty auxv and no /proc/self/auxv answer", 0);
    return GB_ORACLE_OK;
  }
  if (f->open_err) {
    /* mmap 256 KiB; the first n (4K, 8K, …) where mincore(base+n) succeeds. */
    st->auxv_source = GB_AUXV_MINCORE;
    st->have |= GB_F_AUXV_PAIRS;
    if (!in->mincore_known) {
      set_undetermined(st, "empty auxv, no /proc/self/auxv and no mincore answer", 0);
      return GB_ORACLE_OK;
    }
    st->phys_page_size = in->mincore_pagesz;
    st->have |= GB_F_PAGE;
    return GB_ORACLE_OK;
  }
  st->auxv_source = GB_AUXV_PROC;
  st->have |= GB_F_AUXV_PAIRS | GB_F_PAGE;
  if (f->read_ret < 0) return GB_ORACLE_OK;      /* read failed: nothing parsed */
  if (f->read_ret > AUXV_BUF || (f->read_ret > 0 && !f->data)) return GB_ORACLE_EINPUT;

  /* buf [128]uintptr, zeroed; the read's bytes; buf[126] = AT_NULL. */
  uint8_t buf[AUXV_BUF];
  zero(buf, sizeof buf);
  for (int64_t i = 0; i < f->read_ret; i++) buf[i] = f->data[i];
  zero(buf + 126 * 8, 8);
  gb_oracle_mem bm = {buf, 0, sizeof buf};
  pairs = sysauxv(in, st, &bm, 0);
  if (pairs < 0) return GB_ORACLE_OK;           /* an unreadable AT_RANDOM in the file */
  st->auxv_pairs = pairs;
  return GB_ORACLE_OK;
}

/* ---- osinit ---------------------------------------------------------------------- */

int gb_oracle_osinit(const gb_oracle_in *in, gb_oracle_state *st) {
  if (gb_oracle_stopped(st) || !(st->have & GB_F_ARGC)) return GB_ORACLE_OK;

  /* getproccount: r < 0 → 1; popcount of buf[:r]; 0 → 1. */
  if (in->affinity_known) {
    if (in->affinity_ret > AFFINITY_BUF || (in->affinity_ret > 0 && !in->affinity))
      return GB_ORACLE_EINPUT;
    int32_t n = 0;
    if (in->affinity_ret < 0) {
      n = 1;
    } else {
      for (int64_t i = 0; i < in->affinity_ret; i++)
        for (unsigned v = in->affinity[i]; v; v >>= 1) n += (int32_t)(v & 1);
      if (n == 0) n = 1;
    }
    st->ncpu = n;
    st->have |= GB_F_NCPU;
  }

  /* getHugePageSize: read ≤20 bytes, drop the last, atoi; bad → 0; not 2^k → 0. */
  if (in->prof.go.huge_page && in->hpage.known) {
    const gb_oracle_file *f = &in->hpage;
    uint64_t v = 0;
    if (!f->open_err && f->read_ret > 0) {
      if (f->read_ret > HPAGE_BUF || !f->data) return GB_ORACLE_EINPUT;
      int64_t x;
      if (gb_oracle_atoi64((const char *)f->data, (size_t)(f->read_ret - 1), &x) && x >= 0)
        v = (uint64_t)x;
      if (v & (v - 1)) v = 0;
    }
    st->phys_huge_page_size = v;
    st->have |= GB_F_HUGE;
  }
  return GB_ORACLE_OK;
}

/* ---- schedinit (as far as it decides the state) ------------------------------------ */

/* The NUL-terminated string at ADDR; -1 after recording a fault. */
static int64_t gostring(const gb_oracle_mem *m, gb_oracle_state *st, uint64_t addr) {
  for (uint64_t n = 0;; n++) {
    if (!readable(m, addr + n, 1)) { set_fault(st, m, addr + n); return -1; }
    if (m->bytes[addr + n - m->base] == 0) return (int64_t)n;
  }
}

/* The first env string "KEY=…" (gogetenv: len(s) > len(key), s[len(key)] == '=').
 * Sets *val and *vlen; returns 1 found, 0 not, -1 fault. */
static int getenv_img(const gb_oracle_mem *m, gb_oracle_state *st, const char *key,
                      const char **val, size_t *vlen) {
  size_t klen = 0;
  while (key[klen]) klen++;
  for (int32_t i = 0; i < st->envc; i++) {
    uint64_t p, at = st->argv + (uint64_t)(int64_t)(int32_t)((uint32_t)st->argc + 1 + (uint32_t)i) * 8;
    if (rd64(m, at, &p)) { set_fault(st, m, at); return -1; }
    int64_t len = gostring(m, st, p);
    if (len < 0) return -1;
    const char *s = (const char *)m->bytes + (p - m->base);
    if ((size_t)len > klen && s[klen] == '=') {
      size_t k = 0;
      while (k < klen && s[k] == key[k]) k++;
      if (k == klen) { *val = s + klen + 1; *vlen = (size_t)len - klen - 1; return 1; }
    }
  }
  return 0;
}

/* GODEBUG at startup: fields left to right, a later "key=" overrides an earlier one. */
static int godebug_lookup(const char *p, size_t n, const char *key, const char **val,
                          size_t *vlen) {
  int found = 0;
  size_t klen = 0;
  while (key[klen]) klen++;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && p[j] != ',') j++;
    if (j - i > klen && p[i + klen] == '=') {
      size_t k = 0;
      while (k < klen && p[i + k] == key[k]) k++;
      if (k == klen) *val = p + i + klen + 1, *vlen = j - i - klen - 1, found = 1;
    }
    i = j + 1;
  }
  return found;
}

/* randinit (1.22+): consumes startupRand; the runtime.main value is nil. */
static void randinit(const gb_oracle_in *in, gb_oracle_state *st, int use_auxv) {
  st->startup_random_null = 1;
  st->random_from_urandom = !use_auxv;
  if (use_auxv)
    st->stack_random_after = in->prof.go.at_random_zero_half ? GB_RAND_OVERWRITTEN : GB_RAND_ZEROED;
}

/* The 16 bytes are read (after mallocinit, or before it from 1.26) and may reach
 * memory the oracle was not told about. */
static void random_unknown(gb_oracle_state *st) {
  st->outcome_unknown = 1;
  set_undetermined(st, "AT_RANDOM's 16 bytes may reach unmapped memory:", st->at_random_addr);
}

static int schedinit(const gb_oracle_in *in, gb_oracle_state *st) {
  const gb_oracle_profile *p = &in->prof;
  const gb_oracle_mem *m = &in->stack;

  /* startupRandomData/startupRand as sysauxv left it. Its 16 bytes are read later:
   * getRandomData's copy in alginit (<=1.21, after mallocinit), randinit's XOR and
   * clear (1.22+, a write too); a byte there that is not mapped (or, for 1.22+, not
   * writable) faults at that point. */
  int have_rand = st->at_random_addr != 0, rand_known = 1, rand_fault = 0, rand_unknown = 0;
  uint64_t rand_fault_addr = 0;
  if (have_rand && !readable(m, st->at_random_addr, 16)) {
    rand_known = 0;
    for (uint64_t i = 0; i < 16 && !rand_fault; i++) {
      uint64_t a = st->at_random_addr + i;
      int c = mem_class(in, a);
      if (c == MEM_FAULT || (c == MEM_RO && p->go.randinit)) rand_fault = 1, rand_fault_addr = a;
      else if (c == MEM_UNKNOWN) rand_unknown = 1;
    }
    if (rand_fault) rand_unknown = 0;    /* it faults, wherever the first bad byte is */
    if (!rand_fault && !rand_unknown)
      set_undetermined(st, "AT_RANDOM points outside the stack image:", st->at_random_addr);
  }
  if (have_rand) {
    if (rand_known) {
      for (int i = 0; i < 16; i++) st->startup_random[i] = m->bytes[st->at_random_addr - m->base + (uint64_t)i];
      if (p->go.at_random_zero_half) {
        uint8_t lo = 0, hi = 0;
        for (int i = 0; i < 8; i++) lo |= st->startup_random[i], hi |= st->startup_random[8 + i];
        if (!lo || !hi) have_rand = 0;           /* 1.24+: treated as missing */
      }
    }
  } else {
    st->startup_random_null = 1;
  }
  if (rand_known) st->have |= GB_F_RANDOM;
  if (!p->go.randinit) st->random_from_urandom = st->at_random_addr == 0;

  if (p->go.randinit && p->go.randinit_before_malloc) {
    if (rand_fault) { set_fault(st, 0, rand_fault_addr); return GB_ORACLE_OK; }
    if (rand_unknown) random_unknown(st);
    if (rand_known) randinit(in, st, have_rand);
  }

  /* mallocinit: physPageSize checks, in the runtime's order. */
  if (!(st->have & GB_F_PAGE)) {
    set_undetermined(st, "page size unknown: mallocinit's outcome cannot be predicted", 0);
    st->have &= ~(uint32_t)GB_F_RANDOM;
    return GB_ORACLE_OK;
  }
  uint64_t ps = st->phys_page_size;
  size_t pos = 0;
  if (ps == 0) {
    set_fatal(st, "failed to get system page size");
  } else if (p->go.max_page_bound && ps > PAGE_MAX) {
    putstr(st->fatal_detail, sizeof st->fatal_detail, &pos, "system page size (");
    putdec(st->fatal_detail, sizeof st->fatal_detail, &pos, ps);
    putstr(st->fatal_detail, sizeof st->fatal_detail, &pos, ") is larger than maximum page size (524288)");
    set_fatal(st, "bad system page size");
  } else if (ps < PAGE_MIN) {
    putstr(st->fatal_detail, sizeof st->fatal_detail, &pos, "system page size (");
    putdec(st->fatal_detail, sizeof st->fatal_detail, &pos, ps);
    putstr(st->fatal_detail, sizeof st->fatal_detail, &pos, ") is smaller than minimum page size (4096)");
    set_fatal(st, "bad system page size");
  } else if (ps & (ps - 1)) {
    putstr(st->fatal_detail, sizeof st->fatal_detail, &pos, "system page size (");
    putdec(st->fatal_detail, sizeof st->fatal_detail, &pos, ps);
    putstr(st->fatal_detail, sizeof st->fatal_detail, &pos, ") must be a power of 2");
    set_fatal(st, "bad system page size");
  } else if (st->have & GB_F_HUGE) {
    uint64_t hp = st->phys_huge_page_size;
    if (hp & (hp - 1)) {     /* unreachable on Linux: getHugePageSize filtered it */
      putstr(st->fatal_detail, sizeof st->fatal_detail, &pos, "system huge page size (");
      putdec(st->fatal_detail, sizeof st->fatal_detail, &pos, hp);
      putstr(st->fatal_detail, sizeof st->fatal_detail, &pos, ") must be a power of 2");
      set_fatal(st, "bad system huge page size");
    } else if (p->go.huge_page_cap && hp > HUGE_MAX) {
      st->phys_huge_page_size = 0;              /* silently unsupported */
    }
  }
  if (st->fatal[0]) return GB_ORACLE_OK;  /* runtime.main is never reached */
  st->have |= GB_F_FATAL;                 /* present, null: mallocinit passes */
  /* 1.21+: the heap set-up calls sysNoHugePageOS(v, n), which throws "unaligned
   * sysNoHugePageOS" when v is not physPageSize-aligned. v comes from mmap(NULL, …),
   * which a 4 KiB kernel places at 4 KiB granularity: with a larger announced page
   * size the outcome depends on placement (go1.22.5 throws with 8192, go1.25.4 boots). */
  int may_throw = p->go.nohugepage_align && ps > PAGE_MIN;
  if (may_throw) {
    st->outcome_unknown = 1;
    set_undetermined(st, "page size > 4096 on 1.21+: sysNoHugePageOS alignment (mmap placement)", 0);
  }

  if (rand_fault) {                       /* a throw may come first: then not predicted */
    if (!may_throw) set_fault(st, 0, rand_fault_addr);
    return GB_ORACLE_OK;
  }
  if (rand_unknown) random_unknown(st);
  if (p->go.randinit && !p->go.randinit_before_malloc && rand_known) randinit(in, st, have_rand);

  /* goenvs: count envp from argv[argc+1]. */
  int32_t envc = 0;
  for (;;) {
    uint64_t w, at = st->argv + (uint64_t)(int64_t)(int32_t)((uint32_t)st->argc + 1 + (uint32_t)envc) * 8;
    if (rd64(m, at, &w)) { set_fault(st, m, at); return GB_ORACLE_OK; }
    if (!w) break;
    envc++;
  }
  st->envc = envc;
  st->have |= GB_F_ENVC;

  /* procs = ncpu, or a positive int32 $GOMAXPROCS (first match; no upper clamp). */
  const char *v = 0;
  size_t vlen = 0;
  int r = getenv_img(m, st, "GOMAXPROCS", &v, &vlen);
  if (r < 0) return GB_ORACLE_OK;
  int64_t x;
  if (r == 1 && gb_oracle_atoi64(v, vlen, &x) && x == (int64_t)(int32_t)x && x > 0) {
    st->gomaxprocs = (int32_t)x;
    st->have |= GB_F_GOMAXPROCS;
    return GB_ORACLE_OK;
  }
  if (!(st->have & GB_F_NCPU)) return GB_ORACLE_OK;
  if (p->go.cgroup_maxprocs) {
    /* 1.25+: the cgroup limit applies unless GODEBUG containermaxprocs=0; its default
     * depends on the main module's go line, which the oracle does not know. */
    r = getenv_img(m, st, "GODEBUG", &v, &vlen);
    if (r < 0) return GB_ORACLE_OK;
    const char *dv = 0;
    size_t dlen = 0;
    if (!(r == 1 && godebug_lookup(v, vlen, "containermaxprocs", &dv, &dlen) && dlen == 1 &&
          dv[0] == '0'))
      return GB_ORACLE_OK;
  }
  st->gomaxprocs = st->ncpu;
  st->have |= GB_F_GOMAXPROCS;
  return GB_ORACLE_OK;
}

int gb_oracle_schedinit(const gb_oracle_in *in, gb_oracle_state *st) {
  if (gb_oracle_stopped(st) || !(st->have & GB_F_ARGC)) return GB_ORACLE_OK;
  int r = schedinit(in, st);
  /* A fault the runtime may or may not take earlier (outcome_unknown) leaves "boots"
   * and mallocinit's message unpredicted; a predicted fault stays: it happens either way. */
  if (st->outcome_unknown && !(st->have & GB_F_FAULT)) {
    st->have &= ~(uint32_t)GB_F_FATAL;
    st->fatal[0] = 0;
    st->fatal_detail[0] = 0;
  }
  return r;
}

int gb_oracle_run(const gb_oracle_in *in, gb_oracle_state *out) {
  int r;
  if ((r = gb_oracle_rt0(in, out)) != GB_ORACLE_OK) return r;
  if ((r = gb_oracle_sysargs(in, out)) != GB_ORACLE_OK) return r;
  if ((r = gb_oracle_osinit(in, out)) != GB_ORACLE_OK) return r;
  return gb_oracle_schedinit(in, out);
}
