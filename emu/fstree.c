/* fstree.c — the guest's file system: a tree of inodes in goboot's memory (regular
 * files, directories, symlinks, character devices) with POSIX naming rules. The
 * default tree is made from the run's options alone (gb_fs_init), so two runs with the
 * same inputs see the same tree, inode numbers and times, on any host:
 *   /            /dev /proc /proc/self /sys/...  root's, 0555 (read-only system dirs)
 *   /tmp 01777   /home 0755   /root 0700         root's
 *   /dev/null /dev/zero /dev/full /dev/random /dev/urandom   character devices 0666
 *   /dev/{stdin,stdout,stderr,fd} symlinks to /proc/self/fd/..., and /proc/self/fd, its
 *   links made from the fd table whenever it is looked in (gb_fs_fd_refresh)
 *   the generated files of vfs.c (/proc/self/exe, auxv, cgroup files, ...) 0444
 * The guest is uid 1000: it may make entries in a directory it owns or one writable by
 * others (/tmp; sticky: it removes only its own), and everything it makes is its own —
 * chmod records modes on those but does not enforce them. Contents and inodes count
 * against --max-fs (GB_FS_INODE_COST per inode): past it, ENOSPC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define N(i) (&m->w->fs.nodes[i])
#define MAX_LINKS 40

uint64_t gb_fs_now(gb_machine *m) { return GB_REALTIME_EPOCH_NS + gb_now_ns(m); }

void gb_fs_touch(gb_machine *m, int node, int what) {
  uint64_t t = gb_fs_now(m);
  if (what & 1) N(node)->mtime = t;
  if (what & 3) N(node)->ctime = t;
  if (what & 4) N(node)->atime = t;
}

static int dead(const gb_inode *n) { return n->type == GB_INO_DIR ? n->nlink <= 1 : n->nlink == 0; }

static void free_node(gb_machine *m, int i) {
  gb_inode *n = N(i);
  for (int k = 0; k < n->nents; k++) free(n->ents[k].name);
  free(n->ents);
  if (!n->borrowed) free(n->data);
  m->w->fs.fs_used -= GB_FS_INODE_COST + (n->type == GB_INO_REG ? n->len : 0);
  memset(n, 0, sizeof *n);
}

void gb_fs_put(gb_machine *m, int node) {
  if (node < 0 || node >= m->w->fs.nnodes) return;
  gb_inode *n = N(node);
  if (n->opens > 0) n->opens--;
  if (n->type && n->opens == 0 && dead(n) && node != 0) free_node(m, node);
}

static int charge(gb_machine *m, uint64_t add) {
  if (m->w->fs.fs_used + add > m->w->fs.fs_max) return -ENOSPC_LINUX;
  m->w->fs.fs_used += add;
  if (m->w->fs.fs_used > m->w->fs.fs_peak) m->w->fs.fs_peak = m->w->fs.fs_used;
  return 0;
}

/* The index of a fresh node (the lowest free slot, so the layout is deterministic). */
static int new_node(gb_machine *m, int type, uint32_t mode, uint32_t uid, uint64_t ino) {
  gb_fsys *fs = &m->w->fs;
  int i = 0;
  while (i < fs->nnodes && fs->nodes[i].type) i++;
  if (i == fs->nnodes) {
    if (fs->nnodes == fs->capnodes) {
      int cap = fs->capnodes ? fs->capnodes * 2 : 64;
      gb_inode *n = realloc(fs->nodes, sizeof *n * (size_t)cap);
      if (!n) return -ENOMEM_LINUX;
      fs->nodes = n;
      fs->capnodes = cap;
    }
    fs->nnodes++;
  }
  if (charge(m, GB_FS_INODE_COST) < 0) {
    if (i == fs->nnodes - 1) fs->nnodes--;
    return -ENOSPC_LINUX;
  }
  gb_inode *n = N(i);
  memset(n, 0, sizeof *n);
  n->type = type;
  n->mode = mode & 07777;
  n->uid = uid;
  n->ino = ino;
  n->nlink = type == GB_INO_DIR ? 1 : 0; /* "." until a name is linked */
  n->parent = i;
  return i;
}

/* The position of NAME[0..len) in DIR's sorted entries, or -(insert position) - 1. */
static int find(const gb_inode *d, const char *name, size_t len) {
  int lo = 0, hi = d->nents;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    const char *e = d->ents[mid].name;
    int c = strncmp(e, name, len);
    if (c == 0 && e[len]) c = 1;
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -lo - 1;
}

