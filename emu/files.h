/* files.h — the guest's files: an in-memory inode tree with POSIX semantics (fstree.c),
 * the run-made contents and devices in it (vfs.c), the fd table, pipes, eventfds and
 * epoll sets (sys_file.c) and the path syscalls (sys_path.c). Nothing here reaches a
 * host file: the tree lives in goboot's memory, bounded by --max-fs, and is gone at
 * the end of the run. */
#ifndef GOBOOT_EMU_FILES_H
#define GOBOOT_EMU_FILES_H

#include "common.h"

#define GB_FS_GUEST_UID 1000 /* who the guest is (getuid, sys_misc.c): owner of what it makes */
#define GB_FS_DEFAULT_MAX (256ULL << 20)
#define GB_FS_INODE_COST 256 /* budget bytes an inode costs besides its contents */

typedef enum gb_fd_kind { FD_NONE, FD_STDIN, FD_STDOUT, FD_STDERR, FD_FILE, FD_EPOLL,
                          FD_PIPE_R, FD_PIPE_W, FD_EVENTFD, FD_DIR, FD_SOCKET } gb_fd_kind;

/* ---- the inode tree (fstree.c) ---- */
enum { GB_INO_REG = 1, GB_INO_DIR, GB_INO_LNK, GB_INO_CHR, GB_INO_SOCK }; /* SOCK: a bound AF_UNIX name */
/* contents made by the run (vfs.c) rather than stored: read-only, read at open */
enum { GB_GEN_NONE, GB_GEN_TEXT, GB_GEN_EXE };
/* character devices */
enum { GB_DEV_NONE, GB_DEV_NULL, GB_DEV_ZERO, GB_DEV_FULL, GB_DEV_RANDOM, GB_DEV_URANDOM };

typedef struct gb_dent { char *name; int node; } gb_dent;

typedef struct gb_inode {
  int type;            /* GB_INO_*; 0: a free slot */
  uint32_t mode;       /* permission bits (07777); chmod records them */
  uint32_t uid;        /* 0 (root: the default tree) or GB_FS_GUEST_UID */
  uint64_t ino;        /* what stat says: a hash of the default path, or a counter */
  uint32_t nlink;      /* names that lead here */
  int opens;           /* descriptors open on it */
  char *data;          /* REG: contents; LNK: the target (NUL-terminated) */
  size_t len, cap;     /* REG: bytes used, allocated */
  int gen, dev;        /* GB_GEN_*, GB_DEV_* */
  gb_dent *ents; int nents; /* DIR: children in name order */
  int parent;          /* DIR: the directory ".." leads to */
  uint64_t atime, mtime, ctime; /* realtime ns (virtual clock); 0 for the default tree */
  int ro;              /* part of a read-only mount: changes are EROFS */
  int mount;           /* REG: 1 + the lazy mount entry whose bytes are not read yet */
  int borrowed;        /* REG: DATA is the mount provider's (read-only), not freed here */
  int fddir;           /* DIR: /proc/self/fd, its links made afresh from the fd table
                        * whenever it is looked in (gb_fs_fd_refresh) */
  int fdlink;          /* LNK: 1 + the descriptor it stands for (followed to what the
                        * descriptor holds, as Linux's magic links are) */
} gb_inode;

/* Where a path leads: the directory holding its last component, that component, and
 * the node it names (-1 when missing). */
/* FD: 1 + the descriptor a /proc/self/fd link led to (NODE is -1 when it holds no
 * inode: stdin/stdout/stderr, a pipe). */
typedef struct gb_fs_where { int dir; int node; char name[256]; int slash; int fd; } gb_fs_where;

/* SEEN: the pipe's generation when last reported (EPOLLET reports a change once) */
typedef struct gb_epoll_ent { int fd; uint32_t events; uint64_t data; uint64_t seen; } gb_epoll_ent;

