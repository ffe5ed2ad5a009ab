/* sys_path.c — the syscalls that name files by path, over the guest's tree (fstree.c):
 * open/openat (O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW), stat and its kin,
 * access, readlink, mkdir, unlink, rmdir, rename, link, symlink, chmod, utimensat,
 * truncate, statfs, chdir and getcwd. Permissions are uid 1000's (fstree.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"

#define N(i) (&m->w->fs.nodes[i])

/* The guest path at PATH_ADDR relative to DIRFD, walked in the tree. */
static int where(gb_machine *m, uint64_t dirfd, uint64_t path_addr, int follow, gb_fs_where *w) {
  char path[4096];
  if (gb_read_str(m, path_addr, path, sizeof path) < 0) return -EFAULT_LINUX;
  return gb_fs_walk(m, (int32_t)dirfd, path, follow, w);
}

/* W's absolute path (for generated contents and the descriptor's trace name). */
static void where_path(gb_machine *m, const gb_fs_where *w, char *out, size_t cap) {
  char dir[4096];
  if (w->node >= 0 && N(w->node)->type == GB_INO_DIR) {
    gb_fs_path(m, w->node, out, cap);
    return;
  }
  size_t n = gb_fs_path(m, w->dir, dir, sizeof dir);
  if (n == 1) n = 0; /* "/" */
  if (n + 2 > cap) n = cap - 2;
  size_t k = strlen(w->name);
  if (n + 1 + k + 1 > cap) k = n + 2 > cap ? 0 : cap - n - 2;
  memcpy(out, dir, n);
  out[n] = '/';
  memcpy(out + n + 1, w->name, k);
  out[n + 1 + k] = 0;
}

static int mine(const gb_inode *n) { return n->uid == GB_FS_GUEST_UID; }
/* uid 1000's right to read / write NODE (BIT 4 or 2): its own by the owner bits, as
 * Linux checks them for a user that is not root, root's by the "other" bits. */
static int may(const gb_inode *n, int bit) {
  return (n->mode & (mine(n) ? (uint32_t)bit << 6 : (uint32_t)bit)) != 0;
}

/* Opening /proc/self/fd/FD (/dev/stdout, ...) of a descriptor without an inode: a new
 * descriptor on the same stream or pipe end, as Linux reopens them; epoll and eventfd
 * descriptors cannot be reopened (ENXIO). */
static int64_t reopen(gb_machine *m, int old, uint64_t flags) {
  gb_fd_kind k = m->files.fds[old].kind;
  int pipe = m->files.fds[old].pipe;
  if (k != FD_STDIN && k != FD_STDOUT && k != FD_STDERR && k != FD_PIPE_R && k != FD_PIPE_W)
    return -ENXIO_LINUX;
  int fd = gb_fd_alloc(m);
  if (fd < 0) return fd;
  gb_fd *f = &m->files.fds[fd];
  memset(f, 0, sizeof *f);
  f->kind = k;
  f->node = -1;
  f->pipe = pipe;
  if (k == FD_PIPE_R || k == FD_PIPE_W) gb_pipe_ref(m, pipe, k == FD_PIPE_W, 1);
  f->flags = (uint32_t)(flags & (O_ACCMODE_LINUX | O_NONBLOCK_LINUX | O_APPEND_LINUX));
  f->fdflags = (flags & O_CLOEXEC_LINUX) ? FD_CLOEXEC_LINUX : 0;
  return fd;
}