int gb_fs_link(gb_machine *m, int dir, const char *name, int node) {
  gb_inode *d = N(dir);
  int at = find(d, name, strlen(name));
  if (at >= 0) return -EEXIST_LINUX;
  at = -at - 1;
  gb_dent *e = realloc(d->ents, sizeof *e * (size_t)(d->nents + 1));
  if (!e) return -ENOMEM_LINUX;
  d->ents = e;
  char *copy = strdup(name);
  if (!copy) return -ENOMEM_LINUX;
  memmove(e + at + 1, e + at, sizeof *e * (size_t)(d->nents - at));
  e[at].name = copy;
  e[at].node = node;
  d->nents++;
  N(node)->nlink++;
  if (N(node)->type == GB_INO_DIR) {
    N(node)->parent = dir;
    d->nlink++;
  }
  return 0;
}

int gb_fs_unlink(gb_machine *m, int dir, const char *name) {
  gb_inode *d = N(dir);
  int at = find(d, name, strlen(name));
  if (at < 0) return -ENOENT_LINUX;
  int node = d->ents[at].node;
  free(d->ents[at].name);
  memmove(d->ents + at, d->ents + at + 1, sizeof *d->ents * (size_t)(d->nents - at - 1));
  d->nents--;
  gb_inode *n = N(node);
  n->nlink--;
  if (n->type == GB_INO_DIR) d->nlink--;
  if (n->opens == 0 && dead(n)) free_node(m, node);
  return 0;
}

int gb_fs_may_write_dir(gb_machine *m, int dir) {
  const gb_inode *d = N(dir);
  if (d->ro) return -EROFS_LINUX;
  return (d->mode & (d->uid == GB_FS_GUEST_UID ? 0200 : 0002)) ? 0 : -EACCES_LINUX;
}

int gb_fs_may_remove(gb_machine *m, int dir, int node) {
  const gb_inode *d = N(dir);
  if (N(node)->ro) return -EROFS_LINUX; /* a mount's root: its parent is writable */
  if (!(d->mode & 01000) || d->uid == GB_FS_GUEST_UID || N(node)->uid == GB_FS_GUEST_UID) return 0;
  return -EPERM_LINUX;
}

static int may_search(const gb_inode *d) { return d->uid == GB_FS_GUEST_UID || (d->mode & 0001); }

int gb_fs_create(gb_machine *m, const gb_fs_where *w, int type, uint32_t mode) {
  if (dead(N(w->dir))) return -ENOENT_LINUX;
  int r = gb_fs_may_write_dir(m, w->dir);
  if (r < 0) return r;
  int i = new_node(m, type, mode, GB_FS_GUEST_UID, m->w->fs.next_ino++);
  if (i < 0) return i;
  gb_fs_touch(m, i, 7);
  if ((r = gb_fs_link(m, w->dir, w->name, i)) < 0) {
    free_node(m, i);
    return r;
  }
  gb_fs_touch(m, w->dir, 1);
  m->w->fs.fs_created++;
  return i;
}

int gb_fs_resize(gb_machine *m, int node, size_t len) {
  gb_inode *n = N(node);
  if (len > (1ULL << 40)) return -EFBIG_LINUX;
  if (len > n->len) {
    if (charge(m, len - n->len) < 0) return -ENOSPC_LINUX;
    if (len > n->cap) {
      size_t cap = n->cap ? n->cap : 64;
      while (cap < len) cap *= 2;
      char *d = realloc(n->data, cap);
      if (!d) {
        m->w->fs.fs_used -= len - n->len;
        return -ENOMEM_LINUX;
      }
      n->data = d;
      n->cap = cap;
    }
    memset(n->data + n->len, 0, len - n->len);
  } else {
    m->w->fs.fs_used -= n->len - len;
  }
  n->len = len;
  return 0;
}

int gb_fs_write(gb_machine *m, int node, size_t off, const void *buf, size_t n) {
  if (off + n > N(node)->len) {
    int r = gb_fs_resize(m, node, off + n);
    if (r < 0) return r;
  }
  memcpy(N(node)->data + off, buf, n);
  return 0;
}

