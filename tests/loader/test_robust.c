/* test_robust.c — the Go-metadata half of the loader on damaged and unusual input:
 * no section headers (the pclntab is found by scanning), a renamed .gopclntab, a
 * zero textStart as Go 1.26 writes it (with and without .text), a binary that is not
 * Go, then seeded random damage to the pclntab, build info and section headers. Loads
 * must succeed or fail cleanly and every symbol handed out must be sane; run it under
 * ASan+UBSan (GOBOOT_SANITIZE) to catch out-of-bounds reads.
 * usage: test_robust GO_BINARY NOT_GO_BINARY [RANDOM_CASES] */
#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static unsigned char *orig;
static size_t orig_len;
static size_t pcln_off, pcln_len, bi_off, bi_len, shname_off, sym_off, sym_len, sh_off,
    sh_len; /* file offsets */
static int fails;

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = n > 0 ? malloc((size_t)n) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *len = b ? (size_t)n : 0;
  return b;
}

/* Where the interesting bytes are in the original. */
static int locate(void) {
  elf_version(EV_CURRENT);
  Elf *e = elf_memory((char *)orig, orig_len);
  size_t shstrndx;
  if (!e || elf_getshdrstrndx(e, &shstrndx)) return 0;
  for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s));) {
    GElf_Shdr sh;
    gelf_getshdr(s, &sh);
    const char *n = elf_strptr(e, shstrndx, sh.sh_name);
    if (!n) continue;
    if (!strcmp(n, ".gopclntab")) {
      pcln_off = sh.sh_offset;
      pcln_len = sh.sh_size;
      GElf_Shdr str;
      gelf_getshdr(elf_getscn(e, shstrndx), &str);
      shname_off = str.sh_offset + sh.sh_name;
    } else if (sh.sh_type == SHT_SYMTAB) {
      sym_off = sh.sh_offset;
      sym_len = sh.sh_size;
    } else if (!strcmp(n, ".go.buildinfo")) {
      bi_off = sh.sh_offset;
      bi_len = sh.sh_size;
    }
  }
  Elf64_Ehdr eh;
  memcpy(&eh, orig, sizeof eh);
  sh_off = eh.e_shoff;
  sh_len = (size_t)eh.e_shnum * sizeof(Elf64_Shdr);
  elf_end(e);
  return pcln_len > 0 && sym_len > 0 && sh_len > 0 && sh_off + sh_len <= orig_len;
}

/* Every symbol is a NUL-terminated name of sane length and the tables are ordered. */
static int sane(const gb_image *img) {
  for (size_t i = 0; i < img->nsyms; i++) {
    const gb_sym *s = &img->syms[i];
    if (!s->name || strlen(s->name) > 1 << 20 || (i && img->syms[i - 1].addr > s->addr))
      return 0;
    if (s->from != 's' && s->from != 'p' && s->from != 'b') return 0;
  }
  for (size_t i = 1; i < img->nsyms; i++)
    if (strcmp(img->syms[img->by_name[i - 1]].name, img->syms[img->by_name[i]].name) > 0)
      return 0;
  gb_sym_at(img, img->entry);
  gb_sym_at(img, 0);
  gb_sym_at(img, ~0ULL);
  gb_sym_find(img, "runtime.main");
  gb_sym_find(img, "runtime.rt0_go.abi0");
  return 1;
}

static void no_sections(unsigned char *b) {
  Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
  eh->e_shoff = 0;
  eh->e_shnum = 0;
  eh->e_shstrndx = 0;
}
static void zero_textstart(unsigned char *b) { memset(b + pcln_off + 8 + 2 * 8, 0, 8); }
static void rename_pclntab(unsigned char *b) { memcpy(b + shname_off, ".gopclnXXX", 10); }
static void break_magic(unsigned char *b) { b[pcln_off] ^= 0x55; }

