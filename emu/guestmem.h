/* guestmem.h — bounded access to guest memory and registers through Unicorn
 * (guestmem.c): 0 or -1 for memory, never a partial copy reported as success. */
#ifndef GOBOOT_EMU_GUESTMEM_H
#define GOBOOT_EMU_GUESTMEM_H

#include "common.h"

int gb_read(gb_machine *m, uint64_t addr, void *buf, size_t n);
int gb_write(gb_machine *m, uint64_t addr, const void *buf, size_t n);
int gb_read_u32(gb_machine *m, uint64_t addr, uint32_t *v);
int gb_read_u64(gb_machine *m, uint64_t addr, uint64_t *v);
int gb_write_u32(gb_machine *m, uint64_t addr, uint32_t v);
int gb_write_u64(gb_machine *m, uint64_t addr, uint64_t v);
int gb_read_str(gb_machine *m, uint64_t addr, char *buf, size_t cap); /* NUL-terminated; -1 bad */
uint64_t gb_reg(gb_machine *m, int reg);
void gb_set_reg(gb_machine *m, int reg, uint64_t v);

#endif
