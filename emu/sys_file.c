/* sys_file.c — file descriptors over the virtual files (vfs.c): the standard streams
 * (output captured and optionally echoed), virtual files, and the pipes, eventfds and
 * epoll sets the netpoller creates. Nothing here touches a host file. */
#include <stdlib.h>
#include <string.h>

#include "sys.h"

#define CHUNK (1u << 20)

static gb_fd *getfd(gb_machine *m, uint64_t fd) {
  if (fd >= GB_MAX_FDS || m->files.fds[fd].kind == FD_NONE) return NULL;
  return &m->files.fds[fd];
}

static int64_t read_into(gb_machine *m, gb_fd *f, uint64_t buf, uint64_t n, uint64_t off,
                         int use_off) {
  if (n > CHUNK) n = CHUNK;
  if (f->kind == FD_STDIN) return 0;
  if (f->kind == FD_DIR) return -EISDIR_LINUX;
  if (f->kind == FD_FILE && f->urandom) {
    unsigned char tmp[4096];
    uint64_t done = 0;
    while (done < n) {
      size_t k = n - done < sizeof tmp ? (size_t)(n - done) : sizeof tmp;
      gb_rng_bytes(m, tmp, k);
      if (gb_write(m, buf + done, tmp, k) < 0) return done ? (int64_t)done : -EFAULT_LINUX;
      done += k;
    }
    return (int64_t)n;
  }
  if (f->kind == FD_FILE) {
    size_t pos = use_off ? (size_t)off : f->pos;
    if (pos >= f->len) return 0;
    size_t k = f->len - pos < n ? f->len - pos : (size_t)n;
    if (gb_write(m, buf, f->data + pos, k) < 0) return -EFAULT_LINUX;
    if (!use_off) f->pos += k;
    return (int64_t)k;
  }
  if (f->kind == FD_PIPE_R) {
    gb_pipe *p = &m->files.pipes[f->pipe];
    if (p->len == 0) return p->open_w ? -EAGAIN_LINUX : 0;
    size_t k = p->len < n ? p->len : (size_t)n;
    if (gb_write(m, buf, p->buf, k) < 0) return -EFAULT_LINUX;
    memmove(p->buf, p->buf + k, p->len - k);
    p->len -= k;
    return (int64_t)k;
  }
  if (f->kind == FD_EVENTFD) {
    if (n < 8) return -EINVAL_LINUX;
    if (f->counter == 0) return -EAGAIN_LINUX;
    if (gb_write_u64(m, buf, f->counter) < 0) return -EFAULT_LINUX;
    f->counter = 0;
    return 8;
  }
  return -EINVAL_LINUX;
}

int64_t gb_sys_read(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  return read_into(m, f, a[1], a[2], 0, 0);
}

int64_t gb_sys_pread64(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if (f->kind == FD_DIR) return -EISDIR_LINUX;
  if (f->kind != FD_FILE || f->urandom) return -ESPIPE_LINUX;
  if ((int64_t)a[3] < 0) return -EINVAL_LINUX;
  return read_into(m, f, a[1], a[2], a[3], 1);
}

static int64_t write_from(gb_machine *m, int fdn, uint64_t buf, uint64_t n) {
  gb_fd *f = getfd(m, (uint64_t)fdn);
  if (!f) return -EBADF_LINUX;
  if (f->kind == FD_STDOUT || f->kind == FD_STDERR) {
    char tmp[4096];
    uint64_t done = 0;
    while (done < n && done < (64u << 20)) {
      size_t k = n - done < sizeof tmp ? (size_t)(n - done) : sizeof tmp;
      if (gb_read(m, buf + done, tmp, k) < 0) return done ? (int64_t)done : -EFAULT_LINUX;
      gb_trace_output(m, f->kind == FD_STDOUT ? 1 : 2, tmp, k);
      done += k;
    }
    return (int64_t)done;
  }
  if (f->kind == FD_PIPE_W) {
    gb_pipe *p = &m->files.pipes[f->pipe];
    if (!p->open_r) return -EPIPE_LINUX;
    size_t room = sizeof p->buf - p->len;
    if (room == 0) return -EAGAIN_LINUX;
    size_t k = n < room ? (size_t)n : room;
    if (gb_read(m, buf, p->buf + p->len, k) < 0) return -EFAULT_LINUX;
    p->len += k;
    gb_wake_epoll(m);
    return (int64_t)k;
  }
  if (f->kind == FD_EVENTFD) {
    uint64_t v;
    if (n < 8) return -EINVAL_LINUX;
    if (gb_read_u64(m, buf, &v) < 0) return -EFAULT_LINUX;
    f->counter += v;
    gb_wake_epoll(m);
    return 8;
  }
  return -EBADF_LINUX;
}