static int walk_from(gb_machine *m, int cur, const char *path, int follow, int *depth,
                     gb_fs_where *w) {
  if (path[0] == '/') cur = 0;
  w->dir = N(cur)->parent;
  w->node = cur;
  w->name[0] = '.', w->name[1] = 0;
  w->slash = 0;
  w->fd = 0;
  const char *p = path;
  for (;;) {
    while (*p == '/') p++;
    if (!*p) return 0; /* only slashes: the root (or where we started) */
    const char *e = p;
    while (*e && *e != '/') e++;
    size_t cl = (size_t)(e - p);
    if (cl > 255) return -ENAMETOOLONG_LINUX;
    const char *q = e;
    while (*q == '/') q++;
    if (N(cur)->fddir) gb_fs_fd_refresh(m, cur);
    gb_inode *d = N(cur);
    if (d->type != GB_INO_DIR) return -ENOTDIR_LINUX;
    if (!may_search(d)) return -EACCES_LINUX;
    int next;
    if (cl == 1 && p[0] == '.') next = cur;
    else if (cl == 2 && p[0] == '.' && p[1] == '.') next = d->parent;
    else {
      int at = find(d, p, cl);
      next = at >= 0 ? d->ents[at].node : -1;
    }
    if (!*q) { /* the last component */
      w->dir = cur;
      memcpy(w->name, p, cl);
      w->name[cl] = 0;
      w->node = next;
      w->slash = *e == '/';
      if (next >= 0 && N(next)->fdlink && (follow || w->slash)) { /* what the fd holds */
        const gb_fd *f = &m->files.fds[N(next)->fdlink - 1];
        w->fd = N(next)->fdlink;
        w->node = (f->kind == FD_FILE || f->kind == FD_DIR) ? f->node : -1;
        if (w->slash && (w->node < 0 || N(w->node)->type != GB_INO_DIR)) return -ENOTDIR_LINUX;
        return 0;
      }
      if (next >= 0 && N(next)->type == GB_INO_LNK && (follow || w->slash)) {
        if (++*depth > MAX_LINKS) return -ELOOP_LINUX;
        int slash = w->slash;
        int r = walk_from(m, cur, N(next)->data, 1, depth, w);
        if (r < 0) return r;
        w->slash = slash;
      }
      if (w->slash && w->node >= 0 && N(w->node)->type != GB_INO_DIR) return -ENOTDIR_LINUX;
      return 0;
    }
    if (next < 0) return -ENOENT_LINUX;
    if (N(next)->fdlink) { /* a directory's descriptor leads into it */
      const gb_fd *f = &m->files.fds[N(next)->fdlink - 1];
      if (f->kind != FD_DIR || f->node < 0) return -ENOTDIR_LINUX;
      next = f->node;
    } else if (N(next)->type == GB_INO_LNK) {
      gb_fs_where t;
      if (++*depth > MAX_LINKS) return -ELOOP_LINUX;
      int r = walk_from(m, cur, N(next)->data, 1, depth, &t);
      if (r < 0) return r;
      if (t.node < 0) return -ENOENT_LINUX;
      next = t.node;
    }
    cur = next;
    p = e;
  }
}

int gb_fs_walk(gb_machine *m, int64_t dirfd, const char *path, int follow, gb_fs_where *w) {
  if (!path[0]) return -ENOENT_LINUX;
  if (m->w->fs.nnodes == 0) return -ENOMEM_LINUX; /* the tree could not be built */
  if (strlen(path) >= 4096) return -ENAMETOOLONG_LINUX;
  int start = m->files.cwd;
  if (path[0] != '/' && dirfd != AT_FDCWD_LINUX) {
    if (dirfd < 0 || dirfd >= GB_MAX_FDS || m->files.fds[dirfd].kind == FD_NONE) return -EBADF_LINUX;
    if (m->files.fds[dirfd].kind != FD_DIR) return -ENOTDIR_LINUX;
    start = m->files.fds[dirfd].node;
  }
  int depth = 0;
  return walk_from(m, start, path, follow, &depth, w);
}

