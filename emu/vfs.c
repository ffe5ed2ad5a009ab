/* vfs.c — what the run makes up for the guest's tree (fstree.c puts these files in it):
 *   /sys/kernel/mm/transparent_hugepage/hpage_pmd_size  "2097152\n"
 *   /proc/self/auxv       the auxv bytes of the synthesized stack (pairs + AT_NULL)
 *   /proc/self/exe        the binary itself; readlink gives AT_EXECFN made absolute
 *   /proc/version         a fixed Linux 6.1 banner
 *   /etc/{group,hosts,nsswitch.conf,passwd,resolv.conf}  one user (1000) and localhost
 *   /proc/self/cgroup, /proc/self/mountinfo, the cgroup cpu files: only when the
 *   options configure a cgroup (default none: ENOENT, so Go sees no CPU limit).
 * plus the seeded generator behind /dev/urandom, /dev/random and getrandom, and the fd
 * table's set-up. No host file is ever opened. */
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
    uint64_t v = splitmix(&m->w->fs.rng);
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

/* The fixed user (uid and gid GB_FS_GUEST_UID, as getuid and the auxv say) and a
 * resolver that knows only localhost: os/user, os.UserHomeDir and net's lookups of
 * "localhost" answer from these, never from the host's. */
static const struct { const char *path, *text; } etc_files[] = {
  {"/etc/group", "root:x:0:\nuser:x:1000:\n"},
  {"/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"},
  {"/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"},
  {"/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n"},
  {"/etc/resolv.conf", "nameserver 127.0.0.1\n"},
};