int64_t gb_sys_write(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return write_from(m, (int)a[0], a[1], a[2]);
}

int64_t gb_sys_writev(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[2] > 1024) return -EINVAL_LINUX;
  int64_t total = 0;
  for (uint64_t i = 0; i < a[2]; i++) {
    uint64_t iov[2];
    if (gb_read(m, a[1] + 16 * i, iov, 16) < 0) return total ? total : -EFAULT_LINUX;
    int64_t r = write_from(m, (int)a[0], iov[0], iov[1]);
    if (r < 0) return total ? total : r;
    total += r;
    if ((uint64_t)r < iov[1]) break;
  }
  return total;
}

/* The guest path at PATH_ADDR relative to DIRFD, resolved in the virtual tree (vfs.c):
 * its GB_VFS_* type with the absolute path in ABS, or -errno. */
static int resolve(gb_machine *m, uint64_t dirfd, uint64_t path_addr, char *abs, size_t cap) {
  char path[4096];
  if (gb_read_str(m, path_addr, path, sizeof path) < 0) return -EFAULT_LINUX;
  return gb_vfs_resolve(m, (int32_t)dirfd, path, abs, cap);
}

static int64_t do_open(gb_machine *m, uint64_t dirfd, uint64_t path_addr, uint64_t flags,
                       cJSON *ev) {
  char path[4096];
  int t = resolve(m, dirfd, path_addr, path, sizeof path);
  if (t < 0) return t;
  if (t == GB_VFS_NONE) return (flags & O_CREAT_LINUX) ? -EACCES_LINUX : -ENOENT_LINUX; /* no new files */
  if ((flags & O_DIRECTORY_LINUX) && t != GB_VFS_DIR) return -ENOTDIR_LINUX;
  if (t == GB_VFS_DIR) {
    if ((flags & O_ACCMODE_LINUX) != 0) return -EISDIR_LINUX;
    int fd = gb_fd_alloc(m);
    if (fd < 0) return fd;
    gb_fd *f = &m->files.fds[fd];
    memset(f, 0, sizeof *f);
    f->kind = FD_DIR;
    f->flags = (uint32_t)(flags & ~O_CLOEXEC_LINUX);
    f->fdflags = (flags & O_CLOEXEC_LINUX) ? FD_CLOEXEC_LINUX : 0;
    f->path = strdup(path);
    if (!f->path) {
      f->kind = FD_NONE;
      return -ENOMEM_LINUX;
    }
    if (ev) cJSON_AddBoolToObject(ev, "virtual", 1);
    return fd;
  }
  char *data;
  size_t len;
  int r = gb_vfs_open(m, path, &data, &len);
  if (r < 0) return r;
  if ((flags & O_ACCMODE_LINUX) != 0) {
    free(data);
    return -EACCES_LINUX; /* every virtual file is read-only */
  }
  int fd = gb_fd_alloc(m);
  if (fd < 0) {
    free(data);
    return fd;
  }
  gb_fd *f = &m->files.fds[fd];
  memset(f, 0, sizeof *f);
  f->kind = FD_FILE;
  f->urandom = r == 1;
  f->data = data;
  f->len = len;
  f->flags = (uint32_t)(flags & ~O_CLOEXEC_LINUX);
  f->fdflags = (flags & O_CLOEXEC_LINUX) ? FD_CLOEXEC_LINUX : 0;
  f->path = strdup(path);
  if (ev) cJSON_AddBoolToObject(ev, "virtual", 1);
  return fd;
}

int64_t gb_sys_open(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return do_open(m, (uint64_t)AT_FDCWD_LINUX, a[0], a[1], ev);
}
int64_t gb_sys_openat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return do_open(m, a[0], a[1], a[2], ev);
}

