/* common.h — emu-internal leaf: the few helpers every emu file uses, defined in
 * common.c (or inline in machine.h) so that using them pulls in no other emu file:
 * stopping the run, hex strings for the trace, symbol names, page arithmetic.
 * gb_cur() and gb_now_ns() are inline in machine.h (they read one field each). */
#ifndef GOBOOT_EMU_COMMON_H
#define GOBOOT_EMU_COMMON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "emu.h"
#include "linux.h"

#define GB_PAGE PAGE_SIZE_LINUX
#define GB_PAGE_UP(x) (((x) + GB_PAGE - 1) & ~(GB_PAGE - 1))
#define GB_PAGE_DOWN(x) ((x) & ~(GB_PAGE - 1))
#define GB_NEVER UINT64_MAX
/* uc_emu_start's `until`: never 0, which Unicorn would take as an exit address (a guest
 * jump to nil would then end the run instead of faulting: docs/unicorn.md § until = 0 makes
 * address 0 an exit) */
#define GB_NO_EXIT (UINT64_MAX - 1)

/* The CPU model every engine gets, set before any other call (docs/unicorn.md § The CPU
 * model); cpu.c answers CPUID on it for callers outside emu/. */
#define GB_CPU_MODEL UC_CPU_X86_HASWELL
#define GB_CPU_MODEL_NAME "Haswell"

typedef struct gb_machine gb_machine;
typedef struct gb_world gb_world; /* world.h */

/* Set the run's stop reason (the first one wins) and stop Unicorn. */
void gb_stop(gb_machine *m, gb_stop_kind k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, replacing a reason already set (a located fault, a failed delivery). */
void gb_stop_replace(gb_machine *m, gb_stop_kind k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
cJSON *gb_hex(uint64_t v); /* "0x…": 64-bit values are strings in the trace */
/* "runtime.main", "runtime.main+0x12", or "0x…" when no symbol covers ADDR. */
const char *gb_sym_name(gb_machine *m, uint64_t addr, char *buf, size_t cap);

#endif
