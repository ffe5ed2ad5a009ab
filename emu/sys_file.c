/* sys_file.c — what descriptors do: the standard streams (output captured and
 * optionally echoed), files and directories of the guest's tree (fstree.c), devices,
 * and the pipes, eventfds and epoll sets the netpoller creates. The path syscalls are
 * in sys_path.c. Nothing here touches a host file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys.h"

#define CHUNK (1u << 20)

gb_fd *gb_getfd(gb_machine *m, uint64_t fd) {
  if (fd >= GB_MAX_FDS || m->files.fds[fd].kind == FD_NONE) return NULL;
  return &m->files.fds[fd];
}

/* A device's or regular file's bytes into the guest at BUF. */
static int64_t read_dev(gb_machine *m, int dev, uint64_t buf, uint64_t n) {
  unsigned char tmp[4096];
  uint64_t done = 0;
  if (dev == GB_DEV_NULL) return 0;
  while (done < n) {
    size_t k = n - done < sizeof tmp ? (size_t)(n - done) : sizeof tmp;
    if (dev == GB_DEV_RANDOM || dev == GB_DEV_URANDOM) gb_rng_bytes(m, tmp, k);
    else memset(tmp, 0, k);
    if (gb_write(m, buf + done, tmp, k) < 0) return done ? (int64_t)done : -EFAULT_LINUX;
    done += k;
  }
  return (int64_t)n;
}

/* The bytes an FD_FILE reads: its generated copy, or its node's contents. */
static const char *file_bytes(gb_machine *m, const gb_fd *f, size_t *len) {
  if (f->data || f->node < 0) { *len = f->len; return f->data; }
  *len = m->w->fs.nodes[f->node].len;
  return m->w->fs.nodes[f->node].data;
}

static int fd_dev(gb_machine *m, const gb_fd *f) {
  return f->kind == FD_FILE && f->node >= 0 ? m->w->fs.nodes[f->node].dev : GB_DEV_NONE;
}

/* R as the syscall's value; a restarted call says so in its event. */
int64_t gb_blocked(gb_machine *m, cJSON *ev, int64_t r) {
  if (m->files.restarting) {
    m->files.restarting = 0;
    if (ev) cJSON_AddBoolToObject(ev, "blocks", 1), cJSON_AddBoolToObject(ev, "restarts", 1);
  }
  return r;
}

/* A blocking pipe end that cannot go on: the thread waits (TH_PIPE) and the syscall
 * NR runs again when a pipe changes (RIP back over the 2-byte syscall instruction,
 * RAX = NR kept by the scheduler). */
int64_t gb_restart(gb_machine *m, int nr) {
  gb_set_reg(m, UC_X86_REG_RIP, gb_reg(m, UC_X86_REG_RIP) - 2);
  gb_block(m, TH_PIPE, GB_NEVER);
  m->files.restarting = 1;
  return nr;
}