static int64_t do_open(gb_machine *m, uint64_t dirfd, uint64_t path_addr, uint64_t flags,
                       uint64_t mode, cJSON *ev) {
  gb_fs_where w;
  int creat = (flags & O_CREAT_LINUX) != 0, excl = creat && (flags & O_EXCL_LINUX);
  int r = where(m, dirfd, path_addr, !(flags & O_NOFOLLOW_LINUX) && !excl, &w);
  if (r < 0) return r;
  int acc = (int)(flags & O_ACCMODE_LINUX), node = w.node;
  if (node < 0 && w.fd) return reopen(m, w.fd - 1, flags);
  if (node < 0) {
    if (!creat) return -ENOENT_LINUX;
    if (w.slash) return -EISDIR_LINUX;
    node = gb_fs_create(m, &w, GB_INO_REG, (uint32_t)mode & ~m->files.umask);
    if (node < 0) return node;
    w.node = node;
    if (ev) cJSON_AddBoolToObject(ev, "created", 1);
  } else {
    if (excl) return -EEXIST_LINUX;
    const gb_inode *n = N(node);
    if (n->type == GB_INO_LNK) return -ELOOP_LINUX; /* O_NOFOLLOW on a symlink */
    if (n->type == GB_INO_SOCK) return -ENXIO_LINUX; /* a socket's name cannot be opened */
    if ((flags & O_DIRECTORY_LINUX) && n->type != GB_INO_DIR) return -ENOTDIR_LINUX;
    if (n->type == GB_INO_DIR && (acc != O_RDONLY_LINUX || creat)) return -EISDIR_LINUX;
    if (acc != O_WRONLY_LINUX && !may(n, 4)) return -EACCES_LINUX;
    if (acc != O_RDONLY_LINUX && n->ro) return -EROFS_LINUX;
    if (acc != O_RDONLY_LINUX && (!may(n, 2) || n->gen)) return -EACCES_LINUX;
    if ((flags & O_TRUNC_LINUX) && acc != O_RDONLY_LINUX && n->type == GB_INO_REG) {
      if ((r = gb_fs_resize(m, node, 0)) < 0) return r;
      gb_fs_touch(m, node, 1);
    }
  }
  char path[4096];
  where_path(m, &w, path, sizeof path);
  char *data = NULL;
  size_t len = 0;
  if (N(node)->gen && (r = gb_vfs_open(m, path, &data, &len)) < 0) return r;
  if ((r = gb_fs_fill(m, node)) < 0) return r;
  int fd = gb_fd_alloc(m);
  if (fd < 0) {
    free(data);
    return fd;
  }
  gb_fd *f = &m->files.fds[fd];
  memset(f, 0, sizeof *f);
  f->kind = N(node)->type == GB_INO_DIR ? FD_DIR : FD_FILE;
  f->node = node;
  f->data = data;
  f->len = len;
  f->flags = (uint32_t)(flags & ~(uint64_t)(O_CLOEXEC_LINUX | O_CREAT_LINUX | O_EXCL_LINUX |
                                            O_TRUNC_LINUX | O_NOFOLLOW_LINUX));
  f->fdflags = (flags & O_CLOEXEC_LINUX) ? FD_CLOEXEC_LINUX : 0;
  f->path = strdup(path);
  N(node)->opens++;
  if (ev) cJSON_AddBoolToObject(ev, "virtual", 1);
  return fd;
}

int64_t gb_sys_open(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return do_open(m, (uint64_t)AT_FDCWD_LINUX, a[0], a[1], a[2], ev);
}
int64_t gb_sys_openat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return do_open(m, a[0], a[1], a[2], a[3], ev);
}

/* NODE's stat, generated files as long as their contents. */
static void stat_of(gb_machine *m, const gb_fs_where *w, gb_stat_info *si) {
  int64_t size = -1;
  if (N(w->node)->gen) {
    char path[4096], *data;
    size_t len;
    where_path(m, w, path, sizeof path);
    if (gb_vfs_open(m, path, &data, &len) == 0) {
      free(data);
      size = (int64_t)len;
    }
  }
  gb_node_stat(m, w->node, size, si);
}

static int64_t stat_path(gb_machine *m, cJSON *ev, uint64_t dirfd, uint64_t path_addr,
                         uint64_t buf, int follow) {
  gb_fs_where w;
  int r = where(m, dirfd, path_addr, follow, &w);
  if (r < 0) return r;
  if (w.node < 0) return -ENOENT_LINUX;
  gb_stat_info si;
  stat_of(m, &w, &si);
  return gb_put_stat(m, ev, buf, &si);
}

