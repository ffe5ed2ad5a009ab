/* cpu.c — the emulated CPU, for callers outside emu/ that must know what the guest sees
 * without opening Unicorn themselves (emu.h): the engine's version, the CPU model's name
 * and what CPUID answers on it, executed in a scratch engine set to the model every
 * machine gets (common.h's GB_CPU_MODEL). */
#include <stdio.h>
#include <unicorn/unicorn.h>

#include "common.h"
#include "emu.h"

#define CPUID_CODE 0x10000ULL /* one page holding the CPUID instruction */

void gb_emu_unicorn_version(char *buf, size_t len) {
  unsigned v = uc_version(NULL, NULL);
  snprintf(buf, len, "%u.%u.%u", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff);
}

const char *gb_emu_cpu_model(void) { return GB_CPU_MODEL_NAME; }

/* CPUID with EAX = LEAF, ECX = 0: EAX EBX ECX EDX into R. */
static int ask(uc_engine *uc, uint32_t leaf, uint32_t r[4]) {
  uint64_t v = leaf, z = 0;
  if (uc_reg_write(uc, UC_X86_REG_RAX, &v) || uc_reg_write(uc, UC_X86_REG_RCX, &z) ||
      uc_emu_start(uc, CPUID_CODE, CPUID_CODE + 2, 0, 1))
    return -1;
  static const int regs[4] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX};
  for (int i = 0; i < 4; i++) {
    if (uc_reg_read(uc, regs[i], &v)) return -1;
    r[i] = (uint32_t)v;
  }
  return 0;
}

int gb_emu_cpuid(const uint32_t *leaves, int n, uint32_t (*out)[4], char *err, size_t errlen) {
  static const uint8_t code[] = {0x0f, 0xa2}; /* cpuid */
  uc_engine *uc;
  uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
  if (e) {
    snprintf(err, errlen, "CPUID probe: %s", uc_strerror(e));
    return -1;
  }
  /* the model before any other call: the engine is built lazily and then refuses one */
  int bad = uc_ctl_set_cpu_model(uc, GB_CPU_MODEL) || uc_mem_map(uc, CPUID_CODE, 0x1000, UC_PROT_ALL) ||
            uc_mem_write(uc, CPUID_CODE, code, sizeof code);
  for (int i = 0; !bad && i < n; i++) bad = ask(uc, leaves[i], out[i]);
  uc_close(uc);
  if (bad) snprintf(err, errlen, "CPUID probe: Unicorn refused to run CPUID");
  return bad ? -1 : 0;
}
