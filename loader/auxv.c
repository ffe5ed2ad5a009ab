/* auxv.c — names of the auxv tags and parsing of a tag written by a user.
 *
 * Offers gb_auxv_name() and gb_auxv_parse_tag() (auxv.h). The names are the ones
 * in include/uapi/linux/auxvec.h and arch/x86/include/uapi/asm/auxvec.h, so a
 * --auxv option can be spelled exactly as in the kernel or in getauxval(3). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auxv.h"

typedef struct tagname {
  uint64_t tag;
  const char *name;
} tagname;

static const tagname names[] = {
  {GB_AT_NULL, "AT_NULL"},
  {GB_AT_IGNORE, "AT_IGNORE"},
  {GB_AT_EXECFD, "AT_EXECFD"},
  {GB_AT_PHDR, "AT_PHDR"},
  {GB_AT_PHENT, "AT_PHENT"},
  {GB_AT_PHNUM, "AT_PHNUM"},
  {GB_AT_PAGESZ, "AT_PAGESZ"},
  {GB_AT_BASE, "AT_BASE"},
  {GB_AT_FLAGS, "AT_FLAGS"},
  {GB_AT_ENTRY, "AT_ENTRY"},
  {GB_AT_NOTELF, "AT_NOTELF"},
  {GB_AT_UID, "AT_UID"},
  {GB_AT_EUID, "AT_EUID"},
  {GB_AT_GID, "AT_GID"},
  {GB_AT_EGID, "AT_EGID"},
  {GB_AT_PLATFORM, "AT_PLATFORM"},
  {GB_AT_HWCAP, "AT_HWCAP"},
  {GB_AT_CLKTCK, "AT_CLKTCK"},
  {GB_AT_SECURE, "AT_SECURE"},
  {GB_AT_BASE_PLATFORM, "AT_BASE_PLATFORM"},
  {GB_AT_RANDOM, "AT_RANDOM"},
  {GB_AT_HWCAP2, "AT_HWCAP2"},
  {GB_AT_RSEQ_FEATURE_SIZE, "AT_RSEQ_FEATURE_SIZE"},
  {GB_AT_RSEQ_ALIGN, "AT_RSEQ_ALIGN"},
  {GB_AT_HWCAP3, "AT_HWCAP3"},
  {GB_AT_HWCAP4, "AT_HWCAP4"},
  {GB_AT_EXECFN, "AT_EXECFN"},
  {GB_AT_SYSINFO_EHDR, "AT_SYSINFO_EHDR"},
  {GB_AT_MINSIGSTKSZ, "AT_MINSIGSTKSZ"},
};

const char *gb_auxv_name(uint64_t tag) {
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].tag == tag) return names[i].name;
  return NULL;
}

int gb_auxv_parse_tag(const char *s, uint64_t *tag) {
  if (!s || !*s) return -1;
  if (isdigit((unsigned char)*s)) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) return -1;
    *tag = v;
    return 0;
  }
  /* "AT_" is optional: "pagesz" and "AT_PAGESZ" name the same tag. */
  const char *bare = strncasecmp(s, "AT_", 3) ? s : s + 3;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcasecmp(bare, names[i].name + 3)) {
      *tag = names[i].tag;
      return 0;
    }
  return -1;
}