static void release(gb_machine *m, gb_fd *f) {
  if (f->kind == FD_PIPE_R) m->files.pipes[f->pipe].open_r = 0;
  if (f->kind == FD_PIPE_W) m->files.pipes[f->pipe].open_w = 0;
  free(f->data);
  free(f->ep);
  free(f->path);
  memset(f, 0, sizeof *f);
}

int64_t gb_sys_close(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  release(m, f);
  return 0;
}

/* Write the guest's struct stat; the trace shows what it was told (the syscall's "out"). */
static int64_t fill_stat(gb_machine *m, cJSON *ev, uint64_t buf, uint32_t mode, uint64_t size,
                         uint64_t ino) {
  unsigned char st[144];
  memset(st, 0, sizeof st);
  /* struct stat (x86-64): st_dev 0, st_ino 8, st_nlink 16, st_mode 24, st_rdev 40,
   * st_size 48, st_blksize 56, st_blocks 64; times, uid and gid stay 0 */
  uint64_t dev = 0x16, nlink = (mode & S_IFMT_LINUX) == S_IFDIR_LINUX ? 2 : 1, blksize = 4096;
  uint64_t blocks = (size + 511) / 512;
  uint64_t rdev = (mode & S_IFMT_LINUX) == S_IFCHR_LINUX ? 0x8800 : 0; /* 136:0, /dev/pts/0 */
  memcpy(st + 0, &dev, 8);
  memcpy(st + 8, &ino, 8);
  memcpy(st + 16, &nlink, 8);
  memcpy(st + 24, &mode, 4);
  memcpy(st + 40, &rdev, 8);
  memcpy(st + 48, &size, 8);
  memcpy(st + 56, &blksize, 8);
  memcpy(st + 64, &blocks, 8);
  if (gb_write(m, buf, st, sizeof st) < 0) return -EFAULT_LINUX;
  if (ev) {
    char o[16];
    cJSON *out = cJSON_AddObjectToObject(ev, "out");
    snprintf(o, sizeof o, "0%o", (unsigned)mode);
    cJSON_AddStringToObject(out, "mode", o);
    cJSON_AddNumberToObject(out, "size", (double)size);
    cJSON_AddItemToObject(out, "ino", gb_hex(ino));
  }
  return 0;
}

int64_t gb_sys_fstat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  gb_fd *f = getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  switch (f->kind) {
  case FD_STDIN: case FD_STDOUT: case FD_STDERR:
    return fill_stat(m, ev, a[1], S_IFCHR_LINUX | 0620, 0, 3 + a[0]); /* a character device, like a tty */
  case FD_FILE: return fill_stat(m, ev, a[1], f->urandom ? S_IFCHR_LINUX | 0666 : S_IFREG_LINUX | 0444, f->len, gb_vfs_ino(f->path));
  case FD_DIR: return fill_stat(m, ev, a[1], S_IFDIR_LINUX | 0555, 4096, gb_vfs_ino(f->path));
  case FD_PIPE_R: case FD_PIPE_W: return fill_stat(m, ev, a[1], S_IFIFO_LINUX | 0600, 0, 200 + a[0]);
  default: return fill_stat(m, ev, a[1], 0000600, 0, 300 + a[0]);
  }
}

static int64_t stat_path(gb_machine *m, cJSON *ev, uint64_t dirfd, uint64_t path_addr,
                         uint64_t buf) {
  char path[4096];
  int t = resolve(m, dirfd, path_addr, path, sizeof path);
  if (t < 0) return t;
  if (t == GB_VFS_NONE) return -ENOENT_LINUX;
  if (t == GB_VFS_DIR) return fill_stat(m, ev, buf, S_IFDIR_LINUX | 0555, 4096, gb_vfs_ino(path));
  char *data;
  size_t len;
  int r = gb_vfs_open(m, path, &data, &len);
  if (r < 0) return r;
  free(data);
  return fill_stat(m, ev, buf, r == 1 ? S_IFCHR_LINUX | 0666 : S_IFREG_LINUX | 0444, len, gb_vfs_ino(path));
}

int64_t gb_sys_stat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return stat_path(m, ev, (uint64_t)AT_FDCWD_LINUX, a[0], a[1]);
}

int64_t gb_sys_newfstatat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  char c = 1;
  if ((a[3] & AT_EMPTY_PATH_LINUX) && gb_read(m, a[1], &c, 1) == 0 && c == 0) {
    uint64_t b[2] = {a[0], a[2]};
    return gb_sys_fstat(m, b, ev);
  }
  return stat_path(m, ev, a[0], a[1], a[2]);
}