size_t gb_fs_path(gb_machine *m, int node, char *out, size_t cap) {
  char tmp[4096];
  size_t pos = sizeof tmp - 1;
  tmp[pos] = 0;
  for (int n = node, guard = 0; n != 0 && guard < 4096; guard++) {
    int p = N(n)->parent;
    const gb_inode *d = N(p);
    const char *name = NULL;
    for (int k = 0; k < d->nents; k++)
      if (d->ents[k].node == n) name = d->ents[k].name;
    if (!name || p == n) { /* removed */
      snprintf(out, cap, "(deleted)");
      return strlen(out);
    }
    size_t l = strlen(name);
    if (l + 1 > pos) break;
    pos -= l;
    memcpy(tmp + pos, name, l);
    tmp[--pos] = '/';
    n = p;
  }
  if (!tmp[pos]) tmp[--pos] = '/';
  snprintf(out, cap, "%s", tmp + pos);
  return strlen(out);
}

/* ---- the default tree ---- */

/* The node at absolute PATH, made (with its parents: root's directories, MODE 0555) as
 * TYPE when missing; its inode number a hash of the path. */
static int mk(gb_machine *m, const char *path, int type, uint32_t mode) {
  int cur = 0;
  char part[4096];
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *e = p;
    while (*e && *e != '/') e++;
    size_t cl = (size_t)(e - p);
    int at = find(N(cur), p, cl);
    int next;
    if (at >= 0) {
      next = N(cur)->ents[at].node;
    } else {
      size_t pl = (size_t)(e - path);
      memcpy(part, path, pl);
      part[pl] = 0;
      int last = !*e;
      next = new_node(m, last ? type : GB_INO_DIR, last ? mode : 0555, 0, gb_vfs_ino(part));
      if (next < 0) return next;
      char name[256];
      if (cl > 255) return -ENAMETOOLONG_LINUX;
      memcpy(name, p, cl);
      name[cl] = 0;
      int r = gb_fs_link(m, cur, name, next);
      if (r < 0) return r;
    }
    cur = next;
    p = e;
  }
  return cur;
}