static int64_t read_into(gb_machine *m, gb_fd *f, uint64_t buf, uint64_t n, uint64_t off,
                         int use_off, int nr) {
  if (n > CHUNK) n = CHUNK;
  if (f->kind == FD_SOCKET) return gb_net_read(m, f, buf, n, nr);
  if (f->kind == FD_STDIN) return gb_stdin_read(m, buf, n);
  if (f->kind == FD_DIR) return -EISDIR_LINUX;
  if (f->kind == FD_FILE && (f->flags & O_ACCMODE_LINUX) == O_WRONLY_LINUX) return -EBADF_LINUX;
  if (fd_dev(m, f)) return read_dev(m, fd_dev(m, f), buf, n);
  if (f->kind == FD_FILE) {
    size_t len, pos = use_off ? (size_t)off : f->pos;
    const char *data = file_bytes(m, f, &len);
    if (pos >= len) return 0;
    size_t k = len - pos < n ? len - pos : (size_t)n;
    if (gb_write(m, buf, data + pos, k) < 0) return -EFAULT_LINUX;
    if (!use_off) {
      f->pos += k;
      gb_fd_shared(m, f);
    }
    return (int64_t)k;
  }
  if (f->kind == FD_PIPE_R) {
    int64_t r = gb_pipe_read(m, f->pipe, buf, n);
    return r == -EAGAIN_LINUX && !(f->flags & O_NONBLOCK_LINUX) ? gb_restart(m, 0) : r;
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
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  return gb_blocked(m, ev, read_into(m, f, a[1], a[2], 0, 0, 0));
}

/* Only regular files have positions: pread/pwrite elsewhere are ESPIPE. */
static int seekable(gb_machine *m, const gb_fd *f) {
  return f->kind == FD_FILE && !fd_dev(m, f);
}

/* pread64/pwrite64's checks of (fd, buf, count, offset): 0 with *OUT, or -errno. */
static int64_t positioned(gb_machine *m, const uint64_t *a, gb_fd **out) {
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if (f->kind == FD_DIR) return -EISDIR_LINUX;
  if (!seekable(m, f)) return -ESPIPE_LINUX;
  if ((int64_t)a[3] < 0) return -EINVAL_LINUX;
  *out = f;
  return 0;
}

int64_t gb_sys_pread64(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f;
  int64_t r = positioned(m, a, &f);
  return r < 0 ? r : read_into(m, f, a[1], a[2], a[3], 1, 17);
}

/* Guest bytes [BUF, BUF+N) into F's node at OFF; the count written or -errno. */
static int64_t write_file(gb_machine *m, gb_fd *f, uint64_t buf, uint64_t n, size_t off) {
  char tmp[4096];
  uint64_t done = 0;
  if (n > CHUNK * 64) n = CHUNK * 64;
  while (done < n) {
    size_t k = n - done < sizeof tmp ? (size_t)(n - done) : sizeof tmp;
    if (gb_read(m, buf + done, tmp, k) < 0) return done ? (int64_t)done : -EFAULT_LINUX;
    int r = gb_fs_write(m, f->node, off + done, tmp, k);
    if (r < 0) return done ? (int64_t)done : r;
    done += k;
  }
  if (done) gb_fs_touch(m, f->node, 1);
  return (int64_t)done;
}

/* The current thread's blocking write under way (gb_pipe_partial): its slot or -1. */
static int partial_slot(gb_machine *m) {
  for (int i = 0; i < m->files.npartial; i++)
    if (m->files.partial[i].tid == gb_cur(m)->tid) return i;
  return -1;
}

/* write(2) on a blocking pipe end writes all N bytes (pipe_write: it sleeps while the
 * pipe is full and returns what it wrote when the readers go or a signal comes); up
 * to GB_PIPE_BUF, all at once. What fitted is kept in a gb_pipe_partial and the call
 * re-runs on the rest, its buf and count advanced in RSI and RDX. */
static int64_t pipe_write_all(gb_machine *m, gb_fd *f, uint64_t buf, uint64_t n) {
  gb_files *fs = &m->files;
  int slot = partial_slot(m);
  uint64_t done = slot >= 0 ? fs->partial[slot].done : 0;
  int64_t r = gb_pipe_write(m, f->pipe, buf, n);
  if (r == -EAGAIN_LINUX) return gb_restart(m, 1);
  if (r >= 0 && (uint64_t)r < n) {
    if (slot < 0) {
      if (fs->npartial == fs->cappartial) {
        int cap = fs->cappartial ? fs->cappartial * 2 : 4;
        gb_pipe_partial *p = realloc(fs->partial, sizeof *p * (size_t)cap);
        if (!p) return (int64_t)done + r;
        fs->partial = p;
        fs->cappartial = cap;
      }
      slot = fs->npartial++;
      fs->partial[slot].tid = gb_cur(m)->tid;
    }
    fs->partial[slot].done = done + (uint64_t)r;
    gb_set_reg(m, UC_X86_REG_RSI, buf + (uint64_t)r);
    gb_set_reg(m, UC_X86_REG_RDX, n - (uint64_t)r);
    return gb_restart(m, 1);
  }
  if (slot >= 0) fs->partial[slot] = fs->partial[--fs->npartial];
  if (r < 0) return done ? (int64_t)done : r; /* EPIPE, EFAULT after a part: the part */
  return (int64_t)(done + (uint64_t)r);
}

/* NR: the syscall to re-run if a blocking pipe is full (-1: return -EAGAIN). */
static int64_t write_from(gb_machine *m, int fdn, uint64_t buf, uint64_t n, int nr) {
  gb_fd *f = gb_getfd(m, (uint64_t)fdn);
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
  if (f->kind == FD_FILE) {
    if ((f->flags & O_ACCMODE_LINUX) == O_RDONLY_LINUX) return -EBADF_LINUX;
    int dev = fd_dev(m, f);
    if (dev == GB_DEV_FULL) return -ENOSPC_LINUX;
    if (dev) return (int64_t)n; /* null, zero, random: swallowed */
    if (f->node < 0 || f->data) return -EBADF_LINUX;
    if (f->flags & O_APPEND_LINUX) f->pos = m->w->fs.nodes[f->node].len;
    int64_t r = write_file(m, f, buf, n, f->pos);
    if (r > 0) f->pos += (size_t)r;
    gb_fd_shared(m, f);
    return r;
  }
  if (f->kind == FD_SOCKET) return gb_net_write(m, f, buf, n, nr);
  if (f->kind == FD_PIPE_W) {
    if (nr == 1 && !(f->flags & O_NONBLOCK_LINUX)) return pipe_write_all(m, f, buf, n);
    int64_t r = gb_pipe_write(m, f->pipe, buf, n);
    if (r == -EPIPE_LINUX) /* pipe_write: send_sig(SIGPIPE, current, 0) */
      gb_signal_send(m, gb_cur(m)->tid, SIGPIPE_LINUX, NULL);
    return r == -EAGAIN_LINUX && !(f->flags & O_NONBLOCK_LINUX) && nr >= 0 ? gb_restart(m, nr) : r;
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

int64_t gb_sys_pwrite64(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f;
  int64_t r = positioned(m, a, &f);
  if (r < 0) return r;
  if ((f->flags & O_ACCMODE_LINUX) == O_RDONLY_LINUX || f->data) return -EBADF_LINUX;
  return write_file(m, f, a[1], a[2], (size_t)a[3]);
}

int64_t gb_sys_ftruncate(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if (!seekable(m, f) || f->data || f->node < 0 || (int64_t)a[1] < 0) return -EINVAL_LINUX;
  if ((f->flags & O_ACCMODE_LINUX) == O_RDONLY_LINUX) return -EINVAL_LINUX;
  int r = gb_fs_resize(m, f->node, (size_t)a[1]);
  if (r == 0) gb_fs_touch(m, f->node, 1);
  return r;
}

int64_t gb_sys_fsync(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  return f->kind == FD_PIPE_R || f->kind == FD_PIPE_W || f->kind == FD_EPOLL ||
         f->kind == FD_EVENTFD ? -EINVAL_LINUX : 0; /* nothing to flush: memory is the disk */
}

int64_t gb_sys_write(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  int64_t r = write_from(m, (int)a[0], a[1], a[2], 1);
  return gb_blocked(m, ev, r);
}

int64_t gb_sys_writev(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[2] > 1024) return -EINVAL_LINUX;
  int64_t total = 0;
  for (uint64_t i = 0; i < a[2]; i++) {
    uint64_t iov[2];
    if (gb_read(m, a[1] + 16 * i, iov, 16) < 0) return total ? total : -EFAULT_LINUX;
    int64_t r = write_from(m, (int)a[0], iov[0], iov[1], total ? -1 : 20);
    if (r == -EAGAIN_LINUX && total) break;
    if (m->files.restarting) return gb_blocked(m, ev, r);
    if (r < 0) return total ? total : r;
    total += r;
    if ((uint64_t)r < iov[1]) break;
  }
  return total;
}

int64_t gb_sys_readv(gb_machine *m, const uint64_t *a, cJSON *ev) {
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if (a[2] > 1024) return -EINVAL_LINUX;
  int64_t total = 0;
  for (uint64_t i = 0; i < a[2]; i++) {
    uint64_t iov[2];
    if (gb_read(m, a[1] + 16 * i, iov, 16) < 0) return total ? total : -EFAULT_LINUX;
    if (!iov[1]) continue;
    if (total && f->kind != FD_FILE) break; /* what is there now, in the first buffer */
    int64_t r = read_into(m, f, iov[0], iov[1], 0, 0, 19);
    if (m->files.restarting) return gb_blocked(m, ev, r);
    if (r < 0) return total ? total : r;
    total += r;
    if ((uint64_t)r < iov[1]) break;
  }
  return total;
}

static void release(gb_machine *m, gb_fd *f) {
  gb_fd_unshare(m, (int)(f - m->files.fds));
  if (f->kind == FD_PIPE_R || f->kind == FD_PIPE_W) gb_pipe_ref(m, f->pipe, f->kind == FD_PIPE_W, -1);
  if (f->node >= 0 && (f->kind == FD_FILE || f->kind == FD_DIR)) gb_fs_put(m, f->node);
  if (f->kind == FD_SOCKET) gb_sock_ref(m, f->pipe, -1);
  free(f->data);
  free(f->ep);
  free(f->path);
  memset(f, 0, sizeof *f);
  f->node = -1;
}

int64_t gb_sys_close(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  release(m, f);
  return 0;
}

/* Write the guest's struct stat; the trace shows what it was told (the syscall's "out"). */
static int64_t fill_stat(gb_machine *m, cJSON *ev, uint64_t buf, const gb_stat_info *si) {
  unsigned char st[144];
  memset(st, 0, sizeof st);
  /* struct stat (x86-64): st_dev 0, st_ino 8, st_nlink 16, st_mode 24, st_uid 28,
   * st_gid 32, st_rdev 40, st_size 48, st_blksize 56, st_blocks 64, st_atim 72,
   * st_mtim 88, st_ctim 104 */
  uint64_t dev = 0x16, blksize = 4096, blocks = (si->size + 511) / 512;
  uint64_t times[6] = {si->atime / 1000000000ULL, si->atime % 1000000000ULL,
                       si->mtime / 1000000000ULL, si->mtime % 1000000000ULL,
                       si->ctime / 1000000000ULL, si->ctime % 1000000000ULL};
  memcpy(st + 0, &dev, 8);
  memcpy(st + 8, &si->ino, 8);
  memcpy(st + 16, &si->nlink, 8);
  memcpy(st + 24, &si->mode, 4);
  memcpy(st + 28, &si->uid, 4);
  memcpy(st + 32, &si->uid, 4); /* gid = uid: 0 or 1000 */
  memcpy(st + 40, &si->rdev, 8);
  memcpy(st + 48, &si->size, 8);
  memcpy(st + 56, &blksize, 8);
  memcpy(st + 64, &blocks, 8);
  memcpy(st + 72, times, sizeof times);
  if (gb_write(m, buf, st, sizeof st) < 0) return -EFAULT_LINUX;
  if (ev) {
    char o[16];
    cJSON *out = cJSON_AddObjectToObject(ev, "out");
    snprintf(o, sizeof o, "0%o", (unsigned)si->mode);
    cJSON_AddStringToObject(out, "mode", o);
    cJSON_AddNumberToObject(out, "size", (double)si->size);
    cJSON_AddItemToObject(out, "ino", gb_hex(si->ino));
  }
  return 0;
}

/* The stat of tree node NODE; SIZE (when not -1) overrides its length (generated files
 * are as long as what vfs.c makes). */
void gb_node_stat(gb_machine *m, int node, int64_t size, gb_stat_info *si) {
  static const uint64_t rdev[] = {0, 0x103, 0x105, 0x107, 0x108, 0x109}; /* 1:3 null ... 1:9 urandom */
  const gb_inode *n = &m->w->fs.nodes[node];
  static const uint32_t fmt[] = {0, S_IFREG_LINUX, S_IFDIR_LINUX, S_IFLNK_LINUX, S_IFCHR_LINUX, S_IFSOCK_LINUX};
  memset(si, 0, sizeof *si);
  si->mode = fmt[n->type] | n->mode;
  si->ino = n->ino;
  si->nlink = n->nlink;
  si->uid = n->uid;
  si->rdev = n->type == GB_INO_CHR ? rdev[n->dev] : 0;
  si->size = size >= 0 ? (uint64_t)size : n->type == GB_INO_DIR ? 4096
           : n->type == GB_INO_CHR ? 0 : n->len;
  if (n->type == GB_INO_LNK) si->size = strlen(n->data);
  si->atime = n->atime;
  si->mtime = n->mtime;
  si->ctime = n->ctime;
}

int64_t gb_put_stat(gb_machine *m, cJSON *ev, uint64_t buf, const gb_stat_info *si) {
  return fill_stat(m, ev, buf, si);
}

int64_t gb_sys_fstat(gb_machine *m, const uint64_t *a, cJSON *ev) {
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  gb_stat_info si;
  memset(&si, 0, sizeof si);
  si.nlink = 1;
  switch (f->kind) {
  case FD_STDIN: case FD_STDOUT: case FD_STDERR: /* a character device, like a tty */
    si.mode = S_IFCHR_LINUX | 0620, si.ino = 3 + a[0], si.rdev = 0x8800; /* 136:0, /dev/pts/0 */
    break;
  case FD_FILE: case FD_DIR:
    if (f->node < 0) return -EBADF_LINUX;
    gb_node_stat(m, f->node, f->data ? (int64_t)f->len : -1, &si);
    break;
  case FD_PIPE_R: case FD_PIPE_W: si.mode = S_IFIFO_LINUX | 0600, si.ino = 200 + a[0]; break;
  case FD_SOCKET: si.mode = S_IFSOCK_LINUX | 0777, si.ino = 100000 + (uint64_t)m->w->net.sk[f->pipe].seq; break;
  default: si.mode = 0000600, si.ino = 300 + a[0]; break;
  }
  return fill_stat(m, ev, a[1], &si);
}

int64_t gb_sys_lseek(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if (f->kind == FD_DIR) { /* a position in the listing: only a rewind or a return */
    if (a[2] != 0 || (int64_t)a[1] < 0) return -EINVAL_LINUX;
    f->pos = (size_t)a[1];
    gb_fd_shared(m, f);
    return (int64_t)a[1];
  }
  if (fd_dev(m, f)) return 0; /* devices: every position is 0 */
  if (!seekable(m, f)) return -ESPIPE_LINUX;
  size_t len;
  file_bytes(m, f, &len);
  int64_t base = a[2] == SEEK_SET_LINUX ? 0 : a[2] == SEEK_CUR_LINUX ? (int64_t)f->pos
                 : a[2] == SEEK_END_LINUX ? (int64_t)len : -1;
  if (base < 0) return -EINVAL_LINUX;
  int64_t np = base + (int64_t)a[1];
  if (np < 0) return -EINVAL_LINUX;
  f->pos = (size_t)np;
  gb_fd_shared(m, f);
  return np;
}

/* A copy of F at slot TO, sharing F's open file description (gb_fd_shared). */
static int64_t dup_to(gb_machine *m, gb_fd *f, int to) {
  gb_fd *t = &m->files.fds[to];
  if (t->kind != FD_NONE) release(m, t);
  *t = *f;
  t->share = f->share ? f->share : (int)(f - m->files.fds) + 1; /* into F's ring, after F */
  f->share = to + 1;
  t->data = NULL;
  t->ep = NULL;
  t->path = f->path ? strdup(f->path) : NULL;
  if (f->node >= 0 && (f->kind == FD_FILE || f->kind == FD_DIR)) m->w->fs.nodes[f->node].opens++;
  if (f->kind == FD_PIPE_R || f->kind == FD_PIPE_W) gb_pipe_ref(m, f->pipe, f->kind == FD_PIPE_W, 1);
  if (f->kind == FD_SOCKET) gb_sock_ref(m, f->pipe, 1);
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
  gb_fd *f = gb_getfd(m, a[0]);
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
  case F_GETPIPE_SZ_LINUX:
    if (f->kind != FD_PIPE_R && f->kind != FD_PIPE_W) return -EBADF_LINUX;
    return (int64_t)m->w->fs.pipes[f->pipe].cap;
  case F_SETPIPE_SZ_LINUX:
    if (f->kind != FD_PIPE_R && f->kind != FD_PIPE_W) return -EBADF_LINUX;
    return gb_pipe_resize(m, f->pipe, (uint32_t)a[2]);
  case F_GETFD_LINUX: return f->fdflags;
  case F_SETFD_LINUX: f->fdflags = (int)(a[2] & FD_CLOEXEC_LINUX); return 0;
  case F_GETFL_LINUX: /* the standard streams look like a terminal opened O_RDWR */
    if (f->kind == FD_STDIN || f->kind == FD_STDOUT || f->kind == FD_STDERR)
      return O_RDWR_LINUX | (f->flags & O_NONBLOCK_LINUX);
    return f->flags;
  case F_SETFL_LINUX:
    f->flags = (f->flags & O_ACCMODE_LINUX) | (uint32_t)(a[2] & ~(uint64_t)O_ACCMODE_LINUX);
    gb_fd_shared(m, f);
    return 0;
  default: return -EINVAL_LINUX;
  }
}

int64_t gb_sys_ioctl(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  return gb_getfd(m, a[0]) ? -ENOTTY_LINUX : -EBADF_LINUX;
}

int64_t gb_sys_dup(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  int to = gb_fd_alloc(m);
  return to < 0 ? to : dup_to(m, f, to);
}

int64_t gb_sys_dup3(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f || a[1] >= GB_MAX_FDS) return -EBADF_LINUX;
  if (a[0] == a[1]) return -EINVAL_LINUX;
  int64_t r = dup_to(m, f, (int)a[1]);
  if (r >= 0 && (a[2] & O_CLOEXEC_LINUX)) m->files.fds[a[1]].fdflags = FD_CLOEXEC_LINUX;
  return r;
}

