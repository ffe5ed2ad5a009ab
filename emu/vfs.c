/* vfs.c — the only files a guest can see, all made up from the run's inputs:
 *   /sys/kernel/mm/transparent_hugepage/hpage_pmd_size  "2097152\n"
 *   /proc/self/auxv       the auxv bytes of the synthesized stack (pairs + AT_NULL)
 *   /proc/self/exe        the binary itself; readlink gives AT_EXECFN made absolute
 *   /proc/version         a fixed Linux 6.1 banner
 *   /dev/urandom, /dev/random   bytes from the seeded generator
 *   /proc/self/cgroup, /proc/self/mountinfo, the cgroup cpu files: only when the
 *   options configure a cgroup (default none: ENOENT, so Go sees no CPU limit).
 * and the directories above them ("/", /dev, /proc, /proc/self, /sys, ...): read-only
 * (mode 0555, owned by root), listed by getdents64 in name order after "." and "..".
 * The working directory is "/" (getcwd); relative paths resolve against it or a
 * directory fd, with ".", ".." and repeated slashes handled as Linux does.
 * Everything else is ENOENT. No host file is ever opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void gb_rng_bytes(gb_machine *m, void *buf, size_t n) {
  unsigned char *p = buf;
  while (n) {
    uint64_t v = splitmix(&m->files.rng);
    size_t k = n < 8 ? n : 8;
    memcpy(p, &v, k);
    p += k;
    n -= k;
  }
}

static int dup_text(const char *s, char **data, size_t *len) {
  *len = strlen(s);
  *data = malloc(*len + 1);
  if (!*data) return -ENOMEM_LINUX;
  memcpy(*data, s, *len + 1);
  return 0;
}

static int cpu_file(const gb_vfs_opts *v, const char *path, char *buf, size_t cap) {
  int64_t period = v->cpu_period_us > 0 ? v->cpu_period_us : 100000;
  if (v->cgroup_version == 2 && !strcmp(path, "/sys/fs/cgroup/cpu.max")) {
    if (v->cpu_quota_us < 0) snprintf(buf, cap, "max %lld\n", (long long)period);
    else snprintf(buf, cap, "%lld %lld\n", (long long)v->cpu_quota_us, (long long)period);
    return 1;
  }
  if (v->cgroup_version == 1) {
    if (!strcmp(path, "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us")) {
      snprintf(buf, cap, "%lld\n", (long long)(v->cpu_quota_us < 0 ? -1 : v->cpu_quota_us));
      return 1;
    }
    if (!strcmp(path, "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us")) {
      snprintf(buf, cap, "%lld\n", (long long)period);
      return 1;
    }
  }
  return 0;
}

int gb_vfs_open(gb_machine *m, const char *path, char **data, size_t *len) {
  const gb_vfs_opts *v = &m->o.vfs;
  char buf[512];
  *data = NULL;
  *len = 0;
  if (!strcmp(path, "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"))
    return dup_text("2097152\n", data, len);
  if (!strcmp(path, "/proc/version"))
    return dup_text("Linux version 6.1.0-goboot (goboot@goboot) (gcc version 12.2.0) #1 SMP "
                    "PREEMPT_DYNAMIC Thu Jan 1 00:00:00 UTC 2023\n", data, len);
  if (!strcmp(path, "/proc/self/auxv")) {
    const gb_stack *st = m->stack;
    if (st->auxv_end < st->auxv_addr || st->auxv_addr < st->base) return -ENOENT_LINUX;
    *len = st->auxv_end - st->auxv_addr;
    *data = malloc(*len ? *len : 1);
    if (!*data) return -ENOMEM_LINUX;
    memcpy(*data, st->bytes + (st->auxv_addr - st->base), *len);
    return 0;
  }
  if (!strcmp(path, "/proc/self/exe")) { /* the binary being run: nothing of the host */
    *len = m->img->size;
    *data = malloc(*len ? *len : 1);
    if (!*data) return -ENOMEM_LINUX;
    memcpy(*data, m->img->bytes, *len);
    return 0;
  }
  if (!strcmp(path, "/dev/urandom") || !strcmp(path, "/dev/random")) return 1; /* a stream */
  if (v->cgroup_version == 1 || v->cgroup_version == 2) {
    if (!strcmp(path, "/proc/self/cgroup"))
      return dup_text(v->cgroup_version == 2 ? "0::/\n" : "4:cpu,cpuacct:/\n", data, len);
    if (!strcmp(path, "/proc/self/mountinfo") && v->mountinfo)
      return dup_text(v->cgroup_version == 2
                          ? "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 "
                            "- cgroup2 cgroup2 rw\n"
                          : "30 24 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime "
                            "shared:4 - cgroup cgroup rw,cpu,cpuacct\n",
                      data, len);
    if (cpu_file(v, path, buf, sizeof buf)) return dup_text(buf, data, len);
  }
  return -ENOENT_LINUX;
}