int gb_fs_init(gb_machine *m) {
  gb_fsys *fs = &m->w->fs;
  fs->nodes = NULL;
  fs->nnodes = fs->capnodes = 0;
  fs->fs_used = fs->fs_peak = fs->fs_created = 0;
  fs->fs_max = UINT64_MAX / 2; /* while the default tree is built */
  fs->next_ino = 0x100000000ULL;
  int root = new_node(m, GB_INO_DIR, 0555, 0, gb_vfs_ino("/"));
  if (root < 0) return root;
  N(root)->nlink = 2;
  m->files.cwd = root;
  m->files.umask = 022;
  static const struct { const char *path; uint32_t mode; int dev; } fixed[] = {
    {"/dev/full", 0666, GB_DEV_FULL},      {"/dev/null", 0666, GB_DEV_NULL},
    {"/dev/random", 0666, GB_DEV_RANDOM},  {"/dev/urandom", 0666, GB_DEV_URANDOM},
    {"/dev/zero", 0666, GB_DEV_ZERO},      {"/home", 0755, 0},
    {"/root", 0700, 0},                    {"/tmp", 01777, 0},
    {"/usr/bin", 0755, 0},                 {"/home/user", 0755, 0},
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    int n = mk(m, fixed[i].path, fixed[i].dev ? GB_INO_CHR : GB_INO_DIR, fixed[i].mode);
    if (n < 0) return n;
    N(n)->dev = fixed[i].dev;
    if (!strcmp(fixed[i].path, "/home/user")) N(n)->uid = GB_FS_GUEST_UID; /* /etc/passwd's home */
  }
  static const struct { const char *path, *target; } links[] = { /* as on Linux */
    {"/dev/stdin", "/proc/self/fd/0"}, {"/dev/stdout", "/proc/self/fd/1"},
    {"/dev/stderr", "/proc/self/fd/2"}, {"/dev/fd", "/proc/self/fd"},
  };
  int fdd = mk(m, "/proc/self/fd", GB_INO_DIR, 0500);
  if (fdd < 0) return fdd;
  N(fdd)->fddir = 1;
  N(fdd)->uid = GB_FS_GUEST_UID;
  N(fdd)->ro = 1; /* the fd table's to change: a name held across a refresh is gone */
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    int n = mk(m, links[i].path, GB_INO_LNK, 0777);
    if (n < 0) return n;
    if (!(N(n)->data = strdup(links[i].target))) return -ENOMEM_LINUX;
  }
  const char *gen[32];
  int ng = gb_vfs_files(m, gen, 32);
  for (int i = 0; i < ng; i++) {
    int n = mk(m, gen[i], GB_INO_REG, 0444);
    if (n < 0) return n;
    N(n)->gen = !strcmp(gen[i], "/proc/self/exe") ? GB_GEN_EXE : GB_GEN_TEXT;
  }
  for (int i = 0; i < m->o.nmounts; i++) { /* --mount copies, read-only */
    const gb_mount_ent *e = &m->o.mounts[i];
    /* entries come from the host or from a recording: only the three kinds a mount holds,
     * at absolute paths */
    if ((e->type != GB_INO_REG && e->type != GB_INO_DIR && e->type != GB_INO_LNK) ||
        !e->path || e->path[0] != '/')
      return -EINVAL_LINUX;
    int n = mk(m, e->path, e->type, e->mode);
    if (n < 0) return n;
    gb_inode *in = N(n);
    if (in->type != e->type) continue; /* over a default entry of another kind: kept */
    in->mode = e->mode & 07777;
    in->uid = GB_FS_GUEST_UID;
    in->ro = 1;
    if (e->type == GB_INO_REG && e->lazy) { /* stat says the size; open reads the bytes */
      if (charge(m, e->size) < 0) return -ENOMEM_LINUX;
      in->len = (size_t)e->size;
      in->mount = i + 1;
    } else if (e->type == GB_INO_REG && e->len) {
      if (gb_fs_resize(m, n, e->len) < 0) return -ENOMEM_LINUX;
      memcpy(N(n)->data, e->data, e->len);
    }
    if (e->type == GB_INO_LNK) {
      char *t = malloc(e->len + 1);
      if (!t) return -ENOMEM_LINUX;
      memcpy(t, e->data, e->len);
      t[e->len] = 0;
      free(in->data);
      in->data = t;
    }
  }
  fs->cwd0 = 0;
  const char *cwd = m->o.vfs.cwd;
  if (cwd && cwd[0] == '/') { /* an existing directory, or one made for the guest */
    gb_fs_where w;
    int n;
    if (gb_fs_walk(m, AT_FDCWD_LINUX, cwd, 1, &w) == 0 && w.node >= 0) {
      n = N(w.node)->type == GB_INO_DIR ? w.node : 0;
    } else if ((n = mk(m, cwd, GB_INO_DIR, 0755)) > 0 && N(n)->type == GB_INO_DIR) {
      N(n)->uid = GB_FS_GUEST_UID;
    } else {
      n = 0;
    }
    m->files.cwd = fs->cwd0 = n;
    N(n)->opens++;
  }
  /* the default tree and the mounts are not the guest's to pay for */
  fs->fs_max = (m->o.vfs.max_fs ? m->o.vfs.max_fs : GB_FS_DEFAULT_MAX) + fs->fs_used;
  return 0;
}

int gb_fs_fill(gb_machine *m, int node) {
  gb_inode *n = N(node);
  if (!n->mount) return 0;
  const unsigned char *data = NULL;
  size_t len = 0;
  int r = m->o.mount_read ? m->o.mount_read(m->o.mount_ctx, n->mount - 1, &data, &len) : -EIO_LINUX;
  if (r < 0) return r;
  if (len != n->len) return -EIO_LINUX; /* changed since it was listed */
  free(n->data);
  n->data = (char *)data; /* ro: never written through */
  n->cap = len;
  n->borrowed = 1;
  n->mount = 0;
  return 0;
}

typedef struct export_list { gb_mount_ent *e; int n, cap; } export_list;

static int export_dir(gb_machine *m, int dir, const char *rel, export_list *l) {
  for (int k = 0; k < N(dir)->nents; k++) {
    const gb_dent *d = &N(dir)->ents[k];
    const gb_inode *n = N(d->node);
    if (n->ro || (n->type != GB_INO_REG && n->type != GB_INO_DIR && n->type != GB_INO_LNK) ||
        n->gen)
      continue; /* mounts, devices and generated files are not the guest's writing */
    if (l->n == l->cap) {
      int cap = l->cap ? l->cap * 2 : 16;
      gb_mount_ent *e = realloc(l->e, sizeof *e * (size_t)cap);
      if (!e) return -ENOMEM_LINUX;
      l->e = e;
      l->cap = cap;
    }
    gb_mount_ent *e = &l->e[l->n];
    memset(e, 0, sizeof *e);
    size_t pl = strlen(rel) + strlen(d->name) + 2;
    if (!(e->path = malloc(pl))) return -ENOMEM_LINUX;
    snprintf(e->path, pl, "%s%s%s", rel, *rel ? "/" : "", d->name);
    l->n++;
    e->type = n->type;
    e->mode = n->mode;
    size_t len = n->type == GB_INO_LNK ? strlen(n->data) : n->type == GB_INO_REG ? n->len : 0;
    if (len) {
      if (!(e->data = malloc(len))) return -ENOMEM_LINUX;
      memcpy(e->data, n->data, len);
      e->len = e->size = len;
    }
    if (n->type == GB_INO_DIR) {
      int r = export_dir(m, d->node, e->path, l);
      if (r < 0) return r;
    }
  }
  return 0;
}

