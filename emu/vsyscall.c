/* vsyscall.c — the legacy vsyscall page at 0xffffffffff600000.
 *
 * Go <= 1.15 with no vDSO keeps the page's gettimeofday address as its time fallback
 * and calls it from schedinit (docs/go-boot-facts.md § The vDSO and the vsyscall page).
 * Linux's page (in its emulate mode)
 * is three entry points that behave as the gettimeofday, time and getcpu syscalls; we
 * map one read+execute page whose entries issue exactly those syscalls, so the guest's
 * time still comes from the virtual clock through the one syscall table. */
#include <string.h>

#include "machine.h"

#define GB_VSYSCALL 0xffffffffff600000ULL
/* Unicorn runs x86-64 without paging and truncates linear addresses to the 52-bit
 * physical address space: a fetch at 0xffffffffff600000 reads 0xfffffff600000, which
 * is where the page must be mapped (a mapping at the linear address is never hit;
 * measured on 2.1.1). */
#define GB_VSYSCALL_PHYS (GB_VSYSCALL & ((1ULL << 52) - 1))

int gb_vsyscall_install(gb_machine *m) {
  unsigned char page[GB_PAGE];
  memset(page, 0xcc, sizeof page); /* int3 elsewhere, like the kernel's trap on misuse */
  static const struct { unsigned off, nr; } ent[] = {{0x000, 96}, {0x400, 201}, {0x800, 309}};
  for (size_t i = 0; i < sizeof ent / sizeof ent[0]; i++) {
    unsigned char *p = page + ent[i].off;
    p[0] = 0xb8; /* mov eax, nr */
    p[1] = ent[i].nr & 0xff;
    p[2] = (ent[i].nr >> 8) & 0xff;
    p[3] = p[4] = 0;
    p[5] = 0x0f; /* syscall */
    p[6] = 0x05;
    p[7] = 0xc3; /* ret */
  }
  if (gb_mm_map_fixed(m, GB_VSYSCALL_PHYS, GB_VSYSCALL_PHYS + GB_PAGE,
                      UC_PROT_READ | UC_PROT_EXEC, 'v') < 0)
    return -1;
  return uc_mem_write(m->uc, GB_VSYSCALL_PHYS, page, sizeof page) == UC_ERR_OK ? 0 : -1;
}