typedef struct gb_fd {
  gb_fd_kind kind;
  int node;            /* FD_FILE, FD_DIR: the inode (-1 none) */
  char *data;          /* FD_FILE over generated contents: a copy made at open (owned) */
  size_t len, pos;
  int pipe;            /* FD_PIPE_*: index into gb_files.pipes; FD_SOCKET: into gb_net.sk */
  uint64_t counter;    /* FD_EVENTFD */
  gb_epoll_ent *ep; int nep; /* FD_EPOLL interest list */
  uint32_t flags;      /* O_*_LINUX as opened / set by F_SETFL */
  int fdflags;         /* FD_CLOEXEC_LINUX */
  char *path;          /* the path it was opened by, for the trace */
  int share;           /* dup'ed copies: 1 + the next slot in the ring of descriptors
                        * sharing one open file description (offset, status flags);
                        * 0: alone. gb_fd_shared() keeps the ring agreeing. */
} gb_fd;

#define GB_MAX_FDS 4096 /* below RLIMIT_NOFILE (sys_misc.c); os tests open 1200 */
#define GB_PIPE_DEFAULT 65536     /* Linux's pipe buffer (16 pages) */
#define GB_PIPE_MAX (1u << 20)    /* /proc/sys/fs/pipe-max-size: F_SETPIPE_SZ's ceiling */
#define GB_PIPE_BUF 4096          /* PIPE_BUF: writes up to it are atomic */

/* A blocking pipe write that wrote part and waits for room to write the rest: the
 * thread TID re-runs write(2) on the rest (buf and count advanced in its registers);
 * DONE bytes already went in and are added to what the call returns. */
typedef struct gb_pipe_partial { int tid; uint64_t done; } gb_pipe_partial;

/* A pipe: a ring buffer and how many descriptors hold each end; GEN counts changes
 * (data in or out, an end closed) for edge-triggered epoll. A slot with no ends left
 * is free. */
typedef struct gb_pipe {
  char *buf; size_t cap, head, len;
  int readers, writers;
  uint64_t gen;
} gb_pipe;

/* The file objects every process shares (the world's `fs`, world.h): the inode tree,
 * pipes, fd 0's source and the randomness behind /dev/urandom. A descriptor in a
 * process's table (gb_files) refers to them by index. */
typedef struct gb_fsys {
  gb_pipe *pipes; int npipes, cappipes;
  unsigned char *stdin_got; size_t stdin_len, stdin_cap; /* what the guest read */
  size_t stdin_pos;    /* GB_STDIN_BYTES: next byte */
  int stdin_eof, stdin_reads;
  uint64_t rng;        /* splitmix64 state behind /dev/urandom and getrandom */
  gb_inode *nodes; int nnodes, capnodes; /* node 0 is "/" */
  int cwd0;            /* where the run started (--cwd; AT_EXECFN is relative to it) */
  uint64_t next_ino;   /* inode numbers of what the guest makes */
  uint64_t fs_used, fs_max, fs_peak; /* budget bytes: contents + GB_FS_INODE_COST each */
  uint64_t fs_created; /* inodes the guest made (the summary) */
} gb_fsys;

/* One process's view of the files (the machine's `files`): its descriptor table,
 * working directory and umask. */
typedef struct gb_files {
  gb_fd fds[GB_MAX_FDS];
  int restarting;      /* the syscall being handled blocked and will run again */
  gb_pipe_partial *partial; int npartial, cappartial; /* blocking pipe writes under way (by tid) */
  int cwd;             /* the working directory's node */
  uint32_t umask;      /* 022 at start */
} gb_files;

void gb_fds_init(gb_machine *m);  /* also builds the default tree; 0 or -ENOMEM */
void gb_fds_free(gb_machine *m);   /* the process's table (its descriptors' memory) */
void gb_fsys_free(gb_machine *m);
/* fork: C's table becomes a copy of M's, each descriptor holding its object once more
 * (pipe ends, inodes; the cwd). Offsets are copied, not shared: a child's lseek is
 * its own (Linux shares the open file description). 0 or -ENOMEM. */
int gb_fds_fork(gb_machine *c, gb_machine *m);
/* Close every descriptor (a process's end), or only the close-on-exec ones (execve). */
void gb_fds_close(gb_machine *m, int cloexec_only);  /* the shared objects: tree, pipes, stdin (the world's end) */
int gb_fd_alloc(gb_machine *m);
void gb_fd_shared(gb_machine *m, gb_fd *f);  /* F's offset and flags to its dup'ed copies */
void gb_fd_unshare(gb_machine *m, int fd);   /* leave the ring (the slot is closing) */
void gb_rng_bytes(gb_machine *m, void *buf, size_t n);

