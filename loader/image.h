/* image.h — a static Go linux/amd64 ELF, as goboot needs to know it.
 *
 * Offers: gb_image_load() validates an ELF (with a distinct status for each way it
 * can be wrong), plans a page-aligned mapping of its PT_LOAD segments, and recovers
 * the Go facts of the boot path: version, pclntab layout, a merged symbol table
 * (.symtab and .gopclntab, so stripped binaries are symbolised) and the runtime's
 * struct offsets (the per-version table for a release with a measured row of its own,
 * else DWARF, else the nearest row).
 * Never touches Unicorn and never executes anything: pure data in, data out. */
#ifndef GOBOOT_LOADER_IMAGE_H
#define GOBOOT_LOADER_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Status codes double as the CLI's exit codes (documented in README and --help). */
typedef enum gb_status {
  GB_OK = 0,
  GB_E_USAGE = 64,     /* bad command line */
  GB_E_IO = 65,        /* cannot open or read the file */
  GB_E_NOT_ELF = 66,   /* no ELF magic */
  GB_E_TRUNCATED = 67, /* file ends inside the ELF or program headers */
  GB_E_CLASS = 68,     /* ELF32 */
  GB_E_ENDIAN = 69,    /* big-endian */
  GB_E_MACHINE = 70,   /* not EM_X86_64 */
  GB_E_TYPE = 71,      /* neither ET_EXEC nor ET_DYN */
  GB_E_DYNAMIC = 72,   /* has PT_INTERP: dynamically linked */
  GB_E_NO_LOAD = 73,   /* no PT_LOAD segment */
  GB_E_FILESZ = 74,    /* p_filesz > p_memsz */
  GB_E_BOUNDS = 75,    /* offset/size beyond the file, or address overflow */
  GB_E_OVERLAP = 76,   /* two PT_LOAD segments share a page with different rights, or overlap */
  GB_E_ENTRY = 77,     /* e_entry not inside an executable segment */
  GB_E_NOMEM = 78,     /* host allocation failed */
  GB_E_LAST
} gb_status;

const char *gb_status_name(gb_status s); /* "not-elf", "dynamic", ... */

enum { GB_PROT_R = 4, GB_PROT_W = 2, GB_PROT_X = 1 }; /* same bits as PF_R/PF_W/PF_X */

typedef struct gb_segment {
  uint64_t vaddr, memsz;         /* as in the program header */
  uint64_t offset, filesz;       /* file bytes: image->bytes[offset .. offset+filesz) */
  uint64_t map_start, map_end;   /* page-aligned range to map */
  uint32_t prot;                 /* GB_PROT_* */
} gb_segment;

typedef enum gb_sym_kind { GB_SYM_FUNC = 'T', GB_SYM_DATA = 'D' } gb_sym_kind;

typedef struct gb_sym {
  const char *name; /* owned by the image */
  uint64_t addr, size;
  char kind;        /* gb_sym_kind */
  char from;        /* 's' .symtab, 'p' pclntab, 'b' both agree */
} gb_sym;

/* Offsets inside runtime.g and runtime.m, and StackGuard (docs/go-boot-facts.md
 * § runtime.g and runtime.m offsets; the per-release table is goversions.c). */
typedef struct gb_go_layout {
  char source[8];          /* "dwarf", "table" or "" when unknown */
  int32_t g_stack_lo, g_stack_hi, g_stackguard0, g_stackguard1, g_m, g_sched;
  int32_t g_atomicstatus, g_goid, g_size;
  int32_t m_g0, m_procid, m_gsignal, m_tls, m_curg, m_p, m_id, m_size;
  int32_t stack_guard;     /* _StackGuard used for stackguard0 = lo + StackGuard */
} gb_go_layout;

#define GB_MAX_SEGMENTS 16

typedef struct gb_image {
  char *path;
  /* The whole file, owned, read-only: the guest's view of it (its segments, and
   * /proc/self/exe), so never handed to a library that may write into what it reads
   * (libdw decompresses DWARF sections and rewrites their headers in place). A
   * read-only private mapping of the file, or a malloc'd copy for in-memory images. */
  const unsigned char *bytes;
  size_t size;
  int bytes_mapped;     /* 1: bytes is an mmap of size bytes (munmap), 0: malloc'd */
  char sha256[65];      /* hex of the file bytes */

  uint16_t e_type;      /* ET_EXEC or ET_DYN */
  uint64_t entry;
  uint64_t phdr_vaddr;  /* address of the program headers once mapped (AT_PHDR), 0 if not mapped */
  uint16_t phnum, phentsize;
  uint64_t load_bias;   /* 0 for ET_EXEC; chosen base for ET_DYN */
  gb_segment seg[GB_MAX_SEGMENTS];
  int nseg;
  uint64_t lo, hi;      /* lowest map_start, highest map_end */
  int has_tls;          /* PT_TLS present (cgo/external linking) */

  /* Go facts: filled by gb_go_analyse() (called by gb_image_load). */
  int is_go;            /* a valid pclntab was found */
  char go_version[48];  /* "go1.19.8", "" when unknown */
  int go_major, go_minor, go_patch; /* 1, 19, 8; minor -1 when unknown */
  uint32_t pclntab_magic;            /* 0xfffffffb / fa / f0 / f1, 0 if none */
  uint64_t pclntab_addr;
  uint64_t text_start;               /* start of .text (or pclntab textStart) */
  int has_symtab, has_dwarf, stripped;
  gb_sym *syms;         /* sorted by addr, then name */
  size_t nsyms;
  size_t *by_name;      /* indexes into syms sorted by name */
  gb_go_layout layout;
  char note[160];       /* why the binary is not treated as Go, etc. */

  void *priv;           /* loader-internal (string pool, ...) */
} gb_image;

/* Load and validate PATH. On failure returns the status and writes a one-line
 * human message into err; img is left freed. A regular file is mapped, not read: it
 * must not be rewritten in place while the image lives (replacing it by a rename, as
 * scripts/build-goprogs.sh does, is fine); other files (pipes, ...) are read. */
gb_status gb_image_load(gb_image *img, const char *path, char *err, size_t errlen);
/* The same over bytes in memory (copied); NAME is used in messages. For fuzzing. */
gb_status gb_image_load_mem(gb_image *img, const void *buf, size_t len, const char *name,
                            char *err, size_t errlen);
void gb_image_free(gb_image *img);

/* Symbol lookup by exact name; a Go 1.17+ "<name>.abi0" wrapper is found for <name>
 * when the plain name is absent. NULL when unknown. */
const gb_sym *gb_sym_find(const gb_image *img, const char *name);
/* The function containing ADDR (or data object), NULL when none. */
const gb_sym *gb_sym_at(const gb_image *img, uint64_t addr);
/* Map a virtual address to the file bytes behind it; NULL if not backed by the file.
 * *avail receives how many bytes are readable from there. */
const unsigned char *gb_image_ptr(const gb_image *img, uint64_t addr, size_t *avail);

#endif
