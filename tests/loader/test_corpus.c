/* test_corpus.c — the Go metadata of the pinned real binaries (scripts/corpus.tsv,
 * Go 1.9 to 1.26, every pclntab layout): the version the corpus records, the pclntab
 * magic of that version, the entry resolving to _rt0_amd64_linux (Go 1.26 stores
 * textStart = 0), the boot path, rt0_go's machine code against the per-release table
 * (frame, g0 bounds, StackGuard, m.tls), and where .symtab or DWARF exist, agreement
 * with them. A binary missing from the cache is a failure: scripts/fetch-corpus.sh
 * must run first.
 * usage: test_corpus CORPUS_TSV CORPUS_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "goversions.h"

static uint32_t magic_for(int minor) {
  return minor <= 15 ? 0xfffffffbu : minor <= 17 ? 0xfffffffau : minor <= 19 ? 0xfffffff0u
                                                                            : 0xfffffff1u;
}

/* A measured row of the offset table (goversions.c): only there must DWARF equal the
 * table; between rows the table takes the nearest one. */
static int measured(int minor) {
  gb_go_facts f;
  return gb_go_facts_for(minor, -1, &f) && f.offsets_minor == minor;
}

static int check_one(const char *id, const char *path, const char *want_version) {
  gb_image img;
  char err[256];
  if (gb_image_load(&img, path, err, sizeof err) != GB_OK) {
    printf("FAIL %s: %s\n", id, err);
    return 1;
  }
  int fails = 0;
  if (!img.is_go) {
    printf("FAIL %s: not recognised as Go (%s)\n", id, img.note);
    gb_image_free(&img);
    return 1;
  }
  if (strcmp(img.go_version, want_version)) {
    printf("FAIL %s: version %s, corpus.tsv says %s\n", id, img.go_version, want_version);
    fails++;
  }
  if (img.pclntab_magic != magic_for(img.go_minor)) {
    printf("FAIL %s: pclntab magic %#x for %s, expected %#x\n", id, img.pclntab_magic,
           img.go_version, magic_for(img.go_minor));
    fails++;
  }
  fails += check_boot_path(id, &img);
  if (!img.layout.source[0] || img.layout.m_tls == 0) {
    printf("FAIL %s: layout source '%s', m.tls %d\n", id, img.layout.source, img.layout.m_tls);
    fails++;
  }
  fails += check_rt0_vs_table(id, &img);
  if (img.has_symtab) fails += check_symtab_vs_pclntab(id, &img);
  /* Where a measured row and DWARF meet (go1.12.9, go1.14.2: .zdebug_info), the loader
   * takes the row, and the DWARF must agree with it. */
  if (img.has_dwarf && measured(img.go_minor)) {
    if (strcmp(img.layout.source, "table")) {
      printf("FAIL %s: layout from %s, want the measured row\n", id, img.layout.source);
      fails++;
    }
    fails += check_dwarf_vs_table(id, &img);
  }
  printf("%s %s: %s, pclntab %#x, %zu symbols (%s), layout %s, m.tls %d\n", fails ? "FAIL" : "ok",
         id, img.go_version, img.pclntab_magic, img.nsyms,
         img.has_symtab ? ".symtab + pclntab" : "pclntab only", img.layout.source,
         img.layout.m_tls);
  gb_image_free(&img);
  return fails;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_corpus CORPUS_TSV CORPUS_DIR\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (!f) {
    printf("FAIL: cannot open %s\n", argv[1]);
    return 1;
  }
  char line[1024];
  int fails = 0, n = 0, missing = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n') continue;
    char *field[8] = {0}, *save = NULL, *p = line;
    int nf = 0;
    for (char *t; nf < 8 && (t = strtok_r(p, "\t\n", &save)); p = NULL) field[nf++] = t;
    if (nf < 6) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", argv[2], field[0]);
    n++;
    FILE *b = fopen(path, "rb");
    if (!b) {
      printf("FAIL %s: corpus binary %s is missing; run scripts/fetch-corpus.sh first\n",
             field[0], path);
      fails++;
      missing++;
      continue;
    }
    fclose(b);
    fails += check_one(field[0], path, field[5]);
  }
  fclose(f);
  if (n == 0) {
    printf("FAIL: no corpus entries in %s\n", argv[1]);
    fails++;
  }
  printf("%s: %d corpus binaries, %d missing, %d failure(s)\n", fails ? "FAIL" : "PASS", n,
         missing, fails);
  return fails != 0;
}
