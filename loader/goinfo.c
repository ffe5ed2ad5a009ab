/* goinfo.c — gb_go_analyse(): the Go facts of a validated image, in dependency order
 * (pclntab → symbols → version → struct layout), and gb_go_release(). Never fails the
 * load: a binary without a pclntab is "not a Go binary" and keeps its .symtab, if any.
 * Also the bounds-checked section lookup the other Go-metadata files share. */
#include <stdio.h>
#include <string.h>

#include "goinfo.h"
#include "gometa.h"

const unsigned char *gb_elf_section(const gb_image *img, Elf *elf, const char *name,
                                    size_t *len, uint64_t *addr) {
  size_t shstrndx;
  if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0) return NULL;
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn(elf, scn))) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh)) continue;
    const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
    if (!n || strcmp(n, name)) continue;
    if (sh.sh_type == SHT_NOBITS || sh.sh_offset > img->size ||
        sh.sh_size > img->size - sh.sh_offset)
      return NULL;
    *len = sh.sh_size;
    *addr = sh.sh_addr + img->load_bias;
    return img->bytes + sh.sh_offset;
  }
  return NULL;
}

static int has_section(const gb_image *img, Elf *elf, const char *name) {
  size_t len;
  uint64_t addr;
  return gb_elf_section(img, elf, name, &len, &addr) != NULL;
}

void gb_go_analyse(gb_image *img, Elf *elf) {
  gb_pcln p;
  img->go_minor = -1;
  img->is_go = gb_pcln_read(img, elf, &p);
  if (img->is_go) {
    img->pclntab_magic = p.magic;
    img->pclntab_addr = p.addr;
    img->text_start = p.text_start;
  }
  img->has_dwarf = has_section(img, elf, ".debug_info") || has_section(img, elf, ".zdebug_info");
  int oom = gb_syms_build(img, elf, img->is_go ? &p : NULL) < 0;
  if (!img->is_go) {
    snprintf(img->note, sizeof img->note, "not a Go binary (no pclntab found)");
    return;
  }
  const char *how = gb_go_version(img, elf);
  gb_go_layout_fill(img, how && strcmp(how, "scan") != 0);
  if (oom)
    snprintf(img->note, sizeof img->note, "out of memory building the symbol table");
  else if (p.nbad)
    snprintf(img->note, sizeof img->note, "pclntab: %zu malformed function entries skipped",
             p.nbad);
  else if (!strcmp(p.how, "scan"))
    snprintf(img->note, sizeof img->note,
             "pclntab found by scanning the segments (no .gopclntab section)");
  gb_pcln_free(&p);
}

void gb_go_release(gb_image *img) {
  if (img) gb_syms_free(img);
}