int64_t gb_sys_lseek(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if (f->kind == FD_DIR) { /* a position in the listing: only a rewind or a return */
    if (a[2] != 0 || (int64_t)a[1] < 0) return -EINVAL_LINUX;
    f->pos = (size_t)a[1];
    return (int64_t)a[1];
  }
  if (f->kind != FD_FILE || f->urandom) return -ESPIPE_LINUX;
  int64_t base = a[2] == SEEK_SET_LINUX ? 0 : a[2] == SEEK_CUR_LINUX ? (int64_t)f->pos
                 : a[2] == SEEK_END_LINUX ? (int64_t)f->len : -1;
  if (base < 0) return -EINVAL_LINUX;
  int64_t np = base + (int64_t)a[1];
  if (np < 0) return -EINVAL_LINUX;
  f->pos = (size_t)np;
  return np;
}

static int64_t dup_to(gb_machine *m, gb_fd *f, int to) {
  gb_fd *t = &m->files.fds[to];
  if (t->kind != FD_NONE) release(m, t);
  *t = *f;
  t->data = NULL;
  t->ep = NULL;
  t->path = f->path ? strdup(f->path) : NULL;
  if (f->data) {
    t->data = malloc(f->len ? f->len : 1);
    if (!t->data) return -ENOMEM_LINUX;
    memcpy(t->data, f->data, f->len);
  }
  if (f->ep) {
    t->ep = malloc(sizeof *f->ep * (size_t)(f->nep ? f->nep : 1));
    if (!t->ep) return -ENOMEM_LINUX;
    memcpy(t->ep, f->ep, sizeof *f->ep * (size_t)f->nep);
  }
  t->fdflags = 0;
  return to;
}

int64_t gb_sys_fcntl(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  switch (a[1]) {
  case F_DUPFD_LINUX: case F_DUPFD_CLOEXEC_LINUX: {
    for (uint64_t i = a[2]; i < GB_MAX_FDS; i++)
      if (m->files.fds[i].kind == FD_NONE) {
        int64_t r = dup_to(m, f, (int)i);
        if (r >= 0 && a[1] == F_DUPFD_CLOEXEC_LINUX) m->files.fds[i].fdflags = FD_CLOEXEC_LINUX;
        return r;
      }
    return -EMFILE_LINUX;
  }
  case F_GETFD_LINUX: return f->fdflags;
  case F_SETFD_LINUX: f->fdflags = (int)(a[2] & FD_CLOEXEC_LINUX); return 0;
  case F_GETFL_LINUX: /* the standard streams look like a terminal opened O_RDWR */
    if (f->kind == FD_STDIN || f->kind == FD_STDOUT || f->kind == FD_STDERR)
      return O_RDWR_LINUX | (f->flags & O_NONBLOCK_LINUX);
    return f->flags;
  case F_SETFL_LINUX: f->flags = (f->flags & O_ACCMODE_LINUX) | (uint32_t)(a[2] & ~(uint64_t)O_ACCMODE_LINUX); return 0;
  default: return -EINVAL_LINUX;
  }
}

int64_t gb_sys_ioctl(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return getfd(m, a[0]) ? -ENOTTY_LINUX : -EBADF_LINUX;
}

static int64_t exists(gb_machine *m, uint64_t dirfd, uint64_t path_addr) {
  char path[4096];
  int t = resolve(m, dirfd, path_addr, path, sizeof path);
  return t < 0 ? t : t == GB_VFS_NONE ? -ENOENT_LINUX : t;
}

/* mode: R_OK 4, W_OK 2, X_OK 1. The tree is root's and read-only: uid 1000 may read
 * everything, search the directories, write nothing (the urandom devices are 0666). */
static int64_t access_mode(gb_machine *m, uint64_t dirfd, uint64_t path_addr, uint64_t mode) {
  if (mode & ~(uint64_t)(R_OK_LINUX | W_OK_LINUX | X_OK_LINUX)) return -EINVAL_LINUX;
  int64_t t = exists(m, dirfd, path_addr);
  if (t < 0) return t;
  if ((mode & W_OK_LINUX) && t != GB_VFS_CHR) return -EACCES_LINUX;
  if ((mode & X_OK_LINUX) && t != GB_VFS_DIR) return -EACCES_LINUX;
  return 0;
}

