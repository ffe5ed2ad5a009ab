/* auxv_defaults.c — the auxv a kernel gives a static binary, and edits on it.
 *
 * Offers gb_auxv_env_default(), gb_auxv_defaults(), gb_auxv_set/add/drop/edit() and
 * gb_random_from_seed() (stack.h). The order is create_elf_tables' order on x86-64
 * (fs/binfmt_elf.c; docs/go-boot-facts.md § The kernel's auxv): ARCH_DLINFO first
 * (AT_SYSINFO_EHDR when
 * the vDSO is mapped, then AT_MINSIGSTKSZ), then the generic entries, then
 * AT_RSEQ_* under CONFIG_RSEQ. AT_EXECFD (binfmt_misc only) and AT_BASE_PLATFORM
 * (no ELF_BASE_PLATFORM on x86) never appear for a directly executed static ELF. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack.h"

/* Fixed values, chosen so that a run never depends on the machine it runs on:
 * - hwcap: CPUID.1:EDX of Unicorn 2.1.1's UC_CPU_X86_HASWELL model, measured by
 *   executing CPUID in it: 0x078bfbfd (TCG clears VME, bit 1, and there is no HTT,
 *   bit 28, on a single emulated CPU). The kernel's ELF_HWCAP is exactly that word.
 * - hwcap2: bit 1 (HWCAP2_FSGSBASE): the Haswell model reports FSGSBASE in
 *   CPUID.7.0:EBX bit 0 and current kernels enable it; no ring-3 MWAIT (bit 0).
 * - minsigstksz: 0xd30, what the 6.18 kernel on the development host reports.
 *   (It is derived from the XSAVE area size, so it is host-specific in reality;
 *   Go ignores it on amd64.)
 * - uid/euid/gid/egid 1000: an ordinary first user, not root, so nothing in the
 *   guest takes a root-only path by accident. secure 0 (not setuid).
 * - rseq: offsetof(struct rseq, end) = 0x1c and __alignof__(struct rseq) = 0x20,
 *   as a 6.3+ kernel reports. */
void gb_auxv_env_default(gb_auxv_env *env) {
  memset(env, 0, sizeof *env);
  env->vdso_base = 0; /* no vDSO: docs/go-boot-facts.md § The vDSO and the vsyscall page */
  env->hwcap = 0x078bfbfd;
  env->hwcap2 = 0x2;
  env->minsigstksz = 0xd30;
  env->pagesz = 4096;
  env->clktck = 100;
  env->uid = env->euid = 1000;
  env->gid = env->egid = 1000;
  env->secure = 0;
  env->rseq_feature_size = 0x1c;
  env->rseq_align = 0x20;
}

/* create_elf_tables' order on x86-64 (docs/go-boot-facts.md § The kernel's auxv).
 * Which of these a vector holds, and their values, come from GB_AUXV_TAGS' source
 * column (gb_auxv_value). */
static const uint64_t kernel_order[] = {
  AT_SYSINFO_EHDR_LINUX, AT_MINSIGSTKSZ_LINUX, AT_HWCAP_LINUX, AT_PAGESZ_LINUX, AT_CLKTCK_LINUX,
  AT_PHDR_LINUX, AT_PHENT_LINUX, AT_PHNUM_LINUX, AT_BASE_LINUX, AT_FLAGS_LINUX, AT_ENTRY_LINUX, AT_UID_LINUX,
  AT_EUID_LINUX, AT_GID_LINUX, AT_EGID_LINUX, AT_SECURE_LINUX, AT_RANDOM_LINUX, AT_HWCAP2_LINUX,
  AT_EXECFN_LINUX, AT_PLATFORM_LINUX, AT_RSEQ_FEATURE_SIZE_LINUX, AT_RSEQ_ALIGN_LINUX,
};

void gb_auxv_defaults(gb_stack_spec *spec, const gb_image *img, const gb_auxv_env *env) {
  spec->nauxv = 0; /* 22 entries at most: always fits GB_AUXV_MAX */
  for (size_t i = 0; i < sizeof kernel_order / sizeof kernel_order[0]; i++) {
    gb_auxv_ent e;
    if (gb_auxv_value(kernel_order[i], img, env, &e)) spec->auxv[spec->nauxv++] = e;
  }
}

int gb_auxv_set(gb_stack_spec *spec, uint64_t tag, uint64_t val) {
  int found = 0;
  for (int i = 0; i < spec->nauxv; i++)
    if (spec->auxv[i].tag == tag) {
      spec->auxv[i].val = val;
      spec->auxv[i].fill = 0; /* an explicit value wins over the builder's address */
      found = 1;
    }
  return found ? 0 : gb_auxv_add(spec, tag, val);
}

