/* checks.h — checks of the Go metadata shared by the tests in tests/loader: one
 * source of truth against another (.symtab against the pclntab, a stripped binary
 * against its unstripped twin, DWARF against the offset table). Each prints what it
 * compared and returns the number of failures. */
#ifndef GOBOOT_TESTS_LOADER_CHECKS_H
#define GOBOOT_TESTS_LOADER_CHECKS_H

#include "image.h"

/* The boot path as docs/go-boot-facts.md § The boot path names it; mstart0 exists from
 * 1.17 only. */
extern const char *const check_boot_names[];
extern const int check_boot_len;

/* Every sized FUNC of .symtab inside the pclntab's text range has a pclntab function
 * at the same address with the same name (gb_go_names_agree), and every ABI0 half
 * the loader marked in a same-name pair is the one .symtab calls "<name>.abi0". */
int check_symtab_vs_pclntab(const char *label, const gb_image *img);
/* The entry is _rt0_amd64_linux and every boot-path function is found. */
int check_boot_path(const char *label, const gb_image *img);
/* The DWARF layout equals the table's row for the binary's version. */
int check_layout_vs_table(const char *label, const gb_image *img);

#endif