int64_t gb_sys_access(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return access_mode(m, (uint64_t)AT_FDCWD_LINUX, a[0], a[1]);
}
int64_t gb_sys_faccessat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return access_mode(m, a[0], a[1], a[2]);
}
/* The executable's path as the kernel's d_path would give it: AT_EXECFN (the path
 * execve was given) made absolute against the working directory "/", with ".", ".."
 * and repeated slashes folded. Read from the stack image goboot built, not from guest
 * memory, which the guest may have changed. */
static size_t exe_path(gb_machine *m, char *out, size_t cap) {
  const gb_stack *st = m->stack;
  const char *fn = "";
  if (st->execfn_addr >= st->base && st->execfn_addr < st->base + st->size)
    fn = (const char *)st->bytes + (st->execfn_addr - st->base);
  size_t len = 0, avail = st->base + st->size - st->execfn_addr;
  for (const char *p = fn; *p && (size_t)(p - fn) < avail;) {
    while (*p == '/') p++;
    const char *e = p;
    while (*e && *e != '/') e++;
    size_t cl = (size_t)(e - p);
    if (cl == 2 && p[0] == '.' && p[1] == '.') {
      while (len > 0 && out[len - 1] != '/') len--;
      if (len > 0) len--;
    } else if (cl && !(cl == 1 && p[0] == '.') && len + 1 + cl < cap) {
      out[len++] = '/';
      memcpy(out + len, p, cl);
      len += cl;
    }
    p = e;
  }
  if (len == 0) out[len++] = '/';
  out[len] = 0;
  return len;
}

/* /proc/self/exe is the only symlink; every other virtual path is not one (EINVAL). */
static int64_t do_readlink(gb_machine *m, uint64_t dirfd, uint64_t path_addr, uint64_t buf,
                           uint64_t bufsiz, cJSON *ev) {
  char abs[4096];
  int t = resolve(m, dirfd, path_addr, abs, sizeof abs);
  if (t < 0) return t;
  if (strcmp(abs, "/proc/self/exe") != 0) return t == GB_VFS_NONE ? -ENOENT_LINUX : -EINVAL_LINUX;
  if ((int64_t)bufsiz <= 0) return -EINVAL_LINUX;
  char target[4096];
  size_t n = exe_path(m, target, sizeof target);
  if (ev) cJSON_AddStringToObject(ev, "target", target);
  if (n > bufsiz) n = bufsiz; /* readlink truncates silently */
  return gb_write(m, buf, target, n) < 0 ? -EFAULT_LINUX : (int64_t)n;
}

int64_t gb_sys_readlink(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return do_readlink(m, (uint64_t)AT_FDCWD_LINUX, a[0], a[1], a[2], ev);
}
int64_t gb_sys_readlinkat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return do_readlink(m, a[0], a[1], a[2], a[3], ev);
}

/* The working directory is the virtual root, always (no chdir). */
int64_t gb_sys_getcwd(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[1] < 2) return -ERANGE_LINUX;
  return gb_write(m, a[0], "/", 2) < 0 ? -EFAULT_LINUX : 2;
}

/* Nothing can be created: an existing name is EEXIST, otherwise its (existing, virtual)
 * parent directory is root's and not writable by uid 1000: EACCES. */
static int64_t do_mkdir(gb_machine *m, uint64_t dirfd, uint64_t path_addr) {
  char path[4096];
  int t = resolve(m, dirfd, path_addr, path, sizeof path);
  if (t < 0) return t; /* a missing or non-directory parent */
  return t == GB_VFS_NONE ? -EACCES_LINUX : -EEXIST_LINUX;
}

int64_t gb_sys_mkdir(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_mkdir(m, (uint64_t)AT_FDCWD_LINUX, a[0]);
}
int64_t gb_sys_mkdirat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_mkdir(m, a[0], a[1]);
}

int64_t gb_sys_dup(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  int to = gb_fd_alloc(m);
  return to < 0 ? to : dup_to(m, f, to);
}

int64_t gb_sys_dup3(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f || a[1] >= GB_MAX_FDS) return -EBADF_LINUX;
  if (a[0] == a[1]) return -EINVAL_LINUX;
  int64_t r = dup_to(m, f, (int)a[1]);
  if (r >= 0 && (a[2] & O_CLOEXEC_LINUX)) m->files.fds[a[1]].fdflags = FD_CLOEXEC_LINUX;
  return r;
}

