/* pclntab.c — find a Go binary's pclntab and decode its function table, for every
 * layout since Go 1.2 (magic 0xfffffffb, 1.16's 0xfffffffa, 1.18's 0xfffffff0, 1.20's
 * 0xfffffff1). This is what names the functions of a stripped binary.
 * The table is untrusted input: every offset is checked against the bytes we were
 * given, and a malformed entry is dropped rather than followed. */
#include <stdlib.h>
#include <string.h>

#include "gometa.h"

enum {
  MAGIC_12 = 0xfffffffbu,  /* Go 1.2 – 1.15 */
  MAGIC_116 = 0xfffffffau, /* Go 1.16 – 1.17 */
  MAGIC_118 = 0xfffffff0u, /* Go 1.18 – 1.19 */
  MAGIC_120 = 0xfffffff1u, /* Go 1.20 and later */
  PROBE = 16,              /* entries that must all decode before a scanned table counts */
  FLAG_ASM = 4,            /* _func.flag: written in assembly (Go 1.19+) */
};

/* Little-endian reads that do not care about alignment or host byte order. */
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static int known_magic(uint32_t m) {
  return m == MAGIC_12 || m == MAGIC_116 || m == MAGIC_118 || m == MAGIC_120;
}

/* The 8-byte header every layout shares: magic, two zero pad bytes, the PC quantum
 * (1 on x86) and the pointer size (8 on amd64). */
static int header_ok(const unsigned char *t, size_t len) {
  return len >= 16 && known_magic(rd32(t)) && t[4] == 0 && t[5] == 0 && t[6] == 1 && t[7] == 8;
}

/* Where a layout keeps things, all relative to the table start. */
typedef struct shape {
  uint64_t nfunc;
  uint64_t functab;  /* the (entry, funcoff) pairs, followed by the end PC */
  uint64_t funcbase; /* funcoff is relative to this */
  uint64_t namebase; /* _func.nameoff is relative to this */
  uint64_t textoff;  /* header textStart (1.18+), 0 otherwise */
  unsigned entsz;    /* functab field size: 8 before 1.18, 4 after */
  unsigned nameoff;  /* offset of nameoff inside _func */
  unsigned funcid;   /* offset of funcID inside _func, 0: none */
} shape;

static int read_shape(const unsigned char *t, size_t len, shape *s) {
  memset(s, 0, sizeof *s);
  uint32_t magic = rd32(t);
  /* header word i (pointer-sized) after the 8 fixed bytes */
#define WORD(i) rd64(t + 8 + 8 * (i))
  switch (magic) {
  case MAGIC_12: /* nfunc, then the pairs; offsets are from the table start */
    s->nfunc = WORD(0);
    s->functab = 16;
    s->entsz = 8;
    s->nameoff = 8;
    break;
  case MAGIC_116: /* nfunc nfiles funcnameOffset cuOffset filetabOffset pctabOffset pclnOffset */
    if (len < 8 + 7 * 8) return 0;
    s->nfunc = WORD(0);
    s->namebase = WORD(2);
    s->functab = s->funcbase = WORD(6);
    s->entsz = 8;
    s->nameoff = 8;
    s->funcid = 40; /* after uintptr entry and eight 32-bit fields */
    break;
  case MAGIC_118:
  case MAGIC_120: /* as 1.16 with textStart after nfiles; entries are 32-bit offsets */
    if (len < 8 + 8 * 8) return 0;
    s->nfunc = WORD(0);
    s->textoff = WORD(2);
    s->namebase = WORD(3);
    s->functab = s->funcbase = WORD(7);
    s->entsz = 4;
    s->nameoff = 4;
    s->funcid = magic == MAGIC_118 ? 36 : 40; /* 1.20 added _func.startLine */
    break;
  default:
    return 0;
  }
#undef WORD
  if (s->nfunc == 0 || s->functab > len || s->namebase >= len || s->funcbase >= len) return 0;
  /* (2 * nfunc + 1) fields must fit after functab */
  if (s->nfunc > (len - s->functab) / (2 * s->entsz) ||
      (2 * s->nfunc + 1) * s->entsz > len - s->functab)
    return 0;
  return 1;
}

static uint64_t field(const unsigned char *p, unsigned sz) { return sz == 4 ? rd32(p) : rd64(p); }

/* Decode function I. Entries of the 1.18+ layouts stay offsets from textStart here.
 * 0 when the entry does not hold together. */