int64_t gb_sys_stat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return stat_path(m, ev, (uint64_t)AT_FDCWD_LINUX, a[0], a[1], 1);
}
int64_t gb_sys_lstat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  return stat_path(m, ev, (uint64_t)AT_FDCWD_LINUX, a[0], a[1], 0);
}

static int empty_path(gb_machine *m, uint64_t flags, uint64_t path_addr) {
  char c = 1;
  return (flags & AT_EMPTY_PATH_LINUX) && gb_read(m, path_addr, &c, 1) == 0 && c == 0;
}

int64_t gb_sys_newfstatat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  if (empty_path(m, a[3], a[1])) {
    uint64_t b[2] = {a[0], a[2]};
    return gb_sys_fstat(m, b, ev);
  }
  return stat_path(m, ev, a[0], a[1], a[2], !(a[3] & AT_SYMLINK_NOFOLLOW_LINUX));
}

/* struct statx: mask 0, blksize 4, nlink 16, uid 20, gid 24, mode 28 (u16), ino 32,
 * size 40, blocks 48, atime 64, btime 80, ctime 96, mtime 112 ({s64 sec, u32 nsec}),
 * rdev 128/132, dev 136/140. */
int64_t gb_sys_statx(gb_machine *m, const uint64_t *a, cJSON *ev) {
  gb_stat_info si;
  if (empty_path(m, a[2], a[1])) {
    gb_fd *f = gb_getfd(m, a[0]);
    if (!f) return -EBADF_LINUX;
    if ((f->kind != FD_FILE && f->kind != FD_DIR) || f->node < 0) return -EINVAL_LINUX;
    gb_node_stat(m, f->node, f->data ? (int64_t)f->len : -1, &si);
  } else {
    gb_fs_where w;
    int r = where(m, a[0], a[1], !(a[2] & AT_SYMLINK_NOFOLLOW_LINUX), &w);
    if (r < 0) return r;
    if (w.node < 0) return -ENOENT_LINUX;
    stat_of(m, &w, &si);
  }
  unsigned char b[256];
  memset(b, 0, sizeof b);
  uint32_t mask = 0xfff; /* STATX_BASIC_STATS | STATX_BTIME */
  uint32_t blksize = 4096, nlink = (uint32_t)si.nlink, maj = 0, min = 0x16;
  uint16_t mode = (uint16_t)si.mode;
  uint64_t blocks = (si.size + 511) / 512;
  memcpy(b, &mask, 4);
  memcpy(b + 4, &blksize, 4);
  memcpy(b + 16, &nlink, 4);
  memcpy(b + 20, &si.uid, 4);
  memcpy(b + 24, &si.uid, 4);
  memcpy(b + 28, &mode, 2);
  memcpy(b + 32, &si.ino, 8);
  memcpy(b + 40, &si.size, 8);
  memcpy(b + 48, &blocks, 8);
  const uint64_t t[4] = {si.atime, si.ctime, si.ctime, si.mtime}; /* btime = ctime */
  for (int i = 0; i < 4; i++) {
    int64_t sec = (int64_t)(t[i] / 1000000000ULL);
    uint32_t ns = (uint32_t)(t[i] % 1000000000ULL);
    memcpy(b + 64 + 16 * i, &sec, 8);
    memcpy(b + 72 + 16 * i, &ns, 4);
  }
  uint32_t rmaj = (uint32_t)(si.rdev >> 8), rmin = (uint32_t)(si.rdev & 0xff);
  memcpy(b + 128, &rmaj, 4);
  memcpy(b + 132, &rmin, 4);
  memcpy(b + 136, &maj, 4);
  memcpy(b + 140, &min, 4);
  if (gb_write(m, a[4], b, sizeof b) < 0) return -EFAULT_LINUX;
  if (ev) {
    char o[16];
    cJSON *out = cJSON_AddObjectToObject(ev, "out");
    snprintf(o, sizeof o, "0%o", (unsigned)si.mode);
    cJSON_AddStringToObject(out, "mode", o);
    cJSON_AddNumberToObject(out, "size", (double)si.size);
    cJSON_AddItemToObject(out, "ino", gb_hex(si.ino));
  }
  return 0;
}

