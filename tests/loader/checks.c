/* checks.c — see checks.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "gometa.h"

const char *const check_boot_names[] = {
  "_rt0_amd64_linux", "runtime.rt0_go",    "runtime.check",   "runtime.args",
  "runtime.osinit",   "runtime.schedinit", "runtime.newproc", "runtime.mstart",
  "runtime.main",     "main.main",
};
const int check_boot_len = sizeof check_boot_names / sizeof check_boot_names[0];

/* First pclntab function at ADDR (funcs sorted by entry), or NULL. */
static const gb_pcfunc *pc_at(const gb_pcln *p, uint64_t addr, size_t *count) {
  size_t lo = 0, hi = p->nfuncs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->funcs[mid].entry < addr) lo = mid + 1;
    else hi = mid;
  }
  size_t n = 0;
  while (lo + n < p->nfuncs && p->funcs[lo + n].entry == addr) n++;
  *count = n;
  return n ? &p->funcs[lo] : NULL;
}

static size_t name_count(const gb_pcln *p, const char *name) {
  size_t n = 0;
  for (size_t i = 0; i < p->nfuncs; i++) n += !strcmp(p->funcs[i].name, name);
  return n;
}

int check_symtab_vs_pclntab(const char *label, const gb_image *img) {
  Elf *elf = elf_memory((char *)img->bytes, img->size);
  gb_pcln p;
  int fails = 0;
  if (!gb_pcln_read(img, elf, &p)) {
    printf("FAIL %s: no pclntab\n", label);
    if (elf) elf_end(elf);
    return 1;
  }
  uint64_t lo = p.funcs[0].entry, hi = p.funcs[p.nfuncs - 1].end;
  size_t agree = 0, mismatch = 0, markers = 0, outside = 0, abi_ok = 0, abi_bad = 0, nsym = 0;
  unsigned char *seen = calloc(p.nfuncs, 1);
  Elf_Scn *scn = NULL;
  GElf_Shdr sh;
  while (elf && (scn = elf_nextscn(elf, scn)))
    if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) break;
  Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
  for (size_t i = 1; d && i < d->d_size / sizeof(Elf64_Sym); i++) {
    GElf_Sym s;
    if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC) continue;
    const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
    uint64_t addr = s.st_value + img->load_bias;
    nsym++;
    if (!name || addr < lo || addr >= hi) {
      outside++;
      continue;
    }
    if (s.st_size == 0) { /* runtime.text, runtime.etext: markers, not functions */
      markers++;
      continue;
    }
    size_t n;
    const gb_pcfunc *f = pc_at(&p, addr, &n), *hit = NULL;
    for (size_t k = 0; k < n && !hit; k++)
      if (gb_go_names_agree(name, f[k].name)) hit = &f[k];
    if (!hit) {
      if (mismatch++ < 20)
        printf("  mismatch: .symtab %#" PRIx64 " %s, pclntab there: %s\n", addr, name,
               n ? f[0].name : "(nothing)");
      continue;
    }
    agree++;
    seen[hit - p.funcs] = 1;
    /* The ABI0 marking is only defined for same-name pairs. */
    if (name_count(&p, hit->name) == 2) {
      size_t len = strlen(name);
      int sym_abi0 = len > 5 && !strcmp(name + len - 5, ".abi0");
      if (sym_abi0 == hit->abi0) abi_ok++;
      else if (abi_bad++ < 20)
        printf("  abi0 mark wrong: %#" PRIx64 " .symtab %s, pclntab %s marked %d\n", addr, name,
               hit->name, hit->abi0);
    }
  }
  size_t only_pc = 0;
  for (size_t i = 0; i < p.nfuncs; i++)
    if (!seen[i] && only_pc++ < 5)
      printf("  note: pclntab-only %#" PRIx64 " %s\n", p.funcs[i].entry, p.funcs[i].name);
  printf("%s %s (%s, pclntab %#x, %zu functions): symtab vs pclntab: %zu functions agree, "
         "%zu mismatches; %zu zero-size markers, %zu outside the text range, %zu pclntab-only; "
         "ABI0 pairs %zu right, %zu wrong\n",
         mismatch || abi_bad || !agree ? "FAIL" : "ok", label, img->go_version, p.magic, p.nfuncs,
         agree, mismatch, markers, outside, only_pc, abi_ok, abi_bad);
  if (!nsym) printf("FAIL %s: no FUNC symbols in .symtab\n", label);
  fails = (mismatch > 0) + (abi_bad > 0) + (agree == 0) + (nsym == 0);
  free(seen);
  gb_pcln_free(&p);
  if (elf) elf_end(elf);
  return fails;
}

int check_boot_path(const char *label, const gb_image *img) {
  int fails = 0;
  const gb_sym *e = gb_sym_at(img, img->entry);
  if (!e || strcmp(e->name, "_rt0_amd64_linux") || e->addr != img->entry) {
    printf("FAIL %s: entry %#" PRIx64 " resolves to %s, not _rt0_amd64_linux\n", label,
           img->entry, e ? e->name : "nothing");
    fails++;
  }
  for (int i = 0; i < check_boot_len; i++)
    if (!gb_sym_find(img, check_boot_names[i])) {
      printf("FAIL %s: boot-path function %s not found\n", label, check_boot_names[i]);
      fails++;
    }
  return fails;
}

int check_layout_vs_table(const char *label, const gb_image *img) {
  gb_go_layout t;
  if (!gb_go_layout_table(img->go_minor, &t)) {
    printf("FAIL %s: no table row for %s\n", label, img->go_version);
    return 1;
  }
  const gb_go_layout *d = &img->layout;
  struct { const char *n; int32_t a, b; } f[] = {
    {"g.stack.lo", d->g_stack_lo, t.g_stack_lo}, {"g.stack.hi", d->g_stack_hi, t.g_stack_hi},
    {"g.stackguard0", d->g_stackguard0, t.g_stackguard0},
    {"g.stackguard1", d->g_stackguard1, t.g_stackguard1}, {"g.m", d->g_m, t.g_m},
    {"g.sched", d->g_sched, t.g_sched}, {"g.atomicstatus", d->g_atomicstatus, t.g_atomicstatus},
    {"g.goid", d->g_goid, t.g_goid}, {"sizeof(g)", d->g_size, t.g_size}, {"m.g0", d->m_g0, t.m_g0},
    {"m.procid", d->m_procid, t.m_procid}, {"m.gsignal", d->m_gsignal, t.m_gsignal},
    {"m.tls", d->m_tls, t.m_tls}, {"m.curg", d->m_curg, t.m_curg}, {"m.p", d->m_p, t.m_p},
    {"m.id", d->m_id, t.m_id}, {"sizeof(m)", d->m_size, t.m_size},
    {"StackGuard", d->stack_guard, t.stack_guard},
  };
  int fails = 0;
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    if (f[i].a != f[i].b) {
      printf("FAIL %s: %s: %s says %d, the table %d\n", label, f[i].n, d->source, f[i].a, f[i].b);
      fails++;
    }
  printf("%s %s: layout (%s) vs table for %s: %zu fields compared\n", fails ? "FAIL" : "ok",
         label, d->source, img->go_version, sizeof f / sizeof f[0]);
  return fails;
}