int gb_fs_export(gb_machine *m, const char *guest, gb_mount_ent **out, int *n) {
  gb_fs_where w;
  *out = NULL;
  *n = 0;
  if (gb_fs_walk(m, AT_FDCWD_LINUX, guest, 1, &w) < 0 || w.node < 0 || N(w.node)->type != GB_INO_DIR)
    return -ENOENT_LINUX;
  export_list l = {calloc(16, sizeof *l.e), 1, 16}; /* "": GUEST itself, for its mode */
  if (!l.e || !(l.e[0].path = strdup(""))) {
    free(l.e);
    return -ENOMEM_LINUX;
  }
  l.e[0].type = GB_INO_DIR;
  l.e[0].mode = N(w.node)->mode;
  int r = export_dir(m, w.node, "", &l);
  *out = l.e;
  *n = l.n;
  return r;
}

/* What readlink says of descriptor FD, as Linux does: the path it was opened by, or
 * "pipe:[N]" / "anon_inode:[...]"; goboot's stdin, stdout and stderr are pipes 1-3
 * and the guest's own pipes 16 on. */
static void fd_target(const gb_fd *f, char *out, size_t cap) {
  switch (f->kind) {
  case FD_STDIN: snprintf(out, cap, "pipe:[1]"); break;
  case FD_STDOUT: snprintf(out, cap, "pipe:[2]"); break;
  case FD_STDERR: snprintf(out, cap, "pipe:[3]"); break;
  case FD_PIPE_R: case FD_PIPE_W: snprintf(out, cap, "pipe:[%d]", 16 + f->pipe); break;
  case FD_EPOLL: snprintf(out, cap, "anon_inode:[eventpoll]"); break;
  case FD_EVENTFD: snprintf(out, cap, "anon_inode:[eventfd]"); break;
  default: snprintf(out, cap, "%s", f->path ? f->path : "/"); break;
  }
}

void gb_fs_fd_refresh(gb_machine *m, int dir) {
  while (N(dir)->nents) {
    char name[256];
    snprintf(name, sizeof name, "%s", N(dir)->ents[0].name);
    gb_fs_unlink(m, dir, name);
  }
  for (int fd = 0; fd < GB_MAX_FDS; fd++) {
    const gb_fd *f = &m->files.fds[fd];
    if (f->kind == FD_NONE) continue;
    char name[16], path[64], target[4200];
    snprintf(name, sizeof name, "%d", fd);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    fd_target(f, target, sizeof target);
    uint32_t acc = f->flags & O_ACCMODE_LINUX;
    int n = new_node(m, GB_INO_LNK, acc == O_RDONLY_LINUX ? 0500 : acc == O_WRONLY_LINUX ? 0300 : 0700,
                     GB_FS_GUEST_UID, gb_vfs_ino(path));
    if (n < 0) return; /* past --max-fs: the listing stops there */
    if (!(N(n)->data = strdup(target)) || gb_fs_link(m, dir, name, n) < 0) {
      free_node(m, n);
      return;
    }
    N(n)->fdlink = fd + 1;
    N(n)->ro = 1;
  }
}

void gb_fs_free(gb_machine *m) {
  for (int i = 0; i < m->w->fs.nnodes; i++)
    if (N(i)->type) {
      for (int k = 0; k < N(i)->nents; k++) free(N(i)->ents[k].name);
      free(N(i)->ents);
      if (!N(i)->borrowed) free(N(i)->data);
    }
  free(m->w->fs.nodes);
  m->w->fs.nodes = NULL;
  m->w->fs.nnodes = m->w->fs.capnodes = 0;
}