/* Every virtual file, as gb_vfs_open answers for these options (the tree's leaves). */
static int vfs_files(const gb_vfs_opts *v, const char **out) {
  int n = 0;
  out[n++] = "/dev/random";
  out[n++] = "/dev/urandom";
  out[n++] = "/proc/self/auxv";
  out[n++] = "/proc/self/exe";
  out[n++] = "/proc/version";
  out[n++] = "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size";
  if (v->cgroup_version == 1 || v->cgroup_version == 2) {
    out[n++] = "/proc/self/cgroup";
    if (v->mountinfo) out[n++] = "/proc/self/mountinfo";
  }
  if (v->cgroup_version == 2) out[n++] = "/sys/fs/cgroup/cpu.max";
  if (v->cgroup_version == 1) {
    out[n++] = "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us";
    out[n++] = "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us";
  }
  return n;
}
#define VFS_MAX_FILES 16

int gb_vfs_type(gb_machine *m, const char *abs) {
  const char *f[VFS_MAX_FILES];
  int n = vfs_files(&m->o.vfs, f);
  if (!strcmp(abs, "/")) return GB_VFS_DIR;
  size_t k = strlen(abs);
  for (int i = 0; i < n; i++) {
    if (!strcmp(f[i], abs)) return !strncmp(abs, "/dev/", 5) ? GB_VFS_CHR : GB_VFS_FILE;
    if (!strncmp(f[i], abs, k) && f[i][k] == '/') return GB_VFS_DIR;
  }
  return GB_VFS_NONE;
}

int gb_vfs_resolve(gb_machine *m, int64_t dirfd, const char *path, char *out, size_t cap) {
  if (!path[0]) return -ENOENT_LINUX;
  if (cap < 2) return -ENAMETOOLONG_LINUX;
  size_t len = 0;
  if (path[0] != '/' && dirfd != AT_FDCWD_LINUX) {
    if (dirfd < 0 || dirfd >= GB_MAX_FDS || m->files.fds[dirfd].kind == FD_NONE) return -EBADF_LINUX;
    if (m->files.fds[dirfd].kind != FD_DIR) return -ENOTDIR_LINUX;
    len = strlen(m->files.fds[dirfd].path);
    if (len >= cap) return -ENAMETOOLONG_LINUX;
    memcpy(out, m->files.fds[dirfd].path, len + 1);
    if (len == 1) len = 0; /* "/" */
  }
  /* out[0..len) is a resolved directory ("" for the root); add the components one by one */
  out[len] = 0;
  const char *p = path;
  int want_dir = 0;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) { want_dir = 1; break; }
    const char *e = p;
    while (*e && *e != '/') e++;
    size_t cl = (size_t)(e - p);
    if (cl > 255) return -ENAMETOOLONG_LINUX;
    if (cl == 1 && p[0] == '.') {
      want_dir = 1;
    } else if (cl == 2 && p[0] == '.' && p[1] == '.') {
      while (len > 0 && out[len - 1] != '/') len--;
      if (len > 0) len--;
      out[len] = 0;
      want_dir = 1;
    } else {
      if (len + 1 + cl + 1 > cap) return -ENAMETOOLONG_LINUX;
      out[len++] = '/';
      memcpy(out + len, p, cl);
      len += cl;
      out[len] = 0;
      want_dir = 0;
    }
    p = e;
    if (*p) { /* more follows: what we have must be a directory */
      int t = gb_vfs_type(m, len ? out : "/");
      if (t == GB_VFS_NONE) return -ENOENT_LINUX;
      if (t != GB_VFS_DIR) return -ENOTDIR_LINUX;
    }
  }
  if (len == 0) { out[0] = '/'; out[1] = 0; }
  int t = gb_vfs_type(m, out);
  if (want_dir && t != GB_VFS_NONE && t != GB_VFS_DIR) return -ENOTDIR_LINUX;
  return t;
}

