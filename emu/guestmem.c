/* guestmem.c — every guest pointer goes through here: Unicorn reads and writes with
 * a length bound, so a wrong guest pointer is an error code, never a host access. */
#include <string.h>

#include "machine.h"

int gb_read(gb_machine *m, uint64_t addr, void *buf, size_t n) {
  if (n == 0) return 0;
  if (addr + n < addr) return -1;
  return uc_mem_read(m->uc, addr, buf, n) == UC_ERR_OK ? 0 : -1;
}

int gb_write(gb_machine *m, uint64_t addr, const void *buf, size_t n) {
  if (n == 0) return 0;
  if (addr + n < addr) return -1;
  /* uc_mem_write ignores page protections; the guest must not write read-only pages
   * through a syscall either, so check the region first. */
  if (!gb_mm_mapped(m, addr, n)) return -1;
  return uc_mem_write(m->uc, addr, buf, n) == UC_ERR_OK ? 0 : -1;
}

int gb_read_u32(gb_machine *m, uint64_t addr, uint32_t *v) { return gb_read(m, addr, v, 4); }
int gb_read_u64(gb_machine *m, uint64_t addr, uint64_t *v) { return gb_read(m, addr, v, 8); }
int gb_write_u32(gb_machine *m, uint64_t addr, uint32_t v) { return gb_write(m, addr, &v, 4); }
int gb_write_u64(gb_machine *m, uint64_t addr, uint64_t v) { return gb_write(m, addr, &v, 8); }

int gb_read_str(gb_machine *m, uint64_t addr, char *buf, size_t cap) {
  size_t i = 0;
  if (cap == 0) return -1;
  while (i + 1 < cap) {
    /* read up to the end of the page at a time */
    size_t chunk = GB_PAGE - ((addr + i) & (GB_PAGE - 1));
    if (chunk > cap - 1 - i) chunk = cap - 1 - i;
    if (gb_read(m, addr + i, buf + i, chunk) < 0) return -1;
    void *z = memchr(buf + i, 0, chunk);
    if (z) return 0;
    i += chunk;
  }
  buf[cap - 1] = 0;
  return -1; /* too long */
}

uint64_t gb_reg(gb_machine *m, int reg) {
  uint64_t v = 0;
  uc_reg_read(m->uc, reg, &v);
  return v;
}

void gb_set_reg(gb_machine *m, int reg, uint64_t v) { uc_reg_write(m->uc, reg, &v); }
