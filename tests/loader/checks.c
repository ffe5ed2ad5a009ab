/* checks.c — see checks.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "gometa.h"
#include "goversions.h"
#include "sha256.h"

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

/* Field by field, A (called AN) against B (BN). */
static int compare_layouts(const char *label, const char *version, const gb_go_layout *a,
                           const char *an, const gb_go_layout *b, const char *bn) {
  struct { const char *n; int32_t a, b; } f[] = {
    {"g.stack.lo", a->g_stack_lo, b->g_stack_lo}, {"g.stack.hi", a->g_stack_hi, b->g_stack_hi},
    {"g.stackguard0", a->g_stackguard0, b->g_stackguard0},
    {"g.stackguard1", a->g_stackguard1, b->g_stackguard1}, {"g.m", a->g_m, b->g_m},
    {"g.sched", a->g_sched, b->g_sched}, {"g.atomicstatus", a->g_atomicstatus, b->g_atomicstatus},
    {"g.goid", a->g_goid, b->g_goid}, {"sizeof(g)", a->g_size, b->g_size}, {"m.g0", a->m_g0, b->m_g0},
    {"m.procid", a->m_procid, b->m_procid}, {"m.gsignal", a->m_gsignal, b->m_gsignal},
    {"m.tls", a->m_tls, b->m_tls}, {"m.curg", a->m_curg, b->m_curg}, {"m.p", a->m_p, b->m_p},
    {"m.id", a->m_id, b->m_id}, {"sizeof(m)", a->m_size, b->m_size},
    {"StackGuard", a->stack_guard, b->stack_guard},
  };
  int fails = 0;
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    if (f[i].a != f[i].b) {
      printf("FAIL %s: %s: %s says %d, %s %d\n", label, f[i].n, an, f[i].a, bn, f[i].b);
      fails++;
    }
  printf("%s %s: layout: %s vs %s for %s: %zu fields compared\n", fails ? "FAIL" : "ok", label, an,
         bn, version, sizeof f / sizeof f[0]);
  return fails;
}

int check_dwarf_vs_table(const char *label, const gb_image *img) {
  gb_go_layout t, d;
  if (!gb_go_layout_table(img->go_minor, &t)) {
    printf("FAIL %s: no table row for %s\n", label, img->go_version);
    return 1;
  }
  if (!gb_go_layout_dwarf(img, &d)) {
    printf("FAIL %s: no runtime.g and runtime.m in the DWARF (has_dwarf %d)\n", label,
           img->has_dwarf);
    return 1;
  }
  int fails = compare_layouts(label, img->go_version, &d, "DWARF", &t, "the table");
  char loader[32];
  snprintf(loader, sizeof loader, "the loader (%s)", img->layout.source);
  fails += compare_layouts(label, img->go_version, &img->layout, loader, &d, "DWARF");
  /* libdw rewrites the section headers of a buffer whose DWARF it decompresses; the
   * image's bytes are the guest's and must still be the ones hashed at load. */
  char sha[65];
  gb_sha256_hex(img->bytes, img->size, sha);
  if (strcmp(sha, img->sha256)) {
    printf("FAIL %s: reading the DWARF changed the image's bytes (sha256 %s, at load %s)\n", label,
           sha, img->sha256);
    fails++;
  }
  return fails;
}

static int32_t rd32(const unsigned char *p) {
  return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[3] << 24);
}

/* Does the code at P (N bytes left) start with the bytes of PAT? */
static int at(const unsigned char *p, size_t n, const char *pat, size_t len) {
  return n >= len && !memcmp(p, pat, len);
}

int check_rt0_read(const gb_image *img, check_rt0 *out) {
  const gb_sym *s = gb_sym_find(img, "runtime.rt0_go");
  size_t avail;
  const unsigned char *c = s ? gb_image_ptr(img, s->addr, &avail) : NULL;
  if (!c) return 0;
  size_t n = s->size && s->size < avail ? (size_t)s->size : avail;
  int have_sub = 0, have_lo = 0, have_sg = 0;
  uint64_t tls = 0, m0 = 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *p = c + i;
    size_t left = n - i;
    uint64_t pc = s->addr + i;
    if (!have_sub && at(p, left, "\x48\x83\xec", 3) && left > 3) /* SUBQ $imm8, SP */
      out->sub = p[3], have_sub = 1;
    if (!have_lo && at(p, left, "\x48\x8d\x9c\x24", 4) && left >= 8) /* LEAQ d32(SP), BX */
      out->lo_off = rd32(p + 4), have_lo = 1;
    if (!have_sg && at(p, left, "\x48\x05", 2) && left >= 6) /* ADDQ $imm32, AX */
      out->stack_guard = rd32(p + 2), have_sg = 1;
    /* LEAQ rel32(IP), DI; CALL settls */
    if (!tls && at(p, left, "\x48\x8d\x3d", 3) && left >= 8 && p[7] == 0xe8)
      tls = pc + 7 + (uint64_t)(int64_t)rd32(p + 3);
    /* MOVQ CX, FS:-8; LEAQ rel32(IP), AX */
    if (!m0 && at(p, left, "\x64\x48\x89\x0c\x25\xf8\xff\xff\xff\x48\x8d\x05", 12) &&
        left >= 16)
      m0 = pc + 16 + (uint64_t)(int64_t)rd32(p + 12);
  }
  out->m_tls = tls && m0 && tls > m0 && tls - m0 < 4096 ? (int32_t)(tls - m0) : 0;
  return have_sub && have_lo && have_sg && out->m_tls;
}

int check_rt0_vs_table(const char *label, const gb_image *img) {
  check_rt0 r;
  if (!check_rt0_read(img, &r)) {
    printf("FAIL %s: rt0_go's frame, g0 bounds, StackGuard or settls not found\n", label);
    return 1;
  }
  if (!gb_go_minor_known(img->go_minor)) {
    printf("note %s: %s is outside " GB_GO_KNOWN_RANGE ": rt0_go says SUBQ $%d, lo %+d, "
           "StackGuard %d, m.tls %d (not compared)\n",
           label, img->go_version, r.sub, r.lo_off, r.stack_guard, r.m_tls);
    return 0;
  }
  gb_go_facts f;
  gb_go_facts_for(img->go_minor, img->go_patch, &f);
  struct { const char *n; int32_t code, table; } v[] = {
    {"rt0_go frame", r.sub, f.rt0_sub},
    {"g0.stack.lo - hi", r.lo_off, f.g0_lo_off},
    {"StackGuard", r.stack_guard, f.stack_guard},
    {"StackGuard (img->layout)", r.stack_guard, img->layout.stack_guard},
    {"m.tls", r.m_tls, f.m_tls},
    {"m.tls (img->layout)", r.m_tls, img->layout.m_tls},
  };
  int fails = 0;
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    if (v[i].code != v[i].table) {
      printf("FAIL %s: %s: rt0_go says %d, the table %d\n", label, v[i].n, v[i].code, v[i].table);
      fails++;
    }
  printf("%s %s: rt0_go vs table for %s: SUBQ $%d, lo %+d, StackGuard %d, m.tls %d\n",
         fails ? "FAIL" : "ok", label, img->go_version, r.sub, r.lo_off, r.stack_guard, r.m_tls);
  return fails;
}