/* Load a copy of the original changed by up to two editors; check the outcome. */
static void expect(const char *what, void (*m1)(unsigned char *), void (*m2)(unsigned char *),
                   int want_go, const char *want_note) {
  unsigned char *b = malloc(orig_len);
  memcpy(b, orig, orig_len);
  if (m1) m1(b);
  if (m2) m2(b);
  gb_image img;
  char err[256];
  gb_status st = gb_image_load_mem(&img, b, orig_len, what, err, sizeof err);
  free(b);
  if (st != GB_OK) {
    printf("FAIL %s: load failed: %s\n", what, err);
    fails++;
    return;
  }
  const gb_sym *e = gb_sym_at(&img, img.entry);
  int ok = img.is_go == want_go && sane(&img);
  if (want_go)
    ok = ok && e && !strcmp(e->name, "_rt0_amd64_linux") && img.go_minor > 0 &&
         gb_sym_find(&img, "runtime.rt0_go") && gb_sym_find(&img, "main.main");
  if (want_note) ok = ok && strstr(img.note, want_note);
  printf("%s %s: is_go %d, %s, entry -> %s, %zu symbols, note '%s'\n", ok ? "ok" : "FAIL", what,
         img.is_go, img.go_version[0] ? img.go_version : "no version", e ? e->name : "-",
         img.nsyms, img.note);
  fails += !ok;
  gb_image_free(&img);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void) { /* xorshift64: a fixed sequence, so failures reproduce */
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void damage(unsigned char *b, size_t *len) {
  int kind = (int)(next() % 8);
  size_t hdr = pcln_len < 96 ? pcln_len : 96;
  switch (kind) {
  case 0: /* bytes of the header: counts and offsets become anything */
    for (int i = 0, n = 1 + (int)(next() % 4); i < n; i++) b[pcln_off + next() % hdr] = (unsigned char)next();
    break;
  case 1: /* a header word set to an extreme */
    {
      static const uint64_t v[] = {0, 1, 0x7fffffff, 0xffffffff, 0x7fffffffffffffffULL, ~0ULL};
      uint64_t x = v[next() % 6];
      memcpy(b + pcln_off + 8 + 8 * (next() % 8), &x, 8);
    }
    break;
  case 2: /* anywhere in the table */
    for (int i = 0, n = 1 + (int)(next() % 64); i < n; i++) b[pcln_off + next() % pcln_len] = (unsigned char)next();
    break;
  case 3: /* the file ends inside the table */
    *len = pcln_off + next() % pcln_len;
    break;
  case 4: /* the build info */
    if (bi_len)
      for (int i = 0, n = 1 + (int)(next() % 8); i < n; i++) b[bi_off + next() % (bi_len < 64 ? bi_len : 64)] = (unsigned char)next();
    break;
  case 5: /* no section headers and a damaged table: the scanner's input */
    no_sections(b);
    for (int i = 0, n = 1 + (int)(next() % 16); i < n; i++) b[pcln_off + next() % pcln_len] = (unsigned char)next();
    break;
  case 6: /* the symbol table: names, values and sizes become anything */
    for (int i = 0, n = 1 + (int)(next() % 32); i < n; i++) b[sym_off + next() % sym_len] = (unsigned char)next();
    break;
  case 7: /* the section headers: offsets, sizes, names, types */
    for (int i = 0, n = 1 + (int)(next() % 8); i < n; i++) b[sh_off + next() % sh_len] = (unsigned char)next();
    break;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_robust GO_BINARY NOT_GO_BINARY [RANDOM_CASES]\n");
    return 2;
  }
  int cases = argc > 3 ? atoi(argv[3]) : 400;
  orig = slurp(argv[1], &orig_len);
  if (!orig || !locate()) {
    printf("FAIL: cannot read %s or find its .gopclntab, .symtab and section headers\n",
           argv[1]);
    return 1;
  }
  expect("unchanged", NULL, NULL, 1, NULL);
  expect("no section headers", no_sections, NULL, 1, "scanning");
  expect("renamed .gopclntab", rename_pclntab, NULL, 1, "scanning");
  expect("textStart 0 (Go 1.26)", zero_textstart, NULL, 1, NULL);
  expect("textStart 0, no section headers", zero_textstart, no_sections, 1, "scanning");
  expect("bad magic, no section headers", break_magic, no_sections, 0,
         "not a Go binary (no pclntab found)");

  gb_image img;
  char err[256];
  if (gb_image_load(&img, argv[2], err, sizeof err) != GB_OK) {
    printf("FAIL %s: %s\n", argv[2], err);
    fails++;
  } else {
    int ok = !img.is_go && !strcmp(img.note, "not a Go binary (no pclntab found)") && sane(&img);
    printf("%s not Go (%s): is_go %d, %zu symbols, note '%s'\n", ok ? "ok" : "FAIL", argv[2],
           img.is_go, img.nsyms, img.note);
    fails += !ok;
    gb_image_free(&img);
  }

  unsigned char *b = malloc(orig_len);
  int loaded = 0, go = 0, bad = 0;
  for (int i = 0; i < cases; i++) {
    size_t len = orig_len;
    memcpy(b, orig, orig_len);
    damage(b, &len);
    if (gb_image_load_mem(&img, b, len, "damaged", err, sizeof err) != GB_OK) continue;
    loaded++;
    go += img.is_go;
    if (!sane(&img)) {
      printf("FAIL random case %d: symbol table not sane\n", i);
      bad++;
    }
    gb_image_free(&img);
  }
  free(b);
  printf("%s %d random damages: %d loaded (%d still Go), %d insane\n", bad ? "FAIL" : "ok", cases,
         loaded, go, bad);
  fails += bad;
  free(orig);
  printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
  return fails != 0;
}
