/* bootstate.h — the runtime's boot state, read from guest memory when runtime.main
 * is first entered: g0's stack bounds and guards, m0.tls[0], the FS base, argc/argv
 * as stored, page sizes, CPU count, GOMAXPROCS, the AT_RANDOM slice, ... under the
 * keys of docs/HELPERS-CONTRACT.md. A field the binary does not let us read (stripped
 * data symbols, a variable this Go version lacks) is absent, never guessed. */
#ifndef GOBOOT_EMU_BOOTSTATE_H
#define GOBOOT_EMU_BOOTSTATE_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "image.h"

cJSON *gb_bootstate_read(uc_engine *uc, const gb_image *img, uint64_t fs_base);

#endif
