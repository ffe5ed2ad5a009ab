/* layout.c — where runtime.g and runtime.m keep the fields the boot path touches.
 * From the binary's own DWARF (libdw reads .debug_info and the zlib .zdebug_info of
 * Go 1.12–1.17) when it has any, else from the per-version table measured in
 * docs/go-boot-facts.md § runtime.g and runtime.m offsets (nearest measured version for
 * the others). StackGuard is a
 * compile-time constant that DWARF does not describe: always the table's. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "gometa.h"

/* docs/go-boot-facts.md § runtime.g and runtime.m offsets, one row per measured release
 * (plus 1.14, see below). Offsets that never changed (stack
 * 0/8, stackguard0/1 16/24, g.m 48, g.sched 56, m.g0 0) are filled in by fill(). */
typedef struct row {
  int minor;
  int16_t atomicstatus, goid, gsize, procid, gsignal, tls, curg, p, id, msize;
} row;

static const row table[] = {
  {10, 144, 152, 376, 72, 80, 136, 192, 208, 224, 960},
  {12, 144, 152, 376, 72, 80, 136, 192, 208, 232, 840},
  /* read here from the DWARF of two go1.14.2 corpus binaries (esbuild 0.2.0,
   * 0.5.26); without it 1.14 would take 1.15's sizeof(m) */
  {14, 144, 152, 376, 72, 80, 136, 192, 208, 232, 840},
  {15, 144, 152, 376, 72, 80, 136, 192, 208, 232, 992},
  {17, 144, 152, 392, 72, 80, 136, 192, 208, 232, 1024},
  {19, 144, 152, 392, 72, 80, 136, 192, 208, 232, 1008},
  {21, 144, 152, 408, 72, 80, 136, 192, 208, 232, 1008},
  {22, 144, 152, 424, 72, 80, 136, 192, 208, 232, 2024},
  {23, 152, 160, 432, 72, 80, 136, 192, 208, 232, 1760},
  {24, 152, 160, 440, 72, 80, 136, 192, 208, 232, 1808},
  /* 1.25 dropped gobuf.ret: g.sched and m.morebuf shrink by 8 */
  {25, 144, 152, 440, 64, 72, 128, 184, 200, 224, 1816},
  {26, 144, 152, 456, 64, 72, 128, 184, 208, 232, 1824},
  {27, 144, 152, 456, 64, 72, 128, 184, 208, 232, 1832},
};
enum { NROWS = sizeof table / sizeof table[0] };

int gb_go_layout_table(int minor, gb_go_layout *out) {
  memset(out, 0, sizeof *out);
  if (minor < 0) return 0;
  /* nearest measured release; on a tie the older one */
  const row *r = &table[0];
  for (int i = 1; i < NROWS; i++)
    if (abs(table[i].minor - minor) < abs(r->minor - minor)) r = &table[i];
  strcpy(out->source, "table");
  out->g_stack_lo = 0;
  out->g_stack_hi = 8;
  out->g_stackguard0 = 16;
  out->g_stackguard1 = 24;
  out->g_m = 48;
  out->g_sched = 56;
  out->g_atomicstatus = r->atomicstatus;
  out->g_goid = r->goid;
  out->g_size = r->gsize;
  out->m_g0 = 0;
  out->m_procid = r->procid;
  out->m_gsignal = r->gsignal;
  out->m_tls = r->tls;
  out->m_curg = r->curg;
  out->m_p = r->p;
  out->m_id = r->id;
  out->m_size = r->msize;
  /* _StackGuard = 928 from 1.15; 880 before (1.13–1.14 presumed) */
  out->stack_guard = minor <= 14 ? 880 : 928;
  return 1;
}

typedef struct want {
  const char *name;
  int32_t *dst;
} want;

/* Copy the offsets of the members of struct DIE named in W. Returns how many. */
static int members(Dwarf_Die *die, const want *w, int nw) {
  Dwarf_Die m;
  int found = 0;
  if (dwarf_child(die, &m) != 0) return 0;
  do {
    if (dwarf_tag(&m) != DW_TAG_member) continue;
    const char *name = dwarf_diename(&m);
    Dwarf_Attribute a;
    Dwarf_Word off;
    if (!name || !dwarf_attr(&m, DW_AT_data_member_location, &a) || dwarf_formudata(&a, &off) ||
        off > INT32_MAX)
      continue;
    for (int i = 0; i < nw; i++)
      if (!strcmp(name, w[i].name)) {
        *w[i].dst = (int32_t)off;
        found++;
      }
  } while (dwarf_siblingof(&m, &m) == 0);
  return found;
}

/* Look through the top level of every compilation unit for runtime.g and runtime.m.
 * Returns 1 when both were found (L then holds their offsets). */
static int from_dwarf(Elf *elf, gb_go_layout *l) {
  Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
  if (!dw) return 0;
  int32_t stack = -1;
  const want g[] = {{"stack", &stack},           {"stackguard0", &l->g_stackguard0},
                    {"stackguard1", &l->g_stackguard1}, {"m", &l->g_m},
                    {"sched", &l->g_sched},     {"atomicstatus", &l->g_atomicstatus},
                    {"goid", &l->g_goid}};
  const want m[] = {{"g0", &l->m_g0},     {"procid", &l->m_procid}, {"gsignal", &l->m_gsignal},
                    {"tls", &l->m_tls},   {"curg", &l->m_curg},     {"p", &l->m_p},
                    {"id", &l->m_id}};
  int have_g = 0, have_m = 0;
  Dwarf_Off off = 0, next;
  size_t hsize;
  while (!(have_g && have_m) && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
    Dwarf_Die cu, d;
    if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &d) == 0) {
      do {
        if (dwarf_tag(&d) != DW_TAG_structure_type) continue;
        const char *name = dwarf_diename(&d);
        if (!name) continue;
        if (!have_g && !strcmp(name, "runtime.g") && members(&d, g, 7) == 7) {
          int size = dwarf_bytesize(&d);
          l->g_size = size > 0 ? size : 0;
          have_g = 1;
        } else if (!have_m && !strcmp(name, "runtime.m") && members(&d, m, 7) == 7) {
          int size = dwarf_bytesize(&d);
          l->m_size = size > 0 ? size : 0;
          have_m = 1;
        }
      } while (!(have_g && have_m) && dwarf_siblingof(&d, &d) == 0);
    }
    off = next;
  }
  dwarf_end(dw);
  if (!(have_g && have_m) || stack < 0) return 0;
  l->g_stack_lo = stack; /* runtime.stack{lo, hi uintptr} */
  l->g_stack_hi = stack + 8;
  return 1;
}

void gb_go_layout_fill(gb_image *img, Elf *elf) {
  gb_go_layout t, d;
  int have_table = gb_go_layout_table(img->go_minor, &t);
  img->layout = t;
  if (!elf || !img->has_dwarf) return;
  d = t;
  if (!from_dwarf(elf, &d)) return;
  strcpy(d.source, "dwarf");
  d.stack_guard = have_table ? t.stack_guard : 0;
  img->layout = d;
}
