/* oracle_in.c — the oracle's inputs for `goboot check`, taken from what the emulator
 * itself answers, so that the prediction is for exactly the machine the guest sees:
 *   CPUID      leaves 0 and 1 as emu/ answers them for its CPU model (emu/cpu.c;
 *              check.c compares the model and vendor with the trace header);
 *   affinity   sched_getaffinity: an 8-byte mask of --ncpu low bits, return 8
 *              (emu/sys_thread.c);
 *   hpage      the virtual /sys/kernel/mm/transparent_hugepage/hpage_pmd_size,
 *              "2097152\n" (emu/vfs.c);
 *   proc auxv  the virtual /proc/self/auxv: the stack's auxv words (emu/vfs.c);
 *   g0, m0     data symbols (runtime.g0/runtime.m0; goboot-rtc's g0/m0);
 *   vDSO       none unless --vdso gave one. */
#include <stdio.h>
#include <string.h>

#include "parts.h"

/* CPUID leaves 0 and 1 of the emulated model (emu/cpu.c). */
static int cpuid(gb_oracle_in *in, char *err, size_t errlen) {
  static const uint32_t leaves[2] = {0, 1};
  uint32_t r[2][4];
  if (gb_emu_cpuid(leaves, 2, r, err, errlen)) return -1;
  in->cpuid_known = 1;
  in->cpuid_max_leaf = r[0][0];
  in->cpuid_vendor[0] = r[0][1], in->cpuid_vendor[1] = r[0][3], in->cpuid_vendor[2] = r[0][2]; /* EBX EDX ECX */
  in->cpuid_leaf1_eax = r[0][0] ? r[1][0] : 0;
  return 0;
}

static uint64_t data_sym(const gb_image *img, const char *name) {
  const gb_sym *s = gb_sym_find(img, name);
  return s && s->kind == GB_SYM_DATA ? s->addr : 0;
}

int gb_check_oracle_in(gb_oracle_in *in, gb_check_answers *ans, const gb_image *img,
                       const gb_stack *st, int ncpu, uint64_t vdso_base, int rtc, char *err,
                       size_t errlen) {
  gb_oracle_profile keep = in->prof;
  memset(in, 0, sizeof *in);
  memset(ans, 0, sizeof *ans);
  in->prof = keep;
  in->stack = (gb_oracle_mem){st->bytes, st->base, st->size};
  in->entry_sp = st->rsp;

  if (cpuid(in, err, errlen)) return -1;

  int n = ncpu < 1 ? 1 : ncpu > 64 ? 64 : ncpu;
  uint64_t mask = n == 64 ? ~0ULL : (1ULL << n) - 1;
  memcpy(ans->affinity, &mask, 8);
  in->affinity_known = 1, in->affinity_ret = 8, in->affinity = ans->affinity;

  strcpy(ans->hpage, "2097152\n");
  in->hpage = (gb_oracle_file){1, 0, (int64_t)strlen(ans->hpage), (const uint8_t *)ans->hpage};

  /* read(fd, buf, 1024) of the stack's vector, as emu/vfs.c serves it. */
  if (st->auxv_end >= st->auxv_addr && st->auxv_addr >= st->base) {
    uint64_t len = st->auxv_end - st->auxv_addr;
    in->proc_auxv = (gb_oracle_file){1, 0, (int64_t)(len > 1024 ? 1024 : len),
                                     st->bytes + (st->auxv_addr - st->base)};
  } else {
    in->proc_auxv = (gb_oracle_file){1, -2 /* ENOENT */, 0, NULL};
  }

  in->g0_addr = data_sym(img, rtc ? "g0" : "runtime.g0");
  in->m0_addr = data_sym(img, rtc ? "m0" : "runtime.m0");
  in->vdso_base = vdso_base;

  /* The guest's address space at entry, as emu/machine.c maps it: the PT_LOAD segments
   * and the stack, 8 MiB below the image up to the page end (GB_STACK_BELOW). With a
   * --vdso the vDSO is mapped too, and its extent is not known here. */
  if (rtc) return 0; /* goboot-rtc's report comes from its own oracle, told only its stack */
  size_t nm = 0;
  for (int i = 0; i < img->nseg; i++)
    if (img->seg[i].map_end > img->seg[i].map_start)
      ans->mapped[nm++] = (gb_oracle_range){img->seg[i].map_start, img->seg[i].map_end - img->seg[i].map_start,
                                           (img->seg[i].prot & GB_PROT_W) != 0};
  uint64_t lo = st->base > (8ULL << 20) ? st->base - (8ULL << 20) : 0, hi = (st->top + 4095) & ~4095ULL;
  ans->mapped[nm++] = (gb_oracle_range){lo, hi - lo, 1};
  in->mapped = ans->mapped, in->nmapped = nm, in->mapped_complete = !vdso_base;
  return 0;
}

/* A NUL-terminated string at guest address A inside the stack image, or NULL. */
static const char *stack_str(const gb_stack *st, uint64_t a) {
  if (a < st->base || a >= st->base + st->size) return NULL;
  const char *s = (const char *)st->bytes + (a - st->base);
  return memchr(s, 0, st->base + st->size - a) ? s : NULL;
}

const char *gb_check_rtc_profile(const gb_stack *st) {
  const char *prof = NULL;
  for (int i = 1; i < st->argc; i++) {
    const char *s = stack_str(st, st->arg_str[i]);
    if (s && !strncmp(s, "--profile=", 10)) prof = s + 10; /* the last one, as rtc.c */
  }
  for (int i = 0; !prof && i < st->envc; i++) {
    const char *s = stack_str(st, st->env_str[i]);
    if (s && !strncmp(s, "GOBOOT_RTC_PROFILE=", 19)) prof = s + 19;
  }
  return prof ? prof : "1.19";
}