int gb_auxv_add(gb_stack_spec *spec, uint64_t tag, uint64_t val) {
  if (spec->nauxv < 0 || spec->nauxv >= GB_AUXV_MAX) return -1;
  spec->auxv[spec->nauxv++] = (gb_auxv_ent){tag, val, 0};
  return 0;
}

int gb_auxv_drop(gb_stack_spec *spec, uint64_t tag) {
  int n = 0, found = 0;
  for (int i = 0; i < spec->nauxv; i++) {
    if (spec->auxv[i].tag == tag)
      found = 1;
    else
      spec->auxv[n++] = spec->auxv[i];
  }
  spec->nauxv = n;
  return found ? 0 : -1;
}

/* The builder fills these (AT_RANDOM, AT_EXECFN, AT_PLATFORM) with the address of
 * what it placed. */
static int fillable(uint64_t tag) {
  const gb_auxv_tag *t = gb_auxv_tag_of(tag);
  return t && t->source == GB_AUXV_PLACED;
}

/* gb_auxv_edit: "TAG=VAL" sets, "+TAG=VAL" appends a duplicate, "-TAG" drops.
 * VAL is a number (0x… accepted) or "auto" for AT_RANDOM/AT_EXECFN/AT_PLATFORM,
 * which restores the builder's address. Dropping a tag that is absent is not an
 * error, so a script can drop AT_SYSINFO_EHDR whether or not a vDSO is offered.
 * With spec == NULL only the syntax is checked (for option parsing). */
int gb_auxv_edit(gb_stack_spec *spec, const char *arg, char *err, size_t errlen) {
  char name[64];
  const char *s = arg, *eq;
  int op = '=';
  if (*s == '+' || *s == '-') op = *s++;
  eq = strchr(s, '=');
  if (op == '-' ? eq != NULL : eq == NULL) {
    snprintf(err, errlen, "bad --auxv '%s': expected TAG=VAL, +TAG=VAL or -TAG", arg);
    return -1;
  }
  size_t n = eq ? (size_t)(eq - s) : strlen(s);
  if (n == 0 || n >= sizeof name) {
    snprintf(err, errlen, "bad --auxv '%s': missing or too long tag", arg);
    return -1;
  }
  memcpy(name, s, n);
  name[n] = 0;
  uint64_t tag, val = 0;
  int fill = 0;
  if (gb_auxv_parse_tag(name, &tag)) {
    snprintf(err, errlen, "bad --auxv '%s': unknown tag '%s' (use AT_NAME or a number)", arg,
             name);
    return -1;
  }
  if (eq) {
    const char *v = eq + 1;
    char *end;
    if (!strcmp(v, "auto")) {
      if (!fillable(tag)) {
        snprintf(err, errlen, "bad --auxv '%s': 'auto' is only for AT_RANDOM, AT_EXECFN, AT_PLATFORM",
                 arg);
        return -1;
      }
      fill = 1;
    } else {
      errno = 0;
      val = strtoull(v, &end, 0);
      if (!*v || *v == '-' || errno || *end) {
        snprintf(err, errlen, "bad --auxv '%s': value '%s' is not a 64-bit number", arg, v);
        return -1;
      }
    }
  }
  if (!spec) return 0;
  if (op == '-') {
    gb_auxv_drop(spec, tag);
    return 0;
  }
  int rc = op == '+' ? gb_auxv_add(spec, tag, val) : gb_auxv_set(spec, tag, val);
  if (rc) {
    snprintf(err, errlen, "bad --auxv '%s': the vector is full (%d entries)", arg, GB_AUXV_MAX);
    return -1;
  }
  if (fill) /* the entry just written: set marks every match, add the last one */
    for (int i = 0; i < spec->nauxv; i++)
      if (spec->auxv[i].tag == tag && (op == '=' || i == spec->nauxv - 1)) spec->auxv[i].fill = 1;
  return 0;
}

/* splitmix64 (Steele, Lea, Flood 2014): tiny, portable, and a fixed function of
 * the seed, so AT_RANDOM is the same on every machine for the same --seed. */
static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void gb_random_from_seed(uint64_t seed, uint8_t out[16]) {
  uint64_t st = seed;
  for (int w = 0; w < 2; w++) {
    uint64_t v = splitmix64(&st);
    for (int i = 0; i < 8; i++) out[w * 8 + i] = (uint8_t)(v >> (8 * i)); /* little-endian */
  }
}
