/* mm.c — the guest's address space.
 *
 * PROT_NONE reservations are only recorded here and never mapped into Unicorn: on
 * 2.1.1 protecting or unmapping a piece of a large region copies all of it
 * (docs/unicorn.md § Splitting a region copies it), and Go reserves 64–512 MiB ranges
 * it commits 4 KiB at a time.
 * A commit (any mapping with access rights) unmaps what overlaps and maps a fresh,
 * zero-filled region. mmap(NULL) takes the highest free gap below GB_MMAP_TOP, so
 * placement depends only on the guest's own requests. Hints are honoured when free. */
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define GB_MMAP_TOP 0x7f0000000000ULL /* goboot's mmap base: fixed, not randomised */

static uint32_t guest_prot(int prot) {
  uint32_t p = 0;
  /* x86 pages are readable whenever they are writable or executable */
  if (prot & PROT_READ_LINUX) p |= UC_PROT_READ;
  if (prot & PROT_WRITE_LINUX) p |= UC_PROT_WRITE | UC_PROT_READ;
  if (prot & PROT_EXEC_LINUX) p |= UC_PROT_EXEC | UC_PROT_READ;
  return p;
}

int gb_mm_init(gb_machine *m) {
  memset(&m->mm, 0, sizeof m->mm);
  m->mm.cursor = GB_MMAP_TOP;
  return 0;
}

void gb_mm_free(gb_machine *m) {
  free(m->mm.r);
  memset(&m->mm, 0, sizeof m->mm);
}

static int insert(gb_mm *mm, gb_region r) {
  if (mm->n == mm->cap) {
    int nc = mm->cap ? mm->cap * 2 : 64;
    gb_region *nr = realloc(mm->r, (size_t)nc * sizeof *nr);
    if (!nr) return -1;
    mm->r = nr;
    mm->cap = nc;
  }
  int i = 0;
  while (i < mm->n && mm->r[i].start < r.start) i++;
  memmove(&mm->r[i + 1], &mm->r[i], (size_t)(mm->n - i) * sizeof r);
  mm->r[i] = r;
  mm->n++;
  return 0;
}

uint64_t gb_mm_region_end(gb_machine *m, uint64_t addr) {
  for (int i = 0; i < m->mm.n; i++)
    if (m->mm.r[i].start <= addr && addr < m->mm.r[i].end) return m->mm.r[i].end;
  return 0;
}

static int overlaps(const gb_mm *mm, uint64_t s, uint64_t e) {
  for (int i = 0; i < mm->n; i++)
    if (mm->r[i].start < e && s < mm->r[i].end) return i;
  return -1;
}

/* Remove [s,e) from the map: unmap committed overlaps from Unicorn, split records. */
static int carve(gb_machine *m, uint64_t s, uint64_t e) {
  gb_mm *mm = &m->mm;
  for (int i = 0; i < mm->n; i++) {
    gb_region r = mm->r[i];
    if (!(r.start < e && s < r.end)) continue;
    uint64_t os = r.start > s ? r.start : s, oe = r.end < e ? r.end : e;
    if (r.committed) {
      if (uc_mem_unmap(m->uc, os, oe - os) != UC_ERR_OK) return -1;
      mm->committed -= oe - os;
    }
    memmove(&mm->r[i], &mm->r[i + 1], (size_t)(mm->n - i - 1) * sizeof r);
    mm->n--;
    i--;
    if (r.start < os) {
      gb_region left = r;
      left.end = os;
      if (insert(mm, left) < 0) return -1;
      i++;
    }
    if (oe < r.end) {
      gb_region right = r;
      right.start = oe;
      if (insert(mm, right) < 0) return -1;
      i++;
    }
  }
  return 0;
}

static int place(gb_machine *m, uint64_t s, uint64_t e, uint32_t prot, int commit, char tag) {
  gb_mm *mm = &m->mm;
  if (commit) {
    if (uc_mem_map(m->uc, s, e - s, prot) != UC_ERR_OK) return -1;
    mm->committed += e - s;
    if (mm->committed > mm->peak) mm->peak = mm->committed;
  }
  gb_region r = {s, e, prot, commit, tag};
  return insert(mm, r);
}

int gb_mm_map_fixed(gb_machine *m, uint64_t start, uint64_t end, uint32_t prot, char tag) {
  if (carve(m, start, end) < 0) return -1;
  return place(m, start, end, prot, 1, tag);
}

int gb_mm_mapped(gb_machine *m, uint64_t addr, uint64_t len) {
  uint64_t end = addr + len;
  while (addr < end) {
    int found = 0;
    for (int i = 0; i < m->mm.n; i++) {
      const gb_region *r = &m->mm.r[i];
      if (r->committed && r->start <= addr && addr < r->end && (r->prot & UC_PROT_WRITE)) {
        addr = r->end;
        found = 1;
        break;
      }
    }
    if (!found) return 0;
  }
  return 1;
}

static uint64_t find_free(gb_mm *mm, uint64_t len) {
  uint64_t c = mm->cursor - len;
  for (int guard = 0; guard < 100000; guard++) {
    int i = overlaps(mm, c, c + len);
    if (i < 0) return c;
    if (mm->r[i].start < GB_MMAP_MIN_LINUX + len) return 0;
    c = mm->r[i].start - len;
  }
  return 0;
}

static int over_budget(gb_machine *m, uint64_t add) {
  if (m->mm.committed + add <= m->o.max_mem) return 0;
  gb_stop(m, GB_STOP_MEMORY, "guest-memory budget: %llu bytes committed, %llu more asked, limit %llu",
          (unsigned long long)m->mm.committed, (unsigned long long)add,
          (unsigned long long)m->o.max_mem);
  return 1;
}

