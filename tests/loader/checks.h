/* checks.h — checks of the Go metadata shared by the tests in tests/loader: one
 * source of truth against another (.symtab against the pclntab, a stripped binary
 * against its unstripped twin, DWARF or rt0_go's machine code against the
 * per-release table). Each prints what it compared and returns the number of
 * failures. */
#ifndef GOBOOT_TESTS_LOADER_CHECKS_H
#define GOBOOT_TESTS_LOADER_CHECKS_H

#include "image.h"

/* The boot path as docs/go-boot-facts.md § Entry chain and § rt0_go name it; mstart0
 * exists from 1.17 only. */
extern const char *const check_boot_names[];
extern const int check_boot_len;

/* Every sized FUNC of .symtab inside the pclntab's text range has a pclntab function
 * at the same address with the same name (gb_go_names_agree), and every ABI0 half
 * the loader marked in a same-name pair is the one .symtab calls "<name>.abi0". */
int check_symtab_vs_pclntab(const char *label, const gb_image *img);
/* The entry is _rt0_amd64_linux and every boot-path function is found. */
int check_boot_path(const char *label, const gb_image *img);
/* The binary's DWARF (gb_go_layout_dwarf) equals the table's row for its version and
 * the layout the loader chose, in every field; reading it leaves the image's bytes as
 * they were hashed at load. No DWARF is a failure. */
int check_dwarf_vs_table(const char *label, const gb_image *img);

/* What runtime.rt0_go's machine code says, read from its bytes (the x86-64 encodings
 * the Go assembler emits for asm_amd64.s): SUBQ $n, SP (the frame); LEAQ d(SP), BX
 * (g0.stack.lo = hi + d); ADDQ $StackGuard, AX (its cgo branch resets g0's guards);
 * LEAQ m0.tls(SB), DI before CALL settls and LEAQ m0(SB), AX after MOVQ CX, FS:-8
 * (their difference is offsetof(m, tls)). */
typedef struct check_rt0 {
  int32_t sub, lo_off, stack_guard, m_tls;
} check_rt0;
/* 1 when all four were found. */
int check_rt0_read(const gb_image *img, check_rt0 *out);
/* rt0_go's values equal the table's (gb_go_facts_for) and img->layout's, for a
 * release inside GB_GO_MINOR_OLDEST..NEWEST; older or newer: printed only. */
int check_rt0_vs_table(const char *label, const gb_image *img);

#endif