int gb_vfs_open(gb_machine *m, const char *path, char **data, size_t *len) {
  const gb_vfs_opts *v = &m->o.vfs;
  char buf[512];
  *data = NULL;
  *len = 0;
  if (!strcmp(path, "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"))
    return dup_text("2097152\n", data, len);
  for (size_t i = 0; i < sizeof etc_files / sizeof etc_files[0]; i++)
    if (!strcmp(path, etc_files[i].path)) return dup_text(etc_files[i].text, data, len);
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

/* Every generated file, as gb_vfs_open answers for these options (fstree.c puts them
 * in the default tree). */
int gb_vfs_files(gb_machine *m, const char **out, int cap) {
  const gb_vfs_opts *v = &m->o.vfs;
  const char *f[24];
  int n = 0;
  for (size_t i = 0; i < sizeof etc_files / sizeof etc_files[0]; i++) f[n++] = etc_files[i].path;
  f[n++] = "/proc/self/auxv";
  f[n++] = "/proc/self/exe";
  f[n++] = "/proc/version";
  f[n++] = "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size";
  if (v->cgroup_version == 1 || v->cgroup_version == 2) {
    f[n++] = "/proc/self/cgroup";
    if (v->mountinfo) f[n++] = "/proc/self/mountinfo";
  }
  if (v->cgroup_version == 2) f[n++] = "/sys/fs/cgroup/cpu.max";
  if (v->cgroup_version == 1) {
    f[n++] = "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us";
    f[n++] = "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us";
  }
  if (n > cap) n = cap;
  memcpy(out, f, sizeof *f * (size_t)n);
  return n;
}

uint64_t gb_vfs_ino(const char *abs) {
  uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a: stable across runs and hosts */
  for (const char *p = abs; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
  return (h & 0xffffffffULL) | 2; /* never 0 (a deleted entry) nor 1 */
}

void gb_fds_init(gb_machine *m) {
  memset(m->files.fds, 0, sizeof m->files.fds);
  m->w->fs.pipes = NULL;
  m->w->fs.npipes = m->w->fs.cappipes = 0;
  m->files.restarting = 0;
  m->w->fs.stdin_got = NULL;
  m->w->fs.stdin_len = m->w->fs.stdin_cap = m->w->fs.stdin_pos = 0;
  m->w->fs.stdin_eof = m->w->fs.stdin_reads = 0;
  m->files.fds[0].kind = FD_STDIN;
  m->files.fds[1].kind = FD_STDOUT;
  m->files.fds[2].kind = FD_STDERR;
  m->files.fds[1].flags = m->files.fds[2].flags = 1; /* O_WRONLY */
  m->files.fds[0].flags = 0;
  for (int i = 0; i < GB_MAX_FDS; i++) m->files.fds[i].node = -1;
  m->w->fs.rng = m->o.seed ^ 0x6a09e667f3bcc908ULL;
  gb_fs_init(m); /* on failure (host OOM) every path says ENOMEM */
}

void gb_fds_free(gb_machine *m) {
  for (int i = 0; i < GB_MAX_FDS; i++) {
    free(m->files.fds[i].data);
    free(m->files.fds[i].ep);
    free(m->files.fds[i].path);
  }
  memset(m->files.fds, 0, sizeof m->files.fds);
  free(m->files.partial);
  m->files.partial = NULL;
  m->files.npartial = m->files.cappartial = 0;
}

int gb_fds_fork(gb_machine *c, gb_machine *m) {
  for (int i = 0; i < GB_MAX_FDS; i++) {
    gb_fd *f = &c->files.fds[i];
    *f = m->files.fds[i];
    f->data = NULL, f->ep = NULL, f->path = NULL;
    f->share = 0; /* offsets are the child's own from here (files.h) */
    if (f->kind == FD_NONE) continue;
    const gb_fd *pf = &m->files.fds[i];
    if ((pf->data && !(f->data = malloc(pf->len ? pf->len : 1))) ||
        (pf->ep && !(f->ep = malloc(sizeof *pf->ep * (size_t)(pf->nep ? pf->nep : 1)))) ||
        (pf->path && !(f->path = strdup(pf->path)))) {
      f->kind = FD_NONE;
      return -ENOMEM_LINUX;
    }
    if (pf->data) memcpy(f->data, pf->data, pf->len);
    if (pf->ep) memcpy(f->ep, pf->ep, sizeof *pf->ep * (size_t)pf->nep);
    if (f->kind == FD_PIPE_R || f->kind == FD_PIPE_W) gb_pipe_ref(m, f->pipe, f->kind == FD_PIPE_W, 1);
    if (f->kind == FD_SOCKET) gb_sock_ref(m, f->pipe, 1);
    if (f->node >= 0 && (f->kind == FD_FILE || f->kind == FD_DIR)) m->w->fs.nodes[f->node].opens++;
  }
  c->files.cwd = m->files.cwd;
  c->w->fs.nodes[c->files.cwd].opens++;
  c->files.umask = m->files.umask;
  return 0;
}

void gb_fsys_free(gb_machine *m) {
  gb_fs_free(m);
  gb_pipes_free(m);
  gb_stdin_free(m);
}

/* Descriptors made by dup share what Linux keeps in the open file description: the
 * offset and the status flags (O_APPEND, O_NONBLOCK). Each copy holds them; a change
 * through one is copied round the ring. */
void gb_fd_shared(gb_machine *m, gb_fd *f) {
  int self = (int)(f - m->files.fds);
  for (int i = f->share - 1; f->share && i != self; i = m->files.fds[i].share - 1) {
    m->files.fds[i].pos = f->pos;
    m->files.fds[i].flags = f->flags;
  }
}

void gb_fd_unshare(gb_machine *m, int fd) {
  gb_fd *f = &m->files.fds[fd];
  if (!f->share) return;
  int p = f->share - 1;
  while (m->files.fds[p].share - 1 != fd) p = m->files.fds[p].share - 1;
  m->files.fds[p].share = f->share - 1 == p ? 0 : f->share; /* left alone, or skip FD */
  f->share = 0;
}

int gb_fd_alloc(gb_machine *m) {
  for (int i = 0; i < GB_MAX_FDS; i++)
    if (m->files.fds[i].kind == FD_NONE) return i;
  return -EMFILE_LINUX;
}