/* mode: R_OK 4, W_OK 2, X_OK 1, for uid 1000 (see may()); X on a file of its own needs
 * some x bit, as for root. */
static int64_t access_mode(gb_machine *m, uint64_t dirfd, uint64_t path_addr, uint64_t mode,
                           uint64_t flags) {
  if (mode & ~(uint64_t)(R_OK_LINUX | W_OK_LINUX | X_OK_LINUX)) return -EINVAL_LINUX;
  gb_fs_where w;
  int r = where(m, dirfd, path_addr, !(flags & AT_SYMLINK_NOFOLLOW_LINUX), &w);
  if (r < 0) return r;
  if (w.node < 0) return -ENOENT_LINUX;
  const gb_inode *n = N(w.node);
  if ((mode & R_OK_LINUX) && !may(n, 4)) return -EACCES_LINUX;
  if ((mode & W_OK_LINUX) && n->ro) return -EROFS_LINUX;
  if ((mode & W_OK_LINUX) && (!may(n, 2) || n->gen)) return -EACCES_LINUX;
  if ((mode & X_OK_LINUX) && n->type != GB_INO_DIR && !(n->mode & 0111)) return -EACCES_LINUX;
  if ((mode & X_OK_LINUX) && n->type == GB_INO_DIR && !may(n, 1)) return -EACCES_LINUX;
  return 0;
}

int64_t gb_sys_access(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return access_mode(m, (uint64_t)AT_FDCWD_LINUX, a[0], a[1], 0);
}
int64_t gb_sys_faccessat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return access_mode(m, a[0], a[1], a[2], 0);
}
int64_t gb_sys_faccessat2(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW_LINUX | AT_EMPTY_PATH_LINUX | 0x200)) return -EINVAL_LINUX;
  return access_mode(m, a[0], a[1], a[2], a[3]);
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
  int dir = m->exec_cwd ? m->exec_cwd - 1 : m->w->fs.cwd0; /* where execve ran, or the run started (--cwd) */
  if (fn[0] != '/' && dir != 0) {
    len = gb_fs_path(m, dir, out, cap);
    if (out[0] != '/') len = 0;
  }
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

/* A symlink's target; /proc/self/exe (a generated file standing for the binary) reads
 * as AT_EXECFN made absolute, like Linux's link to the executable. */
