/* test_malformed.c — the loader refuses broken ELF files with the right status and a
 * message, and never crashes: each case is made from a real Go binary by changing a
 * few bytes (truncations, flipped class/machine/type, bad offsets, overlaps, absurd
 * sizes), then hundreds of seeded random mutations (the libFuzzer harness goes further) must load or fail cleanly.
 * usage: test_malformed GO_BINARY */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

static unsigned char *orig;
static size_t orig_len;
static int failures, cases;

typedef void (*mutator)(unsigned char *b, size_t *len);

static Elf64_Ehdr *eh(unsigned char *b) { return (Elf64_Ehdr *)b; }
static Elf64_Phdr *ph(unsigned char *b, int i) {
  return (Elf64_Phdr *)(b + eh(b)->e_phoff) + i;
}
/* The i-th program header of type T, or NULL. */
static Elf64_Phdr *nth(unsigned char *b, uint32_t t, int n) {
  for (int i = 0; i < eh(b)->e_phnum; i++)
    if (ph(b, i)->p_type == t && n-- == 0) return ph(b, i);
  return NULL;
}
static Elf64_Phdr *load(unsigned char *b, int n) { return nth(b, PT_LOAD, n); }
static Elf64_Phdr *text(unsigned char *b) {
  for (int i = 0; load(b, i); i++)
    if (load(b, i)->p_flags & PF_X) return load(b, i);
  return NULL;
}
static Elf64_Phdr *data(unsigned char *b) {
  for (int i = 0; load(b, i); i++)
    if (load(b, i)->p_flags & PF_W) return load(b, i);
  return NULL;
}

