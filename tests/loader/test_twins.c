/* test_twins.c — a stripped build (-ldflags='-s -w') and an unstripped build of the
 * same program give the same Go facts: version, pclntab layout, the same addresses
 * for the boot path under both spellings (plain and ".abi0"), the same name for every
 * function the stripped one knows only from its pclntab, and (DWARF against the
 * offset table) the same struct layout.
 * usage: test_twins UNSTRIPPED STRIPPED */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "gometa.h"

static const gb_sym *sym_named_at(const gb_image *img, uint64_t addr, const char *name) {
  const gb_sym *s = gb_sym_at(img, addr);
  if (!s) return NULL;
  /* gb_sym_at returns one symbol; look at its neighbours at the same address too */
  size_t at = (size_t)(s - img->syms), i = at;
  while (i > 0 && img->syms[i - 1].addr == addr) i--;
  for (; i < img->nsyms && img->syms[i].addr == addr; i++)
    if (gb_go_names_agree(img->syms[i].name, name)) return &img->syms[i];
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_twins UNSTRIPPED STRIPPED\n");
    return 2;
  }
  gb_image u, s;
  char err[256];
  if (gb_image_load(&u, argv[1], err, sizeof err) != GB_OK) {
    printf("FAIL %s\n", err);
    return 1;
  }
  if (gb_image_load(&s, argv[2], err, sizeof err) != GB_OK) {
    printf("FAIL %s\n", err);
    gb_image_free(&u);
    return 1;
  }
  int fails = 0;
  if (!u.is_go || !s.is_go || !u.has_symtab || s.has_symtab || !s.stripped || u.stripped) {
    printf("FAIL: is_go %d/%d, has_symtab %d/%d, stripped %d/%d\n", u.is_go, s.is_go,
           u.has_symtab, s.has_symtab, u.stripped, s.stripped);
    fails++;
  }
  if (strcmp(u.go_version, s.go_version) || u.pclntab_magic != s.pclntab_magic ||
      u.text_start != s.text_start || u.entry != s.entry) {
    printf("FAIL: version %s/%s, magic %#x/%#x, text %#" PRIx64 "/%#" PRIx64 "\n", u.go_version,
           s.go_version, u.pclntab_magic, s.pclntab_magic, u.text_start, s.text_start);
    fails++;
  }
  fails += check_boot_path(argv[1], &u) + check_boot_path(argv[2], &s);
  for (int i = 0; i < check_boot_len; i++)
    for (int abi0 = 0; abi0 < 2; abi0++) {
      char name[128];
      snprintf(name, sizeof name, "%s%s", check_boot_names[i], abi0 ? ".abi0" : "");
      const gb_sym *a = gb_sym_find(&u, name), *b = gb_sym_find(&s, name);
      uint64_t x = a ? a->addr : 0, y = b ? b->addr : 0;
      printf("  %-26s unstripped %#10" PRIx64 " (%s)  stripped %#10" PRIx64 " (%s)%s\n", name, x,
             a ? a->name : "-", y, b ? b->name : "-", x == y ? "" : "  <- DIFFERENT");
      fails += x != y;
    }
  size_t same = 0, diff = 0;
  for (size_t i = 0; i < s.nsyms; i++) {
    const gb_sym *p = &s.syms[i];
    if (sym_named_at(&u, p->addr, p->name)) same++;
    else if (diff++ < 20) {
      const gb_sym *q = gb_sym_at(&u, p->addr);
      printf("  name differs at %#" PRIx64 ": stripped %s, unstripped %s\n", p->addr, p->name,
             q ? q->name : "-");
    }
  }
  printf("%s stripped vs unstripped: %zu of %zu pclntab functions have the unstripped name and "
         "address, %zu differ\n",
         diff ? "FAIL" : "ok", same, s.nsyms, diff);
  fails += diff > 0;
  /* Go 1.19 has a measured row: both take the table; the unstripped one has DWARF,
   * which must say the same, the stripped one none. */
  gb_go_layout none;
  if (strcmp(u.layout.source, "table") || strcmp(s.layout.source, "table") || !u.has_dwarf ||
      s.has_dwarf || gb_go_layout_dwarf(&s, &none)) {
    printf("FAIL: layout sources %s/%s, DWARF %d/%d, want table/table, DWARF only unstripped\n",
           u.layout.source, s.layout.source, u.has_dwarf, s.has_dwarf);
    fails++;
  }
  if (memcmp(&u.layout, &s.layout, sizeof u.layout)) {
    printf("FAIL: the twins' layouts differ\n");
    fails++;
  }
  fails += check_dwarf_vs_table(argv[1], &u);
  gb_image_free(&u);
  gb_image_free(&s);
  printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
  return fails != 0;
}