int64_t gb_sys_dup2(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f || a[1] >= GB_MAX_FDS) return -EBADF_LINUX;
  if (a[0] == a[1]) return (int64_t)a[1];
  return dup_to(m, f, (int)a[1]);
}

int64_t gb_sys_pipe2(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (m->files.npipes >= GB_MAX_PIPES) return -ENFILE_LINUX;
  int r = gb_fd_alloc(m);
  if (r < 0) return r;
  m->files.fds[r].kind = FD_PIPE_R; /* reserve before looking for the second */
  int w = gb_fd_alloc(m);
  if (w < 0) {
    m->files.fds[r].kind = FD_NONE;
    return w;
  }
  int32_t fds[2] = {r, w};
  if (gb_write(m, a[0], fds, sizeof fds) < 0) {
    m->files.fds[r].kind = FD_NONE;
    return -EFAULT_LINUX;
  }
  int p = m->files.npipes++;
  memset(&m->files.pipes[p], 0, sizeof m->files.pipes[p]);
  m->files.pipes[p].open_r = m->files.pipes[p].open_w = 1;
  gb_fd *fr = &m->files.fds[r], *fw = &m->files.fds[w];
  memset(fw, 0, sizeof *fw);
  fr->kind = FD_PIPE_R;
  fw->kind = FD_PIPE_W;
  fr->pipe = fw->pipe = p;
  fr->flags = (uint32_t)(a[1] & O_NONBLOCK_LINUX);
  fw->flags = O_WRONLY_LINUX | (uint32_t)(a[1] & O_NONBLOCK_LINUX);
  fr->fdflags = fw->fdflags = (a[1] & O_CLOEXEC_LINUX) ? FD_CLOEXEC_LINUX : 0;
  return 0;
}

int64_t gb_sys_pipe(gb_machine *m, const uint64_t *a, cJSON *ev) {
  uint64_t b[2] = {a[0], 0};
  return gb_sys_pipe2(m, b, ev);
}

/* A fresh descriptor of KIND, close-on-exec when FLAGS has O_CLOEXEC; NULL and *fd =
 * -errno when the table is full. */
static gb_fd *fd_new(gb_machine *m, gb_fd_kind kind, uint64_t flags, int *fd) {
  if ((*fd = gb_fd_alloc(m)) < 0) return NULL;
  gb_fd *f = &m->files.fds[*fd];
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->fdflags = (flags & O_CLOEXEC_LINUX) ? FD_CLOEXEC_LINUX : 0;
  return f;
}

int64_t gb_sys_eventfd2(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  int fd;
  gb_fd *f = fd_new(m, FD_EVENTFD, a[1], &fd);
  if (!f) return fd;
  f->counter = (uint32_t)a[0];
  f->flags = O_RDWR_LINUX | (uint32_t)(a[1] & O_NONBLOCK_LINUX);
  return fd;
}

int64_t gb_sys_epoll_create1(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  int fd;
  fd_new(m, FD_EPOLL, a[0], &fd);
  return fd;
}

int64_t gb_sys_epoll_create(gb_machine *m, const uint64_t *a, cJSON *ev) {
  if ((int64_t)a[0] <= 0) return -EINVAL_LINUX;
  uint64_t b[1] = {0};
  return gb_sys_epoll_create1(m, b, ev);
}

int64_t gb_sys_epoll_ctl(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *e = getfd(m, a[0]);
  if (!e || !getfd(m, a[2])) return -EBADF_LINUX;
  if (e->kind != FD_EPOLL) return -EINVAL_LINUX;
  int idx = -1;
  for (int i = 0; i < e->nep; i++)
    if (e->ep[i].fd == (int)a[2]) idx = i;
  unsigned char raw[12];
  if (a[1] != 2 && gb_read(m, a[3], raw, sizeof raw) < 0) return -EFAULT_LINUX;
  gb_epoll_ent ent = {(int)a[2], 0, 0};
  memcpy(&ent.events, raw, 4);
  memcpy(&ent.data, raw + 4, 8);
  switch (a[1]) {
  case EPOLL_CTL_ADD_LINUX: {
    if (idx >= 0) return -EEXIST_LINUX;
    gb_epoll_ent *n = realloc(e->ep, sizeof *n * (size_t)(e->nep + 1));
    if (!n) return -ENOMEM_LINUX;
    e->ep = n;
    e->ep[e->nep++] = ent;
    return 0;
  }
  case EPOLL_CTL_DEL_LINUX:
    if (idx < 0) return -ENOENT_LINUX;
    e->ep[idx] = e->ep[--e->nep];
    return 0;
  case EPOLL_CTL_MOD_LINUX:
    if (idx < 0) return -ENOENT_LINUX;
    e->ep[idx] = ent;
    return 0;
  default: return -EINVAL_LINUX;
  }
}