/* ---- fstree.c ---- */
int gb_fs_init(gb_machine *m);    /* the default tree; 0 or -ENOMEM */
void gb_fs_free(gb_machine *m);
/* PATH relative to DIRFD (AT_FDCWD_LINUX: the working directory): symlinks followed in
 * every component but the last, and in the last when FOLLOW. 0 or -ENOENT (a missing
 * directory on the way), -ENOTDIR, -ELOOP, -EACCES, -EBADF, -ENAMETOOLONG. */
int gb_fs_walk(gb_machine *m, int64_t dirfd, const char *path, int follow, gb_fs_where *w);
/* A new node of TYPE named W->name in W->dir (the caller checked it is missing and may
 * be created): its index, or -ENOSPC / -ENOMEM / -EACCES / -ENOENT (parent removed). */
int gb_fs_create(gb_machine *m, const gb_fs_where *w, int type, uint32_t mode);
int gb_fs_link(gb_machine *m, int dir, const char *name, int node);  /* add a name */
int gb_fs_unlink(gb_machine *m, int dir, const char *name);          /* drop a name */
int gb_fs_may_write_dir(gb_machine *m, int dir);   /* 0 or -EACCES (uid 1000's rights) */
int gb_fs_may_remove(gb_machine *m, int dir, int node); /* sticky /tmp: 0 or -EPERM */
void gb_fs_put(gb_machine *m, int node);  /* an fd closed: free the node when unnamed */
int gb_fs_resize(gb_machine *m, int node, size_t len); /* 0, -ENOSPC, -ENOMEM, -EFBIG */
int gb_fs_write(gb_machine *m, int node, size_t off, const void *buf, size_t n);
size_t gb_fs_path(gb_machine *m, int node, char *out, size_t cap); /* a directory's path */
uint64_t gb_fs_now(gb_machine *m);  /* realtime ns, for the times */
int gb_fs_fill(gb_machine *m, int node); /* a lazy mount file's bytes: 0 or -errno */
void gb_fs_fd_refresh(gb_machine *m, int dir); /* /proc/self/fd's links, from the fd table */
/* The guest-made entries below directory GUEST (gb_emu_result.exported): 0, -ENOENT
 * when GUEST is not a directory, -ENOMEM. */
int gb_fs_export(gb_machine *m, const char *guest, gb_mount_ent **out, int *n);
void gb_fs_touch(gb_machine *m, int node, int what); /* 1 mtime+ctime, 2 ctime, 4 atime */

/* ---- pipe.c ---- */
int gb_pipe_new(gb_machine *m);                 /* index (one reader, one writer) or -ENOMEM */
void gb_pipe_ref(gb_machine *m, int i, int writer, int delta); /* an end dup'ed / closed */
int64_t gb_pipe_read(gb_machine *m, int i, uint64_t buf, uint64_t n);  /* -EAGAIN: empty */
/* -EAGAIN: full, or N <= GB_PIPE_BUF and less room than N (atomic writes) */
int64_t gb_pipe_write(gb_machine *m, int i, uint64_t buf, uint64_t n);
uint32_t gb_pipe_ready(gb_machine *m, int i, int writer); /* EPOLL*_LINUX bits */
int64_t gb_pipe_resize(gb_machine *m, int i, uint64_t want); /* F_SETPIPE_SZ */
void gb_pipes_free(gb_machine *m);

/* ---- stdin.c: fd 0 (gb_emu_opts.stdin_kind) ---- */
int64_t gb_stdin_read(gb_machine *m, uint64_t buf, uint64_t n); /* count, 0 EOF, -errno */
void gb_files_summary(gb_machine *m, cJSON *sum); /* "stdin": {bytes, sha256} if read */
void gb_stdin_free(gb_machine *m);               /* hand the log to opts.stdin_log */

/* ---- vfs.c: the contents the run makes (read-only files) ---- */
/* PATH's generated contents (copied, owned by the caller) or -ENOENT. */
int gb_vfs_open(gb_machine *m, const char *path, char **data, size_t *len);
/* The absolute paths of the generated files these options offer, NULL-terminated. */
int gb_vfs_files(gb_machine *m, const char **out, int cap);
uint64_t gb_vfs_ino(const char *abs); /* the inode number of a default-tree path */

#endif
