/* layout.c — where runtime.g and runtime.m keep the fields the boot path touches.
 * A release ("go1.N[.P]") with a measured row of its own in goversions.c's table takes
 * that row (docs/go-boot-facts.md § runtime.g and runtime.m offsets): reading DWARF
 * means inflating the whole zlib-compressed .debug_info, most of the loader's time.
 * Anything else (a release between rows, a devel build, a release candidate) takes the
 * binary's own DWARF (libdw reads .debug_info, the zlib .zdebug_info of Go 1.12–1.17
 * and the SHF_COMPRESSED sections of 1.18+) when it has any, else the nearest row.
 * StackGuard is a compile-time constant that DWARF does not describe: always the
 * table's. tests/loader holds the table against the DWARF of real binaries
 * (gb_go_layout_dwarf). */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "gometa.h"
#include "goversions.h"

int gb_go_layout_table(int minor, gb_go_layout *out) {
  gb_go_facts f;
  memset(out, 0, sizeof *out);
  if (!gb_go_facts_for(minor, -1, &f)) return 0;
  strcpy(out->source, "table");
  out->g_stack_lo = f.g_stack_lo;
  out->g_stack_hi = f.g_stack_hi;
  out->g_stackguard0 = f.g_stackguard0;
  out->g_stackguard1 = f.g_stackguard1;
  out->g_m = f.g_m;
  out->g_sched = f.g_sched;
  out->g_atomicstatus = f.g_atomicstatus;
  out->g_goid = f.g_goid;
  out->g_size = f.g_size;
  out->m_g0 = f.m_g0;
  out->m_procid = f.m_procid;
  out->m_gsignal = f.m_gsignal;
  out->m_tls = f.m_tls;
  out->m_curg = f.m_curg;
  out->m_p = f.m_p;
  out->m_id = f.m_id;
  out->m_size = f.m_size;
  out->stack_guard = f.stack_guard;
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

int gb_go_layout_dwarf(const gb_image *img, gb_go_layout *out) {
  gb_go_layout t;
  int have_table = gb_go_layout_table(img->go_minor, &t);
  memset(out, 0, sizeof *out);
  if (!img->has_dwarf || !img->size) return 0;
  /* libdw decompresses compressed sections in place: it rewrites their section
   * headers in the buffer it was given, and in a Go binary those sit inside the first
   * PT_LOAD, which the guest sees (and /proc/self/exe serves). So it gets a copy. */
  unsigned char *copy = malloc(img->size);
  if (!copy) return 0;
  memcpy(copy, img->bytes, img->size);
  Elf *elf = elf_memory((char *)copy, img->size);
  gb_go_layout d = t; /* zeroed without a row */
  int ok = elf && from_dwarf(elf, &d);
  if (elf) elf_end(elf);
  free(copy);
  if (!ok) return 0;
  strcpy(d.source, "dwarf");
  d.stack_guard = have_table ? t.stack_guard : 0;
  *out = d;
  return 1;
}

/* Its own row in the table: the version was measured (goversions.c), so DWARF would
 * say the same (tests/loader checks it on every binary that has both). */
static int measured_row(int minor) {
  gb_go_facts f;
  return gb_go_facts_for(minor, -1, &f) && f.offsets_minor == minor;
}

static int digit(char c) { return c >= '0' && c <= '9'; }

/* "go1.N" or "go1.N.P" and nothing more: a release, as the rows were measured on. A
 * devel toolchain ("devel go1.23-abc..."), a release candidate or a GOEXPERIMENT build
 * ("go1.21.0 X:...") may lay its structs out otherwise. */
static int plain_release(const char *v) {
  if (strncmp(v, "go1.", 4) || !digit(v[4])) return 0;
  const char *p = v + 4;
  while (digit(*p)) p++;
  if (*p == '.' && digit(p[1]))
    for (p++; digit(*p); p++) {}
  return *p == 0;
}

void gb_go_layout_fill(gb_image *img, int version_sure) {
  gb_go_layout t, d;
  int have_table = gb_go_layout_table(img->go_minor, &t);
  img->layout = t;
  if (have_table && version_sure && plain_release(img->go_version) &&
      measured_row(img->go_minor))
    return;
  if (gb_go_layout_dwarf(img, &d)) img->layout = d;
}
