/* cmd_inspect.c — `goboot inspect BINARY [--json]`: what goboot knows of a binary
 * before running it: Go version, pclntab layout, segments, entry, symbol sources,
 * runtime struct offsets and the addresses of the boot-path functions. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bootpath.h"
#include "commands.h"
#include "image.h"

static const char inspect_help[] =
  "usage: goboot inspect BINARY [--json]\n\n"
  "Show the Go version, pclntab layout, segments, entry point and the boot-path\n"
  "functions (from .symtab, or from .gopclntab when the binary is stripped).\n\n"
  "  --json   print JSON instead of text\n";

static const char *pclntab_layout(uint32_t magic) {
  switch (magic) {
  case 0xfffffffb: return "go1.2-1.15";
  case 0xfffffffa: return "go1.16-1.17";
  case 0xfffffff0: return "go1.18-1.19";
  case 0xfffffff1: return "go1.20+";
  default: return "none";
  }
}

static char *hex(char *buf, uint64_t v) {
  snprintf(buf, 24, "0x%" PRIx64, v);
  return buf;
}

static void prot_str(char out[4], uint32_t prot) {
  out[0] = prot & GB_PROT_R ? 'r' : '-';
  out[1] = prot & GB_PROT_W ? 'w' : '-';
  out[2] = prot & GB_PROT_X ? 'x' : '-';
  out[3] = 0;
}

static const char *sym_source(char from) {
  return from == 'b' ? "symtab+pclntab" : from == 's' ? "symtab" : "pclntab";
}

static cJSON *layout_json(const gb_go_layout *l) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "source", l->source);
  struct { const char *k; int32_t v; } f[] = {
    {"g.stack.lo", l->g_stack_lo}, {"g.stack.hi", l->g_stack_hi},
    {"g.stackguard0", l->g_stackguard0}, {"g.stackguard1", l->g_stackguard1},
    {"g.m", l->g_m}, {"g.sched", l->g_sched}, {"g.atomicstatus", l->g_atomicstatus},
    {"g.goid", l->g_goid}, {"sizeof(g)", l->g_size}, {"m.g0", l->m_g0},
    {"m.procid", l->m_procid}, {"m.gsignal", l->m_gsignal}, {"m.tls", l->m_tls},
    {"m.curg", l->m_curg}, {"m.p", l->m_p}, {"m.id", l->m_id}, {"sizeof(m)", l->m_size},
    {"StackGuard", l->stack_guard},
  };
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) cJSON_AddNumberToObject(o, f[i].k, f[i].v);
  return o;
}

static cJSON *inspect_json(const gb_image *img) {
  char b[24];
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "file", img->path);
  cJSON_AddNumberToObject(o, "size", (double)img->size);
  cJSON_AddStringToObject(o, "sha256", img->sha256);
  cJSON_AddStringToObject(o, "type", img->e_type == 2 ? "EXEC" : "DYN");
  cJSON_AddStringToObject(o, "entry", hex(b, img->entry));
  cJSON_AddBoolToObject(o, "go", img->is_go);
  cJSON_AddStringToObject(o, "go_version", img->go_version);
  if (img->note[0]) cJSON_AddStringToObject(o, "note", img->note);
  cJSON_AddStringToObject(o, "pclntab_magic", hex(b, img->pclntab_magic));
  cJSON_AddStringToObject(o, "pclntab_layout", pclntab_layout(img->pclntab_magic));
  cJSON_AddStringToObject(o, "pclntab_addr", hex(b, img->pclntab_addr));
  cJSON_AddBoolToObject(o, "stripped", img->stripped);
  cJSON_AddBoolToObject(o, "dwarf", img->has_dwarf);
  cJSON_AddNumberToObject(o, "symbols", (double)img->nsyms);
  cJSON *segs = cJSON_AddArrayToObject(o, "segments");
  for (int i = 0; i < img->nseg; i++) {
    const gb_segment *s = &img->seg[i];
    char p[4];
    cJSON *j = cJSON_CreateObject();
    prot_str(p, s->prot);
    cJSON_AddStringToObject(j, "prot", p);
    cJSON_AddStringToObject(j, "vaddr", hex(b, s->vaddr));
    cJSON_AddStringToObject(j, "memsz", hex(b, s->memsz));
    cJSON_AddStringToObject(j, "offset", hex(b, s->offset));
    cJSON_AddStringToObject(j, "filesz", hex(b, s->filesz));
    cJSON_AddItemToArray(segs, j);
  }
  cJSON *bp = cJSON_AddArrayToObject(o, "boot_path");
  for (int i = 0; i < gb_boot_path_len; i++) {
    const gb_sym *s = gb_sym_find(img, gb_boot_path[i].name);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "step", gb_boot_path[i].name);
    if (s) {
      cJSON_AddStringToObject(j, "symbol", s->name);
      cJSON_AddStringToObject(j, "addr", hex(b, s->addr));
      cJSON_AddStringToObject(j, "from", sym_source(s->from));
    } else {
      cJSON_AddNullToObject(j, "addr");
    }
    cJSON_AddItemToArray(bp, j);
  }
  cJSON_AddItemToObject(o, "layout", layout_json(&img->layout));
  return o;
}

static void inspect_text(const gb_image *img) {
  const gb_sym *e = gb_sym_at(img, img->entry);
  printf("file       %s\n", img->path);
  printf("size       %zu bytes, sha256 %s\n", img->size, img->sha256);
  printf("type       %s, entry 0x%" PRIx64 " (%s)\n", img->e_type == 2 ? "ET_EXEC" : "ET_DYN",
         img->entry, e ? e->name : "?");
  if (img->is_go)
    printf("go         %s, pclntab 0x%08x (%s layout) at 0x%" PRIx64 "\n",
           img->go_version[0] ? img->go_version : "version unknown", img->pclntab_magic,
           pclntab_layout(img->pclntab_magic), img->pclntab_addr);
  else
    printf("go         no: %s\n", img->note[0] ? img->note : "not a Go binary");
  printf("symbols    %zu (%s), DWARF %s\n", img->nsyms,
         img->stripped ? "stripped: pclntab only" : ".symtab + pclntab",
         img->has_dwarf ? "yes" : "no");
  printf("segments\n");
  for (int i = 0; i < img->nseg; i++) {
    const gb_segment *s = &img->seg[i];
    char p[4];
    prot_str(p, s->prot);
    printf("  %s  0x%08" PRIx64 "-0x%08" PRIx64 "  memsz 0x%" PRIx64 "  file 0x%" PRIx64
           "+0x%" PRIx64 "\n", p, s->vaddr, s->vaddr + s->memsz, s->memsz, s->offset, s->filesz);
  }
  printf("boot path\n");
  for (int i = 0; i < gb_boot_path_len; i++) {
    const gb_sym *s = gb_sym_find(img, gb_boot_path[i].name);
    if (s)
      printf("  %-20s 0x%08" PRIx64 "  %s (%s)\n", gb_boot_path[i].name, s->addr, s->name,
             sym_source(s->from));
    else
      printf("  %-20s %s\n", gb_boot_path[i].name,
             gb_boot_path[i].optional ? "-          (not in this version)" : "NOT FOUND");
  }
  const gb_go_layout *l = &img->layout;
  if (l->source[0])
    printf("layout     (%s) g.m=%d g.sched=%d g.goid=%d m.procid=%d m.tls=%d m.curg=%d "
           "m.id=%d StackGuard=%d\n", l->source, l->g_m, l->g_sched, l->g_goid, l->m_procid,
           l->m_tls, l->m_curg, l->m_id, l->stack_guard);
}

int cmd_inspect(int argc, char **argv) {
  static const struct option opts[] = {
    {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int json = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
    if (c == 'j') json = 1;
    else if (c == 'h') { fputs(inspect_help, stdout); return GB_OK; }
    else { fputs(inspect_help, stderr); return GB_E_USAGE; }
  }
  if (optind != argc - 1) {
    fputs(inspect_help, stderr);
    return GB_E_USAGE;
  }
  gb_image img;
  char err[512];
  gb_status st = gb_image_load(&img, argv[optind], err, sizeof err);
  if (st != GB_OK) {
    fprintf(stderr, "goboot: %s\n", err);
    return st;
  }
  if (json) {
    cJSON *o = inspect_json(&img);
    char *s = cJSON_Print(o);
    puts(s);
    free(s);
    cJSON_Delete(o);
  } else {
    inspect_text(&img);
  }
  gb_image_free(&img);
  return GB_OK;
}
