/* symbols.c — the image's symbol table: .symtab (functions 'T', data objects 'D')
 * merged with the pclntab's functions, so stripped binaries keep their function names.
 * A function both tables agree on is marked 'b' and keeps the .symtab spelling.
 * Offers lookup by exact name (with the Go 1.17+ ".abi0" spellings interchangeable
 * when only one exists) and by address. Names live in one pool owned by the image. */
#include <stdlib.h>
#include <string.h>

#include "gometa.h"

typedef struct ent {
  uint64_t addr, size;
  const char *name;       /* source spelling (file bytes or libelf) */
  const gb_pcfunc *pf;    /* pclntab entries: the function, for name agreement */
  char kind, from;        /* from 0: merged away */
} ent;

static int is_abi0_of(const char *s, size_t n) { return !strcmp(s + n, ".abi0"); }

int gb_go_names_agree(const char *s, const char *p) {
  /* Walk both. The pclntab's "[...]" stands for "[<digits>]" in .symtab (Go 1.18+
   * shortens array types), and up to Go 1.14 its middle dot U+00B7 (as in
   * "net.dialResult·1") is a plain '.' in .symtab. */
  while (*p) {
    if ((unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xb7 && *s == '.') {
      s++;
      p += 2;
    } else if (!strncmp(p, "[...]", 5) && s[0] == '[' && s[1] >= '0' && s[1] <= '9') {
      s++;
      while (*s >= '0' && *s <= '9') s++;
      if (*s != ']') return 0;
      s++;
      p += 5;
    } else if (*s == *p) {
      s++;
      p++;
    } else
      return 0;
  }
  return *s == 0 || is_abi0_of(s, 0);
}

static int ent_cmp(const void *a, const void *b) {
  const ent *x = a, *y = b;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  if (x->kind != y->kind) return x->kind == GB_SYM_FUNC ? -1 : 1;
  if (x->from != y->from) return x->from == 's' ? -1 : 1;
  return strcmp(x->name, y->name);
}

static int sym_cmp(const void *a, const void *b) {
  const gb_sym *x = a, *y = b;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* The sort order of by_name: name, then functions before data, then address, so a
 * lookup's first hit is deterministic. qsort has no context pointer, so the index
 * array is sorted as (index, symbol) pairs. */
typedef struct named {
  size_t i;
  const gb_sym *s;
} named;

static int named_cmp(const void *a, const void *b) {
  const gb_sym *x = ((const named *)a)->s, *y = ((const named *)b)->s;
  int c = strcmp(x->name, y->name);
  if (c) return c;
  if (x->kind != y->kind) return x->kind == GB_SYM_FUNC ? -1 : 1;
  if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
  return 0;
}

/* .symtab: the first SHT_SYMTAB section, if libelf can read it. */
static Elf_Scn *symtab_scn(Elf *elf, GElf_Shdr *sh) {
  Elf_Scn *scn = NULL;
  while (elf && (scn = elf_nextscn(elf, scn)))
    if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_SYMTAB) return scn;
  return NULL;
}

/* Append the .symtab's functions and objects to E (room for all symbols). */
static size_t read_symtab(const gb_image *img, Elf *elf, const GElf_Shdr *sh,
                          Elf_Data *d, size_t nsym, ent *e) {
  size_t n = 0;
  for (size_t i = 1; i < nsym; i++) {
    GElf_Sym sym;
    if (!gelf_getsym(d, (int)i, &sym)) break;
    int type = GELF_ST_TYPE(sym.st_info);
    if ((type != STT_FUNC && type != STT_OBJECT) || sym.st_shndx == SHN_UNDEF) continue;
    const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
    if (!name || !name[0]) continue;
    e[n++] = (ent){sym.st_value + img->load_bias, sym.st_size, name, NULL,
                   type == STT_FUNC ? GB_SYM_FUNC : GB_SYM_DATA, 's'};
  }
  return n;
}

/* Pair each pclntab function with the .symtab function at the same address whose
 * name agrees; the pair becomes one 'b' symbol. E is sorted by ent_cmp, so at one
 * address .symtab functions come before pclntab ones. */
static void merge(ent *e, size_t n) {
  for (size_t lo = 0, hi; lo < n; lo = hi) {
    for (hi = lo + 1; hi < n && e[hi].addr == e[lo].addr; hi++) {}
    for (size_t j = lo; j < hi; j++) {
      if (e[j].from != 'p') continue;
      for (size_t k = lo; k < hi; k++)
        if (e[k].from == 's' && e[k].kind == GB_SYM_FUNC &&
            gb_go_names_agree(e[k].name, e[j].pf->name)) {
          e[k].from = 'b';
          if (!e[k].size) e[k].size = e[j].size;
          e[j].from = 0;
          break;
        }
    }
  }
}

void gb_syms_free(gb_image *img) {
  free(img->syms);
  free(img->by_name);
  free(img->priv); /* the name pool */
  img->syms = NULL;
  img->by_name = NULL;
  img->priv = NULL;
  img->nsyms = 0;
}

int gb_syms_build(gb_image *img, Elf *elf, const gb_pcln *p) {
  GElf_Shdr sh;
  Elf_Scn *scn = symtab_scn(elf, &sh);
  Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
  size_t nsym = d && sh.sh_entsize == sizeof(Elf64_Sym) ? d->d_size / sizeof(Elf64_Sym) : 0;
  size_t npc = p ? p->nfuncs : 0;
  img->has_symtab = nsym > 1;
  img->stripped = !img->has_symtab;
  if (nsym + npc == 0) return 0;

  ent *e = malloc((nsym + npc) * sizeof *e);
  if (!e) return -1;
  size_t n = nsym ? read_symtab(img, elf, &sh, d, nsym, e) : 0;
  for (size_t i = 0; i < npc; i++) {
    const gb_pcfunc *f = &p->funcs[i];
    e[n++] = (ent){f->entry, f->end - f->entry, f->name, f, GB_SYM_FUNC, 'p'};
  }
  qsort(e, n, sizeof *e, ent_cmp);
  merge(e, n);

  size_t keep = 0, pool = 0;
  for (size_t i = 0; i < n; i++)
    if (e[i].from) {
      keep++;
      pool += strlen(e[i].name) + 1 + (e[i].from == 'p' && e[i].pf->abi0 ? 5 : 0);
    }
  img->syms = malloc((keep ? keep : 1) * sizeof *img->syms);
  img->by_name = malloc((keep ? keep : 1) * sizeof *img->by_name);
  char *names = malloc(pool ? pool : 1);
  named *order = malloc((keep ? keep : 1) * sizeof *order);
  if (!img->syms || !img->by_name || !names || !order) {
    free(e);
    free(names);
    free(order);
    gb_syms_free(img);
    return -1;
  }
  img->priv = names;
  char *w = names;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!e[i].from) continue;
    size_t len = strlen(e[i].name);
    memcpy(w, e[i].name, len);
    if (e[i].from == 'p' && e[i].pf->abi0) {
      memcpy(w + len, ".abi0", 5);
      len += 5;
    }
    w[len] = 0;
    img->syms[k++] = (gb_sym){w, e[i].addr, e[i].size, e[i].kind, e[i].from};
    w += len + 1;
  }
  free(e);
  img->nsyms = keep;
  qsort(img->syms, keep, sizeof *img->syms, sym_cmp);
  for (size_t i = 0; i < keep; i++) order[i] = (named){i, &img->syms[i]};
  qsort(order, keep, sizeof *order, named_cmp);
  for (size_t i = 0; i < keep; i++) img->by_name[i] = order[i].i;
  free(order);
  return 0;
}