int64_t gb_mm_mmap(gb_machine *m, uint64_t addr, uint64_t len, int prot, int flags) {
  gb_mm *mm = &m->mm;
  if (len == 0 || len > GB_USER_TOP) return -EINVAL_LINUX;
  len = GB_PAGE_UP(len);
  if (!(flags & MAP_ANONYMOUS_LINUX)) return -ENODEV_LINUX; /* no host files behind guest memory */
  uint64_t start;
  if (flags & (MAP_FIXED_LINUX | MAP_FIXED_NOREPLACE_LINUX)) {
    if (addr & (GB_PAGE - 1)) return -EINVAL_LINUX;
    if (addr < GB_MMAP_MIN_LINUX || addr + len > GB_USER_TOP || addr + len < addr) return -ENOMEM_LINUX;
    if ((flags & MAP_FIXED_NOREPLACE_LINUX) && overlaps(mm, addr, addr + len) >= 0) return -EEXIST_LINUX;
    start = addr;
  } else {
    uint64_t h = GB_PAGE_DOWN(addr);
    if (h >= GB_MMAP_MIN_LINUX && h + len <= GB_USER_TOP && h + len > h && overlaps(mm, h, h + len) < 0)
      start = h;
    else if (!(start = find_free(mm, len)))
      return -ENOMEM_LINUX;
  }
  int commit = (prot & (PROT_READ_LINUX | PROT_WRITE_LINUX | PROT_EXEC_LINUX)) != 0;
  if (commit && over_budget(m, len)) return -ENOMEM_LINUX;
  if (carve(m, start, start + len) < 0) return -ENOMEM_LINUX;
  if (place(m, start, start + len, guest_prot(prot), commit, 'm') < 0) return -ENOMEM_LINUX;
  return (int64_t)start;
}

int64_t gb_mm_munmap(gb_machine *m, uint64_t addr, uint64_t len) {
  if ((addr & (GB_PAGE - 1)) || len == 0) return -EINVAL_LINUX;
  len = GB_PAGE_UP(len);
  if (addr + len < addr || addr + len > GB_USER_TOP) return -EINVAL_LINUX;
  return carve(m, addr, addr + len) < 0 ? -ENOMEM_LINUX : 0;
}

static int find(const gb_mm *mm, uint64_t a) { return overlaps(mm, a, a + 1); }

/* Give [s,e), which lies inside record i, its own record with prot p. */
static int reprot_record(gb_mm *mm, int i, uint64_t s, uint64_t e, uint32_t p) {
  gb_region r = mm->r[i];
  memmove(&mm->r[i], &mm->r[i + 1], (size_t)(mm->n - i - 1) * sizeof r);
  mm->n--;
  gb_region mid = r;
  mid.start = s;
  mid.end = e;
  mid.prot = p;
  if (insert(mm, mid) < 0) return -1;
  if (r.start < s) {
    gb_region left = r;
    left.end = s;
    if (insert(mm, left) < 0) return -1;
  }
  if (e < r.end) {
    gb_region right = r;
    right.start = e;
    if (insert(mm, right) < 0) return -1;
  }
  return 0;
}

int64_t gb_mm_mprotect(gb_machine *m, uint64_t addr, uint64_t len, int prot) {
  gb_mm *mm = &m->mm;
  if (addr & (GB_PAGE - 1)) return -EINVAL_LINUX;
  len = GB_PAGE_UP(len);
  uint64_t e = addr + len;
  if (e < addr) return -ENOMEM_LINUX;
  uint32_t up = guest_prot(prot);
  for (uint64_t a = addr; a < e;) { /* Linux: every page must be mapped (or reserved) */
    int i = find(mm, a);
    if (i < 0) return -ENOMEM_LINUX;
    a = mm->r[i].end;
  }
  for (uint64_t a = addr; a < e;) {
    int i = find(mm, a);
    if (i < 0) return -ENOMEM_LINUX;
    gb_region r = mm->r[i];
    uint64_t oe = r.end < e ? r.end : e;
    if (r.committed) {
      if (uc_mem_protect(m->uc, a, oe - a, up) != UC_ERR_OK) return -ENOMEM_LINUX;
      if (reprot_record(mm, i, a, oe, up) < 0) return -ENOMEM_LINUX;
    } else if (up) { /* committing part of a reservation */
      if (over_budget(m, oe - a)) return -ENOMEM_LINUX;
      if (carve(m, a, oe) < 0 || place(m, a, oe, up, 1, r.tag) < 0) return -ENOMEM_LINUX;
    }
    a = oe;
  }
  return 0;
}

int64_t gb_mm_brk(gb_machine *m, uint64_t addr) {
  gb_mm *mm = &m->mm;
  if (addr <= mm->brk_start) return (int64_t)mm->brk_cur;
  uint64_t old_end = GB_PAGE_UP(mm->brk_cur), new_end = GB_PAGE_UP(addr);
  if (new_end > old_end) {
    if (overlaps(mm, old_end, new_end) >= 0) return (int64_t)mm->brk_cur;
    if (over_budget(m, new_end - old_end)) return (int64_t)mm->brk_cur;
    if (place(m, old_end, new_end, UC_PROT_READ | UC_PROT_WRITE, 1, 'b') < 0)
      return (int64_t)mm->brk_cur;
  } else if (new_end < old_end) {
    carve(m, new_end, old_end);
  }
  mm->brk_cur = addr;
  return (int64_t)addr;
}
