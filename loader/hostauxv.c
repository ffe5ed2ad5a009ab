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
    if (words[i] == AT_NULL_LINUX) {
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
  for (size_t i = 0; i + 1 < n; i += 2) gb_auxv_env_store(env, w[i], w[i + 1]);
  return 0;
}

void gb_auxv_defaults_host(gb_stack_spec *spec, const gb_image *img, const gb_auxv_env *env,
                           const uint64_t *host, size_t nwords) {
  spec->nauxv = 0;
  for (size_t i = 0; i + 1 < nwords && host[i] != AT_NULL_LINUX; i += 2) {
    const gb_auxv_tag *t = gb_auxv_tag_of(host[i]);
    gb_auxv_ent e = {host[i], host[i + 1], 0};
    /* A tag newer than goboot, or one it has no value of its own for, keeps the
     * host's value; the others take goboot's, or are left out as a kernel would. */
    if (t && t->source != GB_AUXV_HOST_VALUE && !gb_auxv_value(t->tag, img, env, &e)) continue;
    if (spec->nauxv >= GB_AUXV_MAX) break;
    spec->auxv[spec->nauxv++] = e;
  }
}