static int64_t do_readlink(gb_machine *m, uint64_t dirfd, uint64_t path_addr, uint64_t buf,
                           uint64_t bufsiz, cJSON *ev) {
  gb_fs_where w;
  int r = where(m, dirfd, path_addr, 0, &w);
  if (r < 0) return r;
  if (w.node < 0) return -ENOENT_LINUX;
  char target[4096];
  size_t n;
  if (N(w.node)->gen == GB_GEN_EXE) n = exe_path(m, target, sizeof target);
  else if (N(w.node)->type == GB_INO_LNK) n = (size_t)snprintf(target, sizeof target, "%s", N(w.node)->data);
  else return -EINVAL_LINUX;
  if ((int64_t)bufsiz <= 0) return -EINVAL_LINUX;
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

int64_t gb_sys_getcwd(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  char path[4096];
  size_t n = gb_fs_path(m, m->files.cwd, path, sizeof path);
  if (path[0] != '/') return -ENOENT_LINUX; /* removed */
  if (a[1] < n + 1) return -ERANGE_LINUX;
  return gb_write(m, a[0], path, n + 1) < 0 ? -EFAULT_LINUX : (int64_t)(n + 1);
}

static int64_t set_cwd(gb_machine *m, int node) {
  if (N(node)->type != GB_INO_DIR) return -ENOTDIR_LINUX;
  if (!may(N(node), 1)) return -EACCES_LINUX;
  N(node)->opens++;
  int old = m->files.cwd;
  m->files.cwd = node;
  gb_fs_put(m, old);
  return 0;
}

int64_t gb_sys_chdir(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fs_where w;
  int r = where(m, (uint64_t)AT_FDCWD_LINUX, a[0], 1, &w);
  if (r < 0) return r;
  return w.node < 0 ? -ENOENT_LINUX : set_cwd(m, w.node);
}
int64_t gb_sys_fchdir(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  return f->kind != FD_DIR ? -ENOTDIR_LINUX : set_cwd(m, f->node);
}

static int64_t do_mkdir(gb_machine *m, uint64_t dirfd, uint64_t path_addr, uint64_t mode) {
  gb_fs_where w;
  int r = where(m, dirfd, path_addr, 0, &w);
  if (r < 0) return r; /* a missing or non-directory parent */
  if (w.node >= 0) return -EEXIST_LINUX;
  r = gb_fs_create(m, &w, GB_INO_DIR, (uint32_t)mode & ~m->files.umask);
  return r < 0 ? r : 0;
}

int64_t gb_sys_mkdir(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_mkdir(m, (uint64_t)AT_FDCWD_LINUX, a[0], a[1]);
}
int64_t gb_sys_mkdirat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_mkdir(m, a[0], a[1], a[2]);
}

static int is_dot(const char *name) { return !strcmp(name, ".") || !strcmp(name, ".."); }

static int64_t do_unlink(gb_machine *m, uint64_t dirfd, uint64_t path_addr, int dir) {
  gb_fs_where w;
  int r = where(m, dirfd, path_addr, 0, &w);
  if (r < 0) return r;
  if (w.node < 0) return -ENOENT_LINUX;
  const gb_inode *n = N(w.node);
  if (dir) {
    if (n->type != GB_INO_DIR) return -ENOTDIR_LINUX;
    if (!strcmp(w.name, ".")) return -EINVAL_LINUX;
    if (!strcmp(w.name, "..")) return -ENOTEMPTY_LINUX;
    if (w.node == 0) return -EBUSY_LINUX;
    if (n->nents) return -ENOTEMPTY_LINUX;
  } else if (n->type == GB_INO_DIR) {
    return -EISDIR_LINUX;
  }
  if ((r = gb_fs_may_write_dir(m, w.dir)) < 0 || (r = gb_fs_may_remove(m, w.dir, w.node)) < 0) return r;
  gb_fs_touch(m, w.dir, 1);
  if (N(w.node)->nlink > 1) gb_fs_touch(m, w.node, 2);
  return gb_fs_unlink(m, w.dir, w.name);
}

int64_t gb_sys_unlink(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_unlink(m, (uint64_t)AT_FDCWD_LINUX, a[0], 0);
}
int64_t gb_sys_rmdir(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_unlink(m, (uint64_t)AT_FDCWD_LINUX, a[0], 1);
}
int64_t gb_sys_unlinkat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[2] & ~(uint64_t)AT_REMOVEDIR_LINUX) return -EINVAL_LINUX;
  return do_unlink(m, a[0], a[1], (a[2] & AT_REMOVEDIR_LINUX) != 0);
}