static void m_empty(unsigned char *b, size_t *n) { (void)b; *n = 0; }
static void m_three(unsigned char *b, size_t *n) { (void)b; *n = 3; }
static void m_magic(unsigned char *b, size_t *n) { (void)n; b[1] = 'X'; }
static void m_ident_cut(unsigned char *b, size_t *n) { (void)b; *n = 10; }
static void m_ehdr_cut(unsigned char *b, size_t *n) { (void)b; *n = 40; }
static void m_phdr_cut(unsigned char *b, size_t *n) { *n = eh(b)->e_phoff + 60; }
static void m_elf32(unsigned char *b, size_t *n) { (void)n; b[EI_CLASS] = ELFCLASS32; }
static void m_class0(unsigned char *b, size_t *n) { (void)n; b[EI_CLASS] = 0; }
static void m_msb(unsigned char *b, size_t *n) { (void)n; b[EI_DATA] = ELFDATA2MSB; }
static void m_data3(unsigned char *b, size_t *n) { (void)n; b[EI_DATA] = 3; }
static void m_i386(unsigned char *b, size_t *n) { (void)n; eh(b)->e_machine = EM_386; }
static void m_arm64(unsigned char *b, size_t *n) { (void)n; eh(b)->e_machine = EM_AARCH64; }
static void m_rel(unsigned char *b, size_t *n) { (void)n; eh(b)->e_type = ET_REL; }
static void m_core(unsigned char *b, size_t *n) { (void)n; eh(b)->e_type = ET_CORE; }
static void m_phoff(unsigned char *b, size_t *n) { (void)n; eh(b)->e_phoff = 0x7fffffffffffff00ULL; }
static void m_phoff_wrap(unsigned char *b, size_t *n) { (void)n; eh(b)->e_phoff = ~0ULL - 8; }
static void m_phentsize(unsigned char *b, size_t *n) { (void)n; eh(b)->e_phentsize = 32; }
static void m_phnum0(unsigned char *b, size_t *n) { (void)n; eh(b)->e_phnum = 0; }
static void m_phnum_huge(unsigned char *b, size_t *n) { (void)n; eh(b)->e_phnum = 0xfff0; }
static void m_noload(unsigned char *b, size_t *n) {
  (void)n;
  for (Elf64_Phdr *p; (p = load(b, 0));) p->p_type = PT_NOTE;
}
static void m_filesz(unsigned char *b, size_t *n) {
  (void)n;
  text(b)->p_filesz = text(b)->p_memsz + 0x1000;
}
static void m_offset(unsigned char *b, size_t *n) { text(b)->p_offset = (*n + 0x10000) & ~0xfffULL; }
static void m_filesz_huge(unsigned char *b, size_t *n) {
  (void)n;
  data(b)->p_memsz = data(b)->p_filesz = 1ULL << 40;
}
static void m_offset_wrap(unsigned char *b, size_t *n) {
  (void)n;
  data(b)->p_offset = ~0ULL & ~0xfffULL;
}
static void m_vaddr_wrap(unsigned char *b, size_t *n) {
  (void)n;
  data(b)->p_vaddr = 0xfffffffffffff000ULL | (data(b)->p_offset & 0xfff);
}
static void m_kernel_half(unsigned char *b, size_t *n) {
  (void)n;
  data(b)->p_vaddr = 0xffff800000000000ULL | (data(b)->p_offset & 0xfff);
}
static void m_memsz_huge(unsigned char *b, size_t *n) { (void)n; data(b)->p_memsz = ~0ULL >> 4; }
static void m_misalign(unsigned char *b, size_t *n) { (void)n; data(b)->p_vaddr += 0x10; }
static void m_overlap(unsigned char *b, size_t *n) {
  (void)n;
  Elf64_Phdr *d = data(b), *t = text(b);
  d->p_vaddr = t->p_vaddr + 0x1000 + (d->p_offset & 0xfff);
}
static void m_entry0(unsigned char *b, size_t *n) { (void)n; eh(b)->e_entry = 0; }
static void m_entry_data(unsigned char *b, size_t *n) { (void)n; eh(b)->e_entry = data(b)->p_vaddr; }
static void m_entry_far(unsigned char *b, size_t *n) { (void)n; eh(b)->e_entry = 0x7fff00000000ULL; }
/* Turn the GNU_STACK header into PT_INTERP naming a path stored in the file. */
static void m_interp(unsigned char *b, size_t *n) {
  static const char path[] = "/lib64/ld-linux-x86-64.so.2";
  Elf64_Phdr *p = nth(b, PT_GNU_STACK, 0);
  size_t off = *n - sizeof path;
  memcpy(b + off, path, sizeof path);
  p->p_type = PT_INTERP;
  p->p_offset = off;
  p->p_filesz = sizeof path;
}
static void m_half(unsigned char *b, size_t *n) { (void)b; *n /= 2; }
/* Harmless damage: sections are optional, the load must still succeed. */
static void m_shoff(unsigned char *b, size_t *n) { (void)n; eh(b)->e_shoff = ~0ULL - 100; }
static void m_shnum(unsigned char *b, size_t *n) { (void)n; eh(b)->e_shnum = 0xffff; }
static void m_shstrndx(unsigned char *b, size_t *n) { (void)n; eh(b)->e_shstrndx = 0xfffe; }

static void expect(const char *name, mutator m, gb_status want) {
  size_t len = orig_len;
  unsigned char *b = malloc(orig_len + 1);
  memcpy(b, orig, orig_len);
  m(b, &len);
  gb_image img;
  char err[512] = "";
  gb_status got = gb_image_load_mem(&img, b, len, name, err, sizeof err);
  cases++;
  if (got != want || (want != GB_OK && strlen(err) < 10)) {
    printf("FAIL %-14s want %s (%d), got %s (%d): %s\n", name, gb_status_name(want), want,
           gb_status_name(got), got, err);
    failures++;
  } else {
    printf("ok   %-14s %-10s %s\n", name, gb_status_name(got), want == GB_OK ? "" : err);
  }
  if (got == GB_OK) gb_image_free(&img);
  free(b);
}

/* Random damage, seeded so a failure is reproducible: the loader may refuse the file
 * with any status, but must not crash (ASan/UBSan builds turn any overrun into a
 * failure of this test). */
