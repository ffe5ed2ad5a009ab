/* auxv.h — the one table of Linux auxiliary-vector tags goboot knows.
 *
 * GB_AUXV_TAGS lists every tag once: its number, its name, what kind of value it
 * carries (how the stack picture and the report read it) and where goboot's own value
 * comes from. Everything else is derived from it: the AT_*_LINUX constants, the
 * gb_auxv_tags[] table and the name lookups here, the default and mimic-host vectors
 * and the builder's fills (stack.h). The constants and this header are plain C with
 * no libc calls, so freestanding code (runtime-c's goboot-rtc) can use AT_*_LINUX. */
#ifndef GOBOOT_LOADER_AUXV_H
#define GOBOOT_LOADER_AUXV_H

#include <stdint.h>

/* Numbers and names as in include/uapi/linux/auxvec.h and
 * arch/x86/include/uapi/asm/auxvec.h. Sorted by number.
 *
 * kind (what the value is; enum gb_auxv_kind without the GB_AUXV_ prefix):
 *   END           AT_NULL: ends the vector.
 *   NUMBER        a count, size or id: read in decimal.
 *   BITS          a word of flag bits: read in hex. AT_FLAGS is one too: Linux puts 0
 *                 there, or AT_FLAGS_PRESERVE_ARGV0 (bit 0, linux/binfmts.h) for an
 *                 interpreter started by binfmt_misc.
 *   OPAQUE        a value goboot gives no reading (not given to a static x86-64
 *                 binary, or with no meaning on x86-64).
 *   IMAGE_DATA    address of data in the loaded image, checked against the image's.
 *   IMAGE_CODE    address of code in the image, named by the symbol there.
 *   VDSO          address of the vDSO's ELF header.
 *   STACK_OBJECT  address of an object the stack builder places above the vectors.
 * about: what a pointer points at, or what a BITS word's bits mean (0: nothing said).
 *
 * source (goboot's own value, as a current kernel gives it to a static binary):
 *   FROM_ENV(f)         gb_auxv_env field f (stack.h): fixed defaults, or the host's
 *                       values in mimic-host mode.
 *   FROM_ENV_IF_SET(f)  the same, but the entry is left out while f is 0.
 *   FROM_IMAGE(f)       gb_image field f: a fact of the binary.
 *   CONSTANT(c)         always c for a static binary.
 *   PLACED(f)           the address of what the builder placed (gb_stack field f; the
 *                       bytes come from the spec: random, execfn, platform).
 *   HOST_VALUE          none of goboot's own: mimic-host copies the host's value.
 *   NOT_GIVEN           never given to a static binary: mimic-host leaves the host's
 *                       out too (it describes how the host process was started).
 * AT_PHENT is sizeof(struct elf_phdr), which the kernel writes whatever e_phentsize
 * says; AT_BASE is the interpreter's base, 0 without one; AT_SECURE is 0 or 1. */