static int64_t do_rename(gb_machine *m, uint64_t odir, uint64_t opath, uint64_t ndir,
                         uint64_t npath, uint64_t flags) {
  gb_fs_where s, d;
  int r;
  if (flags & ~(uint64_t)RENAME_NOREPLACE_LINUX) return -EINVAL_LINUX; /* no EXCHANGE, WHITEOUT */
  if ((r = where(m, odir, opath, 0, &s)) < 0) return r;
  if (s.node < 0) return -ENOENT_LINUX;
  if ((r = where(m, ndir, npath, 0, &d)) < 0) return r;
  if (is_dot(s.name) || is_dot(d.name) || s.node == 0) return -EBUSY_LINUX;
  if ((r = gb_fs_may_write_dir(m, s.dir)) < 0 || (r = gb_fs_may_write_dir(m, d.dir)) < 0) return r;
  if ((r = gb_fs_may_remove(m, s.dir, s.node)) < 0) return r;
  int sdir = N(s.node)->type == GB_INO_DIR;
  if (d.node >= 0) {
    if (flags & RENAME_NOREPLACE_LINUX) return -EEXIST_LINUX;
    if (d.node == s.node) return 0;
    int ddir = N(d.node)->type == GB_INO_DIR;
    if (sdir && !ddir) return -ENOTDIR_LINUX;
    if (!sdir && ddir) return -EISDIR_LINUX;
    if (ddir && N(d.node)->nents) return -ENOTEMPTY_LINUX;
    if ((r = gb_fs_may_remove(m, d.dir, d.node)) < 0) return r;
  }
  if (sdir) /* not into itself */
    for (int p = d.dir, guard = 0; guard < 4096; p = N(p)->parent, guard++) {
      if (p == s.node) return -EINVAL_LINUX;
      if (p == 0) break;
    }
  if (d.node >= 0 && (r = gb_fs_unlink(m, d.dir, d.name)) < 0) return r;
  if ((r = gb_fs_link(m, d.dir, d.name, s.node)) < 0) return r;
  gb_fs_touch(m, s.node, 2);
  gb_fs_touch(m, s.dir, 1);
  gb_fs_touch(m, d.dir, 1);
  return gb_fs_unlink(m, s.dir, s.name);
}

int64_t gb_sys_rename(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_rename(m, (uint64_t)AT_FDCWD_LINUX, a[0], (uint64_t)AT_FDCWD_LINUX, a[1], 0);
}
int64_t gb_sys_renameat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_rename(m, a[0], a[1], a[2], a[3], 0);
}
int64_t gb_sys_renameat2(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_rename(m, a[0], a[1], a[2], a[3], a[4]);
}

static int64_t do_link(gb_machine *m, uint64_t odir, uint64_t opath, uint64_t ndir,
                       uint64_t npath, uint64_t flags) {
  gb_fs_where s, d;
  int r;
  if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW_LINUX | AT_EMPTY_PATH_LINUX)) return -EINVAL_LINUX;
  if ((r = where(m, odir, opath, (flags & AT_SYMLINK_FOLLOW_LINUX) != 0, &s)) < 0) return r;
  if (s.node < 0) return -ENOENT_LINUX;
  if (N(s.node)->type == GB_INO_DIR || !mine(N(s.node))) return -EPERM_LINUX;
  if (N(s.node)->ro) return -EXDEV_LINUX; /* another mount */
  if ((r = where(m, ndir, npath, 0, &d)) < 0) return r;
  if (d.node >= 0) return -EEXIST_LINUX;
  if ((r = gb_fs_may_write_dir(m, d.dir)) < 0) return r;
  if ((r = gb_fs_link(m, d.dir, d.name, s.node)) < 0) return r;
  gb_fs_touch(m, s.node, 2);
  gb_fs_touch(m, d.dir, 1);
  return 0;
}

int64_t gb_sys_link(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_link(m, (uint64_t)AT_FDCWD_LINUX, a[0], (uint64_t)AT_FDCWD_LINUX, a[1], 0);
}
int64_t gb_sys_linkat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_link(m, a[0], a[1], a[2], a[3], a[4]);
}

