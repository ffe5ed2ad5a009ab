/* test_symtab.c — on unstripped Go binaries, the function table decoded from the
 * pclntab agrees with .symtab (same name at the same address for every function in
 * the text range), and the entry and boot path resolve.
 * usage: test_symtab BINARY... */
#include <stdio.h>

#include "checks.h"

int main(int argc, char **argv) {
  int fails = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: test_symtab BINARY...\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    gb_image img;
    char err[256];
    if (gb_image_load(&img, argv[i], err, sizeof err) != GB_OK) {
      printf("FAIL %s: %s\n", argv[i], err);
      fails++;
      continue;
    }
    if (!img.is_go || !img.has_symtab) {
      printf("FAIL %s: is_go %d, has_symtab %d (note: %s)\n", argv[i], img.is_go,
             img.has_symtab, img.note);
      fails++;
    } else {
      fails += check_symtab_vs_pclntab(argv[i], &img);
      fails += check_boot_path(argv[i], &img);
    }
    gb_image_free(&img);
  }
  printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
  return fails != 0;
}
