/* hostauxv.c — read this host kernel's auxv (mimic-host mode).
 *
 * Offers gb_host_auxv_read(), gb_auxv_defaults_host() (hostauxv.h) and
 * gb_auxv_env_from_host() (stack.h). /proc/self/auxv is the vector the kernel built
 * for the goboot process itself: the same hwcap, page size, credentials and rseq
 * sizes it would give any program started here. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "hostauxv.h"

int gb_host_auxv_read(uint64_t *words, size_t max, size_t *nwords) {
  int fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0, cap = max * sizeof *words;
  unsigned char *dst = (unsigned char *)words;
  while (got < cap) {
    ssize_t r = read(fd, dst + got, cap - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  for (size_t i = 0; i + 1 < got / 8; i += 2)
    if (words[i] == GB_AT_NULL) {
      *nwords = i + 2;
      return 0;
    }
  errno = EINVAL;
  return -1;
}

int gb_auxv_env_from_host(gb_auxv_env *env) {
  uint64_t w[512];
  size_t n;
  gb_auxv_env_default(env);
  if (gb_host_auxv_read(w, sizeof w / sizeof w[0], &n)) return -1;
  /* Tags the host lacks keep the fixed defaults here; gb_auxv_defaults_host() is the
   * way to also leave them out of the vector. */
  for (size_t i = 0; i + 1 < n; i += 2) {
    uint64_t v = w[i + 1];
    switch (w[i]) {
    case GB_AT_SYSINFO_EHDR: env->vdso_base = v; break;
    case GB_AT_HWCAP: env->hwcap = v; break;
    case GB_AT_HWCAP2: env->hwcap2 = v; break;
    case GB_AT_MINSIGSTKSZ: env->minsigstksz = v; break;
    case GB_AT_PAGESZ: env->pagesz = v; break;
    case GB_AT_CLKTCK: env->clktck = v; break;
    case GB_AT_UID: env->uid = v; break;
    case GB_AT_EUID: env->euid = v; break;
    case GB_AT_GID: env->gid = v; break;
    case GB_AT_EGID: env->egid = v; break;
    case GB_AT_SECURE: env->secure = v; break;
    case GB_AT_RSEQ_FEATURE_SIZE: env->rseq_feature_size = v; break;
    case GB_AT_RSEQ_ALIGN: env->rseq_align = v; break;
    default: break;
    }
  }
  return 0;
}

void gb_auxv_defaults_host(gb_stack_spec *spec, const gb_image *img, const gb_auxv_env *env,
                           const uint64_t *host, size_t nwords) {
  spec->nauxv = 0;
  for (size_t i = 0; i + 1 < nwords && host[i] != GB_AT_NULL; i += 2) {
    uint64_t tag = host[i], val = host[i + 1];
    int fill = 0;
    switch (tag) {
    case GB_AT_SYSINFO_EHDR:
      if (!env->vdso_base) continue;
      val = env->vdso_base;
      break;
    case GB_AT_EXECFD:
    case GB_AT_BASE_PLATFORM: continue;
    case GB_AT_PHDR: val = img ? img->phdr_vaddr : 0; break;
    case GB_AT_PHENT: val = 56; break;
    case GB_AT_PHNUM: val = img ? img->phnum : 0; break;
    case GB_AT_BASE: val = 0; break;
    case GB_AT_ENTRY: val = img ? img->entry : 0; break;
    case GB_AT_RANDOM:
    case GB_AT_EXECFN:
    case GB_AT_PLATFORM: val = 0, fill = 1; break;
    case GB_AT_HWCAP: val = env->hwcap; break;
    case GB_AT_HWCAP2: val = env->hwcap2; break;
    case GB_AT_MINSIGSTKSZ: val = env->minsigstksz; break;
    case GB_AT_PAGESZ: val = env->pagesz; break;
    case GB_AT_CLKTCK: val = env->clktck; break;
    case GB_AT_UID: val = env->uid; break;
    case GB_AT_EUID: val = env->euid; break;
    case GB_AT_GID: val = env->gid; break;
    case GB_AT_EGID: val = env->egid; break;
    case GB_AT_SECURE: val = env->secure; break;
    case GB_AT_RSEQ_FEATURE_SIZE: val = env->rseq_feature_size; break;
    case GB_AT_RSEQ_ALIGN: val = env->rseq_align; break;
    default: break; /* a tag newer than goboot: keep the host's value */
    }
    if (spec->nauxv >= GB_AUXV_MAX) break;
    spec->auxv[spec->nauxv++] = (gb_auxv_ent){tag, val, fill};
  }
}