static int64_t do_symlink(gb_machine *m, uint64_t target_addr, uint64_t dirfd, uint64_t path_addr) {
  char target[4096];
  gb_fs_where w;
  if (gb_read_str(m, target_addr, target, sizeof target) < 0) return -EFAULT_LINUX;
  if (!target[0]) return -ENOENT_LINUX;
  int r = where(m, dirfd, path_addr, 0, &w);
  if (r < 0) return r;
  if (w.node >= 0) return -EEXIST_LINUX;
  int node = gb_fs_create(m, &w, GB_INO_LNK, 0777);
  if (node < 0) return node;
  if (!(N(node)->data = strdup(target))) {
    gb_fs_unlink(m, w.dir, w.name);
    return -ENOMEM_LINUX;
  }
  return 0;
}

int64_t gb_sys_symlink(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_symlink(m, a[0], (uint64_t)AT_FDCWD_LINUX, a[1]);
}
int64_t gb_sys_symlinkat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_symlink(m, a[0], a[1], a[2]);
}

int64_t gb_chmod_node(gb_machine *m, int node, uint32_t mode) {
  if (N(node)->ro) return -EROFS_LINUX;
  if (!mine(N(node))) return -EPERM_LINUX;
  N(node)->mode = mode & 07777;
  gb_fs_touch(m, node, 2);
  return 0;
}

int64_t gb_sys_chmod(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fs_where w;
  int r = where(m, (uint64_t)AT_FDCWD_LINUX, a[0], 1, &w);
  if (r < 0) return r;
  return w.node < 0 ? -ENOENT_LINUX : gb_chmod_node(m, w.node, (uint32_t)a[1]);
}
int64_t gb_sys_fchmodat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fs_where w;
  int r = where(m, a[0], a[1], 1, &w);
  if (r < 0) return r;
  return w.node < 0 ? -ENOENT_LINUX : gb_chmod_node(m, w.node, (uint32_t)a[2]);
}

/* chown: uid 1000 is not root, so it may only "change" what it owns to itself (-1 or
 * 1000 for either id), as Linux lets a user chgrp to a group it is in; recorded by
 * the trace, nothing stored (stat says 1000 for what the guest owns). */
int64_t gb_chown_node(gb_machine *m, int node, uint64_t uid, uint64_t gid) {
  uint32_t u = (uint32_t)uid, g = (uint32_t)gid;
  if (N(node)->ro) return -EROFS_LINUX;
  if (!mine(N(node))) return -EPERM_LINUX;
  if ((u != UINT32_MAX && u != GB_FS_GUEST_UID) || (g != UINT32_MAX && g != GB_FS_GUEST_UID))
    return -EPERM_LINUX;
  if (u != UINT32_MAX || g != UINT32_MAX) gb_fs_touch(m, node, 2);
  return 0;
}

static int64_t do_chown(gb_machine *m, uint64_t dirfd, uint64_t path_addr, uint64_t uid,
                        uint64_t gid, uint64_t flags) {
  if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW_LINUX | AT_EMPTY_PATH_LINUX)) return -EINVAL_LINUX;
  if (empty_path(m, flags, path_addr)) {
    gb_fd *f = gb_getfd(m, dirfd);
    if (!f) return -EBADF_LINUX;
    return f->node < 0 ? -EPERM_LINUX : gb_chown_node(m, f->node, uid, gid);
  }
  gb_fs_where w;
  int r = where(m, dirfd, path_addr, !(flags & AT_SYMLINK_NOFOLLOW_LINUX), &w);
  if (r < 0) return r;
  return w.node < 0 ? -ENOENT_LINUX : gb_chown_node(m, w.node, uid, gid);
}

int64_t gb_sys_chown(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_chown(m, (uint64_t)AT_FDCWD_LINUX, a[0], a[1], a[2], 0);
}
int64_t gb_sys_lchown(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_chown(m, (uint64_t)AT_FDCWD_LINUX, a[0], a[1], a[2], AT_SYMLINK_NOFOLLOW_LINUX);
}
int64_t gb_sys_fchownat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return do_chown(m, a[0], a[1], a[2], a[3], a[4]);
}

int64_t gb_sys_umask(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  uint32_t old = m->files.umask;
  m->files.umask = (uint32_t)a[0] & 0777;
  return old;
}