int gb_vfs_list(gb_machine *m, const char *dir, gb_vfs_dirent *ents, int cap) {
  const char *f[VFS_MAX_FILES];
  int n = vfs_files(&m->o.vfs, f), k = 0;
  size_t dl = strcmp(dir, "/") ? strlen(dir) : 0;
  if (cap < 2) return 0;
  snprintf(ents[k].name, sizeof ents[k].name, ".");
  ents[k++].type = GB_VFS_DIR;
  snprintf(ents[k].name, sizeof ents[k].name, "..");
  ents[k++].type = GB_VFS_DIR;
  for (int i = 0; i < n; i++) {
    if (strncmp(f[i], dir, dl) || f[i][dl] != '/') continue;
    const char *c = f[i] + dl + 1, *e = strchr(c, '/');
    size_t cl = e ? (size_t)(e - c) : strlen(c);
    if (cl >= sizeof ents[0].name) continue;
    int dup = 0;
    for (int j = 2; j < k; j++)
      if (strlen(ents[j].name) == cl && !strncmp(ents[j].name, c, cl)) dup = 1;
    if (dup || k >= cap) continue;
    memcpy(ents[k].name, c, cl);
    ents[k].name[cl] = 0;
    ents[k].type = e ? GB_VFS_DIR : !strncmp(f[i], "/dev/", 5) ? GB_VFS_CHR : GB_VFS_FILE;
    /* keep the entries after "." and ".." in name order (insertion sort) */
    for (int j = k; j > 2 && strcmp(ents[j - 1].name, ents[j].name) > 0; j--) {
      gb_vfs_dirent t = ents[j];
      ents[j] = ents[j - 1];
      ents[j - 1] = t;
    }
    k++;
  }
  return k;
}

uint64_t gb_vfs_ino(const char *abs) {
  uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a: stable across runs and hosts */
  for (const char *p = abs; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
  return (h & 0xffffffffULL) | 2; /* never 0 (a deleted entry) nor 1 */
}

void gb_fds_init(gb_machine *m) {
  memset(m->files.fds, 0, sizeof m->files.fds);
  m->files.fds[0].kind = FD_STDIN;
  m->files.fds[1].kind = FD_STDOUT;
  m->files.fds[2].kind = FD_STDERR;
  m->files.fds[1].flags = m->files.fds[2].flags = 1; /* O_WRONLY */
  m->files.fds[0].flags = 0;
  m->files.rng = m->o.seed ^ 0x6a09e667f3bcc908ULL;
}

void gb_fds_free(gb_machine *m) {
  for (int i = 0; i < GB_MAX_FDS; i++) {
    free(m->files.fds[i].data);
    free(m->files.fds[i].ep);
    free(m->files.fds[i].path);
  }
  memset(m->files.fds, 0, sizeof m->files.fds);
}

int gb_fd_alloc(gb_machine *m) {
  for (int i = 0; i < GB_MAX_FDS; i++)
    if (m->files.fds[i].kind == FD_NONE) return i;
  return -EMFILE_LINUX;
}
