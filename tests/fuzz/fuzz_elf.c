/* fuzz_elf.c — libFuzzer harness: arbitrary bytes into the ELF loader and the Go
 * metadata recovery (pclntab, symbols, buildinfo). Whatever the bytes, the loader
 * returns a status; on success the lookups must stay inside the image. */
#include <stdint.h>
#include <stdlib.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gb_image img;
  char err[256];
  if (gb_image_load_mem(&img, data, size, "fuzz", err, sizeof err) != GB_OK) return 0;
  const gb_sym *e = gb_sym_at(&img, img.entry);
  if (e && (img.entry < e->addr)) abort();
  for (size_t i = 0; i < img.nsyms; i += 1 + img.nsyms / 64) {
    const gb_sym *s = gb_sym_find(&img, img.syms[i].name);
    if (!s) abort(); /* every listed symbol must be findable by its own name */
  }
  size_t avail;
  const unsigned char *p = gb_image_ptr(&img, img.entry, &avail);
  if (p && (p < img.bytes || p + avail > img.bytes + img.size)) abort();
  gb_image_free(&img);
  return 0;
}
