/* check_oracle.c — the oracle's inputs for `goboot check`, taken from what the emulator
 * itself answers, so that the prediction is for exactly the machine the guest sees:
 *   CPUID      leaves 0 and 1 executed by Unicorn with the emulator's CPU model (Haswell,
 *              emu/machine.c; cmd_check compares the name with the trace header);
 *   affinity   sched_getaffinity: an 8-byte mask of --ncpu low bits, return 8
 *              (emu/sys_thread.c);
 *   hpage      the virtual /sys/kernel/mm/transparent_hugepage/hpage_pmd_size,
 *              "2097152\n" (emu/vfs.c);
 *   proc auxv  the virtual /proc/self/auxv: the stack's auxv words (emu/vfs.c);
 *   g0, m0     data symbols (runtime.g0/runtime.m0; goboot-rtc's g0/m0);
 *   vDSO       none unless --vdso gave one. */
#include <stdio.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "check.h"

int gb_check_is_rtc(const gb_image *img) {
  if (img->is_go) return 0;
  const gb_sym *a = gb_sym_find(img, "rtc_main"), *b = gb_sym_find(img, "gb_oracle_run");
  return a && b && a->kind == GB_SYM_FUNC && b->kind == GB_SYM_FUNC;
}

static int probe(uc_engine *uc, uint32_t leaf, uint32_t r[4]) {
  uint64_t v = leaf, z = 0;
  if (uc_reg_write(uc, UC_X86_REG_RAX, &v) || uc_reg_write(uc, UC_X86_REG_RCX, &z) ||
      uc_emu_start(uc, 0x10000, 0x10002, 0, 1))
    return -1;
  int regs[4] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX};
  for (int i = 0; i < 4; i++) {
    if (uc_reg_read(uc, regs[i], &v)) return -1;
    r[i] = (uint32_t)v;
  }
  return 0;
}

int gb_check_cpuid(uint32_t *max_leaf, uint32_t vendor[3], uint32_t *leaf1_eax, char *err,
                   size_t errlen) {
  static const uint8_t code[] = {0x0f, 0xa2}; /* cpuid */
  uc_engine *uc;
  uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
  if (e) {
    snprintf(err, errlen, "CPUID probe: %s", uc_strerror(e));
    return -1;
  }
  uint32_t r[4];
  int bad = uc_ctl_set_cpu_model(uc, UC_CPU_X86_HASWELL) || uc_mem_map(uc, 0x10000, 0x1000, UC_PROT_ALL) ||
            uc_mem_write(uc, 0x10000, code, sizeof code) || probe(uc, 0, r);
  if (!bad) {
    *max_leaf = r[0];
    vendor[0] = r[1], vendor[1] = r[3], vendor[2] = r[2]; /* EBX EDX ECX */
    *leaf1_eax = 0;
    if (r[0]) bad = probe(uc, 1, r), *leaf1_eax = r[0];
  }
  uc_close(uc);
  if (bad) snprintf(err, errlen, "CPUID probe: Unicorn refused to run CPUID");
  return bad ? -1 : 0;
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

  in->cpuid_known = 1;
  if (gb_check_cpuid(&in->cpuid_max_leaf, in->cpuid_vendor, &in->cpuid_leaf1_eax, err, errlen))
    return -1;

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
