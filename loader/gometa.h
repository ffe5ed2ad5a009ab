/* gometa.h — loader-internal pieces of the Go analysis (goinfo.h), one file each:
 * pclntab.c finds and decodes the function table of every pclntab layout, symbols.c
 * merges it with .symtab, goversion.c finds the toolchain version, layout.c the
 * runtime.g/m offsets. Also used by tests/loader to check one source against another.
 * All addresses are run-time addresses (link address + img->load_bias). */
#ifndef GOBOOT_LOADER_GOMETA_H
#define GOBOOT_LOADER_GOMETA_H

#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdint.h>
#include "image.h"

/* One function of the pclntab. NAME points into img->bytes and is NUL-terminated
 * inside the table (checked). */
typedef struct gb_pcfunc {
  uint64_t entry, end;  /* end: the next entry, or the table's end PC */
  const char *name;
  uint8_t funcid, flag; /* _func.funcID / flag (0 before Go 1.16) */
  uint8_t abi0;         /* 1: the ABI0 half of a same-name pair (Go 1.17+), named "<name>.abi0" */
} gb_pcfunc;

typedef struct gb_pcln {
  uint32_t magic;                /* 0xfffffffb / fa / f0 / f1 */
  uint64_t addr;                 /* where the table is mapped */
  const unsigned char *tab;      /* its bytes inside img->bytes */
  size_t len;
  uint64_t text_start;           /* base of entry offsets (1.18+), else start of .text */
  const char *how;               /* "section", "scan" */
  gb_pcfunc *funcs;              /* sorted by entry, owned */
  size_t nfuncs;
  size_t nbad;                   /* entries dropped as malformed */
} gb_pcln;

/* Find and decode the pclntab. 1 when a plausible table was found, 0 otherwise (P is
 * then zeroed). ELF may be NULL. On success free P->funcs with gb_pcln_free. */
int gb_pcln_read(const gb_image *img, Elf *elf, gb_pcln *p);
void gb_pcln_free(gb_pcln *p);

/* Names equal as Go's two tables spell them: identical; or SYMTAB_NAME is
 * PCLN_NAME + ".abi0" (the symbol table marks ABI0 halves, the pclntab does not); or
 * the pclntab's "[...]" abbreviates an array length "[N]" of the symbol table; or the
 * pclntab's middle dot "·" is the symbol table's "." (Go <= 1.14). */
int gb_go_names_agree(const char *symtab_name, const char *pcln_name);

/* Build img->syms and img->by_name from .symtab (if any) and P (may be NULL).
 * 0 on success, -1 when out of memory. */
int gb_syms_build(gb_image *img, Elf *elf, const gb_pcln *p);
void gb_syms_free(gb_image *img);

/* Fill img->go_version/go_major/go_minor/go_patch; symbols must already be built.
 * Returns where it came from: "buildinfo", "symbol", "scan" or NULL. */
const char *gb_go_version(gb_image *img, Elf *elf);
/* Parse "go1.19.8", "go1.21rc2", "devel go1.22-abcdef" ... into numbers. 0 when
 * no "go1.N" is in S (then minor = -1). */
int gb_go_parse_version(const char *s, int *major, int *minor, int *patch);

/* Fill img->layout (needs go_version, go_minor and has_dwarf): the table when the
 * version is a release ("go1.N[.P]", not devel, rc or GOEXPERIMENT) with a measured
 * row of its own and VERSION_SURE (it came from the build info or runtime.buildVersion,
 * not from a scan of the data); else DWARF; else the nearest row of the table. */
void gb_go_layout_fill(gb_image *img, int version_sure);
/* The offsets the binary's DWARF gives (source "dwarf", StackGuard from the table),
 * read from a private copy of img->bytes. 0 when it has no DWARF or no runtime.g and
 * runtime.m in it (OUT is then zeroed). */
int gb_go_layout_dwarf(const gb_image *img, gb_go_layout *out);
/* The table alone (goversions.c), for version 1.MINOR (nearest measured version);
 * 0 if minor < 0. */
int gb_go_layout_table(int minor, gb_go_layout *out);

/* A section's bytes by name, bounds-checked against the file: NULL if absent, of
 * type SHT_NOBITS, or not inside the file. *addr gets sh_addr + load bias. */
const unsigned char *gb_elf_section(const gb_image *img, Elf *elf, const char *name,
                                    size_t *len, uint64_t *addr);

#endif