#define GB_AUXV_TAGS(X)                                                                  \
  /* name           number kind          source                        about */          \
  X(NULL,              0, END,          NOT_GIVEN,                    0)                 \
  X(IGNORE,            1, OPAQUE,       HOST_VALUE,                   0)                 \
  X(EXECFD,            2, OPAQUE,       NOT_GIVEN,                    0)                 \
  X(PHDR,              3, IMAGE_DATA,   FROM_IMAGE(phdr_vaddr),       "program headers") \
  X(PHENT,             4, NUMBER,       CONSTANT(56),                 0)                 \
  X(PHNUM,             5, NUMBER,       FROM_IMAGE(phnum),            0)                 \
  X(PAGESZ,            6, NUMBER,       FROM_ENV(pagesz),             0)                 \
  X(BASE,              7, OPAQUE,       CONSTANT(0),                  0)                 \
  X(FLAGS,             8, BITS,         CONSTANT(0),                  0)                 \
  X(ENTRY,             9, IMAGE_CODE,   FROM_IMAGE(entry),            "entry point")     \
  X(NOTELF,           10, OPAQUE,       HOST_VALUE,                   0)                 \
  X(UID,              11, NUMBER,       FROM_ENV(uid),                0)                 \
  X(EUID,             12, NUMBER,       FROM_ENV(euid),               0)                 \
  X(GID,              13, NUMBER,       FROM_ENV(gid),                0)                 \
  X(EGID,             14, NUMBER,       FROM_ENV(egid),               0)                 \
  X(PLATFORM,         15, STACK_OBJECT, PLACED(platform_addr),        0)                 \
  X(HWCAP,            16, BITS,         FROM_ENV(hwcap),              "CPU feature bits") \
  X(CLKTCK,           17, NUMBER,       FROM_ENV(clktck),             0)                 \
  X(SECURE,           23, NUMBER,       FROM_ENV(secure),             0)                 \
  X(BASE_PLATFORM,    24, OPAQUE,       NOT_GIVEN,                    0)                 \
  X(RANDOM,           25, STACK_OBJECT, PLACED(random_addr),          0)                 \
  X(HWCAP2,           26, BITS,         FROM_ENV(hwcap2),             "CPU feature bits") \
  X(RSEQ_FEATURE_SIZE, 27, NUMBER,      FROM_ENV(rseq_feature_size),  0)                 \
  X(RSEQ_ALIGN,       28, NUMBER,       FROM_ENV(rseq_align),         0)                 \
  X(HWCAP3,           29, OPAQUE,       HOST_VALUE,                   0)                 \
  X(HWCAP4,           30, OPAQUE,       HOST_VALUE,                   0)                 \
  X(EXECFN,           31, STACK_OBJECT, PLACED(execfn_addr),          0)                 \
  X(SYSINFO_EHDR,     33, VDSO,         FROM_ENV_IF_SET(vdso_base),   "vDSO ELF header") \
  X(MINSIGSTKSZ,      51, NUMBER,       FROM_ENV(minsigstksz),        0)

enum {
#define GB_AUXV_ENUM_(name, number, kind, source, about) AT_##name##_LINUX = number,
  GB_AUXV_TAGS(GB_AUXV_ENUM_)
#undef GB_AUXV_ENUM_
};

enum gb_auxv_kind {
  GB_AUXV_END, GB_AUXV_NUMBER, GB_AUXV_BITS, GB_AUXV_OPAQUE, GB_AUXV_IMAGE_DATA,
  GB_AUXV_IMAGE_CODE, GB_AUXV_VDSO, GB_AUXV_STACK_OBJECT
};

enum gb_auxv_source {
  GB_AUXV_NOT_GIVEN, GB_AUXV_HOST_VALUE, GB_AUXV_CONSTANT, GB_AUXV_FROM_ENV,
  GB_AUXV_FROM_ENV_IF_SET, GB_AUXV_FROM_IMAGE, GB_AUXV_PLACED
};

/* One row of GB_AUXV_TAGS. */
typedef struct gb_auxv_tag {
  uint64_t tag;
  const char *name;          /* "AT_PAGESZ" */
  enum gb_auxv_kind kind;
  enum gb_auxv_source source;
  const char *about;         /* NULL when the table says nothing */
} gb_auxv_tag;

extern const gb_auxv_tag gb_auxv_tags[]; /* every row, sorted by number */
extern const int gb_auxv_ntags;

/* The row of TAG, or NULL for a tag goboot does not know. */
const gb_auxv_tag *gb_auxv_tag_of(uint64_t tag);
/* "AT_PAGESZ" for 6, NULL for a tag without a name. */
const char *gb_auxv_name(uint64_t tag);
/* Parse "AT_PAGESZ", "PAGESZ" (any case) or a number; returns 0 on success. */
int gb_auxv_parse_tag(const char *s, uint64_t *tag);

#endif