int64_t gb_sys_dup2(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f || a[1] >= GB_MAX_FDS) return -EBADF_LINUX;
  if (a[0] == a[1]) return (int64_t)a[1];
  return dup_to(m, f, (int)a[1]);
}

int64_t gb_sys_pipe2(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (a[1] & ~(uint64_t)(O_NONBLOCK_LINUX | O_CLOEXEC_LINUX)) return -EINVAL_LINUX; /* no O_DIRECT */
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
  int p = gb_pipe_new(m);
  if (p < 0) {
    m->files.fds[r].kind = FD_NONE;
    return p;
  }
  gb_fd *fr = &m->files.fds[r], *fw = &m->files.fds[w];
  memset(fw, 0, sizeof *fw);
  fw->node = fr->node = -1;
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
  f->node = -1;
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
  gb_fd *e = gb_getfd(m, a[0]);
  gb_fd *t = gb_getfd(m, a[2]);
  if (!e || !t) return -EBADF_LINUX;
  if (e->kind != FD_EPOLL || t == e) return -EINVAL_LINUX;
  if (t->kind == FD_FILE || t->kind == FD_DIR) return -EPERM_LINUX; /* as Linux: files do not poll */
  int idx = -1;
  for (int i = 0; i < e->nep; i++)
    if (e->ep[i].fd == (int)a[2]) idx = i;
  unsigned char raw[12];
  if (a[1] != 2 && gb_read(m, a[3], raw, sizeof raw) < 0) return -EFAULT_LINUX;
  gb_epoll_ent ent = {(int)a[2], 0, 0, (uint64_t)-1};
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

/* What FD is ready for, as EPOLL*_LINUX bits; *GEN: its pipe's generation (0 else). */
static uint32_t ready(gb_machine *m, int fd, uint64_t *gen) {
  gb_fd *f = gb_getfd(m, (uint64_t)fd);
  *gen = 0;
  if (!f) return 0;
  if (f->kind == FD_PIPE_R || f->kind == FD_PIPE_W) {
    *gen = m->w->fs.pipes[f->pipe].gen;
    return gb_pipe_ready(m, f->pipe, f->kind == FD_PIPE_W);
  }
  if (f->kind == FD_EVENTFD) return (f->counter > 0 ? EPOLLIN_LINUX : 0) | EPOLLOUT_LINUX;
  if (f->kind == FD_SOCKET) return gb_sock_ready(m, f->pipe, gen);
  return 0;
}

int64_t gb_sys_epoll_pwait(gb_machine *m, const uint64_t *a, cJSON *ev) {
  gb_fd *e = gb_getfd(m, a[0]);
  if (!e) return -EBADF_LINUX;
  if (e->kind != FD_EPOLL || (int64_t)a[2] <= 0) return -EINVAL_LINUX;
  int n = 0;
  for (int i = 0; i < e->nep && n < (int)a[2]; i++) {
    uint64_t gen;
    uint32_t evs = ready(m, e->ep[i].fd, &gen) &
                   (e->ep[i].events | EPOLLERR_LINUX | EPOLLHUP_LINUX);
    if (!evs) continue;
    if (e->ep[i].events & EPOLLET_LINUX) { /* edge-triggered: once per change */
      if (e->ep[i].seen == gen) continue;
      e->ep[i].seen = gen;
    }
    unsigned char raw[12];
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
 * f->pos = entries already returned ("." and ".." first, then the directory's entries
 * in name order); d_off = the position after the entry. */
int64_t gb_sys_getdents64(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if (f->kind != FD_DIR) return -ENOTDIR_LINUX;
  uint64_t used = 0;
  if (f->pos == 0 && m->w->fs.nodes[f->node].fddir) gb_fs_fd_refresh(m, f->node);
  for (;;) {
    const gb_inode *d = &m->w->fs.nodes[f->node];
    if (d->type != GB_INO_DIR || d->nlink <= 1) break; /* removed: empty */
    if (f->pos >= (size_t)d->nents + 2) break;
    const char *name;
    int node;
    if (f->pos == 0) name = ".", node = f->node;
    else if (f->pos == 1) name = "..", node = d->parent;
    else name = d->ents[f->pos - 2].name, node = d->ents[f->pos - 2].node;
    const gb_inode *n = &m->w->fs.nodes[node];
    size_t nl = strlen(name);
    uint16_t reclen = (uint16_t)((19 + nl + 1 + 7) & ~(size_t)7);
    if (used + reclen > a[2]) {
      if (used == 0) return -EINVAL_LINUX; /* the buffer cannot hold one entry */
      break;
    }
    unsigned char rec[19 + 256 + 8];
    memset(rec, 0, sizeof rec);
    uint64_t ino = n->ino, off = f->pos + 1;
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &off, 8);
    memcpy(rec + 16, &reclen, 2);
    /* /proc/self/exe is listed as the symlink it is on Linux */
    rec[18] = n->type == GB_INO_DIR ? DT_DIR_LINUX : n->type == GB_INO_CHR ? DT_CHR_LINUX
            : n->type == GB_INO_SOCK ? DT_SOCK_LINUX
            : n->type == GB_INO_LNK || n->gen == GB_GEN_EXE ? DT_LNK_LINUX : DT_REG_LINUX;
    memcpy(rec + 19, name, nl);
    if (gb_write(m, a[1] + used, rec, reclen) < 0) return used ? (int64_t)used : -EFAULT_LINUX;
    used += reclen;
    f->pos++;
  }
  gb_fd_shared(m, f);
  return (int64_t)used;
}

int64_t gb_sys_fchmod(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if ((f->kind != FD_FILE && f->kind != FD_DIR) || f->node < 0) return -EPERM_LINUX;
  return gb_chmod_node(m, f->node, (uint32_t)a[1]);
}

int64_t gb_sys_fchown(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  gb_fd *f = gb_getfd(m, a[0]);
  if (!f) return -EBADF_LINUX;
  if ((f->kind != FD_FILE && f->kind != FD_DIR) || f->node < 0) return -EPERM_LINUX;
  return gb_chown_node(m, f->node, a[1], a[2]);
}

int64_t gb_sys_fstatfs(gb_machine *m, const uint64_t *a, cJSON *ev) {
  (void)ev;
  if (!gb_getfd(m, a[0])) return -EBADF_LINUX;
  return gb_put_statfs(m, a[1]);
}

/* poll/ppoll: struct pollfd { int fd; short events, revents; }. POLLIN/POLLOUT/POLLERR/
 * POLLHUP have epoll's bit values. Regular files and devices are always ready; a wait
 * with no deadline re-runs when a pipe changes, one with a deadline returns 0 when it
 * passes or something changes. */
static uint32_t poll_ready(gb_machine *m, int fd) {
  gb_fd *f = gb_getfd(m, (uint64_t)fd);
  uint64_t gen;
  if (!f) return 0x20; /* POLLNVAL */
  switch (f->kind) {
  case FD_FILE: case FD_DIR: return EPOLLIN_LINUX | EPOLLOUT_LINUX;
  case FD_STDIN: return EPOLLIN_LINUX;
  case FD_STDOUT: case FD_STDERR: return EPOLLOUT_LINUX;
  default: return ready(m, fd, &gen);
  }
}

static int64_t do_poll(gb_machine *m, uint64_t fds, uint64_t nfds, int64_t timeout_ns,
                       int nr, cJSON *ev) {
  if (nfds > GB_MAX_FDS) return -EINVAL_LINUX;
  int64_t n = 0;
  for (uint64_t i = 0; i < nfds; i++) {
    unsigned char pfd[8];
    if (gb_read(m, fds + 8 * i, pfd, 8) < 0) return -EFAULT_LINUX;
    int32_t fd;
    uint16_t events, revents = 0;
    memcpy(&fd, pfd, 4);
    memcpy(&events, pfd + 4, 2);
    if (fd >= 0)
      revents = (uint16_t)(poll_ready(m, fd) & (events | EPOLLERR_LINUX | EPOLLHUP_LINUX | 0x20));
    memcpy(pfd + 6, &revents, 2);
    if (gb_write(m, fds + 8 * i + 6, pfd + 6, 2) < 0) return -EFAULT_LINUX;
    n += revents != 0;
  }
  if (n > 0 || timeout_ns == 0) return n;
  if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
  if (timeout_ns < 0) {
    if (ev) cJSON_AddBoolToObject(ev, "restarts", 1);
    return gb_restart(m, nr);
  }
  gb_block(m, TH_EPOLL, gb_now_ns(m) + (uint64_t)timeout_ns);
  return 0;
}

/* select/pselect6 over descriptor sets (bit arrays of 64-bit words): readiness as poll
 * sees it (read: EPOLLIN/HUP/ERR, write: EPOLLOUT/ERR, except: never), the sets
 * rewritten to the ready descriptors. Not ready: TIMEOUT_NS 0 returns 0, < 0 blocks
 * until something is (the syscall restarts), else sleeps and times out (as poll does). */
int64_t gb_select(gb_machine *m, uint64_t nfds, const uint64_t sets[3], int64_t timeout_ns,
                  int nr, cJSON *ev) {
  if ((int64_t)nfds < 0 || (int32_t)nfds < 0) return -EINVAL_LINUX;
  if (nfds > GB_MAX_FDS) nfds = GB_MAX_FDS; /* none open past it: nothing to see */
  static const uint32_t want[3] = {EPOLLIN_LINUX | EPOLLHUP_LINUX | EPOLLERR_LINUX,
                                   EPOLLOUT_LINUX | EPOLLERR_LINUX, 0};
  uint64_t in[3][GB_MAX_FDS / 64], out[3][GB_MAX_FDS / 64];
  size_t words = (size_t)(nfds + 63) / 64;
  memset(in, 0, sizeof in);
  memset(out, 0, sizeof out);
  for (int k = 0; k < 3; k++)
    if (sets[k] && words && gb_read(m, sets[k], in[k], (nfds + 7) / 8) < 0) return -EFAULT_LINUX;
  int64_t n = 0;
  for (uint64_t fd = 0; fd < nfds; fd++) {
    uint64_t bit = 1ULL << (fd % 64);
    int asked = 0;
    for (int k = 0; k < 3; k++) asked |= (in[k][fd / 64] & bit) != 0;
    if (!asked) continue;
    if (!gb_getfd(m, fd)) return -EBADF_LINUX;
    uint32_t r = poll_ready(m, (int)fd);
    for (int k = 0; k < 3; k++)
      if ((in[k][fd / 64] & bit) && (r & want[k])) {
        out[k][fd / 64] |= bit;
        n++;
      }
  }
  if (n == 0 && timeout_ns < 0) {
    if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
    if (ev) cJSON_AddBoolToObject(ev, "restarts", 1);
    return gb_restart(m, nr); /* the sets are read again then */
  }
  for (int k = 0; k < 3; k++)
    if (sets[k] && words && gb_write(m, sets[k], out[k], (nfds + 7) / 8) < 0) return -EFAULT_LINUX;
  if (n > 0 || timeout_ns == 0) return n;
  if (ev) cJSON_AddBoolToObject(ev, "blocks", 1);
  gb_block(m, TH_EPOLL, gb_now_ns(m) + (uint64_t)timeout_ns);
  return 0;
}

int64_t gb_sys_poll(gb_machine *m, const uint64_t *a, cJSON *ev) {
  int64_t ms = (int32_t)a[2];
  int64_t r = do_poll(m, a[0], a[1], ms < 0 ? -1 : ms * 1000000, 7, ev);
  m->files.restarting = 0;
  return r;
}

int64_t gb_sys_ppoll(gb_machine *m, const uint64_t *a, cJSON *ev) {
  uint64_t ns = 0;
  if (a[2]) {
    int64_t r = gb_read_timespec(m, a[2], &ns);
    if (r < 0) return r;
  }
  int64_t r = do_poll(m, a[0], a[1], a[2] ? (int64_t)ns : -1, 271, ev);
  m->files.restarting = 0;
  return r;
}

void gb_fds_close(gb_machine *m, int cloexec_only) {
  for (int i = 0; i < GB_MAX_FDS; i++) {
    gb_fd *f = &m->files.fds[i];
    if (f->kind == FD_NONE || (cloexec_only && !(f->fdflags & FD_CLOEXEC_LINUX))) continue;
    release(m, f);
  }
}