static int decode_one(const unsigned char *t, size_t len, const shape *s, uint64_t i,
                      gb_pcfunc *f) {
  const unsigned char *ft = t + s->functab;
  uint64_t entry = field(ft + 2 * i * s->entsz, s->entsz);
  uint64_t off = field(ft + (2 * i + 1) * s->entsz, s->entsz);
  uint64_t need = (s->funcid ? s->funcid + 2 : s->nameoff + 4);
  if (off >= len - s->funcbase || need > len - s->funcbase - off) return 0;
  const unsigned char *fn = t + s->funcbase + off;
  /* _func repeats the entry: a cheap, strong consistency check */
  if (field(fn, s->entsz) != entry) return 0;
  int32_t nameoff = (int32_t)rd32(fn + s->nameoff);
  /* names start at 0 of funcnametab (1.16+); the 1.2 layout shares offsets with the
   * header, so there 0 is no name */
  if (nameoff < 0 || (nameoff == 0 && s->namebase == 0) ||
      (uint64_t)nameoff >= len - s->namebase)
    return 0;
  const char *name = (const char *)t + s->namebase + nameoff;
  size_t room = len - s->namebase - (uint64_t)nameoff;
  if (!memchr(name, 0, room) || name[0] == 0) return 0;
  f->entry = entry;
  f->end = field(ft + 2 * (i + 1) * s->entsz, s->entsz); /* refined after sorting */
  f->name = name;
  f->funcid = s->funcid ? fn[s->funcid] : 0;
  f->flag = s->funcid ? fn[s->funcid + 1] : 0;
  f->abi0 = 0;
  return 1;
}

static int by_entry(const void *a, const void *b) {
  const gb_pcfunc *x = a, *y = b;
  if (x->entry != y->entry) return x->entry < y->entry ? -1 : 1;
  return strcmp(x->name, y->name);
}

static int seg_exec_contains(const gb_image *img, uint64_t addr) {
  for (int i = 0; i < img->nseg; i++)
    if ((img->seg[i].prot & GB_PROT_X) && addr >= img->seg[i].vaddr &&
        addr - img->seg[i].vaddr < img->seg[i].memsz)
      return 1;
  return 0;
}


/* Go 1.26 writes textStart = 0 (the runtime relocates moduledata instead). The base is
 * runtime.text, the start of .text; failing a section header, the base that puts the
 * function called _rt0_amd64* on the ELF entry; failing that, the executable segment
 * (past the page of ELF headers the Go linker puts in front of the code). F holds
 * entries still relative to the base. */
static uint64_t guess_text_start(const gb_image *img, Elf *elf, const gb_pcfunc *f, size_t n) {
  size_t len;
  uint64_t addr = 0;
  if (gb_elf_section(img, elf, ".text", &len, &addr) && addr) return addr;
  /* _rt0_amd64_linux exactly, else a variant such as _rt0_amd64_linux_lib */
  for (int exact = 1; exact >= 0; exact--)
    for (size_t i = 0; i < n; i++)
      if ((exact ? !strcmp(f[i].name, "_rt0_amd64_linux")
                 : !strncmp(f[i].name, "_rt0_amd64_linux", 16)) &&
          img->entry >= f[i].entry && seg_exec_contains(img, img->entry - f[i].entry))
        return img->entry - f[i].entry;
  for (int i = 0; i < img->nseg; i++)
    if (img->seg[i].prot & GB_PROT_X)
      return img->seg[i].vaddr + (img->seg[i].offset == 0 ? 4096 : 0);
  return 0;
}

static int by_name(const void *a, const void *b) {
  const gb_pcfunc *const *x = a, *const *y = b;
  int c = strcmp((*x)->name, (*y)->name);
  if (c) return c;
  return (*x)->entry < (*y)->entry ? -1 : (*x)->entry > (*y)->entry;
}

/* Go 1.17+ gives a function called from both ABIs two entries with one name: the
 * ABIInternal one (a Go body, or the wrapper around an assembly function) and the
 * ABI0 one, which .symtab calls "<name>.abi0". Marking the ABI0 half gives a stripped
 * binary the names an unstripped one has. Assembly is ABI0 (flag ASM, 1.19+); else the
 * compiler-made wrapper (the funcID most such pairs carry) is, unless its twin is a
 * special runtime function (then the twin is assembly); else the later one, as the
 * linker emits wrappers after the code they wrap. Checked against .symtab by
 * tests/loader on Go 1.19. */
static void mark_abi0(gb_pcfunc *f, size_t n) {
  if (n < 2) return;
  gb_pcfunc **pp = malloc(n * sizeof *pp);
  if (!pp) return; /* names stay plain: less precise, never wrong about addresses */
  for (size_t i = 0; i < n; i++) pp[i] = &f[i];
  qsort(pp, n, sizeof *pp, by_name);
  unsigned votes[256] = {0};
  for (size_t i = 0; i + 1 < n; i++) {
    gb_pcfunc *a = pp[i], *b = pp[i + 1];
    if (strcmp(a->name, b->name) || (i + 2 < n && !strcmp(b->name, pp[i + 2]->name))) continue;
    if (!a->funcid != !b->funcid) votes[a->funcid ? a->funcid : b->funcid]++;
  }
  unsigned wrapper = 0;
  for (unsigned id = 1; id < 256; id++)
    if (votes[id] > votes[wrapper]) wrapper = id;
  for (size_t i = 0; i + 1 < n; i++) {
    gb_pcfunc *a = pp[i], *b = pp[i + 1]; /* a is the lower address */
    if (strcmp(a->name, b->name)) continue;
    if ((i > 0 && !strcmp(a->name, pp[i - 1]->name)) ||
        (i + 2 < n && !strcmp(b->name, pp[i + 2]->name)))
      continue; /* three or more: no rule, keep them plain */
    gb_pcfunc *abi0 = b;
    if ((a->flag & FLAG_ASM) != (b->flag & FLAG_ASM))
      abi0 = a->flag & FLAG_ASM ? a : b;
    else if (wrapper && (a->funcid == wrapper) != (b->funcid == wrapper)) {
      gb_pcfunc *w = a->funcid == wrapper ? a : b, *other = w == a ? b : a;
      abi0 = other->funcid ? other : w;
    }
    abi0->abi0 = 1;
    i++;
  }
  free(pp);
}