/* The first symbol called NAME in by_name order, or NULL. */
static const gb_sym *find_exact(const gb_image *img, const char *name) {
  size_t lo = 0, hi = img->nsyms;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(img->syms[img->by_name[mid]].name, name) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo < img->nsyms && !strcmp(img->syms[img->by_name[lo]].name, name))
    return &img->syms[img->by_name[lo]];
  return NULL;
}

const gb_sym *gb_sym_find(const gb_image *img, const char *name) {
  if (!img || !name || !img->nsyms || !img->by_name) return NULL;
  const gb_sym *s = find_exact(img, name);
  if (s) return s;
  /* Go 1.17+: an assembly function is "<name>.abi0" in .symtab but plain in the
   * pclntab; accept either spelling for the other. */
  size_t len = strlen(name);
  char buf[512];
  if (len >= 5 && is_abi0_of(name, len - 5)) {
    if (len - 5 >= sizeof buf) return NULL;
    memcpy(buf, name, len - 5);
    buf[len - 5] = 0;
  } else {
    if (len + 6 > sizeof buf) return NULL;
    memcpy(buf, name, len);
    memcpy(buf + len, ".abi0", 6);
  }
  return find_exact(img, buf);
}

const gb_sym *gb_sym_at(const gb_image *img, uint64_t addr) {
  if (!img || !img->nsyms) return NULL;
  size_t lo = 0, hi = img->nsyms; /* first symbol above ADDR */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (img->syms[mid].addr <= addr) lo = mid + 1;
    else hi = mid;
  }
  /* Walk back a bounded distance: Go symbols do not nest, so the container is among
   * the last few that start at or below ADDR. Prefer sized over zero-size markers
   * (runtime.text), functions over data, the innermost start. */
  const gb_sym *best = NULL;
  for (size_t j = lo, steps = 0; j-- > 0 && steps < 256; steps++) {
    const gb_sym *s = &img->syms[j];
    if (best && best->size && s->addr < best->addr) break;
    int in = s->size ? addr - s->addr < s->size : addr == s->addr;
    if (!in) continue;
    if (!best || (s->size && !best->size) ||
        (!!s->size == !!best->size && s->kind == GB_SYM_FUNC && best->kind != GB_SYM_FUNC))
      best = s;
  }
  return best;
}
