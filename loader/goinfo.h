/* goinfo.h — loader-internal: recover the Go facts of an image already validated
 * by image.c. Never fails the load: a binary without Go metadata gets is_go = 0 and
 * a note saying why. Implemented by symbols.c, pclntab.c, goversion.c, layout.c. */
#ifndef GOBOOT_LOADER_GOINFO_H
#define GOBOOT_LOADER_GOINFO_H

#include <gelf.h>
#include <libelf.h>
#include "image.h"

/* Fill img->syms/by_name, is_go, go_version, pclntab_*, text_start, has_symtab,
 * has_dwarf, stripped and layout. ELF is a libelf handle over img->bytes. */
void gb_go_analyse(gb_image *img, Elf *elf);
/* Release what gb_go_analyse allocated (symbols, names, img->priv). */
void gb_go_release(gb_image *img);

#endif