static int readable(gb_machine *m, int fd) {
  gb_fd *f = getfd(m, (uint64_t)fd);
  if (!f) return 0;
  if (f->kind == FD_PIPE_R) return m->files.pipes[f->pipe].len > 0 || !m->files.pipes[f->pipe].open_w;
  if (f->kind == FD_EVENTFD) return f->counter > 0;
  return 0;
}

int64_t gb_sys_epoll_pwait(gb_machine *m, const uint64_t *a, cJSON *ev) {
  gb_fd *e = getfd(m, a[0]);
  if (!e) return -EBADF_LINUX;
  if (e->kind != FD_EPOLL || (int64_t)a[2] <= 0) return -EINVAL_LINUX;
  int n = 0;
  for (int i = 0; i < e->nep && n < (int)a[2]; i++) {
    if (!(e->ep[i].events & EPOLLIN_LINUX) || !readable(m, e->ep[i].fd)) continue;
    unsigned char raw[12];
    uint32_t evs = 1;
    memcpy(raw, &evs, 4);
    memcpy(raw + 4, &e->ep[i].data, 8);
    if (gb_write(m, a[1] + 12u * (unsigned)n, raw, sizeof raw) < 0) return -EFAULT_LINUX;
    n++;
  }
  int timeout = (int)a[3];
  if (n > 0 || timeout == 0) return n;
  if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
  gb_block(m, TH_EPOLL, timeout < 0 ? GB_NEVER : gb_now_ns(m) + (uint64_t)timeout * 1000000ULL);
  return 0;
}

/* struct linux_dirent64 records { ino, off, reclen, type, name NUL } padded to 8 bytes;
 * f->pos = entries already returned; d_off = the position after the entry. */
int64_t gb_sys_getdents64(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if (f->kind != FD_DIR) return -ENOTDIR_LINUX;
  gb_vfs_dirent ents[24];
  int n = gb_vfs_list(m, f->path, ents, 24);
  uint64_t used = 0;
  while (f->pos < (size_t)n) {
    const gb_vfs_dirent *d = &ents[f->pos];
    size_t nl = strlen(d->name);
    uint16_t reclen = (uint16_t)((19 + nl + 1 + 7) & ~(size_t)7);
    if (used + reclen > a[2]) {
      if (used == 0) return -EINVAL_LINUX; /* the buffer cannot hold one entry */
      break;
    }
    unsigned char rec[96];
    memset(rec, 0, sizeof rec);
    char full[4096];
    if (!strcmp(d->name, ".")) snprintf(full, sizeof full, "%s", f->path);
    else if (!strcmp(d->name, "..")) {
      snprintf(full, sizeof full, "%s", f->path);
      char *s = strrchr(full, '/');
      if (s == full) s[1] = 0;
      else if (s) *s = 0;
    } else snprintf(full, sizeof full, "%s/%s", strcmp(f->path, "/") ? f->path : "", d->name);
    uint64_t ino = gb_vfs_ino(full), off = f->pos + 1;
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &off, 8);
    memcpy(rec + 16, &reclen, 2);
    /* /proc/self/exe is listed as the symlink it is on Linux */
    rec[18] = d->type == GB_VFS_DIR ? DT_DIR_LINUX : d->type == GB_VFS_CHR ? DT_CHR_LINUX
            : !strcmp(full, "/proc/self/exe") ? DT_LNK_LINUX : DT_REG_LINUX;
    memcpy(rec + 19, d->name, nl);
    if (gb_write(m, a[1] + used, rec, reclen) < 0) return used ? (int64_t)used : -EFAULT_LINUX;
    used += reclen;
    f->pos++;
  }
  return (int64_t)used;
}
