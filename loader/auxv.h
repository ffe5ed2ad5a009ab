/* auxv.h — the Linux auxiliary-vector tags goboot knows, with their names.
 * Plain constants and a name table; usable from freestanding code (runtime-c). */
#ifndef GOBOOT_LOADER_AUXV_H
#define GOBOOT_LOADER_AUXV_H

#include <stdint.h>

enum {
  GB_AT_NULL = 0, GB_AT_IGNORE = 1, GB_AT_EXECFD = 2, GB_AT_PHDR = 3, GB_AT_PHENT = 4,
  GB_AT_PHNUM = 5, GB_AT_PAGESZ = 6, GB_AT_BASE = 7, GB_AT_FLAGS = 8, GB_AT_ENTRY = 9,
  GB_AT_NOTELF = 10, GB_AT_UID = 11, GB_AT_EUID = 12, GB_AT_GID = 13, GB_AT_EGID = 14,
  GB_AT_PLATFORM = 15, GB_AT_HWCAP = 16, GB_AT_CLKTCK = 17, GB_AT_SECURE = 23,
  GB_AT_BASE_PLATFORM = 24, GB_AT_RANDOM = 25, GB_AT_HWCAP2 = 26,
  GB_AT_RSEQ_FEATURE_SIZE = 27, GB_AT_RSEQ_ALIGN = 28, GB_AT_HWCAP3 = 29, GB_AT_HWCAP4 = 30,
  GB_AT_EXECFN = 31, GB_AT_SYSINFO_EHDR = 33, GB_AT_MINSIGSTKSZ = 51
};

/* "AT_PAGESZ" for 6, NULL for a tag without a name. */
const char *gb_auxv_name(uint64_t tag);
/* Parse "AT_PAGESZ", "PAGESZ" (any case) or a number; returns 0 on success. */
int gb_auxv_parse_tag(const char *s, uint64_t *tag);

#endif