/* Decode the table T (LEN bytes, shape S). PROBE: only check that the first entries
 * hold together (used when scanning memory for a table). */
static int decode(const gb_image *img, Elf *elf, const unsigned char *t, size_t len,
                  const shape *s, int probe, gb_pcln *p) {
  if (probe) {
    gb_pcfunc f;
    uint64_t last = 0;
    for (uint64_t i = 0; i < s->nfunc && i < PROBE; i++) {
      if (!decode_one(t, len, s, i, &f) || f.entry < last) return 0;
      last = f.entry;
    }
    return 1;
  }
  if (s->nfunc > SIZE_MAX / sizeof(gb_pcfunc)) return 0;
  gb_pcfunc *f = malloc(s->nfunc * sizeof *f);
  if (!f) return 0;
  size_t n = 0, bad = 0;
  for (uint64_t i = 0; i < s->nfunc; i++)
    if (decode_one(t, len, s, i, &f[n])) n++;
    else bad++;
  if (n == 0 || bad > n) { /* mostly garbage: not a table */
    free(f);
    return 0;
  }
  uint64_t endpc = field(t + s->functab + 2 * s->nfunc * s->entsz, s->entsz);
  uint64_t base = img->load_bias;
  if (s->entsz == 4) base = s->textoff ? s->textoff + img->load_bias : guess_text_start(img, elf, f, n);
  for (size_t i = 0; i < n; i++) f[i].entry += base;
  endpc += base;
  qsort(f, n, sizeof *f, by_entry);
  /* a function ends where the next one starts; the last where the table says */
  uint64_t next = endpc;
  for (size_t i = n; i-- > 0;) {
    f[i].end = next > f[i].entry ? next : f[i].entry;
    if (i > 0 && f[i - 1].entry < f[i].entry) next = f[i].entry;
  }
  if (rd32(t) != MAGIC_12) mark_abi0(f, n);
  p->funcs = f;
  p->nfuncs = n;
  p->nbad = bad;
  p->magic = rd32(t);
  p->tab = t;
  p->len = len;
  if (s->entsz == 4) p->text_start = base;
  else {
    size_t tl;
    uint64_t ta = 0;
    p->text_start = gb_elf_section(img, elf, ".text", &tl, &ta) && ta ? ta : f[0].entry;
  }
  return 1;
}

static int try_table(const gb_image *img, Elf *elf, const unsigned char *t, size_t len,
                     uint64_t addr, int scanning, gb_pcln *p) {
  shape s;
  if (!header_ok(t, len) || !read_shape(t, len, &s)) return 0;
  if (scanning && !decode(img, elf, t, len, &s, 1, p)) return 0;
  if (!decode(img, elf, t, len, &s, 0, p)) return 0;
  p->addr = addr;
  p->how = scanning ? "scan" : "section";
  return 1;
}

/* No usable section header: look through the file-backed bytes of each segment,
 * read-only ones first (where the linker puts the table), for a header that decodes. */
static int scan(const gb_image *img, Elf *elf, gb_pcln *p) {
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < img->nseg; i++) {
      const gb_segment *sg = &img->seg[i];
      int ro = (sg->prot & (GB_PROT_W | GB_PROT_X)) == 0;
      if (ro != (pass == 0) || sg->filesz < 16) continue;
      const unsigned char *b = img->bytes + sg->offset;
      for (uint64_t off = 0; off + 16 <= sg->filesz; off += 4)
        if (b[off + 4] == 0 && b[off + 5] == 0 && b[off + 6] == 1 && b[off + 7] == 8 &&
            known_magic(rd32(b + off)) &&
            try_table(img, elf, b + off, sg->filesz - off, sg->vaddr + off, 1, p))
          return 1;
    }
  return 0;
}

int gb_pcln_read(const gb_image *img, Elf *elf, gb_pcln *p) {
  memset(p, 0, sizeof *p);
  static const char *const names[] = {".gopclntab", ".data.rel.ro.gopclntab"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    size_t len;
    uint64_t addr;
    const unsigned char *t = gb_elf_section(img, elf, names[i], &len, &addr);
    if (t && try_table(img, elf, t, len, addr, 0, p)) return 1;
  }
  if (scan(img, elf, p)) return 1;
  memset(p, 0, sizeof *p);
  return 0;
}

void gb_pcln_free(gb_pcln *p) {
  free(p->funcs);
  memset(p, 0, sizeof *p);
}
