/* sys_mem.c — memory syscalls over the address-space manager (mm.c). */
#include <string.h>

#include "sys.h"

int64_t gb_sys_mmap(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return gb_mm_mmap(m, a[0], a[1], (int)a[2], (int)a[3]);
}

int64_t gb_sys_munmap(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return gb_mm_munmap(m, a[0], a[1]);
}

int64_t gb_sys_mprotect(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return gb_mm_mprotect(m, a[0], a[1], (int)a[2]);
}

int64_t gb_sys_brk(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return gb_mm_brk(m, a[0]);
}

/* Advice changes nothing a guest may rely on: MADV_DONTNEED/FREE pages that Go
 * scavenges are treated by Go itself as needing zeroing again. */
int64_t gb_sys_madvise(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)m;
  (void)ev;
  return (a[0] & (GB_PAGE - 1)) ? -EINVAL_LINUX : 0;
}

int64_t gb_sys_mincore(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[0] & (GB_PAGE - 1)) return -EINVAL_LINUX;
  uint64_t pages = GB_PAGE_UP(a[1]) / GB_PAGE;
  for (uint64_t i = 0; i < pages; i++) {
    uint64_t pg = a[0] + i * GB_PAGE;
    unsigned char b;
    if (uc_mem_read(m->uc, pg, &b, 1) != UC_ERR_OK) return -ENOMEM_LINUX;
  }
  unsigned char one = 1;
  for (uint64_t i = 0; i < pages; i++)
    if (gb_write(m, a[2] + i, &one, 1) < 0) return -EFAULT_LINUX;
  return 0;
}

int64_t gb_sys_mremap(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)m;
  (void)a;
  (void)ev;
  return -ENOMEM_LINUX; /* Go never moves a mapping; refuse rather than guess */
}