static void fuzz(int rounds) {
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  unsigned char *b = malloc(orig_len);
  int loaded = 0;
  for (int r = 0; r < rounds; r++) {
    memcpy(b, orig, orig_len);
    int flips = 1 + r % 8;
    for (int k = 0; k < flips; k++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      /* Most flips land in the headers, where they matter; some anywhere. */
      size_t at = (k & 1) ? x % orig_len : x % 4096;
      b[at] ^= (unsigned char)(x >> 32) | 1;
    }
    gb_image img;
    char err[512];
    if (gb_image_load_mem(&img, b, orig_len, "fuzz", err, sizeof err) == GB_OK) {
      loaded++;
      gb_image_free(&img);
    }
  }
  printf("ok   %d random mutations: %d loaded, %d refused, none crashed\n", rounds, loaded,
         rounds - loaded);
  free(b);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s GO_BINARY\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  fseek(f, 0, SEEK_END);
  orig_len = (size_t)ftell(f);
  rewind(f);
  orig = malloc(orig_len);
  if (fread(orig, 1, orig_len, f) != orig_len) return 2;
  fclose(f);

  struct { const char *name; mutator m; gb_status want; } t[] = {
    {"empty", m_empty, GB_E_NOT_ELF},          {"3-bytes", m_three, GB_E_NOT_ELF},
    {"bad-magic", m_magic, GB_E_NOT_ELF},      {"ident-cut", m_ident_cut, GB_E_TRUNCATED},
    {"ehdr-cut", m_ehdr_cut, GB_E_TRUNCATED},  {"phdr-cut", m_phdr_cut, GB_E_TRUNCATED},
    {"elf32", m_elf32, GB_E_CLASS},            {"class-0", m_class0, GB_E_CLASS},
    {"big-endian", m_msb, GB_E_ENDIAN},        {"data-3", m_data3, GB_E_ENDIAN},
    {"i386", m_i386, GB_E_MACHINE},            {"aarch64", m_arm64, GB_E_MACHINE},
    {"et-rel", m_rel, GB_E_TYPE},              {"et-core", m_core, GB_E_TYPE},
    {"phoff-far", m_phoff, GB_E_TRUNCATED},    {"phoff-wrap", m_phoff_wrap, GB_E_TRUNCATED},
    {"phentsize", m_phentsize, GB_E_BOUNDS},   {"phnum-0", m_phnum0, GB_E_NO_LOAD},
    {"phnum-huge", m_phnum_huge, GB_E_TRUNCATED}, {"no-pt-load", m_noload, GB_E_NO_LOAD},
    {"filesz>memsz", m_filesz, GB_E_FILESZ},   {"offset-far", m_offset, GB_E_BOUNDS},
    {"filesz-huge", m_filesz_huge, GB_E_BOUNDS}, {"offset-wrap", m_offset_wrap, GB_E_BOUNDS},
    {"vaddr-wrap", m_vaddr_wrap, GB_E_BOUNDS}, {"kernel-half", m_kernel_half, GB_E_BOUNDS},
    {"memsz-huge", m_memsz_huge, GB_E_BOUNDS}, {"misaligned", m_misalign, GB_E_BOUNDS},
    {"overlap", m_overlap, GB_E_OVERLAP},      {"entry-0", m_entry0, GB_E_ENTRY},
    {"entry-data", m_entry_data, GB_E_ENTRY},  {"entry-far", m_entry_far, GB_E_ENTRY},
    {"pt-interp", m_interp, GB_E_DYNAMIC},     {"half-file", m_half, GB_E_BOUNDS},
    {"shoff-far", m_shoff, GB_OK},             {"shnum-huge", m_shnum, GB_OK},
    {"shstrndx", m_shstrndx, GB_OK},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) expect(t[i].name, t[i].m, t[i].want);
  fuzz(400);
  printf("%d cases, %d failed\n", cases, failures);
  free(orig);
  return failures != 0;
}