int64_t gb_sys_truncate(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fs_where w;
  int r = where(m, (uint64_t)AT_FDCWD_LINUX, a[0], 1, &w);
  if (r < 0) return r;
  if (w.node < 0) return -ENOENT_LINUX;
  if (N(w.node)->type == GB_INO_DIR) return -EISDIR_LINUX;
  if (N(w.node)->type != GB_INO_REG || (int64_t)a[1] < 0) return -EINVAL_LINUX;
  if (N(w.node)->ro) return -EROFS_LINUX;
  if (!may(N(w.node), 2) || N(w.node)->gen) return -EACCES_LINUX;
  if ((r = gb_fs_resize(m, w.node, (size_t)a[1])) < 0) return r;
  gb_fs_touch(m, w.node, 1);
  return 0;
}

/* struct statfs: type, bsize, blocks, bfree, bavail, files, ffree, fsid, namelen,
 * frsize, flags (8 bytes each), spare: a tmpfs of --max-fs bytes. */
int64_t gb_put_statfs(gb_machine *m, uint64_t buf) {
  const gb_fsys *fs = &m->w->fs;
  uint64_t st[15] = {0};
  uint64_t free_b = fs->fs_max > fs->fs_used ? fs->fs_max - fs->fs_used : 0;
  st[0] = TMPFS_MAGIC_LINUX;
  st[1] = 4096;
  st[2] = fs->fs_max / 4096;
  st[3] = st[4] = free_b / 4096;
  st[5] = fs->fs_max / GB_FS_INODE_COST;
  st[6] = free_b / GB_FS_INODE_COST;
  st[8] = 255;
  st[9] = 4096;
  return gb_write(m, buf, st, 120) < 0 ? -EFAULT_LINUX : 0;
}

int64_t gb_sys_statfs(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fs_where w;
  int r = where(m, (uint64_t)AT_FDCWD_LINUX, a[0], 1, &w);
  if (r < 0) return r;
  return w.node < 0 ? -ENOENT_LINUX : gb_put_statfs(m, a[1]);
}

/* utimensat(dirfd, path or NULL for dirfd itself, times[2] or NULL = now, flags):
 * times on the virtual clock; UTIME_NOW and UTIME_OMIT as Linux. */
int64_t gb_sys_utimensat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  int node;
  if (!a[1]) {
    gb_fd *f = gb_getfd(m, a[0]);
    if (!f) return -EBADF_LINUX;
    if ((f->kind != FD_FILE && f->kind != FD_DIR) || f->node < 0) return -EPERM_LINUX;
    node = f->node;
  } else {
    gb_fs_where w;
    int r = where(m, a[0], a[1], !(a[3] & AT_SYMLINK_NOFOLLOW_LINUX), &w);
    if (r < 0) return r;
    if (w.node < 0) return -ENOENT_LINUX;
    node = w.node;
  }
  int64_t ts[4] = {0, UTIME_NOW_LINUX, 0, UTIME_NOW_LINUX};
  if (a[2] && gb_read(m, a[2], ts, sizeof ts) < 0) return -EFAULT_LINUX;
  if (N(node)->ro) return -EROFS_LINUX;
  if (!mine(N(node))) return -EPERM_LINUX;
  uint64_t now = gb_fs_now(m);
  uint64_t *dst[2] = {&N(node)->atime, &N(node)->mtime};
  for (int i = 0; i < 2; i++) {
    int64_t sec = ts[2 * i], ns = ts[2 * i + 1];
    if (ns == UTIME_OMIT_LINUX) continue;
    if (ns == UTIME_NOW_LINUX) *dst[i] = now;
    else if (ns < 0 || ns >= 1000000000 || sec < 0) return -EINVAL_LINUX;
    else *dst[i] = (uint64_t)sec * 1000000000ULL + (uint64_t)ns;
  }
  N(node)->ctime = now;
  return 0;
}
